"""The default sentiment model: TF-IDF + logistic regression averaged with a logistic head on
multilingual-e5-small sentence embeddings.

Why two parts: on real published texts about the directive the word model and the embedding
head make different mistakes (the word model keys on phrases such as "bảo vệ dữ liệu", the
embedding head on what a whole sentence says), and their average beats either alone on
documents neither was trained on (numbers in MODEL_CARD.md). The word model also supplies the
reviewer's reason: the phrases that pushed toward the chosen label.

A model directory holds:
- ``config.json``: ``"format": "phuxanh-ensemble"``, name, version, labels, preprocessing
  version, ``alpha`` (the embedding head's weight), ``temperature``, ``chunk_max_words``,
  ``embed_max_chunks`` (how much of a long text is embedded), ``cascade_threshold`` (the word
  model answers alone at or above this probability; null: never), ``embed_prefix`` (e5's
  "query" or "passage" prefix; absent means "passage"), the embedder id, training provenance;
- ``linear/``: a complete linear model directory (classify/models/linear.py);
- ``e5_head.npz``: ``coef`` (labels x 384) and ``intercept`` (read with ``allow_pickle=False``);
- ``metrics.json``, ``MODEL_CARD.md``, ``narrative_background.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classify.base import ModelError
from classify.models.e5_embed import DIM, EMBEDDER_ID, PREFIXES, EmbedPrefix, embed_texts
from classify.models.linear import (
    LABEL_VI,
    LinearSentimentModel,
    SentimentResult,
    read_json,
    softmax,
)
from classify.preprocess import PREPROCESS_VERSION, chunks

FORMAT = "phuxanh-ensemble"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
HEAD_FILE = "e5_head.npz"
LINEAR_DIR = "linear"


def combine(p_linear: np.ndarray, p_embedding: np.ndarray, alpha: float, temperature: float
            ) -> np.ndarray:
    """Weighted average of the two probability rows, sharpened or softened by ``temperature``
    (fitted on out-of-fold predictions so the score reads as a probability)."""
    mixed = alpha * p_embedding + (1.0 - alpha) * p_linear
    return softmax(np.log(np.clip(mixed, 1e-12, 1.0)) / temperature)


class EmbeddingHead:
    """Multinomial logistic regression on e5 embeddings."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        if self.coef.ndim != 2 or self.coef.shape[1] != DIM:
            raise ModelError(f"e5 head coef has shape {self.coef.shape}, expected (labels, {DIM})")
        if self.intercept.shape != (self.coef.shape[0],):
            raise ModelError(f"e5 head intercept has shape {self.intercept.shape}")

    def proba(self, embeddings: np.ndarray) -> np.ndarray:
        return softmax(embeddings.astype(np.float64) @ self.coef.T + self.intercept)


class EnsembleSentimentModel:
    def __init__(
        self,
        *,
        name: str,
        version: str,
        linear: LinearSentimentModel,
        head: EmbeddingHead,
        alpha: float,
        temperature: float = 1.0,
        chunk_max_words: int = 200,
        embed_max_chunks: int = 1,
        cascade_threshold: float | None = None,
        embed_prefix: EmbedPrefix = "passage",
        extra_config: dict[str, Any] | None = None,
    ) -> None:
        if not 0.0 <= alpha <= 1.0:
            raise ModelError(f"alpha must be between 0 and 1, got {alpha}")
        if temperature <= 0:
            raise ModelError(f"temperature must be positive, got {temperature}")
        if head.coef.shape[0] != len(linear.labels):
            raise ModelError("the e5 head and the linear model disagree on the number of labels")
        self.name = name
        self.version = version
        self.linear = linear
        self.labels = list(linear.labels)
        self.head = head
        self.alpha = float(alpha)
        self.temperature = float(temperature)
        self.chunk_max_words = chunk_max_words
        # Embedding a 200-word chunk costs ~10x what the word model spends on a whole article,
        # so only the opening of a long text (headline, lead, first paragraphs: where press
        # texts state their stance) is embedded; the word model still reads the whole text.
        # One chunk keeps a province's daily volume within the hour on two cores.
        self.embed_max_chunks = embed_max_chunks
        # The word model alone answers when its top probability reaches this (None: never);
        # chosen in training as the most items left to it without losing macro-F1 out of fold.
        self.cascade_threshold = cascade_threshold
        if embed_prefix not in PREFIXES:
            raise ModelError(f"unknown e5 prefix {embed_prefix!r}")
        # e5's "query: " or "passage: " prefix, as the head was trained (chosen out of fold).
        self.embed_prefix: EmbedPrefix = embed_prefix
        self.extra_config = dict(extra_config or {})

    @property
    def name_version(self) -> str:
        return f"{self.name}@{self.version}"

    def embedding_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The embedding head's probabilities per text: long texts are embedded in chunks and
        the chunk probabilities averaged by length, as the word model does; at most
        ``embed_max_chunks`` chunks from the start of each text."""
        owners: list[int] = []
        pieces: list[str] = []
        for owner, text in enumerate(texts):
            for piece in chunks(text, self.chunk_max_words)[:self.embed_max_chunks]:
                owners.append(owner)
                pieces.append(piece)
        result = np.full((len(texts), len(self.labels)), 1.0 / len(self.labels))
        if not pieces:
            return result
        probs = self.head.proba(embed_texts(pieces, self.embed_prefix))
        weights = np.array([len(piece.split()) for piece in pieces], dtype=np.float64)
        owner_array = np.array(owners)
        for owner in set(owners):
            rows = np.flatnonzero(owner_array == owner)
            share = weights[rows] / weights[rows].sum()
            result[owner] = share @ probs[rows]
        return result

    def unsure(self, p_linear: np.ndarray) -> np.ndarray:
        """Which rows the word model is not sure enough about to answer alone."""
        if self.cascade_threshold is None:
            return np.ones(len(p_linear), dtype=bool)
        return p_linear.max(axis=1) < self.cascade_threshold

    def predict_texts(self, texts: Sequence[str]) -> list[SentimentResult]:
        word_results = self.linear.predict_texts(texts)
        p_linear = np.array([[r.probabilities[label] for label in self.labels]
                             for r in word_results]).reshape(len(texts), len(self.labels))
        # A cascade: the word model answers where it is sure; only the rest is embedded.
        unsure = np.flatnonzero(self.unsure(p_linear))
        combined = p_linear.copy()
        p_embedding: dict[int, np.ndarray] = {}
        if len(unsure):
            embedded = self.embedding_proba([texts[i] for i in unsure])
            combined[unsure] = combine(p_linear[unsure], embedded, self.alpha,
                                       self.temperature)
            p_embedding = {int(i): row for i, row in zip(unsure, embedded, strict=True)}
        results: list[SentimentResult] = []
        for i, text in enumerate(texts):
            label_index = int(np.argmax(combined[i]))
            label = self.labels[label_index]
            if not text.strip():
                label = "neutral" if "neutral" in self.labels else label
                label_index = self.labels.index(label)
            reason = (word_results[i].reason if word_results[i].label == label
                      else self.linear.reason_toward(text, label))
            if i in p_embedding:
                semantic = self.labels[int(np.argmax(p_embedding[i]))]
                reason += (f" · ngữ nghĩa: {LABEL_VI.get(semantic, semantic)} "
                           f"{p_embedding[i].max():.2f}")
            results.append(SentimentResult(
                label=label,
                score=float(combined[i][label_index]),
                probabilities={lab: float(p) for lab, p in zip(self.labels, combined[i],
                                                               strict=True)},
                reason=reason,
            ))
        return results

    # -- persistence ---------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "version": self.version,
            "labels": self.labels,
            "preprocess_version": PREPROCESS_VERSION,
            "created_at": self.extra_config.get(
                "created_at", datetime.now(UTC).isoformat(timespec="seconds")),
            "embedder": EMBEDDER_ID,
            "alpha": self.alpha,
            "temperature": self.temperature,
            "chunk_max_words": self.chunk_max_words,
            "embed_max_chunks": self.embed_max_chunks,
            "cascade_threshold": self.cascade_threshold,
            "embed_prefix": self.embed_prefix,
            "linear": self.linear.name_version,
            **{k: v for k, v in self.extra_config.items() if k != "created_at"},
        }

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.linear.save(directory / LINEAR_DIR)
        np.savez_compressed(directory / HEAD_FILE, coef=self.head.coef,
                            intercept=self.head.intercept)
        (directory / CONFIG_FILE).write_text(
            json.dumps(self.config(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> EnsembleSentimentModel:
        path = directory / CONFIG_FILE
        config = read_json(path)
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            raise ModelError(f"{path}: not a {FORMAT!r} model")
        if config.get("format_version") != FORMAT_VERSION:
            raise ModelError(f"{path}: format_version {config.get('format_version')!r} is not "
                             f"{FORMAT_VERSION}")
        if config.get("embedder") != EMBEDDER_ID:
            raise ModelError(f"{path}: trained on embeddings from {config.get('embedder')!r}; "
                             f"this code embeds with {EMBEDDER_ID!r}")
        try:
            with np.load(directory / HEAD_FILE, allow_pickle=False) as weights:
                head = EmbeddingHead(weights["coef"], weights["intercept"])
        except FileNotFoundError:
            raise ModelError(f"{directory / HEAD_FILE}: missing") from None
        except (KeyError, ValueError, OSError) as exc:
            raise ModelError(f"{directory / HEAD_FILE}: unreadable ({exc})") from None
        linear = LinearSentimentModel.load(directory / LINEAR_DIR)
        known = {"format", "format_version", "name", "version", "labels", "preprocess_version",
                 "embedder", "alpha", "temperature", "chunk_max_words", "embed_max_chunks",
                 "cascade_threshold", "embed_prefix", "linear"}
        try:
            return cls(
                name=str(config["name"]), version=str(config["version"]), linear=linear,
                head=head, alpha=float(config["alpha"]),
                temperature=float(config.get("temperature", 1.0)),
                chunk_max_words=int(config.get("chunk_max_words", 200)),
                embed_max_chunks=int(config.get("embed_max_chunks", 1)),
                cascade_threshold=(None if config.get("cascade_threshold") is None
                                   else float(config["cascade_threshold"])),
                # Models before 2.3.0 have no prefix in their config: they used "passage".
                embed_prefix=config.get("embed_prefix", "passage"),
                extra_config={k: v for k, v in config.items() if k not in known},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: invalid model config ({exc})") from None
