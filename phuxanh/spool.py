"""Items the store refused, kept on disk until the store takes them (nothing is lost).

When a write to the store fails part-way through a crawl (SQLite locked or "disk I/O error",
Elasticsearch down, any StoreError), the crawler appends the batch to a spool file instead of
dropping it: ``<data_dir>/spool/<UTC time>-<pid>-<random>.jsonl``, one JSON Item per line,
each append flushed and fsync'd before the crawl goes on. One file per crawl (per spider).

The next crawl (and each ``phuxanh run`` cycle) replays the spool before anything else: every
file, oldest first, is upserted into the store and deleted only after the store accepted all
of it. A file still being written (its writer holds an exclusive ``flock`` on it: another
spider of the same crawl, another crawl process) is left alone. Upserts are idempotent by
item id, so a replay interrupted half-way (killed, store failing again) and redone later
stores every item exactly once; a file whose last line was cut off by a kill mid-write loses
only that line's item, which was never acknowledged and is fetched again by the next crawl
(it is not in the store, so it is not "known").

A spool is meant to be short-lived; a store that stays down is still an error the crawl
reports (StoreError, exit 1) so someone looks at it. ``phuxanh spool`` lists what waits.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from phuxanh.errors import PhuxanhError, StoreError
from phuxanh.schema import Item
from phuxanh.store.base import Store, UpsertResult

logger = logging.getLogger(__name__)
SPOOL_DIR = "spool"
_REPLAY_BATCH = 200


class SpoolError(PhuxanhError):
    """The spool itself cannot be written (disk full, permissions): items may be lost."""


def disk_error_message(path: Path | str, exc: OSError) -> str:
    """One line for an OSError on ``path``; a full disk says so in words."""
    if exc.errno == errno.ENOSPC:
        return f"{path}: the disk is full (no space left on device); free space and run again"
    if exc.errno == errno.EDQUOT:
        return f"{path}: disk quota exceeded; free space and run again"
    return f"{path}: {exc.strerror or exc}"


@dataclass
class ReplayResult:
    files: int = 0  # spool files fully replayed and deleted
    items: int = 0  # lines read (items handed to the store)
    stored: UpsertResult = field(default_factory=UpsertResult)
    skipped_lines: list[str] = field(default_factory=list)  # "file:line: why" (torn writes)


def spool_dir(data_dir: Path) -> Path:
    return data_dir / SPOOL_DIR


def pending_files(data_dir: Path) -> list[Path]:
    """Spool files waiting for replay, oldest first (their names sort by time)."""
    folder = spool_dir(data_dir)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.jsonl") if path.is_file())


def pending_count(data_dir: Path) -> int:
    """Items waiting in the spool (lines, counted without parsing)."""
    total = 0
    for path in pending_files(data_dir):
        with path.open("rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


def _fsync_dir(folder: Path) -> None:
    # A new or deleted file survives a power cut only once its directory entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the file itself was synced
    finally:
        os.close(fd)


class SpoolWriter:
    """Appends items to this crawl's spool file, created on the first append."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = spool_dir(data_dir)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        # pid and a random part: several spiders of one crawl each have their own file.
        self.path = self.folder / f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}.jsonl"
        self.count = 0
        self._handle: IO[bytes] | None = None

    def append(self, items: Sequence[Item]) -> None:
        """Write and fsync ``items``; raises SpoolError (naming the file) if the disk refuses."""
        if not items:
            return
        data = b"".join(item.model_dump_json().encode("utf-8") + b"\n" for item in items)
        try:
            if self._handle is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                # Locked under a name replays do not look at, then renamed: a replay never
                # sees the file unlocked. The lock is held until close, so a replay elsewhere
                # never stores and deletes a file that is still growing (the kernel drops
                # the lock if we are killed, and the file is replayed next time).
                part = self.path.with_name(self.path.name + ".part")
                handle = part.open("ab")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    part.rename(self.path)
                except OSError:
                    handle.close()
                    raise
                self._handle = handle
                _fsync_dir(self.folder)
            self._handle.write(data)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise SpoolError(
                f"cannot spool {len(items)} items the store refused: "
                f"{disk_error_message(self.path, exc)}"
            ) from exc
        self.count += len(items)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _read(handle: IO[bytes], path: Path, skipped: list[str]) -> Iterator[Item]:
    handle.seek(0)
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            yield Item.from_stored(raw)
        except ValidationError as exc:
            # Only a write cut off by a kill produces this (we wrote every line ourselves);
            # that item was never acknowledged and is fetched again.
            reason = f"{path}:{number}: unreadable line skipped ({exc.errors()[0]['msg']})"
            logger.warning("%s", reason)
            skipped.append(reason)


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def replay(store: Store, data_dir: Path, exclude: Iterable[Path] = ()) -> ReplayResult:
    """Upsert every spooled item into ``store``, oldest file first, deleting each file once
    all of it is stored. Raises StoreError when the store fails again; the files not yet
    replayed stay (the one being replayed too: its items already stored are unchanged next
    time). ``exclude``: files still being written (this crawl's own)."""
    result = ReplayResult()
    skip = {Path(path) for path in exclude}
    for path in pending_files(data_dir):
        if path in skip:
            continue
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            continue  # another replay finished it first
        except OSError as exc:
            raise StoreError(f"cannot read the spool: {disk_error_message(path, exc)}") from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.info("%s is still being written; left for later", path)
                continue
            if not path.exists():
                continue  # replayed and deleted while we waited for the lock
            try:
                for batch in _batches(_read(handle, path, result.skipped_lines),
                                      _REPLAY_BATCH):
                    result.stored = result.stored + store.upsert(batch)
                    result.items += len(batch)
            except OSError as exc:
                raise StoreError(
                    f"cannot read the spool: {disk_error_message(path, exc)}") from exc
            # Deleted while still locked, so no other replay can read it half-gone.
            path.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        result.files += 1
        logger.info("replayed %s into the store", path)
    return result


def describe(result: ReplayResult) -> str:
    stored = result.stored
    line = (f"spool: {result.items} items from {result.files} files replayed "
            f"({stored.inserted} new, {stored.updated} updated, {stored.unchanged} unchanged)")
    if result.skipped_lines:
        line += f"; {len(result.skipped_lines)} cut-off lines skipped"
    return line
