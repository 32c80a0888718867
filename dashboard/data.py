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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml

from phuxanh.errors import ItemNotFound
from phuxanh.schema import VN_TZ, Item, Review
from phuxanh.store.base import (
    AggregateRow,
    AuditEntry,
    ItemFilter,
    LabelRecord,
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

    @property
    def store(self) -> Store:
        """The store itself, for a page that writes through a phuxanh function (submitting a
        URL, dashboard/pages/submit.py); call :meth:`clear_cache` after the write."""
        return self._store

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
                     limit: int = 50, offset: int = 0) -> list[QueueEntry]:
        """Flagged, unreviewed items; never cached (two reviewers must see each other's work)."""
        return self._store.review_queue(filters, order=order, limit=limit, offset=offset)

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
               offset: int = 0, sources: Sequence[str] | None = None) -> SearchPage:
        """Full-text search (diacritic-insensitive in the store); not cached: a person searching
        expects what was collected a moment ago. ``sources`` (from :func:`visible_sources`)
        limits a press user to their outlets, within any source filter already chosen."""
        if sources is not None:
            allowed = set(sources) & set(filters.sources) if filters.sources else set(sources)
            if not allowed:
                return SearchPage(hits=[], total=0)
            filters = replace(filters, sources=sorted(allowed))
        return self._store.search(query, filters, sort=sort, limit=limit, offset=offset)

    def item(self, item_id: str, sources: Sequence[str] | None = None) -> Item | None:
        """One item; None when it does not exist or ``sources`` (a press user's outlets) does
        not include it, so an id typed into the address bar shows nothing more than search."""
        item = self._store.get(item_id)
        if item is not None and sources is not None and item.source not in sources:
            return None
        return item

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

    # -- overview filters and alerts, near-duplicate clusters (issue 5) ----------------------

    def overview_detail(self, filters: OverviewFilters, weeks: int) -> OverviewDetail:
        """The overview for ``filters``: sentiment counts, the phủ xanh and alert signals per
        week, and (when no province is chosen) the same signals per province, for alerts."""
        now = self.now()
        start, end, count = filters.window(now.date(), weeks)

        def compute() -> OverviewDetail:
            chosen = filters.item_filter(start, end)
            # One query gives every figure: sentiment x official for the volume and index,
            # misinformation for the alerts, is_original for unique stories vs copies.
            rows = self._store.aggregate(
                "week", ["sentiment", "official", "misinformation", "is_original"], chosen
            )
            provinces: dict[str, tuple[WeekSignals, ...]] = {}
            if not filters.province:
                by_province: dict[str, list[AggregateRow]] = {}
                for row in self._store.aggregate(
                    "week", ["province", "sentiment", "misinformation"], chosen
                ):
                    name = str(row.key.get("province") or "")
                    if name:  # national sources have no province to single out
                        by_province.setdefault(name, []).append(row)
                provinces = {name: tuple(week_signals(found, start, count))
                             for name, found in sorted(by_province.items())}
            overview = Overview(
                topic=filters.topic, start=start, end=end,
                weeks=tuple(weekly_counts(rows, start, count)),
                store_empty=self.store_empty(), as_of=now,
            )
            return OverviewDetail(filters=filters, overview=overview,
                                  signals=tuple(week_signals(rows, start, count)),
                                  provinces=provinces)

        return self._cached(("overview_detail", filters, start, count), compute)

    def cluster_members(self, cluster_id: str, limit: int = 50) -> list[Item]:
        """A near-duplicate cluster, its original first (not cached: reviews change it)."""
        return self._store.cluster_members(cluster_id, limit=limit)

    def cluster_versions(self, cluster_id: str, limit: int = 50) -> list[tuple[Item, int]]:
        """The cluster's members with their review versions, for a decision on all of them."""
        found = []
        for member in self._store.cluster_members(cluster_id, limit=limit):
            try:
                found.append((member, self._store.get_version(member.id)))
            except ItemNotFound:
                continue  # deleted between the two reads (retention): nothing to decide on
        return found

    def label_history(self, item_id: str, limit: int = 20) -> list[LabelRecord]:
        """What the models said about the item, newest first (not cached: classify adds)."""
        return self._store.label_history(item_id, limit=limit)


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


# -- overview filters, phủ xanh and alert signals (issue 5, screen 1) --------------------------

MAX_WEEKS = 260  # five years of weekly buckets: the most a chart can usefully show


@dataclass(frozen=True)
class OverviewFilters:
    """What the overview is narrowed to. Hashable: it is part of the cache key."""

    topic: str | None = None
    province: str | None = None
    source_type: str | None = None
    date_from: date | None = None  # inclusive, Vietnam local day
    date_to: date | None = None

    def window(self, today: date, weeks: int) -> tuple[date, date, int]:
        """(first Monday, last Sunday, number of weeks) the charts cover: ``weeks`` weeks
        ending this week, or the whole weeks around the chosen dates."""
        if self.date_from is None and self.date_to is None:
            start, end = week_window(today, weeks)
        else:
            last = self.date_to or today
            first = self.date_from or week_start(last) - timedelta(weeks=weeks - 1)
            first, last = min(first, last), max(first, last)
            start, end = week_start(first), week_start(last) + timedelta(days=6)
        count = (end - start).days // 7 + 1
        if count > MAX_WEEKS:
            start, count = end - timedelta(days=7 * MAX_WEEKS - 1), MAX_WEEKS
        return start, end, count

    def item_filter(self, start: date, end: date) -> ItemFilter:
        """The store filter: the chosen days exactly (partial weeks at the ends count only
        their chosen days), within the charted weeks; dated items only, as every trend."""
        first, last = self.date_from, self.date_to
        if first and last and first > last:
            first, last = last, first
        return ItemFilter(
            topics=[self.topic] if self.topic else None,
            provinces=[self.province] if self.province else None,
            source_types=[self.source_type] if self.source_type else None,
            date_from=max(first, start) if first else start,
            date_to=min(last, end) if last else end,
        )


@dataclass(frozen=True)
class WeekSignals:
    """One week's numbers behind the phủ xanh index, the alerts and unique stories."""

    week: date  # the Monday
    total: int = 0
    originals: int = 0  # items that are their cluster's original (or in no cluster)
    negative: int = 0  # effective sentiment negative
    misinformation: int = 0  # the model suspects misinformation
    flagged: int = 0  # negative or suspected misinformation, each item once
    official_positive: int = 0

    @property
    def copies(self) -> int:
        return self.total - self.originals

    @property
    def phu_xanh(self) -> float | None:
        """Official positive items over official positive + flagged items (0..1)."""
        return coverage_index(self.official_positive, self.flagged)

    def count(self, metric: str) -> int:
        return int(getattr(self, metric))


def week_signals(rows: Iterable[AggregateRow], start: date, weeks: int) -> list[WeekSignals]:
    """Fold aggregate rows (by any of sentiment, official, misinformation, is_original) into
    one WeekSignals per week from ``start``; a dimension not asked for counts as "no"."""
    buckets: dict[date, dict[str, int]] = {
        start + timedelta(weeks=i): dict.fromkeys(
            ("total", "originals", "negative", "misinformation", "flagged",
             "official_positive"), 0)
        for i in range(weeks)
    }
    for row in rows:
        bucket = buckets.get(row.period)
        if bucket is None:
            continue
        sentiment = row.key.get("sentiment") or ""
        negative = sentiment == "negative"
        misinformation = row.key.get("misinformation") == "likely"
        bucket["total"] += row.count
        bucket["originals"] += row.count if row.key.get("is_original", True) else 0
        bucket["negative"] += row.count if negative else 0
        bucket["misinformation"] += row.count if misinformation else 0
        bucket["flagged"] += row.count if negative or misinformation else 0
        if sentiment == "positive" and row.key.get("official"):
            bucket["official_positive"] += row.count
    return [WeekSignals(week, **counts) for week, counts in buckets.items()]


@dataclass(frozen=True)
class OverviewDetail:
    filters: OverviewFilters
    overview: Overview  # the sentiment counts, as the plain overview has them
    signals: tuple[WeekSignals, ...]  # oldest first, one per week, zero-filled
    provinces: dict[str, tuple[WeekSignals, ...]]  # per province; {} when one is chosen


def response_delay(item: Item) -> timedelta | None:
    """Time from first seeing ``item`` (``fetched_at``, kept from the first crawl) to the
    official response a reviewer recorded (marked handled). Derived from the review, which
    records when it was made; None for an item not handled."""
    review = item.review
    if review.status != "handled" or review.reviewed_at is None:
        return None
    return max(review.reviewed_at - item.fetched_at, timedelta(0))


# -- coverage (Đưa tin) and the weekly report ------------------------------------------------
# Kept as one block of functions over DashboardData (rather than methods in the class above)
# so it can be read and changed on its own. Its imports sit here for the same reason.

from typing import TYPE_CHECKING  # noqa: E402

from phuxanh.errors import PermissionDenied  # noqa: E402

if TYPE_CHECKING:
    from phuxanh.config import Source
    from phuxanh.users import User


def visible_sources(user: User | None) -> tuple[str, ...] | None:
    """The source keys ``user`` may see: a press user only their own outlets, every other role
    every source (None: no restriction). Without a user there is nothing to show. Every read
    below takes this as its ``sources`` so the restriction holds whatever page calls it."""
    if user is None:
        raise PermissionDenied("login required")
    if user.role == "press":
        return tuple(user.outlets)
    return None


def _source_filter(sources: Sequence[str] | None) -> list[str] | None:
    return None if sources is None else sorted(set(sources))


@dataclass(frozen=True)
class OutletWeeks:
    """One outlet (a source key) on one topic: items per week against its target."""

    source: str
    name: str
    official: bool
    target: int | None  # items per week; None: no target given
    counts: tuple[int, ...]  # one per week of the window, oldest first
    configured: bool  # still in sources.yaml
    enabled: bool

    @property
    def total(self) -> int:
        return sum(self.counts)

    def met(self, index: int) -> bool | None:
        """Week ``index`` reached the target (None: no target)."""
        return None if self.target is None else self.counts[index] >= self.target


@dataclass(frozen=True)
class Coverage:
    """Every visible outlet's weekly items on a topic; the last week may still be running."""

    topic: str | None
    weeks: tuple[date, ...]  # Mondays, oldest first
    rows: tuple[OutletWeeks, ...]
    complete: int  # how many of the weeks are over (all, or all but the current one)
    silent_weeks: int  # latest complete weeks with no item that make an outlet "silent"
    restricted: bool  # a press user's view: only their outlets
    as_of: datetime

    @property
    def current_week_running(self) -> bool:
        return self.complete < len(self.weeks)

    @property
    def latest_complete(self) -> int | None:
        """Index of the latest finished week (None: none of the window is over yet)."""
        return self.complete - 1 if self.complete else None

    def is_silent(self, row: OutletWeeks) -> bool:
        """No item in the latest ``silent_weeks`` complete weeks, although the outlet had items
        earlier in the window or was given a target: it stopped covering the topic."""
        if self.complete < self.silent_weeks or not row.enabled:
            return False
        recent = row.counts[self.complete - self.silent_weeks:self.complete]
        if any(recent):
            return False
        earlier = row.counts[:self.complete - self.silent_weeks]
        return bool(row.target) or any(earlier)

    @property
    def silent(self) -> list[OutletWeeks]:
        return [row for row in self.rows if self.is_silent(row)]


def coverage(data: DashboardData, sources_config: Iterable[Source], topic: str | None,
             weeks: int, sources: Sequence[str] | None, *, end_week: date | None = None,
             silent_weeks: int = 1) -> Coverage:
    """Items per outlet per week on ``topic`` for the ``weeks`` weeks ending with ``end_week``
    (a Monday; default: this week, still running), restricted to ``sources`` (None: all).

    Rows: every enabled configured source (with its target, if any) and every source that had
    items in the window, each once. Counts are all dated items, copies included: republishing
    a story is coverage too."""
    now = data.now()
    this_monday = week_start(now.date())
    last_monday = week_start(end_week) if end_week else this_monday
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    mondays = tuple(first_monday + timedelta(weeks=i) for i in range(weeks))
    wanted = _source_filter(sources)

    def compute() -> dict[str, dict[date, int]]:
        rows = data._store.aggregate("week", ["source"], ItemFilter(
            topics=[topic] if topic else None, sources=wanted, date_from=first_monday,
            date_to=last_monday + timedelta(days=6)))
        found: dict[str, dict[date, int]] = {}
        for row in rows:
            key = str(row.key.get("source") or "")
            found.setdefault(key, {})
            found[key][row.period] = found[key].get(row.period, 0) + row.count
        return found

    counted = data._cached(("coverage", topic, first_monday, weeks,
                            tuple(wanted) if wanted is not None else None), compute)
    allowed = None if wanted is None else set(wanted)
    rows: list[OutletWeeks] = []
    seen: set[str] = set()
    for source in sources_config:
        if allowed is not None and source.key not in allowed:
            continue
        per_week = counted.get(source.key, {})
        if not source.enabled and not per_week:
            continue  # not crawled and nothing stored: nothing to say about it
        seen.add(source.key)
        rows.append(OutletWeeks(
            source=source.key, name=source.name, official=source.official,
            target=source.target_for(topic), counts=tuple(per_week.get(m, 0) for m in mondays),
            configured=True, enabled=source.enabled,
        ))
    for key, per_week in counted.items():
        if key in seen or (allowed is not None and key not in allowed):
            continue
        rows.append(OutletWeeks(
            source=key, name=key, official=False, target=None,
            counts=tuple(per_week.get(m, 0) for m in mondays), configured=False, enabled=True,
        ))
    rows.sort(key=lambda row: (row.target is None, not row.official, row.name.casefold()))
    complete = weeks - 1 if last_monday >= this_monday else weeks
    return Coverage(topic=topic, weeks=mondays, rows=tuple(rows), complete=complete,
                    silent_weeks=silent_weeks, restricted=sources is not None, as_of=now)


@dataclass(frozen=True)
class WeekSummary:
    """The headline numbers of one ISO week on a topic."""

    week: date  # the Monday
    total: int = 0
    originals: int = 0  # unique stories: one item per near-duplicate cluster
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    unclassified: int = 0
    official_positive: int = 0
    misinformation: int = 0  # suspected by the model ("likely")
    against: int = 0  # negative or suspected misinformation, each item once

    @property
    def copies(self) -> int:
        return self.total - self.originals

    @property
    def index(self) -> float | None:
        """The "phủ xanh" index: official positive items against negative plus suspected
        misinformation items (see :func:`coverage_index`)."""
        return coverage_index(self.official_positive, self.against)

    def count(self, field: str) -> int:
        return int(getattr(self, field))


def week_summaries(data: DashboardData, topic: str | None, first_monday: date, weeks: int,
                   sources: Sequence[str] | None) -> list[WeekSummary]:
    """One WeekSummary per week from ``first_monday``, zero-filled, from one aggregate."""
    wanted = _source_filter(sources)
    last_sunday = first_monday + timedelta(weeks=weeks, days=-1)

    def compute() -> list[WeekSummary]:
        rows = data._store.aggregate(
            "week", ["sentiment", "official", "misinformation", "is_original"],
            ItemFilter(topics=[topic] if topic else None, sources=wanted,
                       date_from=first_monday, date_to=last_sunday))
        fields = ("total", "originals", *SENTIMENTS, "official_positive", "misinformation",
                  "against")
        buckets = {first_monday + timedelta(weeks=i): dict.fromkeys(fields, 0)
                   for i in range(weeks)}
        for row in rows:
            bucket = buckets.get(row.period)
            if bucket is None:
                continue
            label = row.key.get("sentiment") or "unclassified"
            label = label if label in SENTIMENTS else "unclassified"
            likely = row.key.get("misinformation") == "likely"
            bucket["total"] += row.count
            bucket[label] += row.count
            bucket["originals"] += row.count if row.key.get("is_original") else 0
            bucket["official_positive"] += (
                row.count if label == "positive" and row.key.get("official") else 0)
            bucket["misinformation"] += row.count if likely else 0
            bucket["against"] += row.count if likely or label == "negative" else 0
        return [WeekSummary(week, **counts) for week, counts in buckets.items()]

    return data._cached(("week_summaries", topic, first_monday, weeks,
                         tuple(wanted) if wanted is not None else None), compute)


def narrative_counts(data: DashboardData, topic: str | None, start: date, end: date,
                     sources: Sequence[str] | None) -> list[tuple[str, int]]:
    """(narrative id, items) of the suspected-misinformation items dated ``start``..``end``,
    most first; "" collects suspected items that matched no known narrative. An item a reviewer
    dismissed or judged not misinformation is not counted; a reviewer's narrative replaces the
    model's. Reads the items themselves (the rollups keep no narrative); cached like the
    counts, so a preview followed by two downloads reads them once."""
    wanted = _source_filter(sources)

    def compute() -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        # The topic is checked here, not in the query: on the embedded store a topic filter
        # walks every item of the topic (~4x slower at 300,000 items than reading the week).
        for item in data._store.iter_items(ItemFilter(
                sources=wanted, misinformation="likely", date_from=start, date_to=end)):
            review = item.review
            if topic and topic not in item.topics:
                continue
            if review.status == "dismissed" or review.misinformation == "unlikely":
                continue
            model_id = item.misinformation.narrative_id if item.misinformation else None
            key = review.narrative_id or model_id or ""
            counts[key] = counts.get(key, 0) + 1
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0] == "", pair[0]))

    return data._cached(("narratives", topic, start, end,
                         tuple(wanted) if wanted is not None else None), compute)


@dataclass(frozen=True)
class HandledItem:
    """An item a reviewer marked handled, with the official response."""

    item_id: str
    title: str
    url: str
    outlet: str
    first_seen: datetime  # when we first fetched it
    handled_at: datetime
    response_url: str | None
    reviewer: str | None

    @property
    def response_hours(self) -> float:
        """Hours from first seen to the recorded official response."""
        return max(0.0, (self.handled_at - self.first_seen).total_seconds() / 3600)


def handled_items(data: DashboardData, topic: str | None, start: date, end: date,
                  sources: Sequence[str] | None) -> list[HandledItem]:
    """Items marked handled between ``start`` and ``end`` (Vietnam days of the decision, not
    of publication: a rumour from last month answered this week belongs to this week), oldest
    decision first. Undated items count: a rumour often has no date of its own. Cached (a
    review through :meth:`DashboardData.submit_review` clears the cache)."""
    wanted = _source_filter(sources)

    def compute() -> list[HandledItem]:
        found: list[HandledItem] = []
        for item in data._store.iter_items(ItemFilter(  # topic checked here, as above
                sources=wanted, review_statuses=["handled"], include_undated=True)):
            at = item.review.reviewed_at
            if topic and topic not in item.topics:
                continue
            if at is None or not start <= at.astimezone(VN_TZ).date() <= end:
                continue
            found.append(HandledItem(
                item_id=item.id, title=item.title, url=item.url,
                outlet=item.outlet or item.source, first_seen=item.fetched_at, handled_at=at,
                response_url=item.review.response_url, reviewer=item.review.reviewer))
        return sorted(found, key=lambda entry: entry.handled_at)

    return data._cached(("handled", topic, start, end,
                         tuple(wanted) if wanted is not None else None), compute)


def record_export(data: DashboardData, actor: str, target: str,
                  details: dict[str, Any] | None = None) -> None:
    """Write an export to the audit log (raises if it cannot: an unrecorded export must not
    happen, so callers write this before handing the file over)."""
    data._store.audit(actor, "export", target, details or {})
