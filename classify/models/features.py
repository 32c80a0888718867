"""TF-IDF features from preprocessed text, with a vocabulary that saves as plain JSON.

Two blocks, each L2-normalised on its own (like a scikit-learn FeatureUnion of two
TfidfVectorizers):
- word n-grams over the segmented tokens ("w:bảo_vệ", "w:bảo_vệ dữ_liệu"), the features a
  reviewer can read in a prediction's reason;
- optional character n-grams over the *folded* text ("c:dinh"), which let comments typed
  without diacritics ("bao ve du lieu") share evidence with the accented press vocabulary.

It is written out rather than pickled from scikit-learn so a saved model is data (terms, idf,
weights) that any version of the code can read, and inference needs only numpy and scipy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import sparse

from phuxanh.text import fold

WORD_PREFIX = "w:"
CHAR_PREFIX = "c:"

# Tokens made only of punctuation say little, except ! and ? (emphasis, rhetorical questions).
_PUNCT_ONLY_RE = re.compile(r"^[^\w\s]+$")
_KEEP_PUNCT = frozenset({"!", "?", "=))"})
_HAS_SYMBOL_RE = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]")


@dataclass(frozen=True)
class FeatureSettings:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 4)  # None: no character block
    min_df: int = 2  # a term must occur in at least this many training documents
    max_features: int | None = 60000  # keep the most frequent terms (by document frequency)
    sublinear_tf: bool = True  # 1 + log(count): a repeated word is not ten times the evidence

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureSettings:
        char = data.get("char_ngrams")
        return cls(
            word_ngrams=(int(data["word_ngrams"][0]), int(data["word_ngrams"][1])),
            char_ngrams=None if char is None else (int(char[0]), int(char[1])),
            min_df=int(data["min_df"]),
            max_features=None if data.get("max_features") is None else int(data["max_features"]),
            sublinear_tf=bool(data["sublinear_tf"]),
        )


def _keep(token: str) -> bool:
    return (
        not _PUNCT_ONLY_RE.match(token)
        or token in _KEEP_PUNCT
        or bool(_HAS_SYMBOL_RE.search(token))
    )


def word_terms(processed: str, ngrams: tuple[int, int]) -> list[str]:
    tokens = [token for token in processed.split() if _keep(token)]
    low, high = ngrams
    return [
        WORD_PREFIX + " ".join(tokens[start:start + n])
        for n in range(low, high + 1)
        for start in range(len(tokens) - n + 1)
    ]


def char_terms(processed: str, ngrams: tuple[int, int]) -> list[str]:
    """Character n-grams inside each folded word, padded with spaces (scikit-learn's char_wb):
    "bảo_vệ" -> " bao ve " -> " b", "ba", ..."""
    low, high = ngrams
    terms: list[str] = []
    for word in fold(processed.replace("_", " ")).split():
        if not _keep(word):
            continue
        padded = f" {word} "
        for n in range(low, high + 1):
            terms.extend(CHAR_PREFIX + padded[i:i + n] for i in range(len(padded) - n + 1))
    return terms


def extract_terms(processed: str, settings: FeatureSettings) -> list[str]:
    terms = word_terms(processed, settings.word_ngrams)
    if settings.char_ngrams is not None:
        terms.extend(char_terms(processed, settings.char_ngrams))
    return terms


class Vectorizer:
    """Term lists -> sparse TF-IDF rows. ``vocabulary`` is ordered: word terms first."""

    def __init__(self, settings: FeatureSettings, vocabulary: Sequence[str], idf: np.ndarray):
        if len(vocabulary) != len(idf):
            raise ValueError(f"vocabulary has {len(vocabulary)} terms but idf {len(idf)}")
        self.settings = settings
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.n_word = sum(1 for term in self.vocabulary if term.startswith(WORD_PREFIX))
        if any(term.startswith(WORD_PREFIX) for term in self.vocabulary[self.n_word:]):
            raise ValueError("vocabulary must list word terms before character terms")

    @classmethod
    def fit(
        cls, documents: Iterable[Sequence[str]], settings: FeatureSettings
    ) -> Vectorizer:
        """Vocabulary and smoothed idf, ln((1 + n) / (1 + df)) + 1, from term lists."""
        df: Counter[str] = Counter()
        n_docs = 0
        for terms in documents:
            df.update(set(terms))
            n_docs += 1
        return cls.from_document_frequencies(df, n_docs, settings)

    @classmethod
    def from_document_frequencies(
        cls, df: Counter[str], n_docs: int, settings: FeatureSettings
    ) -> Vectorizer:
        """Vocabulary and idf from document frequencies counted elsewhere (possibly summed
        over several corpora)."""
        kept = [term for term, count in df.items() if count >= settings.min_df]
        # Most frequent first, ties by term, so the same data always gives the same vocabulary.
        kept.sort(key=lambda term: (-df[term], term))
        if settings.max_features is not None:
            kept = kept[:settings.max_features]
        vocabulary = sorted(kept, key=lambda term: (not term.startswith(WORD_PREFIX), term))
        idf = np.array(
            [math.log((1 + n_docs) / (1 + df[term])) + 1.0 for term in vocabulary],
            dtype=np.float64,
        )
        return cls(settings, vocabulary, idf)

    def transform(self, documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for row, terms in enumerate(documents):
            counts = Counter(self.index[term] for term in terms if term in self.index)
            for col, count in counts.items():
                tf = 1.0 + math.log(count) if self.settings.sublinear_tf else float(count)
                rows.append(row)
                cols.append(col)
                values.append(tf * self.idf[col])
        matrix = sparse.csr_matrix(
            (values, (rows, cols)), shape=(len(documents), len(self.vocabulary)),
            dtype=np.float64,
        )
        return _normalise_blocks(matrix, self.n_word)


def _normalise_blocks(matrix: sparse.csr_matrix, split: int) -> sparse.csr_matrix:
    """L2-normalise columns [0, split) and [split, n) of each row separately."""
    matrix = matrix.tocsr(copy=True)
    is_word = np.zeros(matrix.shape[1], dtype=bool)
    is_word[:split] = True
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        cols = matrix.indices[start:end]
        data = matrix.data[start:end]
        for block in (is_word[cols], ~is_word[cols]):
            norm = float(np.sqrt(np.sum(data[block] ** 2)))
            if norm > 0:
                data[block] /= norm
    return matrix
