"""SQL fragments for the embedded store: filters, full-text queries and row values.

Kept apart from the connection handling so each piece can be read (and tested) on its own.
Column names only ever come from the fixed tables below; values are always bound parameters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from phuxanh.schema import VN_TZ, Item
from phuxanh.store.base import Dimension, ItemFilter
from phuxanh.store.merge import effective_sentiment, review_priority
from phuxanh.store.search_syntax import parse_search
from phuxanh.text import fold

# Dimension name -> rollup column.
ROLLUP_COLUMNS: dict[Dimension, str] = {
    "sentiment": "sentiment",
    "source_type": "source_type",
    "official": "official",
    "outlet": "outlet",
    "source": "source",
    "topic": "topic",
    "province": "province",
    "misinformation": "misinfo",
    "is_original": "is_original",
}


def _in(column: str, values: Sequence[Any], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})" if values else "0"


def _shared_clauses(
    f: ItemFilter, prefix: str, sentiment: str, day: str, clauses: list[str], params: list[Any]
) -> None:
    """The filters the items table and the rollups answer alike (their column names differ only
    for the effective sentiment and the day)."""
    for values, column in (
        (f.sources, "source"),
        (f.source_types, "source_type"),
        (f.provinces, "province"),
        (f.sentiments, sentiment),
    ):
        if values is not None:
            clauses.append(_in(prefix + column, list(values), params))
    if f.official is not None:
        clauses.append(f"{prefix}official = ?")
        params.append(int(f.official))
    if f.misinformation is not None:
        clauses.append(f"{prefix}misinfo = ?")
        params.append(f.misinformation)
    if f.originals_only:
        clauses.append(f"{prefix}is_original = 1")
    if f.date_from is not None:
        clauses.append(f"{prefix}{day} >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to is not None:
        clauses.append(f"{prefix}{day} <= ?")
        params.append(f.date_to.isoformat())
    if not f.include_undated:
        clauses.append(f"{prefix}dated = 1")


def items_where(filters: ItemFilter | None, prefix: str = "items.") -> tuple[str, list[Any]]:
    """WHERE clause (without the keyword) over the items table for ``filters``."""
    f = filters or ItemFilter()
    clauses: list[str] = []
    params: list[Any] = []
    p = prefix
    if f.topics is not None:
        params_topics: list[Any] = []
        inner = _in("topic", list(f.topics), params_topics)
        clauses.append(f"{p}rowid IN (SELECT item_rowid FROM item_topics WHERE {inner})")
        params.extend(params_topics)
    if f.review_statuses is not None:
        clauses.append(_in(p + "review_status", list(f.review_statuses), params))
    _shared_clauses(f, p, "effective_sentiment", "vn_day", clauses, params)
    return (" AND ".join(clauses) or "1"), params


_PER_SOURCE_DIMENSIONS = {"source", "outlet", "province"}


def weekly_rollup_answers(
    interval: str, by: Sequence[Dimension], filters: ItemFilter | None
) -> bool:
    """Can the weekly table (no per-source columns, whole weeks only) answer this question?"""
    f = filters or ItemFilter()
    return (
        interval == "week"
        and not _PER_SOURCE_DIMENSIONS & set(by)
        and f.sources is None
        and f.provinces is None
        and (f.date_from is None or f.date_from.weekday() == 0)
        and (f.date_to is None or f.date_to.weekday() == 6)
    )


def rollup_where(
    filters: ItemFilter | None, by: Sequence[Dimension], weekly: bool = False
) -> tuple[str, list[Any]]:
    """WHERE clause over daily_rollup (or weekly_rollup, where dates compare whole weeks).
    Review-status filters cannot be answered from a rollup (it does not keep the status), so
    they are refused rather than silently ignored."""
    f = filters or ItemFilter()
    if f.review_statuses is not None:
        raise ValueError("aggregate() does not filter on review status")
    clauses: list[str] = []
    params: list[Any] = []
    if f.topics is not None:
        clauses.append(_in("topic", list(f.topics), params))
    elif "topic" not in by:
        clauses.append("topic_rank = 0")  # count each item once
    # The weekly table's "week" is the Monday: from a Monday to a Sunday covers whole weeks.
    _shared_clauses(f, "", "sentiment", "week" if weekly else "day", clauses, params)
    return (" AND ".join(clauses) or "1"), params


def fts_query(query: str) -> str | None:
    """What a user typed (syntax: :mod:`phuxanh.store.search_syntax`) as a safe FTS5 query on
    folded text; None when nothing searchable is left."""
    parsed = parse_search(query)
    if parsed is None:
        return None

    def phrase(words: tuple[str, ...]) -> str:
        return '"' + " ".join(words) + '"'

    groups = [phrase(group[0]) if len(group) == 1
              else "(" + " OR ".join(phrase(words) for words in group) + ")"
              for group in parsed.required]
    expression = " AND ".join(groups)
    for words in parsed.excluded:
        expression += f" NOT {phrase(words)}"
    return expression


def vn_day(item: Item) -> date:
    return item.published_at.astimezone(VN_TZ).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def item_columns(item: Item) -> dict[str, Any]:
    """The items-table column values for ``item`` (everything but rowid and review_version)."""
    return {
        "id": item.id,
        "source": item.source,
        "source_type": item.source_type,
        "outlet": item.outlet,
        "official": int(item.official),
        "province": item.province or "",
        "published_ts": int(item.published_at.timestamp()),
        "vn_day": vn_day(item).isoformat(),
        "dated": int(item.is_dated),
        "fetched_ts": int(item.fetched_at.timestamp()),
        "content_hash": item.content_hash,
        "cluster_id": item.cluster_id,
        "is_original": int(item.is_original),
        "sentiment": item.sentiment.label if item.sentiment else None,
        "sentiment_score": item.sentiment.score if item.sentiment else None,
        "misinfo": item.misinformation.label if item.misinformation else None,
        "misinfo_score": item.misinformation.score if item.misinformation else None,
        "model": item.sentiment.model if item.sentiment else None,
        "effective_sentiment": effective_sentiment(item),
        "priority": review_priority(item),
        "review_status": item.review.status,
        "doc": item.model_dump_json(),
    }


def rollup_keys(item: Item) -> list[tuple[Any, ...]]:
    """The daily_rollup keys an item counts under (one per topic, or one with topic '')."""
    day = vn_day(item)
    common = (
        item.source, item.source_type, item.outlet, int(item.official), item.province or "",
    )
    tail = (
        effective_sentiment(item),
        item.misinformation.label if item.misinformation else "",
        int(item.is_original),
        int(item.is_dated),
    )
    topics = item.topics or [""]
    return [
        (day.isoformat(), week_start(day).isoformat(), *common, topic, rank, *tail)
        for rank, topic in enumerate(dict.fromkeys(topics))
    ]


def fts_values(item: Item) -> tuple[str, str]:
    return fold(item.title), fold(item.text)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
