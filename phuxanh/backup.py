"""``phuxanh backup`` / ``phuxanh restore``: a consistent copy of the embedded store's state.

What is copied from the data directory: the store (``store.sqlite_path``), the dashboard
accounts (``users.db``), the crawl memory (``crawl_seen.db``) when present, and any spooled
items waiting to be replayed (``spool/*.jsonl``, see phuxanh/spool.py), so nothing collected is
left out of a backup.

Each database is copied with SQLite's online backup API in a single step: one read transaction
over the whole file, so the copy is the database as it was at one instant even while a crawl
or reviewers keep writing (in WAL mode readers never block writers, and writers do not restart
a single-step backup). The copy is then switched out of WAL mode, so it is one self-contained
file, and checked with ``PRAGMA quick_check``.

A backup is a directory, or a ``.tar.gz`` when DEST ends so, holding the files and
``manifest.json``: for each file its sha256, size, row count (items, users, remembered links,
spooled lines) and schema version, plus when the backup was made. ``restore`` checks all of it
before writing anything, refuses to replace a store or accounts that hold data unless told to
(``--force``), and copies each database back through the same backup API, so a reader that
has the file open sees either the old or the restored content, never a torn file.

With ``store.backend: elasticsearch`` the items are backed up with Elasticsearch snapshots
(docs/operations.md); ``phuxanh backup`` then copies the rest of the data directory (accounts,
crawl memory, spool), which snapshots do not hold.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from phuxanh.config import Config
from phuxanh.errors import InputError, PhuxanhError, StoreError
from phuxanh.schema import VN_TZ

MANIFEST = "manifest.json"
FORMAT = 1
STORE_NAME = "phuxanh.db"
USERS_NAME = "users.db"  # phuxanh.users.USERS_DB
SEEN_NAME = "crawl_seen.db"  # crawlers.seen.FILENAME (not imported: it pulls in the crawler)
SPOOL_DIR = "spool"  # phuxanh.spool.SPOOL_DIR
# (kind, table whose rows the manifest counts)
_DATABASES = {
    STORE_NAME: ("store", "items"),
    USERS_NAME: ("users", "users"),
    SEEN_NAME: ("crawl_seen", "seen"),
}
# The only names a backup may hold: nothing in an archive can point outside the target.
_SAFE_NAME = re.compile(r"^(manifest\.json|phuxanh\.db|users\.db|crawl_seen\.db|"
                        r"spool/[A-Za-z0-9][A-Za-z0-9._-]*\.jsonl)$")
_CHUNK = 1 << 20


class BackupError(PhuxanhError):
    """A backup cannot be made, or a restore was refused or failed its checks."""


@dataclass(frozen=True)
class BackupFile:
    name: str  # path inside the backup
    kind: str  # "store", "users", "crawl_seen" or "spool"
    sha256: str
    size: int
    rows: int  # items, users, remembered links, or spooled items (lines)
    schema_version: int | None = None  # PRAGMA user_version of a database


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    files: tuple[BackupFile, ...]
    phuxanh_version: str = ""
    format: int = FORMAT

    @property
    def items(self) -> int:
        """Items in the store copy (0 when the backup has none)."""
        return sum(f.rows for f in self.files if f.kind == "store")

    def to_json(self) -> str:
        data = {
            "format": self.format,
            "created_at": self.created_at.isoformat(),
            "phuxanh_version": self.phuxanh_version,
            "items": self.items,
            "files": [asdict(f) for f in self.files],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise BackupError(f"{where}: backup format {data.get('format')!r} is not "
                                  f"{FORMAT}: made by another phuxanh version")
            created = datetime.fromisoformat(data["created_at"])
            files = tuple(BackupFile(**entry) for entry in data["files"])
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{where}: not a valid backup manifest ({exc})") from None
        for entry in files:
            if not _SAFE_NAME.match(entry.name) or entry.name == MANIFEST:
                raise InputError(f"{where}: unexpected file name {entry.name!r} in the manifest")
        return cls(created, files, str(data.get("phuxanh_version", "")), FORMAT)


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    restored: tuple[str, ...]  # names restored
    spool_skipped: tuple[str, ...]  # spool files already present, left as they were


def _version() -> str:
    try:
        return metadata.version("phuxanh")
    except metadata.PackageNotFoundError:
        return ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _rows(conn: sqlite3.Connection, table: str) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if not exists:
        return 0
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _check(conn: sqlite3.Connection, where: str) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{where}: the database is damaged ({result})")


def _copy_database(source: Path, target: Path, table: str) -> tuple[int, int]:
    """Copy ``source`` to the new file ``target`` as of one instant; (rows, user_version)."""
    try:
        with closing(sqlite3.connect(source, timeout=60)) as src, \
                closing(sqlite3.connect(target)) as dst:
            # pages=-1: the whole file in one step, i.e. one read transaction on the source.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            _check(dst, str(source))
            return _rows(dst, table), int(dst.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: cannot back up ({exc})") from None


def _sources(config: Config) -> dict[str, Path]:
    """Name in the backup -> file in the data directory, for the files that exist."""
    found = {STORE_NAME: config.sqlite_path} if _embedded(config) else {}
    for name in (USERS_NAME, SEEN_NAME):
        if (config.data_dir / name).is_file():
            found[name] = config.data_dir / name
    spool = config.data_dir / SPOOL_DIR
    if spool.is_dir():
        for path in sorted(spool.glob("*.jsonl")):
            name = f"{SPOOL_DIR}/{path.name}"
            if _SAFE_NAME.match(name):
                found[name] = path
    return found


def _embedded(config: Config) -> bool:
    return config.store.backend == "sqlite"


def _audit(config: Config, actor: str, action: str, target: str, details: dict[str, Any]
           ) -> None:
    from phuxanh.store import open_store

    store = open_store(config)
    try:
        store.audit(actor, action, target, details)
    finally:
        store.close()


def _is_archive(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def _write_backup(config: Config, folder: Path, now: datetime) -> Manifest:
    files = []
    for name, source in _sources(config).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in _DATABASES:
            kind, table = _DATABASES[name]
            rows, version = _copy_database(source, target, table)
        else:
            # A spool file only grows by whole fsync'd lines; a line cut at the end of the
            # copy is dropped here exactly as the replay would drop it.
            data = source.read_bytes()
            data = data[: data.rfind(b"\n") + 1]
            target.write_bytes(data)
            kind, rows, version = "spool", data.count(b"\n"), None
        files.append(BackupFile(name, kind, _sha256(target), target.stat().st_size, rows,
                                version))
    manifest = Manifest(now, tuple(files), _version())
    (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def backup(config: Config, dest: Path, *, now: datetime | None = None,
           actor: str = "cli") -> Manifest:
    """Copy the embedded store (opened, and so migrated, first), accounts, crawl memory and
    spool into ``dest`` (a new or empty directory, or a new ``.tar.gz``). With Elasticsearch,
    everything but the store, whose backups are snapshots."""
    from phuxanh.store.sqlite import SQLiteStore

    now = now or datetime.now(VN_TZ)
    if _embedded(config) and not config.sqlite_path.is_file():
        raise BackupError(f"{config.sqlite_path}: no store to back up")
    if not _sources(config):
        raise BackupError(f"{config.data_dir}: nothing to back up (no accounts, crawl memory "
                          "or spool; the Elasticsearch store is backed up with snapshots)")
    if _is_archive(dest):
        if dest.exists():
            raise BackupError(f"{dest}: already exists; choose a new name")
    elif dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest}: exists and is not an empty directory")
    parent = dest.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=parent))
    except OSError as exc:
        raise BackupError(f"{dest}: cannot write here ({exc})") from None
    partial = staging.with_name(staging.name + ".tar.gz")
    try:
        if _embedded(config):
            SQLiteStore(config.sqlite_path).close()  # brings an old store to the current schema
        manifest = _write_backup(config, staging, now)
        if _is_archive(dest):
            # Private like the staging folder (mkdtemp: 0700): it holds password hashes.
            partial.touch(mode=0o600)
            with tarfile.open(partial, "w:gz") as archive:
                for name in (MANIFEST, *(f.name for f in manifest.files)):
                    archive.add(staging / name, arcname=name, recursive=False)
            os.replace(partial, dest)
        else:
            if dest.exists():
                dest.rmdir()  # empty, checked above
            os.replace(staging, dest)
    except OSError as exc:
        raise BackupError(f"{dest}: cannot write the backup ({exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        partial.unlink(missing_ok=True)
    _audit(config, actor, "backup", str(dest), {
        "items": manifest.items, "files": [f.name for f in manifest.files],
        "created_at": manifest.created_at.isoformat(),
    })
    return manifest


# -- restore ------------------------------------------------------------------------------------

@contextmanager
def _opened(source: Path) -> Iterator[Path]:
    """The backup as a folder: ``source`` itself, or a .tar.gz unpacked into a temporary one
    (regular files with expected names only)."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise InputError(f"{source}: no such backup")
    with tempfile.TemporaryDirectory(prefix="phuxanh-restore-") as tmp:
        folder = Path(tmp)
        try:
            with tarfile.open(source, "r:*") as archive:
                for member in archive:
                    if not member.isfile() or not _SAFE_NAME.match(member.name):
                        raise InputError(f"{source}: unexpected entry {member.name!r} in the "
                                         "archive; not a phuxanh backup")
                    handle = archive.extractfile(member)
                    if handle is None:  # pragma: no cover - isfile() members always have data
                        continue
                    target = folder / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with handle, target.open("wb") as out:
                        shutil.copyfileobj(handle, out, _CHUNK)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise InputError(f"{source}: not a readable .tar.gz backup ({exc})") from None
        yield folder


def verify(folder: Path, where: str) -> Manifest:
    """Check every file against the manifest (size, sha256, integrity, row count)."""
    manifest_path = folder / MANIFEST
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{where}: no {MANIFEST}; not a phuxanh backup") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: cannot read {MANIFEST} ({exc})") from None
    manifest = Manifest.from_json(text, f"{where}/{MANIFEST}")
    for entry in manifest.files:
        path = folder / entry.name
        label = f"{where}: {entry.name}"
        if not path.is_file():
            raise BackupError(f"{label}: missing from the backup")
        if path.stat().st_size != entry.size or _sha256(path) != entry.sha256:
            raise BackupError(f"{label}: does not match its sha256 in the manifest (the backup "
                              "is damaged or was changed)")
        if entry.name in _DATABASES:
            table = _DATABASES[entry.name][1]
            try:
                with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                    _check(conn, label)
                    rows = _rows(conn, table)
            except sqlite3.Error as exc:
                raise BackupError(f"{label}: not a readable database ({exc})") from None
            if rows != entry.rows:
                raise BackupError(f"{label}: holds {rows} rows, the manifest says {entry.rows}")
    return manifest


def _existing_rows(path: Path, table: str) -> int:
    if not path.is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
            return _rows(conn, table)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot read ({exc})") from None


def _refuse_while_running(data_dir: Path) -> None:
    """``phuxanh run`` holds ``run.lock`` (phuxanh.schedule): restoring under it would mix
    a crawl's writes into the restored data."""
    lock = data_dir / "run.lock"
    if not lock.is_file():
        return
    with lock.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"{lock}: a phuxanh run is using this data directory; stop it "
                              "(and the dashboard) before restoring") from None
        fcntl.flock(handle, fcntl.LOCK_UN)


def _restore_database(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(target, timeout=60)) as dst:
            # Page by page under the target's write lock: open readers see old or new content.
            src.backup(dst, pages=-1)
    except sqlite3.Error as exc:
        raise BackupError(f"{target}: cannot restore ({exc})") from None


def _targets(config: Config) -> dict[str, Path]:
    return {
        STORE_NAME: config.sqlite_path,
        USERS_NAME: config.data_dir / USERS_NAME,
        SEEN_NAME: config.data_dir / SEEN_NAME,
    }


def restore(config: Config, source: Path, *, force: bool = False,
            actor: str = "cli") -> RestoreResult:
    """Verify the backup at ``source`` (directory or .tar.gz), then copy it into the data
    directory. Refuses when the store holds items or accounts exist, unless ``force``."""
    from phuxanh.store.sqlite import _migrations

    with _opened(source) as folder:
        manifest = verify(folder, str(source))
        store_entry = next((f for f in manifest.files if f.kind == "store"), None)
        if store_entry is not None and not _embedded(config):
            raise BackupError(
                f"{source}: holds an embedded store, but store.backend is "
                f"{config.store.backend!r}: restore it with the sqlite backend, then move it "
                "with `phuxanh migrate --to elasticsearch`"
            )
        newest = max(version for version, _ in _migrations())
        if store_entry is not None and (store_entry.schema_version or 0) > newest:
            raise BackupError(
                f"{source}: the store was saved by a newer phuxanh (schema "
                f"{store_entry.schema_version}, this one knows up to {newest}); upgrade first"
            )
        targets = _targets(config)
        in_backup = {f.name for f in manifest.files}
        if not force:
            held = [
                f"{targets[name]} holds {rows} {table}"
                for name, (_, table) in _DATABASES.items()
                if name in in_backup
                and name != SEEN_NAME  # crawl memory is a cache: replacing it loses nothing
                and (rows := _existing_rows(targets[name], table))
            ]
            if held:
                raise BackupError("; ".join(held) + ": restoring would replace them; run "
                                  "restore with --force to do so")
        _refuse_while_running(config.data_dir)
        restored, skipped = [], []
        for entry in manifest.files:
            if entry.name in _DATABASES:
                _restore_database(folder / entry.name, targets[entry.name])
            else:
                target = config.data_dir / entry.name
                if target.exists():  # the same crawl's spool: replay is idempotent anyway
                    skipped.append(entry.name)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / entry.name, target)
            restored.append(entry.name)
    if store_entry is not None:
        found = _existing_rows(config.sqlite_path, "items")
        if found != store_entry.rows:
            raise BackupError(f"{config.sqlite_path}: {found} items after restoring, the "
                              f"backup had {store_entry.rows}")
    # Opening the store migrates a backup made by an older version.
    _audit(config, actor, "restore", str(source), {
        "items": manifest.items, "created_at": manifest.created_at.isoformat(),
        "files": restored, "forced": force,
    })
    return RestoreResult(manifest, tuple(restored), tuple(skipped))


def describe(manifest: Manifest) -> dict[str, Any]:
    """A short summary for the command line."""
    return {
        "created_at": manifest.created_at.strftime("%d/%m/%Y %H:%M:%S%z"),
        "items": manifest.items,
        "files": {f.name: f.rows for f in manifest.files},
    }
