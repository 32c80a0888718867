"""The store protocol: what every backend (embedded SQLite, Elasticsearch) answers the same way.

Semantics every backend keeps (the contract tests in tests/store/ hold them to it):
- ``upsert`` is idempotent by ``Item.id``. Content and source fields are replaced; model labels
  and the cluster are replaced only when the incoming item carries them, and cleared when the
  content changed underneath them (so a changed article is classified again); a review is
  never overwritten by an upsert unless the stored item is still unreviewed.
- Days and ISO weeks (Monday to Sunday) are computed in Asia/Ho_Chi_Minh.
- The label a chart counts is the *effective* sentiment: the reviewer's when there is one,
  the model's otherwise.
- ``set_review`` succeeds only against the version the reviewer read; otherwise it raises
  :class:`phuxanh.errors.ReviewConflict` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

from phuxanh.schema import Item, Misinformation, Review, Sentiment

Interval = Literal["day", "week"]
Dimension = Literal[
    "sentiment", "source_type", "official", "outlet", "source", "topic", "province",
    "misinformation", "is_original",
]
DIMENSIONS: tuple[Dimension, ...] = (
    "sentiment", "source_type", "official", "outlet", "source", "topic", "province",
    "misinformation", "is_original",
)


@dataclass(frozen=True)
class ItemFilter:
    """Narrows any read. ``None`` means "do not filter on this"."""

    topics: Sequence[str] | None = None
    sources: Sequence[str] | None = None
    source_types: Sequence[str] | None = None
    provinces: Sequence[str] | None = None
    official: bool | None = None
    sentiments: Sequence[str] | None = None  # effective sentiment; "" = not yet classified
    misinformation: str | None = None  # "likely" / "unlikely"
    review_statuses: Sequence[str] | None = None
    originals_only: bool = False  # one item per near-duplicate cluster
    date_from: date | None = None  # inclusive, Vietnam local day
    date_to: date | None = None  # inclusive, Vietnam local day
    # Items dated only by our crawl time are left out of trends unless asked for.
    include_undated: bool = False


@dataclass(frozen=True)
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True)
class AggregateRow:
    """One bucket: the period's first day (the Monday for weeks), the dimension values, a count."""

    period: date
    key: dict[str, Any]
    count: int


@dataclass(frozen=True)
class SearchHit:
    item: Item
    score: float  # higher is better; 0.0 when sorted by date only


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int  # all matches, not just this page; a lower bound when total_capped
    # True when the query matched so many items that counting them all was not worth it: the
    # total is then "at least this many", and hits come from the most recently collected
    # matches (see the backend's docs).
    total_capped: bool = False


@dataclass(frozen=True)
class LabelUpdate:
    """New model labels for one stored item (from ``phuxanh classify``)."""

    item_id: str
    sentiment: Sentiment
    misinformation: Misinformation | None = None


@dataclass(frozen=True)
class LabelRecord:
    """One classification of an item as ``set_labels`` stored it: the item page's history.

    Appended only when the labels stored actually change (a re-run of the same model giving
    the same answer adds nothing), so the history reads as "what the model said, and when"."""

    at: datetime  # aware
    model: str
    sentiment: str | None
    sentiment_score: float | None
    misinformation: str | None
    misinformation_score: float | None
    narrative_id: str | None


@dataclass(frozen=True)
class QueueEntry:
    item: Item
    version: int  # pass back to ``set_review`` as ``expected_version``
    priority: float


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str  # "review", "export", "login", "ingest", ...
    target: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoreStats:
    total: int
    classified: int
    reviewed: int
    undated: int
    # (ISO week "2026-W12", effective sentiment or "", official) -> count, dated items only
    weekly: dict[tuple[str, str, bool], int]


@dataclass(frozen=True)
class SourceRun:
    """What one crawl did for one source."""

    source: str  # key in sources.yaml
    started_at: datetime
    finished_at: datetime
    fetched: int = 0  # pages fetched: feeds, sitemaps, listings, articles
    new: int = 0  # items inserted
    not_modified: int = 0  # feeds or sitemaps answering 304 to a conditional request
    dropped: int = 0
    errors: int = 0
    error_sample: str = ""  # the first error, for a person to read

    @property
    def failed(self) -> bool:
        """Errors and nothing obtained: the source did not answer usefully."""
        return self.errors > 0 and self.fetched == 0 and self.not_modified == 0


@dataclass(frozen=True)
class SourceHealth:
    source: str
    runs: int
    last_run_at: datetime | None
    last_success_at: datetime | None  # last run that was not a failure
    last_new_item_at: datetime | None  # last run that stored something new
    error_streak: int  # consecutive failed runs up to the latest
    last_error: str  # the latest failed run's error sample ("" if none)

    def silent_days(self, now: datetime) -> int | None:
        """Days since the source last gave a new item (None: it never has)."""
        if self.last_new_item_at is None:
            return None
        return (now - self.last_new_item_at).days


def check_aggregate_args(interval: str, by: Sequence[str], known: Iterable[str]) -> None:
    """The same refusal from every backend for an unknown interval or dimension."""
    if interval not in ("day", "week"):
        raise ValueError(f"interval must be 'day' or 'week', not {interval!r}")
    known = list(known)
    unknown = [d for d in by if d not in known]
    if unknown:
        raise ValueError(f"cannot aggregate by {unknown}; choose from {known}")


class Store(Protocol):
    """The one interface every stage writes and reads through."""

    def upsert(self, items: Iterable[Item]) -> UpsertResult: ...

    def get(self, item_id: str) -> Item | None: ...

    def get_version(self, item_id: str) -> int:
        """The review version of an item (raises ItemNotFound)."""
        ...

    def existing_ids(self, ids: Iterable[str]) -> set[str]: ...

    def count(self, filters: ItemFilter | None = None) -> int: ...

    def iter_items(
        self, filters: ItemFilter | None = None, batch_size: int = 500
    ) -> Iterator[Item]: ...

    def iter_unclassified(
        self, model: str | None = None, batch_size: int = 500
    ) -> Iterator[Item]:
        """Items with no sentiment, or (when ``model`` is given) labelled by another model."""
        ...

    def set_labels(self, updates: Iterable[LabelUpdate]) -> int:
        """Store model labels; each update that changes an item's labels (or their model) also
        appends a :class:`LabelRecord` to its history, in the same write."""
        ...

    def label_history(self, item_id: str, limit: int = 20) -> list[LabelRecord]:
        """The item's classification history, newest first ([] for an unknown item)."""
        ...

    def search(
        self,
        query: str,
        filters: ItemFilter | None = None,
        sort: Literal["relevance", "newest"] = "relevance",
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage: ...

    def aggregate(
        self,
        interval: Interval,
        by: Sequence[Dimension] = (),
        filters: ItemFilter | None = None,
    ) -> list[AggregateRow]: ...

    def review_queue(
        self,
        filters: ItemFilter | None = None,
        order: Literal["priority", "newest"] = "priority",
        limit: int = 50,
        offset: int = 0,
    ) -> list[QueueEntry]: ...

    def set_review(
        self, item_id: str, review: Review, expected_version: int, actor: str
    ) -> int:
        """Record a review; returns the new version. Raises ReviewConflict or ItemNotFound."""
        ...

    def audit(self, actor: str, action: str, target: str, details: dict[str, Any] | None = None
              ) -> None: ...

    def audit_log(self, limit: int = 100, action: str | None = None) -> list[AuditEntry]: ...

    # -- retention (phuxanh.retention decides what expired, the store removes it) -------------

    def delete_items(self, ids: Iterable[str]) -> int:
        """Remove these items and everything kept for them (search index, topic and cluster
        rows, rollup counts), so counts and searches no longer see them. A removed cluster
        original hands that role to the earliest remaining copy. Unknown ids are ignored;
        returns how many of ``ids`` existed."""
        ...

    def prune_audit(self, before: datetime) -> int:
        """Remove audit entries written before ``before`` (aware); returns how many."""
        ...

    def stats(self) -> StoreStats: ...

    # -- source health ------------------------------------------------------------------------

    def record_source_runs(self, runs: Iterable[SourceRun]) -> None: ...

    def source_health(self) -> list[SourceHealth]:
        """One entry per source that has ever been crawled, by source key."""
        ...

    # -- near-duplicate clustering (phuxanh.dedup computes, the store keeps) -----------------

    def dedup_pending(self, limit: int = 500) -> list[Item]:
        """Items not yet clustered (new, or whose content changed), earliest published first."""
        ...

    def lsh_candidates(self, keys: Sequence[tuple[int, int]]) -> dict[str, bytes]:
        """id -> signature of clustered items sharing any (band, key) with ``keys``."""
        ...

    def cluster_original(self, cluster_id: str) -> Item | None:
        """The member of a cluster marked as its original."""
        ...

    def cluster_members(self, cluster_id: str, limit: int = 50) -> list[Item]:
        """Up to ``limit`` members of a cluster, its original first, then the copies by
        publication time (then id, so the order is stable); [] for an unknown cluster."""
        ...

    def save_cluster(
        self,
        item_id: str,
        signature: bytes | None,
        keys: Sequence[tuple[int, int]],
        cluster_id: str,
        is_original: bool,
        demote: str | None = None,
    ) -> None:
        """In one transaction: keep the item's signature and band keys, put it in
        ``cluster_id`` (as its original or a copy), and mark ``demote`` (the previous original)
        as a copy."""
        ...

    # -- moving data between stores (phuxanh.migrate) ----------------------------------------

    def restore_items(self, entries: Iterable[tuple[Item, int]]) -> int:
        """Write items exactly as given, with their review version (no upsert merge): the
        target side of a migration. Idempotent; returns how many were written."""
        ...

    def iter_audit(self, batch_size: int = 500) -> Iterator[AuditEntry]:
        """The whole audit log, oldest first."""
        ...

    def restore_audit(self, entries: Iterable[AuditEntry]) -> int:
        """Append entries keeping their own time (``audit`` stamps now); returns how many."""
        ...

    def iter_source_runs(self, batch_size: int = 500) -> Iterator[SourceRun]:
        """Every recorded source run, oldest first (``record_source_runs`` writes them)."""
        ...

    def close(self) -> None: ...
