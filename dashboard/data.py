"""The only dashboard module that talks to the store.

It asks the store for pre-aggregated counts (never items), turns them into small frozen
dataclasses the figures and pages can use without knowing the store exists, and fills every
week of the window with zeros so charts never skip a quiet week. A short TTL cache keeps many
open browsers from re-running the same query; counts a few seconds old are fine for a
monitoring screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml

from phuxanh.schema import VN_TZ, Item, Review
from phuxanh.store.base import (
    AggregateRow,
    AuditEntry,
    ItemFilter,
    QueueEntry,
    SearchPage,
    SourceHealth,
    Store,
)

Clock = Callable[[], datetime]
SENTIMENTS = ("positive", "neutral", "negative", "unclassified")


def vn_now() -> datetime:
    return datetime.now(VN_TZ)


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_window(today: date, weeks: int) -> tuple[date, date]:
    """First Monday and last Sunday of the ``weeks`` ISO weeks ending with ``today``'s week."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    last_monday = week_start(today)
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    return first_monday, last_monday + timedelta(days=6)


@dataclass(frozen=True)
class WeekCounts:
    """One ISO week of one topic: items by effective sentiment, and the "phủ xanh" numerator."""

    week: date  # the Monday
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    unclassified: int = 0
    official_positive: int = 0  # positive items from official channels (a subset of positive)

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative + self.unclassified

    def count(self, sentiment: str) -> int:
        return int(getattr(self, sentiment))


def coverage_index(official_positive: int, negative: int) -> float | None:
    """Share of official positive items in official positive + negative (0..1), the "phủ xanh"
    index: 1 when official content drowns out criticism, 0 when only criticism is visible.
    None when there is neither (nothing to say, rather than a misleading 0 or 100%)."""
    both = official_positive + negative
    return official_positive / both if both else None


def coverage_ratio(official_positive: int, negative: int) -> float | None:
    """Official positive items per negative item; None when there is no negative item."""
    return official_positive / negative if negative else None


@dataclass(frozen=True)
class Overview:
    """What the overview page shows for one topic over the window."""

    topic: str | None  # None: every topic
    start: date  # the first Monday
    end: date  # the last Sunday
    weeks: tuple[WeekCounts, ...]  # oldest first, one per week, zero-filled
    store_empty: bool  # the store holds no item at all (not just none in the window)
    as_of: datetime

    def _sum(self, field: str) -> int:
        return sum(week.count(field) for week in self.weeks)

    @property
    def total(self) -> int:
        return sum(week.total for week in self.weeks)

    @property
    def positive(self) -> int:
        return self._sum("positive")

    @property
    def negative(self) -> int:
        return self._sum("negative")

    @property
    def unclassified(self) -> int:
        return self._sum("unclassified")

    @property
    def share_positive(self) -> float | None:
        """Positive items over all items in the window (unclassified ones included)."""
        return self.positive / self.total if self.total else None

    @property
    def share_negative(self) -> float | None:
        return self.negative / self.total if self.total else None

    @property
    def latest(self) -> WeekCounts:
        """The current (possibly unfinished) week."""
        return self.weeks[-1]


def weekly_counts(rows: Iterable[AggregateRow], start: date, weeks: int) -> list[WeekCounts]:
    """Fold ``aggregate("week", ["sentiment", "official"])`` rows into one WeekCounts per week
    from ``start`` (a Monday), zeros where the store had nothing."""
    buckets: dict[date, dict[str, int]] = {
        start + timedelta(weeks=i): dict.fromkeys((*SENTIMENTS, "official_positive"), 0)
        for i in range(weeks)
    }
    for row in rows:
        bucket = buckets.get(row.period)
        if bucket is None:
            continue  # outside the window: a backend that rounds differently must not widen it
        label = row.key.get("sentiment") or "unclassified"
        if label not in bucket:
            label = "unclassified"  # an unknown label is still an item; count it, do not drop it
        bucket[label] += row.count
        if label == "positive" and row.key.get("official"):
            bucket["official_positive"] += row.count
    return [WeekCounts(week, **counts) for week, counts in buckets.items()]


class DashboardData:
    """Store reads for the dashboard, cached for ``ttl_seconds``. Thread-safe: the server
    answers callbacks from several threads."""

    def __init__(
        self, store: Store, *, ttl_seconds: float = 30.0, clock: Clock = vn_now
    ) -> None:
        self._store = store
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
        # Computed outside the lock: two threads may both query on a miss, which is cheaper
        # than making every reader wait behind one slow query.
        value = compute()
        with self._lock:
            if len(self._cache) > 256:  # topics x windows is small; this only bounds a leak
                self._cache.clear()
            self._cache[key] = (now + self._ttl, value)
        return value

    def today(self) -> date:
        return self._clock().astimezone(VN_TZ).date()

    def store_empty(self) -> bool:
        # include_undated: an item dated only by our crawl time is still data the unit has.
        return self._cached(
            ("store_empty",),
            lambda: self._store.count(ItemFilter(include_undated=True)) == 0,
        )

    def overview(self, topic: str | None, weeks: int) -> Overview:
        now = self._clock().astimezone(VN_TZ)
        start, end = week_window(now.date(), weeks)

        def compute() -> Overview:
            rows = self._store.aggregate(
                "week",
                ["sentiment", "official"],
                ItemFilter(
                    topics=[topic] if topic else None, date_from=start, date_to=end
                ),
            )
            return Overview(
                topic=topic,
                start=start,
                end=end,
                weeks=tuple(weekly_counts(rows, start, weeks)),
                store_empty=self.store_empty(),
                as_of=now,
            )

        return self._cached(("overview", topic, start, weeks), compute)

    def review_queue(self, filters: ItemFilter,
                     order: Literal["priority", "newest"] = "priority",
                     limit: int = 50) -> list[QueueEntry]:
        """Flagged, unreviewed items; never cached (two reviewers must see each other's work)."""
        return self._store.review_queue(filters, order=order, limit=limit)

    def review_item(self, item_id: str) -> tuple[Item, int] | None:
        """The item and its review version, read together for the reviewer's decision."""
        item = self._store.get(item_id)
        if item is None:
            return None
        return item, self._store.get_version(item_id)

    def submit_review(self, item_id: str, review: Review, expected_version: int,
                      actor: str) -> int:
        """Record a decision (raises ReviewConflict); the charts count reviewed labels, so the
        cached counts are dropped."""
        version = self._store.set_review(item_id, review, expected_version, actor=actor)
        self.clear_cache()
        return version

    def search(self, query: str, filters: ItemFilter,
               sort: Literal["relevance", "newest"] = "relevance", limit: int = 20,
               offset: int = 0) -> SearchPage:
        """Full-text search (diacritic-insensitive in the store); not cached: a person searching
        expects what was collected a moment ago."""
        return self._store.search(query, filters, sort=sort, limit=limit, offset=offset)

    def item(self, item_id: str) -> Item | None:
        return self._store.get(item_id)

    def review_trail(self, item_id: str, scan: int = 200) -> list[AuditEntry]:
        """The review decisions on ``item_id``, newest first, from the latest ``scan`` review
        entries of the audit log (older decisions on a busy store are not shown)."""
        entries = [entry for entry in self._store.audit_log(limit=scan, action="review")
                   if entry.target == item_id]
        return sorted(entries, key=lambda entry: entry.at, reverse=True)

    def now(self) -> datetime:
        return self._clock().astimezone(VN_TZ)

    def source_health(self) -> list[SourceHealth]:
        """Per crawled source: runs, last success, error streak (one small query per source)."""
        return self._cached(("source_health",), self._store.source_health)


# -- review queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Narrative:
    """A known false claim and the official answer to it (config/narratives.yaml)."""

    id: str
    claim: str
    rebuttal: str
    rebuttal_url: str | None


_NARRATIVES: dict[Path, tuple[float, dict[str, Narrative]]] = {}
_NARRATIVES_LOCK = threading.Lock()


def load_narratives(path: Path) -> dict[str, Narrative]:
    """id -> Narrative from ``path``, re-read when the file changes; {} when it is missing.
    A small reader of our own: the dashboard needs the texts, not the claim matcher."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    with _NARRATIVES_LOCK:
        hit = _NARRATIVES.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, Narrative] = {}
    for entry in data.get("narratives") or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        url = entry.get("rebuttal_url")
        found[str(entry["id"])] = Narrative(
            id=str(entry["id"]),
            claim=str(entry.get("claim") or ""),
            rebuttal=str(entry.get("rebuttal") or ""),
            rebuttal_url=str(url) if url else None,
        )
    with _NARRATIVES_LOCK:
        _NARRATIVES[path] = (mtime, found)
    return found


def queue_filter(source_type: str | None = None, official: bool | None = None,
                 misinformation_only: bool = False) -> ItemFilter:
    """The items still waiting for a person (undated ones too: a rumour has no byline date)."""
    return ItemFilter(
        source_types=[source_type] if source_type else None,
        official=official,
        misinformation="likely" if misinformation_only else None,
        review_statuses=["unreviewed"],
        include_undated=True,
    )
