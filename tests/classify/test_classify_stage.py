from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from classify.stage import classify_jsonl, classify_records, classify_store
from phuxanh.errors import InputError
from phuxanh.schema import DateSource, Item, url_item_id
from phuxanh.store.base import LabelUpdate

SENTIMENT_KEYS = {"label", "score", "reason"}
MISINFO_KEYS = {"label", "score", "narrative_id", "reason"}


def _check_contract(record: dict[str, Any]) -> None:
    assert set(record["sentiment"]) == SENTIMENT_KEYS
    assert record["sentiment"]["label"] in {"positive", "neutral", "negative"}
    assert 0.0 <= record["sentiment"]["score"] <= 1.0
    assert set(record["misinformation"]) == MISINFO_KEYS
    assert record["misinformation"]["label"] in {"likely", "unlikely"}
    assert 0.0 <= record["misinformation"]["score"] <= 1.0
    assert isinstance(record["model"], str) and record["model"]


def test_records_keep_their_fields_and_gain_the_labels(stub: Any) -> None:
    records = [
        {"text": "chính sách tốt", "id": 1, "extra": {"a": [1]}},
        {"title": "Tin", "text": "lại cấm nữa", "id": 2},
        {"text": "", "title": None, "id": 3},
    ]
    originals = json.loads(json.dumps(records))
    out = list(classify_records(records, stub, batch_size=2))
    assert records == originals  # inputs are not modified
    assert [r["id"] for r in out] == [1, 2, 3]
    assert out[0]["extra"] == {"a": [1]} and out[1]["title"] == "Tin"
    for record in out:
        _check_contract(record)
    assert out[0]["sentiment"] == {"label": "positive", "score": 0.9, "reason": "stub positive"}
    assert out[1]["misinformation"] == {"label": "likely", "score": 0.7,
                                        "narrative_id": "cam-mang-xa-hoi", "reason": "stub match"}
    assert out[2]["misinformation"]["narrative_id"] is None
    assert {r["model"] for r in out} == {"stub@1"}
    assert stub.batches == [2, 1]


def test_records_are_classified_lazily(stub: Any) -> None:
    def endless() -> Iterator[dict[str, Any]]:
        n = 0
        while True:
            n += 1
            yield {"text": f"bài {n}"}

    labelled = classify_records(endless(), stub, batch_size=3)
    first = [next(labelled) for _ in range(4)]
    assert len(first) == 4 and stub.batches == [3, 3]


@pytest.mark.parametrize(("bad", "message"), [
    ({"title": "no text"}, "line 2: no 'text' string"),
    ({"text": 42}, "line 2: no 'text' string"),
    ({"text": "a", "title": 5}, "line 2: 'title' must be a string"),
    (["not", "an", "object"], "line 2: expected a JSON object"),
])
def test_a_record_without_text_names_its_line(stub: Any, bad: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(classify_records([{"text": "ok"}, bad], stub))


def test_jsonl_round_trip_skips_blank_lines(stub: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "tốt quá", "n": 1}\n\n{"text": "tệ", "n": 2}\n',
                      encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert classify_jsonl(source, target, stub, batch_size=10) == 2
    lines = target.read_text(encoding="utf-8").splitlines()
    out = [json.loads(line) for line in lines]
    assert [r["n"] for r in out] == [1, 2]
    assert [r["sentiment"]["label"] for r in out] == ["positive", "negative"]
    assert "tốt quá" in lines[0]  # UTF-8 written as is, not \\u escapes
    assert not list(tmp_path.glob(".*.tmp"))


def test_bad_json_names_file_and_line_and_leaves_no_output(stub: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a"}\n{"text": "b"}\n{"text": oops}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match=r"in\.jsonl:3: not valid JSON"):
        classify_jsonl(source, target, stub, batch_size=1)
    assert not target.exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_text_in_jsonl_names_file_and_line(stub: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a"}\n\n{"body": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"in\.jsonl:3: no 'text' string"):
        classify_jsonl(source, tmp_path / "out.jsonl", stub)


def test_missing_input_file_is_an_input_error(stub: Any, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        classify_jsonl(tmp_path / "none.jsonl", tmp_path / "out.jsonl", stub)


def test_dash_means_stdin_and_stdout(stub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"text": "tốt"}\n{"text": "x"}\n'))
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stdout", captured)
    assert classify_jsonl("-", "-", stub) == 2
    out = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [r["sentiment"]["label"] for r in out] == ["positive", "neutral"]


# -- store ------------------------------------------------------------------------------------


def _item(n: int, text: str) -> Item:
    url = f"https://example.vn/tin-{n}.html"
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    return Item(id=url_item_id(url), url=url, canonical_url=url, source="test",
                title=f"Tin {n}", text=text, published_at=now,
                date_source=DateSource.PAGE_METADATA, fetched_at=now)


class FakeStore:
    """Just the two methods classify_store uses, with the same semantics as the real store."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = {item.id: item for item in items}
        self.calls: list[str | None] = []

    def iter_unclassified(self, model: str | None = None, batch_size: int = 500
                          ) -> Iterator[Item]:
        self.calls.append(model)
        for item in list(self.items.values()):
            if item.sentiment is None or (model is not None and item.sentiment.model != model):
                yield item

    def set_labels(self, updates: Iterable[LabelUpdate]) -> int:
        changed = 0
        for update in updates:
            old = self.items[update.item_id]
            self.items[update.item_id] = old.model_copy(update={
                "sentiment": update.sentiment, "misinformation": update.misinformation})
            changed += 1
        return changed


def test_store_items_are_labelled_and_a_failing_item_does_not_stop_the_batch(
    stub: Any, caplog: pytest.LogCaptureFixture
) -> None:
    items = [_item(1, "tốt"), _item(2, "BOOM"), _item(3, "tệ"), _item(4, "bị cấm")]
    store = FakeStore(items)
    with caplog.at_level(logging.WARNING, logger="classify.stage"):
        counts = classify_store(store, stub, batch_size=3)  # type: ignore[arg-type]
    assert counts == {"seen": 4, "labelled": 3, "failed": 1}
    assert items[1].id in caplog.text  # the failed item is named in the log
    labelled = store.items
    assert labelled[items[0].id].sentiment.label == "positive"  # type: ignore[union-attr]
    assert labelled[items[1].id].sentiment is None  # left for the next run to retry
    assert labelled[items[2].id].sentiment.label == "negative"  # type: ignore[union-attr]
    misinfo = labelled[items[3].id].misinformation
    assert misinfo is not None and misinfo.label == "likely"
    assert misinfo.narrative_id == "cam-mang-xa-hoi" and misinfo.model == "stub@1"
    assert store.calls == [None]


def test_store_reclassify_asks_for_items_of_other_models(stub: Any) -> None:
    store = FakeStore([_item(1, "tốt"), _item(2, "tệ")])
    assert classify_store(store, stub)["labelled"] == 2  # type: ignore[arg-type]
    assert classify_store(store, stub)["seen"] == 0  # type: ignore[arg-type]
    assert classify_store(store, stub, reclassify=True)["seen"] == 0  # type: ignore[arg-type]
    stub.name_version = "stub@2"
    assert classify_store(store, stub, reclassify=True) == {  # type: ignore[arg-type]
        "seen": 2, "labelled": 2, "failed": 0}
    assert store.calls[-1] == "stub@2"
    assert {i.sentiment.model for i in store.items.values()} == {"stub@2"}  # type: ignore[union-attr]


def test_store_with_the_real_sqlite_backend(tmp_path: Path, stub: Any) -> None:
    sqlite = pytest.importorskip("phuxanh.store.sqlite")
    store = sqlite.SQLiteStore(tmp_path / "store.db")
    try:
        items = [_item(1, "tốt"), _item(2, "BOOM"), _item(3, "cấm đấy")]
        store.upsert(items)
        assert classify_store(store, stub, batch_size=2) == {
            "seen": 3, "labelled": 2, "failed": 1}
        stored = store.get(items[0].id)
        assert stored is not None and stored.sentiment is not None
        assert (stored.sentiment.label, stored.sentiment.model) == ("positive", "stub@1")
        flagged = store.get(items[2].id)
        assert flagged is not None and flagged.misinformation is not None
        assert flagged.misinformation.narrative_id == "cam-mang-xa-hoi"
        # Only the failed item is still unclassified; reclassifying with the same model
        # touches nothing, with a new one everything.
        assert classify_store(store, stub)["seen"] == 1
        assert classify_store(store, stub, reclassify=True)["seen"] == 1
        stub.name_version = "stub@2"
        assert classify_store(store, stub, reclassify=True) == {
            "seen": 3, "labelled": 2, "failed": 1}
    finally:
        store.close()
