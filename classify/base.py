"""What every classifier backend offers: documents in, one prediction each out.

The labels are suggestions a reviewer confirms; ``model`` names exactly what produced them so
the store can re-classify items labelled by an older model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from phuxanh.errors import PhuxanhError

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = REPO_ROOT / "classify" / "artifacts" / "default"
DEFAULT_NARRATIVES = REPO_ROOT / "config" / "narratives.yaml"

SentimentName = Literal["positive", "neutral", "negative"]
MisinfoName = Literal["likely", "unlikely"]


class ModelError(PhuxanhError):
    """A model directory is missing, incomplete or made for other code; the message names the
    file."""


@dataclass(frozen=True)
class Doc:
    title: str
    text: str


@dataclass(frozen=True)
class Prediction:
    sentiment: str  # "positive" | "neutral" | "negative", toward the tracked topic
    sentiment_score: float  # the model's probability of ``sentiment``
    misinformation: str  # "likely" | "unlikely": repeats a known false claim
    misinformation_score: float  # strength of the best narrative match, 0..1
    narrative_id: str | None  # key in config/narratives.yaml when "likely"
    reason: str  # for a reviewer: the phrases that drove the sentiment label
    model: str  # name@version of everything that produced this prediction
    # For a reviewer: the matching sentence and narrative, or why nothing matched. The JSONL and
    # store contracts carry a reason per label, so the two are kept apart.
    misinformation_reason: str = ""


@runtime_checkable
class Classifier(Protocol):
    @property
    def name_version(self) -> str: ...

    def predict(self, docs: Sequence[Doc]) -> list[Prediction]: ...


def load_classifier(
    model_dir: Path | None = None, narratives_path: Path | None = None,
    added_narratives: Path | None = None,
) -> Classifier:
    """The sentiment model in ``model_dir`` combined with narrative matching on
    ``narratives_path``; None means the shipped default model and ``config/narratives.yaml``.

    The backend is chosen by the directory's ``config.json``: ``"format": "phuxanh-linear"``
    is the linear model; ``"phuxanh-ensemble"`` the linear model averaged with a head on e5
    embeddings (the default); ``"backend": "transformers"`` or any Hugging Face checkpoint (it has a
    ``model_type``) is the transformers backend, which imports torch only then. A
    ``model_dir`` that is no directory but looks like a hub id ("org/name") goes to the
    transformers backend, which explains that no hub is reachable."""
    import json

    from classify.models.linear import LinearSentimentModel
    from classify.narratives import (
        BACKGROUND_FILE,
        Background,
        NarrativeMatcher,
        load_narratives,
        with_additions,
    )
    from classify.pipeline import DirectiveClassifier

    model_dir = DEFAULT_MODEL_DIR if model_dir is None else Path(model_dir)
    narratives_path = DEFAULT_NARRATIVES if narratives_path is None else Path(narratives_path)
    hub_id = (not model_dir.exists() and not model_dir.is_absolute()
              and len(model_dir.parts) == 2 and not str(model_dir).startswith("."))
    if not model_dir.is_dir() and not hub_id:
        raise ModelError(f"{model_dir}: model directory not found")
    config: object = {}
    if model_dir.is_dir():
        try:
            config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            config = {}  # the linear loader names the missing or broken file
    transformers_backend = hub_id or (isinstance(config, dict) and (
        config.get("backend") == "transformers" or "model_type" in config))
    background_path = model_dir / BACKGROUND_FILE
    if transformers_backend and not background_path.exists():
        # A checkpoint from elsewhere has no in-domain background: borrow the shipped one.
        background_path = DEFAULT_MODEL_DIR / BACKGROUND_FILE
    background = None
    if background_path.exists():
        background = Background.load(background_path)
    else:
        # Matching still works, but generic in-domain sentences score higher than the
        # thresholds in narratives.yaml were chosen for: more false alarms on long articles.
        logger.warning("%s: missing; narrative matching runs without background idf",
                       background_path)
    # Reviewers' additions (phuxanh/narrative_additions.py) join the configured claims.
    narratives = with_additions(load_narratives(narratives_path), added_narratives)
    matcher = NarrativeMatcher(narratives, background)
    if transformers_backend:
        from classify.models.transformer import TransformerClassifier, TransformerSentimentModel

        return TransformerClassifier(TransformerSentimentModel.load(model_dir), matcher)
    if isinstance(config, dict) and config.get("format") == "phuxanh-ensemble":
        from classify.models.ensemble import EnsembleSentimentModel

        return DirectiveClassifier(EnsembleSentimentModel.load(model_dir), matcher)
    return DirectiveClassifier(LinearSentimentModel.load(model_dir), matcher)
