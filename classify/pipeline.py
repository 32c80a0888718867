"""The classifier: a sentiment model (either backend) plus narrative matching, one Prediction
per doc."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from classify.base import Doc, Prediction
from classify.narratives import NarrativeMatcher


class _SentimentResult(Protocol):
    label: str
    score: float
    reason: str


class SentimentModel(Protocol):
    """What both backends (models/linear.py, models/transformer.py) provide."""

    @property
    def name_version(self) -> str: ...

    def predict_texts(self, texts: Sequence[str]) -> Sequence[_SentimentResult]: ...


class DirectiveClassifier:
    def __init__(self, model: SentimentModel, matcher: NarrativeMatcher) -> None:
        self.model = model
        self.matcher = matcher
        # Both parts change the labels, so both are in the version the store records.
        self._name_version = f"{model.name_version}+{matcher.version}"

    @property
    def name_version(self) -> str:
        return self._name_version

    def predict(self, docs: Sequence[Doc]) -> list[Prediction]:
        # The title is read as the first paragraph: headlines carry much of an article's stance.
        sentiments = self.model.predict_texts(
            ["\n".join(part for part in (doc.title, doc.text) if part) for doc in docs]
        )
        predictions = []
        for doc, sentiment in zip(docs, sentiments, strict=True):
            match = self.matcher.match(doc.title, doc.text)
            likely = match.label == "likely"
            predictions.append(Prediction(
                sentiment=sentiment.label,
                sentiment_score=sentiment.score,
                misinformation=match.label,
                misinformation_score=match.score,
                narrative_id=match.narrative_id if likely else None,
                reason=sentiment.reason,
                model=self._name_version,
                misinformation_reason=match.reason,
            ))
        return predictions
