"""Reviewers' decisions as labelled training rows: `phuxanh export-reviews -o FILE.jsonl`.

A reviewer's sentiment is the label a model should learn: "corrected" carries the reviewer's own
label, "confirmed" and "handled" agree with the label shown (the reviewer's if set, else the
model's). "dismissed" means "not worth acting on", not "the label was wrong", so it teaches
nothing about sentiment and is left out. Rows have the fields `classify.train --extra-data`
reads; the reviewer's name is not exported (a training file has no need to say who decided).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from phuxanh.schema import Item
from phuxanh.store.base import ItemFilter, Store

EXPORTED_STATUSES = ("confirmed", "corrected", "handled")


@dataclass
class ExportSummary:
    path: Path
    rows: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    skipped_no_label: int = 0


def review_row(item: Item) -> dict[str, object] | None:
    """The training row for one reviewed item, or None when no sentiment was decided."""
    review = item.review
    label = review.sentiment or (item.sentiment.label if item.sentiment else None)
    if review.status not in EXPORTED_STATUSES or label is None:
        return None
    return {
        "text": item.text, "title": item.title, "label": label, "register": item.source_type,
        "source_url": item.url, "item_id": item.id, "status": review.status,
        "model_label": item.sentiment.label if item.sentiment else None,
        "model": item.sentiment.model if item.sentiment else None,
        "reviewed_at": review.reviewed_at.isoformat() if review.reviewed_at else None,
    }


def export_reviews(store: Store, path: Path, actor: str = "cli") -> ExportSummary:
    """Write every reviewed item with a decided sentiment to ``path`` (JSONL, written to a
    temporary file and renamed, so a failed export never leaves half a file), and audit it."""
    summary = ExportSummary(path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    filters = ItemFilter(review_statuses=list(EXPORTED_STATUSES), include_undated=True)
    with partial.open("w", encoding="utf-8") as out:
        for item in store.iter_items(filters):
            row = review_row(item)
            if row is None:
                summary.skipped_no_label += 1
                continue
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            summary.rows += 1
            summary.labels[str(row["label"])] += 1
    partial.replace(path)
    store.audit(actor, "export", str(path), {"kind": "reviews", "rows": summary.rows,
                                             "labels": dict(summary.labels)})
    return summary
