"""The classification history every backend keeps per item: when a record is due, and how it
is written to and read from JSON (the Elasticsearch store keeps it inside the item document).

Backends share these rules so they agree: a record is appended by ``set_labels`` only when the
labels it stores differ from the item's current ones (labels, scores, narrative or model), so
re-running the same classifier does not grow the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from phuxanh.schema import Item
from phuxanh.store.base import LabelRecord

# The Elasticsearch document keeps at most this many records (the newest): a document read on
# every write must not grow without bound when an item is relabelled by model after model.
MAX_IN_DOCUMENT = 50


def label_record(item: Item, at: datetime) -> LabelRecord | None:
    """The record for ``item``'s current model labels (None when it has none)."""
    sentiment, misinfo = item.sentiment, item.misinformation
    if sentiment is None and misinfo is None:
        return None
    model = sentiment.model if sentiment is not None else misinfo.model  # type: ignore[union-attr]
    return LabelRecord(
        at=at,
        model=model,
        sentiment=sentiment.label if sentiment else None,
        sentiment_score=sentiment.score if sentiment else None,
        misinformation=misinfo.label if misinfo else None,
        misinformation_score=misinfo.score if misinfo else None,
        narrative_id=misinfo.narrative_id if misinfo else None,
    )


def _key(record: LabelRecord | None) -> tuple[Any, ...] | None:
    if record is None:
        return None
    return (record.model, record.sentiment, record.sentiment_score, record.misinformation,
            record.misinformation_score, record.narrative_id)


def history_entry(old: Item, new: Item, at: datetime) -> LabelRecord | None:
    """The record ``set_labels`` appends when it turns ``old`` into ``new``; None when the
    labels did not change (same model, same labels and scores: nothing to remember)."""
    record = label_record(new, at)
    if record is None or _key(record) == _key(label_record(old, at)):
        return None
    return record


def record_to_json(record: LabelRecord) -> dict[str, Any]:
    return {
        "at": record.at.isoformat(),
        "model": record.model,
        "sentiment": record.sentiment,
        "sentiment_score": record.sentiment_score,
        "misinformation": record.misinformation,
        "misinformation_score": record.misinformation_score,
        "narrative_id": record.narrative_id,
    }


def record_from_json(data: dict[str, Any]) -> LabelRecord:
    def score(name: str) -> float | None:
        value = data.get(name)
        return float(value) if value is not None else None

    return LabelRecord(
        at=datetime.fromisoformat(data["at"]),
        model=str(data.get("model") or ""),
        sentiment=data.get("sentiment"),
        sentiment_score=score("sentiment_score"),
        misinformation=data.get("misinformation"),
        misinformation_score=score("misinformation_score"),
        narrative_id=data.get("narrative_id"),
    )
