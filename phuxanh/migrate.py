"""Copy everything from one store into another: items (with their labels, cluster, review and
review version), the audit log and the source runs. ``phuxanh migrate --to elasticsearch``
moves the embedded store into the production cluster.

Resumable: after every batch the position reached in each part is written to a checkpoint file
in data_dir, and a second run continues from there (items are written with ``restore_items``,
which is idempotent, so a batch repeated after a crash does no harm). At the end the three
counts are compared between the stores and reported; a mismatch is an error, never a shrug.

Not copied: near-duplicate signatures (the target clusters the items again: they come back
pending in ``dedup_pending``), user accounts (their own file, see phuxanh/users.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from phuxanh.errors import StoreError
from phuxanh.schema import Item
from phuxanh.store.base import ItemFilter, Store

T = TypeVar("T")
EVERYTHING = ItemFilter(include_undated=True)
PARTS = ("items", "audit", "source_runs")


@dataclass
class Checkpoint:
    """How far each part has been copied (counted in the source's own order)."""

    path: Path
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))
    finished: bool = False

    @classmethod
    def load(cls, path: Path, restart: bool) -> Checkpoint:
        if restart or not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, {part: int(data["done"].get(part, 0)) for part in PARTS},
                       bool(data.get("finished")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{path}: unreadable migration checkpoint ({exc}); "
                             "run again with --restart") from None

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": self.done, "finished": self.finished}),
                       encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a crash leaves the old or the new, never half


@dataclass(frozen=True)
class PartCount:
    source: int
    target: int
    copied_now: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class MigrationReport:
    parts: dict[str, PartCount]
    resumed: bool
    checkpoint: Path

    @property
    def ok(self) -> bool:
        return all(count.ok for count in self.parts.values())

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "resumed": self.resumed, "checkpoint": str(self.checkpoint),
                "parts": {name: {**asdict(c), "ok": c.ok} for name, c in self.parts.items()}}


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _copy(
    name: str, rows: Iterator[T], write: Callable[[list[T]], object], checkpoint: Checkpoint,
    batch_size: int, progress: Callable[[str, int], None] | None,
) -> int:
    skip = checkpoint.done[name]
    for _ in islice(rows, skip):  # already copied by an earlier run
        pass
    copied = 0
    for batch in _batches(rows, batch_size):
        write(batch)
        copied += len(batch)
        checkpoint.done[name] += len(batch)
        checkpoint.save()
        if progress:
            progress(name, checkpoint.done[name])
    return copied


def _versioned(source: Store, items: Iterator[Item]) -> Iterator[tuple[Item, int]]:
    for item in items:
        yield item, source.get_version(item.id)


def migrate(
    source: Store,
    target: Store,
    checkpoint_path: Path,
    *,
    batch_size: int = 500,
    restart: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> MigrationReport:
    checkpoint = Checkpoint.load(checkpoint_path, restart)
    resumed = any(checkpoint.done.values())
    checkpoint.finished = False
    copied = {
        "items": _copy("items", _versioned(source, source.iter_items(EVERYTHING, batch_size)),
                       target.restore_items, checkpoint, batch_size, progress),
        "audit": _copy("audit", source.iter_audit(batch_size), target.restore_audit,
                       checkpoint, batch_size, progress),
        "source_runs": _copy("source_runs", source.iter_source_runs(batch_size),
                             target.record_source_runs, checkpoint, batch_size, progress),
    }
    parts = {
        "items": PartCount(source.count(EVERYTHING), target.count(EVERYTHING), copied["items"]),
        "audit": PartCount(sum(1 for _ in source.iter_audit(batch_size)),
                           sum(1 for _ in target.iter_audit(batch_size)), copied["audit"]),
        "source_runs": PartCount(sum(1 for _ in source.iter_source_runs(batch_size)),
                                 sum(1 for _ in target.iter_source_runs(batch_size)),
                                 copied["source_runs"]),
    }
    report = MigrationReport(parts, resumed, checkpoint_path)
    checkpoint.finished = report.ok
    checkpoint.save()
    return report


def describe(report: MigrationReport) -> str:
    lines = []
    for name, c in report.parts.items():
        mark = "ok" if c.ok else "MISMATCH"
        lines.append(f"{name}: source {c.source}, target {c.target}, copied this run "
                     f"{c.copied_now} [{mark}]")
    if report.resumed:
        lines.append(f"(resumed from {report.checkpoint})")
    return "\n".join(lines)
