"""Training helpers: labelled data, leak-free splits, fitting, cross-validation, calibration.

scikit-learn is used here only to fit the logistic regression (and to group near-duplicates);
the fitted numbers go into a :class:`LinearSentimentModel`, which never needs scikit-learn.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classify.models.features import FeatureSettings, Vectorizer, extract_terms
from classify.models.linear import LinearSentimentModel, softmax
from phuxanh.errors import InputError
from phuxanh.text import fold

LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
# UIT-VSFC's own label values (README: 0 neg, 1 neu, 2 pos).
VSFC_LABELS = {0: "negative", 1: "neutral", 2: "positive"}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    register: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Candidate:
    """One configuration tried in model selection."""

    name: str
    features: FeatureSettings
    c: float  # inverse regularisation strength of the logistic regression
    aux_weight: float = 0.0  # total weight of the auxiliary (out-of-domain) data; 0: none

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "features": self.features.to_json(), "C": self.c,
                "aux_weight": self.aux_weight}


def iter_text_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file whose objects carry a
    ``text`` string. Errors name file:line."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise InputError(f"{path}:{number}: expected an object with a 'text' string")
            yield number, row


def read_labelled_rows(path: Path) -> list[dict[str, Any]]:
    """JSONL objects with a ``text`` string and a ``label`` in LABELS; blank lines skipped.
    Errors name file:line."""
    rows: list[dict[str, Any]] = []
    for number, row in iter_text_rows(path):
        if row.get("label") not in LABELS:
            raise InputError(
                f"{path}:{number}: label must be one of {', '.join(LABELS)}, "
                f"got {row.get('label')!r}"
            )
        rows.append(row)
    return rows


def read_real_rows(directory: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, test) rows of ``texts.jsonl`` split by whole documents in ``split.json``; each
    row keeps its ``doc`` for grouping."""
    split = json.loads((directory / "split.json").read_text(encoding="utf-8"))
    side = {doc: "train" for doc in split["train"]} | {doc: "test" for doc in split["test"]}
    train: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    for row in read_labelled_rows(directory / "texts.jsonl"):
        chosen = side.get(str(row.get("doc")))
        if chosen == "train":
            train.append(row)
        elif chosen == "test":
            test.append(row)
    return train, test


def read_labelled(path: Path) -> list[Example]:
    return [
        Example(row["text"], row["label"], str(row.get("register", "")),
                str(row.get("origin", "")))
        for row in read_labelled_rows(path)
    ]


def read_vsfc(directory: Path, splits: Sequence[str] = ("train", "dev")) -> list[Example]:
    """UIT-VSFC student feedback (shared/data/uit_vsfc), labels mapped to ours."""
    examples: list[Example] = []
    for split in splits:
        path = directory / f"{split}.jsonl"
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                examples.append(Example(row["text"], VSFC_LABELS[int(row["label"])],
                                        "student-feedback", f"uit_vsfc/{split}"))
    return examples


def near_duplicate_groups(texts: Sequence[str], threshold: float = 0.5) -> list[int]:
    """Group id per text: texts whose folded character-n-gram cosine reaches ``threshold`` are
    in one group (transitively), so a split never puts near-copies on both sides."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(
        [fold(t) for t in texts]
    )
    similar = (matrix @ matrix.T).tocoo()
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, value in zip(similar.row, similar.col, similar.data, strict=True):
        if i < j and value >= threshold:
            parent[root(int(j))] = root(int(i))
    return [root(i) for i in range(len(texts))]


def grouped_folds(labels: Sequence[str], groups: Sequence[int], n_splits: int, seed: int
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified by label, grouped by near-duplicate group, deterministic for a seed."""
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    placeholder = np.zeros(len(labels))
    return [(train, test) for train, test in splitter.split(placeholder, labels, groups)]


def class_balanced_weights(labels: Sequence[str], total: float) -> np.ndarray:
    """Weights summing to ``total`` with each present label getting an equal share: auxiliary
    data with few neutral rows must not teach the model that neutral is rare."""
    counts = Counter(labels)
    share = total / len(counts)
    return np.array([share / counts[label] for label in labels], dtype=np.float64)


def fit(
    processed: Sequence[str],
    labels: Sequence[str],
    candidate: Candidate,
    *,
    aux_processed: Sequence[str] = (),
    aux_labels: Sequence[str] = (),
    extra_processed: Sequence[str] = (),
    extra_labels: Sequence[str] = (),
    name: str = "baseline-linear",
    version: str = "0.0.0",
    term_cache: dict[str, list[str]] | None = None,
) -> LinearSentimentModel:
    """Fit vocabulary, idf and a multinomial logistic regression. In-domain rows and ``extra``
    rows (more in-domain data, e.g. reviewers' labels) weigh 1 each; the auxiliary rows share
    ``candidate.aux_weight`` times the in-domain total."""
    from sklearn.linear_model import LogisticRegression

    use_aux = candidate.aux_weight > 0 and len(aux_processed) > 0
    in_domain = list(processed) + list(extra_processed)
    texts = in_domain + (list(aux_processed) if use_aux else [])
    y = list(labels) + list(extra_labels) + (list(aux_labels) if use_aux else [])
    terms = [_terms(text, candidate.features, term_cache) for text in texts]
    vectorizer = Vectorizer.fit(terms, candidate.features)
    matrix = vectorizer.transform(terms)
    weights = np.ones(len(texts), dtype=np.float64)
    if use_aux:
        weights[len(in_domain):] = class_balanced_weights(
            aux_labels, candidate.aux_weight * len(in_domain)
        )
    classifier = LogisticRegression(C=candidate.c, max_iter=5000)
    classifier.fit(matrix, y, sample_weight=weights)
    # Reorder scikit-learn's (alphabetical) classes into our label order.
    order = [list(classifier.classes_).index(label) for label in LABELS]
    return LinearSentimentModel(
        name=name, version=version, labels=LABELS, vectorizer=vectorizer,
        coef=classifier.coef_[order], intercept=classifier.intercept_[order],
    )


def _terms(text: str, settings: FeatureSettings, cache: dict[str, list[str]] | None
           ) -> list[str]:
    if cache is None:
        return extract_terms(text, settings)
    key = f"{settings.word_ngrams}|{settings.char_ngrams}|{text}"
    if key not in cache:
        cache[key] = extract_terms(text, settings)
    return cache[key]


def logits(model: LinearSentimentModel, processed: Sequence[str]) -> np.ndarray:
    matrix = model.features(processed)
    return np.asarray(matrix @ model.coef.T + model.intercept)


def cross_validate(
    processed: Sequence[str],
    labels: Sequence[str],
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    candidate: Candidate,
    *,
    aux_processed: Sequence[str] = (),
    aux_labels: Sequence[str] = (),
    extra_processed: Sequence[str] = (),
    extra_labels: Sequence[str] = (),
    term_cache: dict[str, list[str]] | None = None,
) -> tuple[list[float], np.ndarray]:
    """Macro-F1 per fold and the out-of-fold logits (rows in ``processed`` order). Auxiliary
    and extra rows are in every fold's training part, never in its validation part."""
    from classify.metrics import report

    out_of_fold = np.zeros((len(processed), len(LABELS)))
    scores: list[float] = []
    for train, test in folds:
        model = fit([processed[i] for i in train], [labels[i] for i in train], candidate,
                    aux_processed=aux_processed, aux_labels=aux_labels,
                    extra_processed=extra_processed, extra_labels=extra_labels,
                    term_cache=term_cache)
        fold_logits = logits(model, [processed[i] for i in test])
        out_of_fold[test] = fold_logits
        predicted = [LABELS[i] for i in fold_logits.argmax(axis=1)]
        scores.append(report([labels[i] for i in test], predicted, LABELS)["macro_f1"])
    return scores, out_of_fold


def fit_temperature(raw_logits: np.ndarray, labels: Sequence[str]) -> float:
    """The softmax temperature minimising log loss on held-out logits (grid 0.2 .. 5)."""
    true_index = np.array([LABELS.index(label) for label in labels])
    best_t, best_loss = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.2), np.log(5.0), 81)):
        probs = softmax(raw_logits / t)
        loss = -np.mean(np.log(np.clip(probs[np.arange(len(true_index)), true_index], 1e-12, 1)))
        if loss < best_loss - 1e-12:
            best_t, best_loss = float(t), float(loss)
    return round(best_t, 4)
