"""phuxanh.backup: consistent online backups of the embedded store, checked restores."""

from __future__ import annotations

import json
import sqlite3
import tarfile
import threading
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from phuxanh.backup import MANIFEST, BackupError, backup, restore, verify
from phuxanh.config import Config, load_config
from phuxanh.errors import InputError
from phuxanh.schedule import run_lock
from phuxanh.schema import VN_TZ, DateSource, Item, Review, url_item_id
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore
from phuxanh.users import UserStore

DAY = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)


def make_item(n: int, **fields: object) -> Item:
    url = f"https://baomau.vn/bai-{n}.html"
    base: dict[str, object] = {
        "id": url_item_id(url), "url": url, "canonical_url": url, "source": "baomau",
        "outlet": "Báo Mẫu", "title": f"Bài số {n} về Chỉ thị 57",
        "text": f"Nội dung bài {n}: an ninh mạng ở Đà Nẵng.",
        "published_at": DAY + timedelta(hours=n), "date_source": DateSource.PAGE_METADATA,
        "fetched_at": DAY + timedelta(days=1), "topics": ["chi-thi-57"],
    }
    base.update(fields)
    return Item.model_validate(base)


def config_for(data_dir: Path, **overrides: object) -> Config:
    return load_config(overrides={"data_dir": str(data_dir), **overrides})


def populated(data_dir: Path, items: int = 20) -> Config:
    config = config_for(data_dir)
    store = SQLiteStore(config.sqlite_path)
    store.upsert(make_item(n) for n in range(items))
    store.set_review(make_item(3).id, Review(status="confirmed"), 0, "reviewer1")
    store.close()
    UserStore.for_config(config).add_user("admin", "mat-khau-dai-1", "admin")
    with closing(sqlite3.connect(config.data_dir / "crawl_seen.db")) as conn, conn:
        conn.execute("CREATE TABLE seen (feed_id TEXT PRIMARY KEY, kind TEXT, detail TEXT, "
                     "topics_key TEXT, seen_at TEXT)")
        conn.executemany("INSERT INTO seen VALUES (?, 'dropped', 'off_topic', 'k', '')",
                         [(f"f{i}",) for i in range(7)])
    spool = config.data_dir / "spool"
    spool.mkdir()
    line = make_item(900).model_dump_json()
    # The last line was cut off by a kill mid-write: it is not part of the backup.
    (spool / "20260310T010000Z-1.jsonl").write_text(line + "\n" + line[:20], encoding="utf-8")
    return config


def items_of(store: SQLiteStore) -> dict[str, Item]:
    return {item.id: item for item in store.iter_items()}


def test_backup_while_another_thread_writes_restores_a_consistent_copy(tmp_path: Path) -> None:
    config = config_for(tmp_path / "live")
    source = SQLiteStore(config.sqlite_path)
    source.upsert([make_item(n) for n in range(10)])
    written = [10]
    enough = threading.Event()  # the writer has written while no backup was running
    stop = threading.Event()
    after_backup = threading.Event()
    backup_done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        store = SQLiteStore(config.sqlite_path)  # its own connection, like another process
        try:
            n = 10
            while not stop.is_set():
                store.upsert([make_item(n + k, source_type="forum", source="forum-x",
                                        author=None) for k in range(5)])
                n += 5
                written[0] = n
                if n >= 100:
                    enough.set()
                if backup_done.is_set():
                    after_backup.set()  # at least one batch landed after the backup ended
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            enough.set()
            after_backup.set()
        finally:
            store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert enough.wait(60)
        manifest = backup(config, tmp_path / "b.tar.gz")
        backup_done.set()
        assert after_backup.wait(60)
    finally:
        stop.set()
        thread.join(60)
    assert not errors, errors
    assert 100 <= manifest.items < written[0] + 5  # a snapshot taken mid-stream

    fresh = config_for(tmp_path / "fresh")
    result = restore(fresh, tmp_path / "b.tar.gz")
    assert result.manifest.items == manifest.items
    restored = SQLiteStore(fresh.sqlite_path)
    try:
        got = items_of(restored)
        assert len(got) == manifest.items
        # Rollups and items agree: the copy is one instant, not half a transaction.
        assert restored.count(ItemFilter(include_undated=True)) == manifest.items
        assert restored.search("da nang").total == manifest.items
        live = items_of(source)
        assert all(live[item_id] == item for item_id, item in got.items())
        assert restored.audit_log(action="restore")[0].details["items"] == manifest.items
    finally:
        restored.close()
        source.close()
    assert source.audit_log(action="backup")[0].target == str(tmp_path / "b.tar.gz")


def test_directory_backup_holds_store_accounts_crawl_state_and_spool(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    dest = tmp_path / "backups" / "2026-03-10"
    manifest = backup(config, dest)
    rows = {f.name: (f.kind, f.rows) for f in manifest.files}
    assert rows == {
        "phuxanh.db": ("store", 20), "users.db": ("users", 1),
        "crawl_seen.db": ("crawl_seen", 7), "spool/20260310T010000Z-1.jsonl": ("spool", 1),
    }
    data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    assert data["items"] == 20
    assert datetime.fromisoformat(data["created_at"]).tzinfo is not None
    assert all(len(f["sha256"]) == 64 for f in data["files"])
    assert not list(dest.glob("*-wal"))  # self-contained files
    assert verify(dest, str(dest)) == manifest

    fresh = config_for(tmp_path / "fresh")
    restore(fresh, dest)
    store = SQLiteStore(fresh.sqlite_path)
    try:
        assert store.count() == 20
        assert store.get(make_item(3).id).review.status == "confirmed"  # type: ignore[union-attr]
    finally:
        store.close()
    assert UserStore.for_config(fresh).get("admin") is not None
    assert (fresh.data_dir / "spool" / "20260310T010000Z-1.jsonl").read_text(
        encoding="utf-8").count("\n") == 1


def test_restore_refuses_a_store_with_data_unless_forced(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    backup(config, tmp_path / "b")
    other = config_for(tmp_path / "other")
    store = SQLiteStore(other.sqlite_path)
    store.upsert([make_item(n) for n in range(500, 503)])
    store.close()
    with pytest.raises(BackupError, match=r"holds 3 items.*--force"):
        restore(other, tmp_path / "b")
    store = SQLiteStore(other.sqlite_path)
    assert store.count() == 3  # untouched
    store.close()

    restore(other, tmp_path / "b", force=True)
    store = SQLiteStore(other.sqlite_path)
    try:
        assert store.count() == 20
        assert store.get(make_item(500).id) is None
        assert store.audit_log(action="restore")[0].details["forced"] is True
    finally:
        store.close()


def test_restore_refuses_existing_accounts_unless_forced(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    backup(config, tmp_path / "b")
    other = config_for(tmp_path / "other")
    UserStore.for_config(other).add_user("khac", "mat-khau-dai-2", "viewer")
    with pytest.raises(BackupError, match="holds 1 users"):
        restore(other, tmp_path / "b")


def test_a_changed_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    dest = tmp_path / "b"
    backup(config, dest)
    with (dest / "users.db").open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00\xff")
    fresh = config_for(tmp_path / "fresh")
    with pytest.raises(BackupError, match=r"users\.db: does not match its sha256"):
        restore(fresh, dest)
    assert not fresh.sqlite_path.exists()


def test_manifest_row_count_is_checked(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    dest = tmp_path / "b"
    backup(config, dest)
    data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    next(f for f in data["files"] if f["name"] == "phuxanh.db")["rows"] = 21
    (dest / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BackupError, match="holds 20 rows, the manifest says 21"):
        verify(dest, str(dest))


def test_archive_with_unexpected_entries_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "x"
    payload.write_text("x", encoding="utf-8")
    with tarfile.open(evil, "w:gz") as archive:
        archive.add(payload, arcname="../../etc/cron.d/x")
    with pytest.raises(InputError, match="unexpected entry"):
        restore(config_for(tmp_path / "fresh"), evil)
    not_a_backup = tmp_path / "empty"
    not_a_backup.mkdir()
    with pytest.raises(InputError, match=r"no manifest\.json"):
        restore(config_for(tmp_path / "fresh"), not_a_backup)


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x", encoding="utf-8")
    with pytest.raises(BackupError, match="not an empty directory"):
        backup(config, tmp_path / "full")
    backup(config, tmp_path / "b.tar.gz")
    with pytest.raises(BackupError, match="already exists"):
        backup(config, tmp_path / "b.tar.gz")
    with pytest.raises(BackupError, match="no store to back up"):
        backup(config_for(tmp_path / "nothing"), tmp_path / "d")


class RecordingStore:
    """Stands in for the Elasticsearch store, which these tests cannot reach."""

    def __init__(self, log: list[tuple[str, str]]) -> None:
        self.log = log

    def audit(self, actor: str, action: str, target: str, details: object = None) -> None:
        self.log.append((action, target))

    def close(self) -> None:
        pass


def test_with_elasticsearch_the_rest_of_the_data_directory_is_backed_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audited: list[tuple[str, str]] = []
    monkeypatch.setattr("phuxanh.store.open_store", lambda config: RecordingStore(audited))
    embedded = populated(tmp_path / "live")
    es = config_for(tmp_path / "live", store={"backend": "elasticsearch",
                                              "elasticsearch_url": "http://127.0.0.1:9"})
    manifest = backup(es, tmp_path / "state.tar.gz")
    assert {f.name for f in manifest.files} == {
        "users.db", "crawl_seen.db", "spool/20260310T010000Z-1.jsonl"}  # no store: snapshots
    assert manifest.items == 0
    assert audited == [("backup", str(tmp_path / "state.tar.gz"))]

    fresh = config_for(tmp_path / "fresh", store={"backend": "elasticsearch",
                                                  "elasticsearch_url": "http://127.0.0.1:9"})
    restore(fresh, tmp_path / "state.tar.gz")
    assert UserStore.for_config(fresh).get("admin") is not None
    assert not fresh.sqlite_path.exists()
    assert audited[-1] == ("restore", str(tmp_path / "state.tar.gz"))

    backup(embedded, tmp_path / "full")
    with pytest.raises(BackupError, match=r"holds an embedded store.*migrate"):
        restore(fresh, tmp_path / "full", force=True)
    with pytest.raises(BackupError, match="nothing to back up"):
        backup(config_for(tmp_path / "empty", store={"backend": "elasticsearch"}),
               tmp_path / "e")


def test_restore_refuses_while_a_run_holds_the_data_directory(tmp_path: Path) -> None:
    config = populated(tmp_path / "live")
    backup(config, tmp_path / "b")
    fresh = config_for(tmp_path / "fresh")
    with run_lock(fresh.data_dir), pytest.raises(BackupError, match="phuxanh run is using"):
        restore(fresh, tmp_path / "b")
    restore(fresh, tmp_path / "b")  # lock released: fine


def test_backups_are_private_and_a_failed_one_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = populated(tmp_path / "live")
    out = tmp_path / "out"
    backup(config, out / "b.tar.gz")
    backup(config, out / "dir")
    assert (out / "b.tar.gz").stat().st_mode & 0o777 == 0o600  # password hashes inside
    assert (out / "dir").stat().st_mode & 0o777 == 0o700

    import phuxanh.backup as module

    real = module._copy_database

    def failing(source: Path, target: Path, table: str) -> tuple[int, int]:
        if source.name == "users.db":
            raise BackupError(f"{source}: cannot back up (database or disk is full)")
        return real(source, target, table)

    monkeypatch.setattr(module, "_copy_database", failing)
    for name in ("c.tar.gz", "c"):
        with pytest.raises(BackupError, match="disk is full"):
            backup(config, out / name)
    assert sorted(p.name for p in out.iterdir()) == ["b.tar.gz", "dir"]
