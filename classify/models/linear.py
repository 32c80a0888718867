"""The baseline sentiment model: TF-IDF + multinomial logistic regression, saved as data.

A model directory holds:
- ``config.json``: name, version, labels, preprocessing version, feature settings, chunk size,
  softmax temperature, training provenance;
- ``vocabulary.json``: the feature terms, in column order;
- ``weights.npz``: ``idf``, ``coef`` (labels x terms) and ``intercept`` (read with
  ``allow_pickle=False``: loading a model never runs code);
- ``metrics.json`` and ``MODEL_CARD.md``, written by ``classify.train``.

Long texts are split with :func:`classify.preprocess.chunks`, each chunk is scored, and the
probabilities are averaged weighted by chunk length, so one long article is not judged on its
first paragraph and a 20-word comment is scored as a whole.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from classify.base import ModelError
from classify.models.features import WORD_PREFIX, FeatureSettings, Vectorizer, extract_terms
from classify.preprocess import PREPROCESS_VERSION, chunks, preprocess

_PUNCT_RE = re.compile(r"^[^\w\s]+$")
FORMAT = "phuxanh-linear"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
VOCABULARY_FILE = "vocabulary.json"
WEIGHTS_FILE = "weights.npz"

# How a reviewer reads each label in a reason.
LABEL_VI = {"positive": "tích cực", "neutral": "trung lập", "negative": "tiêu cực"}

# Function words, pronouns and particles: they carry weight in the model (style, register) but
# "tích cực vì: 'là', 'của'" tells a reviewer nothing, so a phrase made only of these (or of
# punctuation and numbers) is never shown as a reason. Features are not filtered.
_REASON_STOPWORDS_TEXT = """
à ạ ai anh bác bạn bên bị bởi cả các cái cần càng chị chỉ chiếc cho chứ chưa có có_thể của
cùng cũng đã đang đây để đến đều điều do đó được em gì giờ hay hơn họ khi khiến không là
lại lên lúc mà mấy mình mỗi một mọi nào này nên nếu nhé nhiều nhưng những nó nữa ở ơi ra rằng
rất rồi sau sẽ so sự tại tôi theo thì trên trong từ vào vẫn về vì với vừa vậy đấy nhỉ thế
chúng ta chúng_ta người_ta ông bà cô chú thôi luôn đi lắm quá hết nay hôm chẳng đâu người
việc chỗ thật_sự vậy_mà đó_là còn phải
"""
REASON_STOPWORDS = frozenset(_REASON_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class SentimentResult:
    label: str
    score: float  # probability of ``label``
    probabilities: dict[str, float]
    reason: str


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class LinearSentimentModel:
    def __init__(
        self,
        *,
        name: str,
        version: str,
        labels: Sequence[str],
        vectorizer: Vectorizer,
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float = 1.0,
        chunk_max_words: int = 200,
        reason_phrases: int = 4,
        extra_config: dict[str, Any] | None = None,
    ) -> None:
        coef = np.asarray(coef, dtype=np.float64)
        intercept = np.asarray(intercept, dtype=np.float64)
        if coef.shape != (len(labels), len(vectorizer.vocabulary)):
            raise ModelError(
                f"coef has shape {coef.shape}, expected ({len(labels)}, "
                f"{len(vectorizer.vocabulary)}) for {len(labels)} labels and the vocabulary"
            )
        if intercept.shape != (len(labels),):
            raise ModelError(f"intercept has shape {intercept.shape}, expected ({len(labels)},)")
        if temperature <= 0:
            raise ModelError(f"temperature must be positive, got {temperature}")
        self.name = name
        self.version = version
        self.labels = list(labels)
        self.vectorizer = vectorizer
        self.coef = coef
        self.intercept = intercept
        self.temperature = float(temperature)
        self.chunk_max_words = chunk_max_words
        self.reason_phrases = reason_phrases
        self.extra_config = dict(extra_config or {})
        # A word's push toward a label is its weight there minus its mean weight: in a softmax
        # only differences between labels matter.
        self._relative = coef - coef.mean(axis=0, keepdims=True)

    @property
    def name_version(self) -> str:
        return f"{self.name}@{self.version}"

    # -- scoring -------------------------------------------------------------------------------

    def features(self, processed: Sequence[str]) -> sparse.csr_matrix:
        settings = self.vectorizer.settings
        return self.vectorizer.transform([extract_terms(text, settings) for text in processed])

    def predict_proba_processed(self, processed: Sequence[str]) -> np.ndarray:
        """Probabilities (rows: texts, columns: ``labels``) for already preprocessed texts."""
        matrix = self.features(processed)
        return softmax((matrix @ self.coef.T + self.intercept) / self.temperature)

    def predict_texts(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Raw texts -> one result each, long texts chunked and combined."""
        owners: list[int] = []
        pieces: list[str] = []
        for owner, text in enumerate(texts):
            parts = chunks(text, self.chunk_max_words) or [""]
            owners.extend([owner] * len(parts))
            pieces.extend(preprocess(part) for part in parts)
        matrix = self.features(pieces)
        probs = softmax((matrix @ self.coef.T + self.intercept) / self.temperature)
        weights = np.array([max(len(piece.split()), 1) for piece in pieces], dtype=np.float64)

        results: list[SentimentResult] = []
        owner_array = np.array(owners)
        for owner in range(len(texts)):
            rows = np.flatnonzero(owner_array == owner)
            share = weights[rows] / weights[rows].sum()
            combined = share @ probs[rows]
            if matrix[rows].nnz == 0:
                # Nothing the model knows: no evidence either way, which is what neutral means.
                label_index = self.labels.index("neutral") if "neutral" in self.labels else int(
                    np.argmax(combined)
                )
                reason = f"{LABEL_VI.get(self.labels[label_index], self.labels[label_index])}: " \
                    "không có từ ngữ nào mô hình đã biết"
            else:
                label_index = int(np.argmax(combined))
                reason = self._reason(matrix[rows], share, label_index)
            results.append(SentimentResult(
                label=self.labels[label_index],
                score=float(combined[label_index]),
                probabilities={label: float(p) for label, p in zip(self.labels, combined,
                                                                   strict=True)},
                reason=reason,
            ))
        return results

    def reason_toward(self, text: str, label: str) -> str:
        """The reviewer's reason for ``label`` on a raw text, whatever label this model itself
        would give: used when another model (an ensemble) decides the label."""
        pieces = [preprocess(part) for part in chunks(text, self.chunk_max_words) or [""]]
        matrix = self.features(pieces)
        weights = np.array([max(len(piece.split()), 1) for piece in pieces], dtype=np.float64)
        if matrix.nnz == 0:
            return f"{LABEL_VI.get(label, label)}: không có từ ngữ nào mô hình đã biết"
        return self._reason(matrix, weights / weights.sum(), self.labels.index(label))

    def top_phrases(
        self, rows: sparse.csr_matrix, share: np.ndarray, label_index: int
    ) -> list[tuple[str, float]]:
        """Word features that pushed most toward ``label_index``, as (phrase, push)."""
        push: dict[int, float] = defaultdict(float)
        relative = self._relative[label_index]
        for row, weight in zip(range(rows.shape[0]), share, strict=True):
            start, end = rows.indptr[row], rows.indptr[row + 1]
            for col, value in zip(rows.indices[start:end], rows.data[start:end], strict=True):
                if col < self.vectorizer.n_word:
                    push[int(col)] += weight * value * relative[col]
        ranked = sorted(
            ((col, value) for col, value in push.items() if value > 0),
            key=lambda item: (-item[1], item[0]),
        )
        phrases: list[tuple[str, float]] = []
        for col, value in ranked:
            term = self.vectorizer.vocabulary[col][len(WORD_PREFIX):]
            if not _readable(term):
                continue
            phrase = term.replace("_", " ")
            # "bảo vệ" adds nothing next to "bảo vệ dữ liệu" already chosen, and vice versa.
            if any(phrase in chosen or chosen in phrase for chosen, _ in phrases):
                continue
            phrases.append((phrase, value))
            if len(phrases) == self.reason_phrases:
                break
        return phrases

    def _reason(self, rows: sparse.csr_matrix, share: np.ndarray, label_index: int) -> str:
        label = self.labels[label_index]
        phrases = self.top_phrases(rows, share, label_index)
        name = LABEL_VI.get(label, label)
        if not phrases:
            return f"{name}: không có cụm từ nổi bật (dựa trên toàn văn)"
        return f"{name} vì: " + ", ".join(f"'{phrase}'" for phrase, _ in phrases)

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
                "created_at", datetime.now(UTC).isoformat(timespec="seconds")
            ),
            "features": self.vectorizer.settings.to_json(),
            "n_features": len(self.vectorizer.vocabulary),
            "n_word_features": self.vectorizer.n_word,
            "temperature": self.temperature,
            "chunk_max_words": self.chunk_max_words,
            "reason_phrases": self.reason_phrases,
            **{k: v for k, v in self.extra_config.items() if k != "created_at"},
        }

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / CONFIG_FILE).write_text(
            json.dumps(self.config(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (directory / VOCABULARY_FILE).write_text(
            json.dumps(self.vectorizer.vocabulary, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        np.savez_compressed(
            directory / WEIGHTS_FILE,
            idf=self.vectorizer.idf, coef=self.coef, intercept=self.intercept,
        )

    @classmethod
    def load(cls, directory: Path) -> LinearSentimentModel:
        config = read_json(directory / CONFIG_FILE)
        if not isinstance(config, dict):
            raise ModelError(f"{directory / CONFIG_FILE}: expected a JSON object")
        if config.get("format") != FORMAT:
            raise ModelError(
                f"{directory / CONFIG_FILE}: format is {config.get('format')!r}, this backend "
                f"reads {FORMAT!r}"
            )
        if config.get("format_version") != FORMAT_VERSION:
            raise ModelError(
                f"{directory / CONFIG_FILE}: format_version {config.get('format_version')!r} "
                f"is not {FORMAT_VERSION}"
            )
        if config.get("preprocess_version") != PREPROCESS_VERSION:
            raise ModelError(
                f"{directory / CONFIG_FILE}: trained with preprocess_version "
                f"{config.get('preprocess_version')!r} but this code is version "
                f"{PREPROCESS_VERSION!r}; retrain with `python -m classify.train`"
            )
        vocabulary = read_json(directory / VOCABULARY_FILE)
        if not isinstance(vocabulary, list) or not all(isinstance(t, str) for t in vocabulary):
            raise ModelError(f"{directory / VOCABULARY_FILE}: expected a JSON list of strings")
        try:
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as weights:
                idf, coef, intercept = weights["idf"], weights["coef"], weights["intercept"]
        except FileNotFoundError:
            raise ModelError(f"{directory / WEIGHTS_FILE}: missing") from None
        except (KeyError, ValueError, OSError) as exc:
            raise ModelError(f"{directory / WEIGHTS_FILE}: unreadable ({exc})") from None
        try:
            settings = FeatureSettings.from_json(config["features"])
            known = {
                "format", "format_version", "name", "version", "labels", "preprocess_version",
                "features", "n_features", "n_word_features", "temperature", "chunk_max_words",
                "reason_phrases",
            }
            return cls(
                name=str(config["name"]),
                version=str(config["version"]),
                labels=[str(label) for label in config["labels"]],
                vectorizer=Vectorizer(settings, vocabulary, idf),
                coef=coef,
                intercept=intercept,
                temperature=float(config.get("temperature", 1.0)),
                chunk_max_words=int(config.get("chunk_max_words", 200)),
                reason_phrases=int(config.get("reason_phrases", 4)),
                extra_config={k: v for k, v in config.items() if k not in known},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{directory / CONFIG_FILE}: invalid model config ({exc})") from None


def _readable(term: str) -> bool:
    """A phrase worth showing: some token that is a content word or an emoji."""
    return any(
        token not in REASON_STOPWORDS and not token.isdigit() and not _PUNCT_RE.match(token)
        and token not in {"URL", "MENTION"}
        for token in term.split()
    )


def read_json(path: Path) -> Any:
    """A model file's JSON; ModelError names the file when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: missing (is this a model directory?)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable ({exc})") from None
