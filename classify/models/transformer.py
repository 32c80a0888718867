"""The transformers backend: any Hugging Face sequence-classification checkpoint as a Classifier.

A checkpoint directory is what ``save_pretrained`` writes (``config.json``, weights, tokenizer
files). Models trained here (``classify.train_transformer``) add a ``phuxanh`` object to
``config.json`` and ``"backend": "transformers"``; a plain checkpoint works without them:

- ``name``/``version``: recorded with every prediction; without them the directory name and a
  hash of its config and weights, so a changed checkpoint is a new version;
- ``input``: ``"raw"`` (NFC text, for e5/XLM-R/ViSoBERT) or ``"segmented"`` (the shared
  :func:`classify.preprocess.preprocess`, word-segmented, for PhoBERT);
- ``label_map``: checkpoint label -> positive/neutral/negative, when the names are not
  self-explanatory (``LABEL_0``...);
- ``chunk_max_words``, ``max_length``, ``batch_size``, ``reason_words``.

Long texts are split with :func:`classify.preprocess.chunks`; chunk probabilities are averaged
weighted by chunk length, as the linear model does. The reason names the words with the largest
gradient x input toward the chosen label (one backward pass per batch: the cheapest attribution
that reflects what the model computed, unlike raw attention weights), with the probability.

torch and transformers are imported here only, and only when a model is loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classify.base import ModelError
from classify.models.linear import LABEL_VI, REASON_STOPWORDS
from classify.pipeline import DirectiveClassifier
from classify.preprocess import PREPROCESS_VERSION, chunks, preprocess
from phuxanh.text import clean

logger = logging.getLogger(__name__)

BACKEND = "transformers"
SENTIMENTS = ("positive", "neutral", "negative")

# Label names seen in public Vietnamese and multilingual sentiment checkpoints.
_ALIASES = {
    "positive": "positive", "pos": "positive", "tích cực": "positive", "tich_cuc": "positive",
    "neutral": "neutral", "neu": "neutral", "trung lập": "neutral", "trung_lap": "neutral",
    "negative": "negative", "neg": "negative", "tiêu cực": "negative", "tieu_cuc": "negative",
    # star ratings (e.g. nlptown's multilingual review model)
    "1 star": "negative", "2 stars": "negative", "3 stars": "neutral", "4 stars": "positive",
    "5 stars": "positive",
}
_WORD_CHAR_RE = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class SentimentResult:
    label: str
    score: float
    probabilities: dict[str, float]
    reason: str


def read_config(directory: Path) -> dict[str, Any]:
    path = directory / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: missing (is this a model directory?)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable ({exc})") from None
    if not isinstance(config, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return config


def is_transformers_config(config: dict[str, Any]) -> bool:
    """A directory this backend reads: ours say so; any HF checkpoint has a ``model_type``."""
    return config.get("backend") == BACKEND or "model_type" in config


def map_labels(id2label: dict[int, str], label_map: dict[str, str] | None,
               where: str) -> list[str]:
    """The sentiment each output index stands for, in index order."""
    mapped = []
    for index in sorted(id2label):
        name = str(id2label[index])
        target = (label_map or {}).get(name) or _ALIASES.get(name.strip().lower())
        if target not in SENTIMENTS:
            raise ModelError(
                f"{where}: cannot map label {name!r} (id {index}) onto positive/neutral/"
                f"negative; add \"phuxanh\": {{\"label_map\": {{\"{name}\": \"...\"}}}} to "
                "config.json"
            )
        mapped.append(target)
    return mapped


def _weights_digest(directory: Path) -> str:
    digest = hashlib.sha256((directory / "config.json").read_bytes())
    for path in sorted(directory.glob("*.safetensors")) + sorted(directory.glob("*.bin")):
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


class TransformerSentimentModel:
    def __init__(self, model: Any, tokenizer: Any, *, name: str, version: str,
                 sentiments: Sequence[str], settings: dict[str, Any]) -> None:
        import torch

        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.version = version
        self.sentiments = list(sentiments)  # per output index
        self.segmented = settings.get("input", "raw") == "segmented"
        self.chunk_max_words = int(settings.get("chunk_max_words", 150))
        self.max_length = int(settings.get("max_length", 256))
        self.batch_size = int(settings.get("batch_size", 16))
        self.reason_words = int(settings.get("reason_words", 4))
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()

    @property
    def name_version(self) -> str:
        return f"{self.name}@{self.version}"

    @classmethod
    def load(cls, source: str | Path) -> TransformerSentimentModel:
        """A local checkpoint directory, or a hub id when the hub is reachable (not here)."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        directory = Path(source)
        if directory.is_dir():
            config = read_config(directory)
            where = str(directory / "config.json")
        else:
            config, where = {}, str(source)
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(source))
            model = AutoModelForSequenceClassification.from_pretrained(str(source))
        except OSError as exc:
            if directory.is_dir():
                raise ModelError(f"{directory}: not a loadable checkpoint ({exc})") from None
            raise ModelError(
                f"{source}: not a local directory, and fetching it from the Hugging Face hub "
                "failed (no hub is reachable from these machines): copy the checkpoint here "
                f"and pass its path ({str(exc).splitlines()[0]})"
            ) from None
        ours = config.get("phuxanh") or {}
        if ours and ours.get("preprocess_version") not in (None, PREPROCESS_VERSION) and (
                ours.get("input") == "segmented"):
            raise ModelError(
                f"{where}: trained with preprocess_version {ours.get('preprocess_version')!r} "
                f"but this code is version {PREPROCESS_VERSION!r}; retrain"
            )
        sentiments = map_labels(
            {int(k): v for k, v in model.config.id2label.items()}, ours.get("label_map"), where
        )
        if directory.is_dir():
            name = str(ours.get("name") or directory.name)
            version = str(ours.get("version") or _weights_digest(directory))
        else:
            name, version = str(source), str(getattr(model.config, "_commit_hash", "") or "hub")
        return cls(model, tokenizer, name=name, version=version, sentiments=sentiments,
                   settings=ours)

    # -- scoring -------------------------------------------------------------------------------

    def _prepare(self, text: str) -> str:
        # NFC first: e5's tokenizer composes nothing, decomposed Vietnamese doubles the tokens.
        return preprocess(text) if self.segmented else clean(text)

    def _forward(self, pieces: list[str]) -> tuple[np.ndarray, list[list[tuple[int, str, float]]]]:
        """Probabilities per output index, and (word, attribution) toward each piece's top
        output, for one batch of chunks."""
        import torch

        encoded = self.tokenizer(pieces, padding=True, truncation=True,
                                 max_length=self.max_length, return_tensors="pt",
                                 return_offsets_mapping=True)
        offsets = encoded.pop("offset_mapping").tolist()
        encoded = {key: value.to(self.device) for key, value in encoded.items()}
        want_reason = self.reason_words > 0
        with torch.set_grad_enabled(want_reason):
            embeddings = self.model.get_input_embeddings()(encoded["input_ids"]).detach()
            embeddings.requires_grad_(want_reason)
            inputs = {k: v for k, v in encoded.items() if k != "input_ids"}
            logits = self.model(inputs_embeds=embeddings, **inputs).logits.float()
            top = logits.argmax(dim=-1)
            words: list[list[tuple[int, str, float]]] = [[] for _ in pieces]
            if want_reason:
                logits.gather(1, top.unsqueeze(1)).sum().backward()
                assert embeddings.grad is not None
                token_scores = (embeddings.grad * embeddings).sum(-1).detach().cpu().numpy()
                words = [_word_scores(piece, offs, scores)
                         for piece, offs, scores in zip(pieces, offsets, token_scores,
                                                        strict=True)]
        probs = torch.softmax(logits.detach(), dim=-1).cpu().numpy().astype(np.float64)
        return probs, words

    def predict_texts(self, texts: Sequence[str]) -> list[SentimentResult]:
        owners: list[int] = []
        pieces: list[str] = []
        for owner, text in enumerate(texts):
            parts = [self._prepare(part) for part in chunks(text, self.chunk_max_words)]
            parts = [part for part in parts if part] or [""]
            owners.extend([owner] * len(parts))
            pieces.extend(parts)
        # Batches of similar length waste less on padding; the order is restored below.
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        n_out = len(self.sentiments)
        probs = np.zeros((len(pieces), n_out))
        words: list[list[tuple[int, str, float]]] = [[] for _ in pieces]
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            batch_probs, batch_words = self._forward([pieces[i] for i in batch])
            for row, index in enumerate(batch):
                probs[index] = batch_probs[row]
                words[index] = batch_words[row]

        # Output indices -> the three sentiments (several outputs may share one, e.g. stars).
        to_sentiment = np.zeros((n_out, len(SENTIMENTS)))
        for index, sentiment in enumerate(self.sentiments):
            to_sentiment[index, SENTIMENTS.index(sentiment)] = 1.0
        weights = np.array([max(len(piece.split()), 1) for piece in pieces], dtype=np.float64)
        owner_array = np.array(owners)
        results = []
        for owner in range(len(texts)):
            rows = np.flatnonzero(owner_array == owner)
            share = weights[rows] / weights[rows].sum()
            combined = (share @ probs[rows]) @ to_sentiment
            best = int(np.argmax(combined))
            label = SENTIMENTS[best]
            results.append(SentimentResult(
                label=label, score=float(combined[best]),
                probabilities={s: float(p) for s, p in zip(SENTIMENTS, combined, strict=True)},
                reason=self._reason(label, float(combined[best]), rows, share, probs, words),
            ))
        return results

    def _reason(self, label: str, score: float, rows: np.ndarray, share: np.ndarray,
                probs: np.ndarray, words: list[list[tuple[int, str, float]]]) -> str:
        name = f"{LABEL_VI.get(label, label)} ({score:.2f})"
        if self.reason_words <= 0:
            return name  # attribution switched off (it triples the cost on a CPU)
        # Only chunks whose own top output is this sentiment explain it. Adjacent strong words
        # are joined into one phrase: Vietnamese words are mostly two syllables ("cá độ").
        phrases: dict[str, float] = {}
        for row, weight in zip(rows, share, strict=True):
            if self.sentiments[int(np.argmax(probs[row]))] != label:
                continue
            positive = sorted((item for item in words[row] if item[2] > 0),
                              key=lambda item: -item[2])[:2 * self.reason_words]
            run: list[tuple[int, str, float]] = []
            for item in [*sorted(positive), None]:
                if run and (item is None or item[0] != run[-1][0] + 1):
                    phrase = " ".join(word for _, word, _ in run)
                    phrases[phrase] = phrases.get(phrase, 0.0) + weight * sum(
                        value for _, _, value in run)
                    run = []
                if item is not None:
                    run.append(item)
        ranked = sorted(phrases.items(), key=lambda item: (-item[1], item[0]))
        chosen: list[str] = []
        for phrase, _ in ranked:
            if not any(phrase in other or other in phrase for other in chosen):
                chosen.append(phrase)
            if len(chosen) == self.reason_words:
                break
        if not chosen:
            return f"{name}: không có từ nổi bật (dựa trên toàn văn)"
        return f"{name} vì: " + ", ".join(f"'{phrase}'" for phrase in chosen)


def _word_scores(text: str, offsets: list[list[int]], scores: np.ndarray
                 ) -> list[tuple[int, str, float]]:
    """Token attributions summed per white-space word of ``text``, as (word position, word,
    attribution); words a reviewer cannot read as a reason (function words, punctuation,
    numbers) are left out, their positions kept so phrases join only true neighbours."""
    spans = [(match.start(), match.end()) for match in re.finditer(r"\S+", text)]
    totals = [0.0] * len(spans)
    word = 0
    for (begin, end), value in zip(offsets, scores, strict=False):
        if end <= begin:
            continue  # special tokens and padding have empty spans
        while begin < end and text[begin].isspace():
            begin += 1  # "▁word" tokens may start on the space before their word
        while word + 1 < len(spans) and spans[word + 1][0] <= begin:
            word += 1
        if spans and spans[word][0] <= begin < spans[word][1]:
            totals[word] += float(value)
    out = []
    for position, ((begin, end), total) in enumerate(zip(spans, totals, strict=True)):
        token = text[begin:end].strip(".,;:!?\"'()[]…“”‘’").lower()
        if (not token or token in REASON_STOPWORDS or token.isdigit()
                or not _WORD_CHAR_RE.search(token) or token in {"url", "mention"}):
            continue
        out.append((position, token.replace("_", " "), total))
    return out


# One classifier for both backends: sentiment from the model, narratives from the matcher.
TransformerClassifier = DirectiveClassifier
