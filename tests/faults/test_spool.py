"""Issue 8, faults: a store that fails mid-crawl loses nothing and doubles nothing.

The store pipeline spools what the store refused (phuxanh.spool); the next crawl replays it
first. These tests use the real SQLite store and the real pipeline; the failing store is the
real one with ``upsert`` made to raise.
"""

from __future__ import annotations

import errno
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawlers.pipelines.store import StorePipeline
from phuxanh.config import Config, load_config
from phuxanh.errors import StoreError
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.spool import SpoolError, SpoolWriter, pending_count, pending_files, replay
from phuxanh.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.now(VN_TZ)


def _item(n: int, title: str = "Triển khai Chỉ thị số 57-CT/TW") -> Item:
    url = f"https://baolaocai.vn/bai-{n}.html"
    return Item(
        id=url_item_id(url), url=url, canonical_url=url, source="baolaocai",
        outlet="Báo Lào Cai", title=f"{title} ({n})", text=f"Nội dung bài {n}.",
        published_at=NOW - timedelta(days=2), date_source=DateSource.PAGE_METADATA,
        fetched_at=NOW, platform="web", topics=["chi-thi-57"],
    )


@pytest.fixture
def config() -> Config:
    return load_config(REPO / "config")


@pytest.fixture
def make_crawler(config: Config) -> Any:
    from scrapy.utils.test import get_crawler

    from crawlers.addon import PHUXANH_CONFIG

    def make(**settings: Any) -> Any:
        return get_crawler(settings_dict={PHUXANH_CONFIG: config, **settings})

    return make


class FlakyStore:
    """The real store whose ``upsert`` fails ``failures`` times (then works again)."""

    def __init__(self, path: Path, failures: int,
                 error: Exception | None = None) -> None:
        self.inner = SQLiteStore(path)
        self.failures = failures
        self.error = error or StoreError(f"{path}: write failed (database is locked)")
        self.calls = 0

    def upsert(self, items: Any) -> Any:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        return self.inner.upsert(items)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _stored_ids(config: Config) -> list[str]:
    store = SQLiteStore(config.sqlite_path)
    try:
        return sorted(store.existing_ids([_item(n).id for n in range(200)]))
    finally:
        store.close()


def test_spooled_items_are_replayed_once_and_the_file_removed(config: Config) -> None:
    writer = SpoolWriter(config.data_dir)
    writer.append([_item(n) for n in range(5)])
    writer.append([_item(n) for n in range(5, 8)])
    writer.close()
    assert pending_count(config.data_dir) == 8
    store = SQLiteStore(config.sqlite_path)
    try:
        store.upsert([_item(0)])  # already stored before the failure: not doubled
        result = replay(store, config.data_dir)
        assert (result.files, result.items) == (1, 8)
        assert (result.stored.inserted, result.stored.unchanged) == (7, 1)
        assert store.count() == 8
        assert pending_files(config.data_dir) == []
        assert replay(store, config.data_dir).items == 0  # nothing left, nothing redone
    finally:
        store.close()


def test_a_replay_interrupted_by_the_store_is_finished_later_without_doubles(
        config: Config) -> None:
    writer = SpoolWriter(config.data_dir)
    writer.append([_item(n) for n in range(450)])  # three replay batches of 200
    writer.close()

    class FailsOnSecondBatch(FlakyStore):
        def upsert(self, items: Any) -> Any:
            self.calls += 1
            if self.calls == 2:
                raise StoreError("disk I/O error")
            return self.inner.upsert(items)

    store = FailsOnSecondBatch(config.sqlite_path, 0)
    with pytest.raises(StoreError, match="disk I/O error"):
        replay(store, config.data_dir)  # type: ignore[arg-type]
    assert store.inner.count() == 200
    assert len(pending_files(config.data_dir)) == 1  # kept: not all of it is stored
    result = replay(store.inner, config.data_dir)
    assert (result.stored.inserted, result.stored.unchanged) == (250, 200)
    assert store.inner.count() == 450
    store.inner.close()


def test_a_line_cut_off_by_a_kill_is_skipped_and_named(config: Config) -> None:
    writer = SpoolWriter(config.data_dir)
    writer.append([_item(1), _item(2)])
    writer.close()
    with writer.path.open("ab") as handle:  # a kill in the middle of the third line
        handle.write(_item(3).model_dump_json().encode()[:40])
    store = SQLiteStore(config.sqlite_path)
    try:
        result = replay(store, config.data_dir)
        assert result.items == 2 and store.count() == 2
        assert len(result.skipped_lines) == 1
        assert f"{writer.path}:3: unreadable line skipped" in result.skipped_lines[0]
    finally:
        store.close()


def test_a_store_failing_mid_crawl_spools_then_the_next_crawl_replays(
        make_crawler: Any, config: Config) -> None:
    crawler = make_crawler(PHUXANH_STORE_BATCH=3)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.store is not None
    pipeline.store.close()
    # The store fails from the second batch on, through the end-of-crawl retry.
    pipeline.store = FlakyStore(config.sqlite_path, failures=100)  # type: ignore[assignment]
    pipeline.store.failures = 0  # type: ignore[attr-defined]
    for n in range(3):
        pipeline.process_item(_item(n))  # batch 1: stored
    pipeline.store.failures = 100  # type: ignore[attr-defined]
    for n in range(3, 10):
        pipeline.process_item(_item(n))  # not one raises: the crawl goes on
    pipeline.close_spider()
    stats = crawler.stats
    assert stats.get_value("phuxanh/stored/inserted") == 3
    assert stats.get_value("phuxanh/spool/written") == 7
    error = stats.get_value("phuxanh/store_error")
    assert "database is locked" in error and "7 items kept in" in error
    assert "replay failed too" in error
    assert pending_count(config.data_dir) == 7

    # The next crawl: the store works again; what was spooled goes in first.
    again = make_crawler()
    pipeline = StorePipeline.from_crawler(again)
    pipeline.open_spider()
    assert again.stats.get_value("phuxanh/spool/replayed") == 7
    for n in range(8, 12):  # overlaps the spooled ones: still one row per id
        pipeline.process_item(_item(n))
    pipeline.close_spider()
    assert pending_files(config.data_dir) == []
    store = SQLiteStore(config.sqlite_path)
    try:
        assert store.count() == 12
        assert store.existing_ids([_item(n).id for n in range(12)]) == {
            _item(n).id for n in range(12)}
    finally:
        store.close()


def test_a_store_that_recovers_before_the_crawl_ends_leaves_nothing_behind(
        make_crawler: Any, config: Config) -> None:
    crawler = make_crawler(PHUXANH_STORE_BATCH=2)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.store is not None
    pipeline.store.close()
    flaky = FlakyStore(config.sqlite_path, failures=1)  # a lock held for a moment
    pipeline.store = flaky  # type: ignore[assignment]
    for n in range(5):
        pipeline.process_item(_item(n))
    pipeline.close_spider()
    assert crawler.stats.get_value("phuxanh/store_error") == ""  # recovered: not a failure
    assert crawler.stats.get_value("phuxanh/spool/replayed") == 5
    assert pending_files(config.data_dir) == []
    assert len(_stored_ids(config)) == 5


def test_any_exception_from_the_store_is_spooled_not_just_store_errors(
        make_crawler: Any, config: Config) -> None:
    import sqlite3

    crawler = make_crawler(PHUXANH_STORE_BATCH=1)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.store = FlakyStore(  # type: ignore[assignment]
        config.sqlite_path, failures=100, error=sqlite3.OperationalError("disk I/O error"))
    pipeline.process_item(_item(1))
    pipeline.close_spider()
    assert "OperationalError: disk I/O error" in crawler.stats.get_value("phuxanh/store_error")
    assert pending_count(config.data_dir) == 1


def test_a_full_disk_under_the_spool_stops_the_crawl_naming_the_file(
        make_crawler: Any, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    crawler = make_crawler(PHUXANH_STORE_BATCH=1)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.store = FlakyStore(config.sqlite_path, failures=100)  # type: ignore[assignment]

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("phuxanh.spool.os.fsync", no_space)
    with pytest.raises(SpoolError) as raised:
        pipeline.process_item(_item(1))
    message = str(raised.value)
    assert str(pipeline.spool.path) in message and "the disk is full" in message
    error = crawler.stats.get_value("phuxanh/store_error")
    assert "database is locked" in error and "the disk is full" in error
    assert crawler.stats.get_value("phuxanh/dropped/store_error") == 1


def test_the_cli_reports_a_full_disk_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phuxanh.cli import main

    record = {"url": "https://baolaocai.vn/a.html", "source": "baolaocai",
              "published_at": "2026-03-10T08:00:00+07:00", "title": "Chỉ thị 57"}
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "var" / "phuxanh.db"

    def full(self: SQLiteStore, items: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(db))

    monkeypatch.setattr(SQLiteStore, "upsert", full)
    result = CliRunner().invoke(main, ["ingest", str(path)])
    assert result.exit_code == 1
    assert f"phuxanh: error: {db}: the disk is full" in result.output
    assert "unexpected" not in result.output


def test_the_spool_command_lists_and_replays(config: Config) -> None:
    from phuxanh.cli import main

    writer = SpoolWriter(config.data_dir)
    writer.append([_item(1), _item(2)])
    writer.close()
    runner = CliRunner()
    listed = runner.invoke(main, ["spool"])
    assert listed.exit_code == 0 and "2 items waiting in 1 spool files" in listed.output
    replayed = runner.invoke(main, ["spool", "--replay"])
    assert replayed.exit_code == 0, replayed.output
    assert "2 items from 1 files replayed (2 new" in replayed.output
    assert len(_stored_ids(config)) == 2


def test_a_file_still_being_written_is_not_replayed(config: Config) -> None:
    # Two spiders of one crawl (or two crawl processes) share the spool folder: one's replay
    # must not store and delete the file the other is still appending to.
    writing = SpoolWriter(config.data_dir)
    writing.append([_item(1)])
    store = SQLiteStore(config.sqlite_path)
    try:
        assert replay(store, config.data_dir).items == 0
        assert pending_files(config.data_dir) == [writing.path]
        writing.append([_item(2)])
        writing.close()
        assert replay(store, config.data_dir).items == 2
        assert store.count() == 2
    finally:
        store.close()


def test_a_schedule_cycle_replays_quietly_and_keeps_the_files_if_the_store_fails(
        config: Config, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from phuxanh import jobs

    writer = SpoolWriter(config.data_dir)
    writer.append([_item(1), _item(2)])
    writer.close()

    def broken(self: SQLiteStore, items: Any) -> Any:
        raise StoreError(f"{self.path}: write failed (disk I/O error)")

    with monkeypatch.context() as patch:
        patch.setattr(SQLiteStore, "upsert", broken)
        assert jobs.replay_spool(config, quiet=True).items == 0  # logged, not raised
        with pytest.raises(StoreError, match="disk I/O error"):
            jobs.replay_spool(config)  # `phuxanh spool --replay` says so
    assert "spool not replayed (kept for later)" in caplog.text
    assert pending_count(config.data_dir) == 2
    assert jobs.replay_spool(config, quiet=True).items == 2  # the store is back
    assert pending_files(config.data_dir) == []


def test_phuxanh_run_replays_the_spool_even_when_its_crawl_fails(
        config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from phuxanh import jobs, schedule

    writer = SpoolWriter(config.data_dir)
    writer.append([_item(1), _item(2), _item(3)])
    writer.close()
    # The crawl child dies before its store opens (a bad source, say): the cycle replays.
    monkeypatch.setattr(schedule, "crawl_in_child", lambda args, timeout_s: (False, "boom"))
    monkeypatch.setattr(jobs, "dedup", lambda config: SimpleNamespace(processed=0))
    monkeypatch.setattr(jobs, "classify_store", lambda config: {"labelled": 0})
    lines: list[str] = []
    assert jobs.run_schedule(config, [], 0.01, cycles=1, echo=lines.append) == 1
    assert any("CRAWL FAILED" in line for line in lines)
    assert pending_files(config.data_dir) == []
    assert len(_stored_ids(config)) == 3
