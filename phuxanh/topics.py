"""Topic matching: does an item mention a tracked topic, and with which terms?

Matching is on folded text (no case, no diacritics, đ -> d) with punctuation treated as a word
break, so "Chỉ thị số 57-CT/TW", "chi thi so 57 CT-TW" and "CHỈ THỊ 57/CT-TW" all match the
term "Chỉ thị số 57-CT/TW". Terms match whole words only: "57-CT/TW" does not match "157-CT/TW".

A topic may also have a boolean ``query`` (phuxanh/topic_query.py), matched the same way. A
topic matches when any term or its query matches, and no exclusion does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from phuxanh.config import Topic
from phuxanh.topic_query import Document, Query, match_form, parse_query

__all__ = ["TopicMatch", "TopicMatcher", "match_form"]


@dataclass(frozen=True)
class TopicMatch:
    topic: str  # Topic.key
    # The configured terms that matched, as configured, then the query's phrases that made the
    # query match, as written in it (for highlighting).
    terms: tuple[str, ...]
    query: bool = False  # whether the topic's query matched (the terms may have too)


@dataclass(frozen=True)
class _Compiled:
    key: str
    terms: list[tuple[str, str]]  # (term as configured, its match form)
    excludes: list[str]  # match forms
    query: Query | None


class TopicMatcher:
    """Matches items against the configured topics. Build once, call per item."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self._topics = [
            _Compiled(
                topic.key,
                [(term, match_form(term)) for term in topic.terms],
                [match_form(term) for term in topic.exclude],
                parse_query(topic.query) if topic.query else None,
            )
            for topic in topics
        ]

    def match(self, *texts: str) -> list[TopicMatch]:
        doc = Document(*texts)
        haystack = doc.haystack
        matches = []
        for topic in self._topics:
            if any(exclude in haystack for exclude in topic.excludes):
                continue
            found = tuple(term for term, form in topic.terms if form in haystack)
            by_query, leaves = topic.query.evaluate(doc) if topic.query else (False, ())
            if found or by_query:
                terms = tuple(dict.fromkeys(found + leaves))
                matches.append(TopicMatch(topic.key, terms, by_query))
        return matches
