"""Issue 8, faults: a classifier crash on one item does not stop the batch; the item is
recorded in ``<data_dir>/classify_failures.jsonl``, counted, and retried on the next run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from classify.base import Doc, Prediction
from phuxanh import jobs
from phuxanh.config import load_config
from phuxanh.schema import DateSource, Item, url_item_id
from phuxanh.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]


class CrashesOnPoison:
    """Raises on any batch holding a text with "POISON" (as a real model can on odd input)."""

    name_version = "crashy@1"

    def __init__(self) -> None:
        self.cured = False

    def predict(self, docs: Sequence[Doc]) -> list[Prediction]:
        if not self.cured and any("POISON" in doc.text for doc in docs):
            raise ValueError("tokenizer blew up")
        return [Prediction(sentiment="neutral", sentiment_score=0.5,
                           misinformation="unlikely", misinformation_score=0.1, narrative_id=None,
                           reason="", model=self.name_version) for _ in docs]


def _item(n: int, text: str) -> Item:
    url = f"https://example.vn/tin-{n}.html"
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    return Item(id=url_item_id(url), url=url, canonical_url=url, source="test",
                title=f"Tin {n}", text=text, published_at=now,
                date_source=DateSource.PAGE_METADATA, fetched_at=now)


def test_a_crash_on_one_item_is_recorded_counted_and_retried(
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(REPO / "config")
    items = [_item(n, "POISON" if n == 3 else f"bình thường {n}") for n in range(10)]
    store = SQLiteStore(config.sqlite_path)
    store.upsert(items)
    store.close()
    model = CrashesOnPoison()
    monkeypatch.setattr(jobs, "_classifier", lambda config, model_dir: model)

    counts = jobs.classify_store(config)

    assert counts == {"seen": 10, "labelled": 9, "failed": 1}
    log = config.data_dir / jobs.CLASSIFY_FAILURES
    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert record["item_id"] == items[3].id
    assert record["model"] == "crashy@1"
    assert record["error"] == "ValueError: tokenizer blew up"
    assert record["at"]
    store = SQLiteStore(config.sqlite_path)
    try:
        failed = store.get(items[3].id)
        assert failed is not None and failed.sentiment is None  # left for a retry
    finally:
        store.close()

    model.cured = True  # e.g. a fixed model version
    assert jobs.classify_store(config) == {"seen": 1, "labelled": 1, "failed": 0}
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1  # nothing new failed


def test_an_unwritable_failure_log_does_not_fail_the_run(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from classify.stage import classify_store

    store = SQLiteStore(tmp_path / "s.db")
    try:
        store.upsert([_item(1, "POISON"), _item(2, "ok")])
        blocker = tmp_path / "file"
        blocker.write_text("")
        counts: dict[str, Any] = classify_store(
            store, CrashesOnPoison(), failures_path=blocker / "classify_failures.jsonl")
        assert counts == {"seen": 2, "labelled": 1, "failed": 1}
    finally:
        store.close()
