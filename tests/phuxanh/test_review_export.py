"""Reviewers' decisions exported as training rows (`phuxanh export-reviews`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from phuxanh.cli import main
from phuxanh.review_export import export_reviews
from phuxanh.schema import VN_TZ, DateSource, Item, Review, Sentiment, url_item_id
from phuxanh.store.base import LabelUpdate
from phuxanh.store.sqlite import SQLiteStore


def _item(n: int) -> Item:
    url = f"https://baomau.vn/bai-{n}.html"
    return Item.model_validate({
        "id": url_item_id(url), "url": url, "canonical_url": url, "source": "baomau",
        "outlet": "Báo Mẫu", "title": f"Tiêu đề {n}", "text": f"Nội dung bài {n}.",
        "published_at": datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ),
        "date_source": DateSource.PAGE_METADATA,
        "fetched_at": datetime(2026, 3, 11, 9, 0, tzinfo=VN_TZ), "topics": ["chi-thi-57"],
    })


def _filled(path: Path) -> tuple[SQLiteStore, list[Item]]:
    store = SQLiteStore(path)
    items = [_item(n) for n in range(5)]
    store.upsert(items)
    store.set_labels(LabelUpdate(i.id, Sentiment(label="positive", score=0.8, model="m@1"))
                     for i in items)
    at = datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)
    decisions = [
        Review(status="confirmed", reviewer="ctv1", reviewed_at=at),  # agrees with the model
        Review(status="corrected", sentiment="negative", reviewer="ctv1", reviewed_at=at),
        Review(status="dismissed", reviewer="ctv2", reviewed_at=at),  # teaches nothing
        Review(status="handled", sentiment="neutral", reviewer="ctv2", reviewed_at=at,
               response_url="https://chinhphu.vn/bac-bo"),
    ]
    for item, review in zip(items, decisions, strict=False):
        store.set_review(item.id, review, store.get_version(item.id), review.reviewer or "")
    return store, items


def test_export_keeps_decided_labels_and_leaves_out_dismissed_and_unreviewed(
    tmp_path: Path,
) -> None:
    store, items = _filled(tmp_path / "store.db")
    out = tmp_path / "exports" / "reviews.jsonl"
    summary = export_reviews(store, out, actor="ctv1")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {row["item_id"]: row for row in rows}
    assert summary.rows == 3 == len(rows)
    assert by_id[items[0].id]["label"] == "positive"  # confirmed: the model's label
    assert by_id[items[1].id]["label"] == "negative"  # corrected: the reviewer's
    assert by_id[items[1].id]["model_label"] == "positive"
    assert by_id[items[3].id]["label"] == "neutral"
    assert items[2].id not in by_id and items[4].id not in by_id
    assert all("ctv" not in json.dumps(row) for row in rows)  # who decided is not exported
    assert not list(out.parent.glob("*.partial"))
    (entry,) = store.audit_log(action="export")
    assert entry.actor == "ctv1" and entry.details["rows"] == 3
    store.close()


def test_exported_rows_are_valid_training_data(tmp_path: Path) -> None:
    from classify.training import read_labelled

    store, _ = _filled(tmp_path / "store.db")
    out = tmp_path / "reviews.jsonl"
    export_reviews(store, out)
    store.close()
    assert [row.label for row in read_labelled(out)].count("negative") == 1


def test_cli_export_reviews_and_evaluate(tmp_path: Path, monkeypatch: object) -> None:
    data_dir = tmp_path / "data"
    store, _ = _filled(data_dir / "phuxanh.db")
    store.close()
    out = tmp_path / "reviews.jsonl"
    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(data_dir), "export-reviews", "-o", str(out)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "3 reviewed items (negative 1, neutral 1, positive 1)" in result.output

    result = runner.invoke(main, ["--data-dir", str(data_dir), "evaluate", str(out)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["n"] == 3
    assert {"macro_f1", "accuracy", "per_class", "confusion", "ece"} <= set(metrics)


def test_cli_train_explains_what_is_missing(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["train", "-o", str(tmp_path / "m"), "--extra-data",
                                  str(tmp_path / "missing.jsonl")])
    assert result.exit_code != 0
    assert "missing.jsonl: extra training data not found" in result.output
    result = runner.invoke(main, ["train", "-o", str(tmp_path / "m"), "--backend",
                                  "transformers"])
    assert result.exit_code != 0
    assert "needs --base" in result.output
