"""phuxanh.retention: expired items are deleted in batches, and the deletion is accounted for."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from phuxanh.config import RetentionConfig, load_config
from phuxanh.errors import ConfigError, StoreError
from phuxanh.retention import describe, run_retention
from phuxanh.schema import VN_TZ, DateSource, Item, Review, url_item_id
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=VN_TZ)
# forum: kept 30 days -> the cut-off day is 02/05/2026; the 1st of May is expired.
LAST_EXPIRED = datetime(2026, 5, 1, 23, 30, tzinfo=VN_TZ)  # 16:30 UTC on the 1st
FIRST_KEPT = datetime(2026, 5, 2, 0, 30, tzinfo=VN_TZ)  # 17:30 UTC on the 1st


def make_item(name: str, published_at: datetime, source_type: str = "forum",
              status: str = "unreviewed", **fields: Any) -> Item:
    url = f"https://diendan.vn/{name}"
    item = Item.model_validate({
        "id": url_item_id(url), "url": url, "canonical_url": url, "source": "diendan",
        "source_type": source_type, "title": name, "text": f"Bài {name} về Chỉ thị 57",
        "published_at": published_at, "date_source": DateSource.PAGE_METADATA,
        "fetched_at": published_at + timedelta(hours=1), "topics": ["chi-thi-57"], **fields,
    })
    if status != "unreviewed":
        item = item.model_copy(update={"review": Review(status=status)})  # type: ignore[arg-type]
    return item


ITEMS = {
    "old-news": make_item("old-news", NOW - timedelta(days=2000), "news"),
    "old-forum": make_item("old-forum", NOW - timedelta(days=90)),
    "last-expired": make_item("last-expired", LAST_EXPIRED),
    "first-kept": make_item("first-kept", FIRST_KEPT),
    "confirmed": make_item("confirmed", NOW - timedelta(days=60), status="confirmed"),
    "handled": make_item("handled", NOW - timedelta(days=60), status="handled"),
    "undated": make_item("undated", NOW - timedelta(days=45),
                         date_source=DateSource.CRAWL_TIME),
    "old-social": make_item("old-social", NOW - timedelta(days=400), "social"),
    "new-social": make_item("new-social", NOW - timedelta(days=10), "social"),
    "old-video": make_item("old-video", NOW - timedelta(days=400), "video"),
}
EXPIRED = {"old-forum", "last-expired", "confirmed", "handled", "undated", "old-social"}
LIMITS = RetentionConfig(days={"news": None, "forum": 30, "social": 365},
                         audit_log_days=None, batch_size=2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "store.db")
    store.upsert(ITEMS.values())
    yield store
    store.close()


def total(store: SQLiteStore) -> int:
    return store.count(ItemFilter(include_undated=True))


def ids(*names: str) -> set[str]:
    return {ITEMS[name].id for name in names}


def test_dry_run_counts_and_changes_nothing(store: SQLiteStore, tmp_path: Path) -> None:
    report = run_retention(store, LIMITS, tmp_path, dry_run=True, now=NOW)
    by_type = {t.source_type: (t.deleted, t.open_reviews) for t in report.types}
    assert by_type == {"forum": (5, 1), "social": (1, 0)}
    assert total(store) == len(ITEMS)
    assert not (tmp_path / "retention").exists()
    assert store.audit_log(action="retention") == []
    assert "would delete 5, of which 1 reviewed and not yet handled" in describe(report)


def test_expired_items_are_deleted_and_accounted_for(store: SQLiteStore, tmp_path: Path) -> None:
    report = run_retention(store, LIMITS, tmp_path, now=NOW)
    assert {i.id for i in store.iter_items()} == set(ids(*ITEMS)) - ids(*EXPIRED)
    assert total(store) == len(ITEMS) - len(EXPIRED)
    assert (report.deleted, report.open_reviews, report.completed) == (6, 1, True)
    forum = next(t for t in report.types if t.source_type == "forum")
    assert forum.cutoff.isoformat() == "2026-05-02"

    assert report.ids_file is not None
    lines = report.ids_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id\tsource_type\tpublished_day\treview_status"
    listed = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert set(listed) == ids(*EXPIRED)
    assert listed[ITEMS["last-expired"].id][2] == "2026-05-01"  # Vietnam day, not UTC
    assert listed[ITEMS["confirmed"].id][3] == "confirmed"

    entry = store.audit_log(action="retention")[0]
    assert entry.target == str(report.ids_file)
    assert entry.details["deleted"] == {"forum": 5, "social": 1}
    assert entry.details["open_reviews"] == {"forum": 1, "social": 0}
    assert entry.details["completed"] is True
    assert entry.details["ids_sha256"] == hashlib.sha256(
        report.ids_file.read_bytes()).hexdigest()

    again = run_retention(store, LIMITS, tmp_path, now=NOW + timedelta(seconds=1))
    assert again.deleted == 0  # idempotent


def test_old_audit_entries_are_pruned_but_not_this_runs_own(store: SQLiteStore,
                                                            tmp_path: Path) -> None:
    store.audit("cli", "ingest", "a.jsonl")
    limits = LIMITS.model_copy(update={"audit_log_days": 30})
    later = datetime.now(VN_TZ) + timedelta(days=31)
    dry = run_retention(store, limits, tmp_path, dry_run=True, now=later)
    assert dry.audit_pruned == 1
    report = run_retention(store, limits, tmp_path, now=later)
    assert report.audit_pruned == 1
    assert [e.action for e in store.audit_log()] == ["retention"]


def test_no_limits_deletes_nothing(store: SQLiteStore, tmp_path: Path) -> None:
    report = run_retention(store, RetentionConfig(), tmp_path, now=NOW)
    assert report.deleted == 0 and total(store) == len(ITEMS)
    assert "no retention limit" in describe(report)


class FailingStore:
    """Deletes the first batch, then fails like a store that went away."""

    def __init__(self, inner: SQLiteStore) -> None:
        self.inner = inner
        self.calls = 0

    def delete_items(self, ids: Iterable[str]) -> int:
        self.calls += 1
        if self.calls > 1:
            raise StoreError("store.db: disk I/O error")
        return self.inner.delete_items(ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_failed_run_still_says_what_it_deleted(store: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="disk I/O"):
        run_retention(FailingStore(store), LIMITS, tmp_path, now=NOW)  # type: ignore[arg-type]
    entry = store.audit_log(action="retention")[0]
    assert entry.details["completed"] is False
    assert "disk I/O error" in entry.details["error"]
    assert entry.details["deleted"]["forum"] == 2  # one batch of two
    assert total(store) == len(ITEMS) - 2


def test_a_limit_inside_the_crawl_window_is_a_config_error() -> None:
    # Deleted items still inside the crawl window would be crawled again at once.
    with pytest.raises(ConfigError, match=r"retention: .*days\.forum \(30\) is shorter than "
                                          r"crawl\.max_age_days \(120\)"):
        load_config(env={"PHUXANH_RETENTION__DAYS": "{forum: 30}"})
    config = load_config(env={"PHUXANH_RETENTION__DAYS": "{forum: 30}",
                              "PHUXANH_CRAWL__MAX_AGE_DAYS": "30"})
    assert config.retention.days["forum"] == 30
    assert config.retention.days["social"] == 365  # the rest from default.yaml
    with pytest.raises(ConfigError, match=r"retention\.days\.chat"):
        load_config(env={"PHUXANH_RETENTION__DAYS": "{chat: 400}"})


def test_phuxanh_run_applies_retention_at_most_once_a_day(tmp_path: Path) -> None:
    from datetime import UTC, timedelta

    from phuxanh.config import load_config
    from phuxanh.jobs import retention_if_due

    config = load_config(overrides={"data_dir": str(tmp_path), "retention": {"days": {
        "social": 365}}})
    said: list[str] = []
    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert retention_if_due(config, now=start, echo=said.append)
    assert not retention_if_due(config, now=start + timedelta(hours=23), echo=said.append)
    assert retention_if_due(config, now=start + timedelta(hours=25), echo=said.append)
    assert len(said) == 2
    runs = [e for e in SQLiteStore(config.sqlite_path).audit_log(action="retention")]
    assert len(runs) == 2 and runs[0].actor == "phuxanh run"
    # Without any limit there is nothing to do.
    unlimited = load_config(overrides={"data_dir": str(tmp_path / "b"), "retention": {
        "days": {kind: None for kind in ("news", "forum", "social", "video", "import")},
        "audit_log_days": None}})
    assert not retention_if_due(unlimited, now=start)
