"""``phuxanh retention``: delete what the unit no longer may keep, and say what was deleted.

Limits come from the ``retention`` config section: days to keep per source type, counted from
an item's publication date (for an item dated only by our crawl, that is its first crawl time:
the store keeps ``published_at`` = ``fetched_at`` for those), and days to keep the audit log.

An item is expired when its Vietnam-local publication day is earlier than ``today - days``.
Expired items are deleted in batches through :meth:`Store.delete_items`, so any backend works
and a large first run never holds one long transaction. Items a reviewer confirmed or corrected
but nobody has yet handled or dismissed ("open" reviews) are deleted too when they expire -
a retention limit is a legal limit, not a suggestion - but are counted separately so the unit
sees that it let them expire.

What was deleted is accounted for twice: the ids (with source type, day and review status) go
to a file under ``<data_dir>/retention/``, and one ``retention`` audit entry gives the counts per
source type, the cut-off days, the file and its sha256. The audit entry is written even when a
run fails half-way, saying how far it got.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from phuxanh.config import RetentionConfig
from phuxanh.schema import VN_TZ, Item
from phuxanh.store.base import ItemFilter, Store

# Reviewed, and still waiting for someone to act on them.
OPEN_REVIEW_STATUSES = ("confirmed", "corrected")
RETENTION_DIR = "retention"


@dataclass
class TypeReport:
    source_type: str
    keep_days: int
    cutoff: date  # items published before this Vietnam-local day are expired
    deleted: int = 0  # or, in a dry run, would be
    open_reviews: int = 0  # of those, reviewed but not yet handled or dismissed


@dataclass
class RetentionReport:
    ran_at: datetime
    dry_run: bool
    types: list[TypeReport] = field(default_factory=list)
    audit_cutoff: datetime | None = None
    audit_pruned: int = 0
    ids_file: Path | None = None
    ids_sha256: str = ""
    completed: bool = False
    error: str = ""

    @property
    def deleted(self) -> int:
        return sum(t.deleted for t in self.types)

    @property
    def open_reviews(self) -> int:
        return sum(t.open_reviews for t in self.types)

    def details(self) -> dict[str, Any]:
        """The audit entry's details."""
        return {
            "dry_run": self.dry_run,
            "completed": self.completed,
            **({"error": self.error} if self.error else {}),
            "deleted": {t.source_type: t.deleted for t in self.types},
            "open_reviews": {t.source_type: t.open_reviews for t in self.types},
            "cutoff": {t.source_type: t.cutoff.isoformat() for t in self.types},
            "keep_days": {t.source_type: t.keep_days for t in self.types},
            "ids_file": str(self.ids_file) if self.ids_file else None,
            "ids_sha256": self.ids_sha256,
            "audit_cutoff": self.audit_cutoff.isoformat() if self.audit_cutoff else None,
            "audit_pruned": self.audit_pruned,
        }


def _expired_filter(source_type: str, cutoff: date) -> ItemFilter:
    # date_to is inclusive: the last expired day is the one before the cut-off.
    return ItemFilter(source_types=[source_type], date_to=cutoff - timedelta(days=1),
                      include_undated=True)


def _dry_run(store: Store, report: RetentionReport) -> None:
    for entry in report.types:
        expired = _expired_filter(entry.source_type, entry.cutoff)
        entry.deleted = store.count(expired)
        entry.open_reviews = store.count(
            replace(expired, review_statuses=list(OPEN_REVIEW_STATUSES))
        )
    if report.audit_cutoff is not None:
        cutoff = report.audit_cutoff
        report.audit_pruned = sum(1 for e in store.iter_audit() if e.at < cutoff)


def _line(item: Item) -> str:
    day = item.published_at.astimezone(VN_TZ).date().isoformat()
    return f"{item.id}\t{item.source_type}\t{day}\t{item.review.status}\n"


def _delete_batch(store: Store, entry: TypeReport, batch: list[Item], out: IO[str]) -> None:
    # Ids are written (and flushed) before the delete: a crash in between leaves ids listed
    # that may still exist, never deleted ids that are not listed.
    out.writelines(_line(item) for item in batch)
    out.flush()
    entry.deleted += store.delete_items([item.id for item in batch])
    entry.open_reviews += sum(1 for item in batch if item.review.status in OPEN_REVIEW_STATUSES)


def _delete(store: Store, report: RetentionReport, out: IO[str], batch_size: int) -> None:
    for entry in report.types:
        batch: list[Item] = []
        for item in store.iter_items(_expired_filter(entry.source_type, entry.cutoff),
                                     batch_size=batch_size):
            batch.append(item)
            if len(batch) >= batch_size:
                _delete_batch(store, entry, batch, out)
                batch = []
        if batch:
            _delete_batch(store, entry, batch, out)
    if report.audit_cutoff is not None:
        report.audit_pruned = store.prune_audit(report.audit_cutoff)


def run_retention(
    store: Store,
    retention: RetentionConfig,
    data_dir: Path,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    actor: str = "cli",
) -> RetentionReport:
    """Apply ``retention`` to ``store``; in a dry run, count only (nothing written)."""
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    today = now.date()
    report = RetentionReport(ran_at=now, dry_run=dry_run)
    for source_type, days in sorted(retention.days.items()):
        if days is not None:
            report.types.append(TypeReport(source_type, days, today - timedelta(days=days)))
    if retention.audit_log_days is not None:
        report.audit_cutoff = now - timedelta(days=retention.audit_log_days)
    if dry_run:
        _dry_run(store, report)
        report.completed = True
        return report

    folder = data_dir / RETENTION_DIR
    folder.mkdir(parents=True, exist_ok=True)
    report.ids_file = folder / f"{now:%Y%m%d-%H%M%S}-deleted-ids.tsv"
    try:
        with report.ids_file.open("x", encoding="utf-8") as out:
            out.write("id\tsource_type\tpublished_day\treview_status\n")
            _delete(store, report, out, retention.batch_size)
        report.completed = True
    except BaseException as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if report.ids_file.exists():
            report.ids_sha256 = hashlib.sha256(report.ids_file.read_bytes()).hexdigest()
        # After the prune, so this run's own entry is never the one pruned.
        store.audit(actor, "retention", str(report.ids_file), report.details())
    return report


def describe(report: RetentionReport) -> str:
    verb = "would delete" if report.dry_run else "deleted"
    lines = []
    for t in report.types:
        lines.append(f"{t.source_type:<7} kept {t.keep_days} days (before "
                     f"{t.cutoff:%d/%m/%Y}): {verb} {t.deleted}"
                     + (f", of which {t.open_reviews} reviewed and not yet handled"
                        if t.open_reviews else ""))
    if not report.types:
        lines.append("no retention limit on any source type (retention.days)")
    if report.audit_cutoff is not None:
        lines.append(f"audit log entries before {report.audit_cutoff:%d/%m/%Y}: {verb} "
                     f"{report.audit_pruned}")
    if report.ids_file is not None:
        lines.append(f"deleted ids: {report.ids_file}")
    if report.error:
        lines.append(f"stopped early: {report.error}")
    return "\n".join(lines)
