"""phuxanh migrate: the embedded store copied whole into another store (SQLite always,
Elasticsearch when ELASTICSEARCH_URL names one), resumable, counts checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from phuxanh.cli import main
from phuxanh.schema import VN_TZ, Misinformation, Review, Sentiment
from phuxanh.store.base import ItemFilter, LabelUpdate, SourceRun, Store
from phuxanh.store.sqlite import SQLiteStore

from .conftest import ELASTICSEARCH_URL, make_item

EVERYTHING = ItemFilter(include_undated=True)


def _fill(source: SQLiteStore, n: int = 23) -> None:
    start = datetime(2026, 3, 1, 6, 0, tzinfo=VN_TZ)
    items = [make_item(k, published_at=start + timedelta(hours=7 * k), text=f"Đà Nẵng tin {k}")
             for k in range(n)]
    source.upsert(items)
    source.set_labels([LabelUpdate(i.id, Sentiment(label="negative", score=0.8, model="m@1"),
                                   Misinformation(label="likely", score=0.7, model="m@1")
                                   if k % 5 == 0 else None)
                       for k, i in enumerate(items)])
    source.set_review(items[0].id, Review(status="corrected", sentiment="neutral"), 0, "r1")
    source.set_review(items[0].id, Review(status="handled", sentiment="neutral"), 1, "r2")
    source.set_review(items[1].id, Review(status="dismissed"), 0, "r1")
    source.save_cluster(items[2].id, None, [], "c1", is_original=True)
    source.save_cluster(items[3].id, None, [], "c1", is_original=False)
    source.audit("admin", "export", "weekly.pdf", {"rows": 3})
    source.record_source_runs([
        SourceRun("baomau", start + timedelta(hours=h), start + timedelta(hours=h, minutes=1),
                  fetched=5, new=h % 2, errors=0) for h in range(7)
    ])


def _same_content(source: Store, target: Store) -> None:
    src = {i.id: i for i in source.iter_items(EVERYTHING)}
    dst = {i.id: i for i in target.iter_items(EVERYTHING)}
    assert src == dst
    for item_id in src:
        assert target.get_version(item_id) == source.get_version(item_id)
    assert list(target.iter_audit()) == list(source.iter_audit())
    assert list(target.iter_source_runs()) == list(source.iter_source_runs())
    for interval in ("day", "week"):
        assert target.aggregate(interval, ["sentiment", "official"]) == source.aggregate(  # type: ignore[arg-type]
            interval, ["sentiment", "official"])  # type: ignore[arg-type]
    assert [e.item.id for e in target.review_queue()] == [e.item.id for e in
                                                          source.review_queue()]
    assert target.search("da nang", limit=50).total == source.search("da nang").total
    assert target.cluster_original("c1") == source.cluster_original("c1")


def test_migrate_copies_everything_and_checks_counts(
    tmp_path: Path, open_store: Callable[[], Store]
) -> None:
    from phuxanh.migrate import migrate

    source = SQLiteStore(tmp_path / "source.db")
    _fill(source)
    target = open_store()
    report = migrate(source, target, tmp_path / "ckpt.json", batch_size=4)
    assert report.ok, report.as_dict()
    assert {name: (c.source, c.target, c.copied_now) for name, c in report.parts.items()} == {
        "items": (23, 23, 23), "audit": (4, 4, 4), "source_runs": (7, 7, 7)}
    _same_content(source, target)
    # A second run finds everything done and copies nothing again.
    again = migrate(source, target, tmp_path / "ckpt.json", batch_size=4)
    assert again.ok and again.resumed
    assert [c.copied_now for c in again.parts.values()] == [0, 0, 0]
    source.close()


class _Interrupted(Exception):
    pass


def test_migrate_resumes_after_a_crash_without_duplicates(
    tmp_path: Path, open_store: Callable[[], Store]
) -> None:
    from phuxanh.migrate import migrate

    source = SQLiteStore(tmp_path / "source.db")
    _fill(source)
    target = open_store()
    calls = {"n": 0}
    real = target.restore_items

    def crashing(entries):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise _Interrupted
        return real(entries)

    target.restore_items = crashing  # type: ignore[method-assign]
    with pytest.raises(_Interrupted):
        migrate(source, target, tmp_path / "ckpt.json", batch_size=5)
    assert json.loads((tmp_path / "ckpt.json").read_text())["done"]["items"] == 10
    assert target.count(EVERYTHING) == 10
    target.restore_items = real  # type: ignore[method-assign]
    report = migrate(source, target, tmp_path / "ckpt.json", batch_size=5)
    assert report.ok and report.resumed
    assert report.parts["items"].copied_now == 13
    _same_content(source, target)
    source.close()


def test_migrate_reports_a_count_mismatch(tmp_path: Path) -> None:
    from phuxanh.migrate import migrate

    source = SQLiteStore(tmp_path / "source.db")
    _fill(source, 5)
    target = SQLiteStore(tmp_path / "target.db")
    target.upsert([make_item(999)])  # the target was not empty
    report = migrate(source, target, tmp_path / "ckpt.json")
    assert not report.ok
    assert (report.parts["items"].source, report.parts["items"].target) == (5, 6)


def _run_cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    data = tmp_path / "var"
    result = CliRunner().invoke(main, ["--data-dir", str(data), "migrate", *args])
    return result.exit_code, result.output


def test_cli_migrate_to_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "var"
    source = SQLiteStore(data / "phuxanh.db")
    _fill(source, 7)
    source.close()
    code, output = _run_cli(tmp_path, "--to", "sqlite", "--path", str(tmp_path / "copy.db"),
                            "--json")
    assert code == 0, output
    report = json.loads(output.strip().splitlines()[-1])
    assert report["ok"] and report["parts"]["items"]["target"] == 7
    assert list((data / "migrate").glob("sqlite-*.json"))
    code, output = _run_cli(tmp_path, "--to", "sqlite", "--path", str(data / "phuxanh.db"))
    assert code != 0 and "embedded store itself" in output


@pytest.mark.skipif(ELASTICSEARCH_URL is None, reason="needs ELASTICSEARCH_URL")
def test_cli_migrate_to_elasticsearch(tmp_path: Path) -> None:
    from .conftest import drop_elastic, unique_prefix

    data = tmp_path / "var"
    source = SQLiteStore(data / "phuxanh.db")
    _fill(source, 9)
    source.close()
    prefix = unique_prefix()
    try:
        code, output = _run_cli(tmp_path, "--to", "elasticsearch", "--url",
                                str(ELASTICSEARCH_URL), "--index", prefix)
        assert code == 0, output
        assert "items: source 9, target 9" in output and "[ok]" in output
        assert (data / "migrate" / f"elasticsearch-{prefix}.json").exists()
    finally:
        drop_elastic(prefix)
