"""Topic matching: does an item mention a tracked topic, and with which terms?

Matching is on folded text (no case, no diacritics, đ -> d) with punctuation treated as a word
break, so "Chỉ thị số 57-CT/TW", "chi thi so 57 CT-TW" and "CHỈ THỊ 57/CT-TW" all match the
term "Chỉ thị số 57-CT/TW". Terms match whole words only: "57-CT/TW" does not match "157-CT/TW".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from phuxanh.config import Topic
from phuxanh.text import fold

_NON_WORD = re.compile(r"[^\w]+|_+")


def match_form(text: str) -> str:
    """Folded text with every run of punctuation or space turned into one space, padded."""
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


@dataclass(frozen=True)
class TopicMatch:
    topic: str  # Topic.key
    terms: tuple[str, ...]  # the configured terms that matched, as configured


class TopicMatcher:
    """Matches items against the configured topics. Build once, call per item."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self._topics = [
            (
                topic.key,
                [(term, match_form(term)) for term in topic.terms],
                [match_form(term) for term in topic.exclude],
            )
            for topic in topics
        ]

    def match(self, *texts: str) -> list[TopicMatch]:
        haystack = match_form("\n".join(texts))
        matches = []
        for key, terms, excludes in self._topics:
            if any(exclude in haystack for exclude in excludes):
                continue
            found = tuple(term for term, form in terms if form in haystack)
            if found:
                matches.append(TopicMatch(key, found))
        return matches
