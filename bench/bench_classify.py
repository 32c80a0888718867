"""Benchmark the classifier backends on CPU: docs/s and peak memory, short posts and articles.

    python bench/bench_classify.py [--n 200] [--model DIR] [--transformer DIR] [--batch-size 64]

Without ``--model`` each backend runs in its own process (so peak memory is its own): the
shipped default (ensemble: word model + e5 head), its word model alone
(``classify/artifacts/default/linear``), and a transformers checkpoint when ``--transformer``
names one. One JSON line per backend, then a summary JSON line last.

Builds N realistic documents from the in-domain seed texts (a third comment-length: one seed text;
a third ~100-word posts, about 128 e5 tokens; a third article-length: a headline and 6-10
paragraphs of 2-3 seed texts, 300-600 words), then
measures: model load time, per-document latency (each document alone, p50/p95 by kind),
throughput (batches), and peak RSS. Prints readable lines, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from classify.base import Doc, load_classifier  # noqa: E402 - after the path set-up above

SEED_DATA = REPO / "classify" / "data" / "seed_directive57.jsonl"


def build_docs(n: int, seed: int) -> list[tuple[str, Doc]]:
    texts = [json.loads(line)["text"] for line in SEED_DATA.open(encoding="utf-8")]
    rng = random.Random(seed)
    docs: list[tuple[str, Doc]] = []
    for i in range(n):
        if i % 3 == 0:
            docs.append(("comment", Doc(title="", text=rng.choice(texts))))
        elif i % 3 == 1:
            # ~100 words, about 128 e5 tokens: a long post or an article's lead
            words = " ".join(rng.sample(texts, 8)).split()[:100]
            docs.append(("post128", Doc(title="", text=" ".join(words))))
        else:
            paragraphs = [" ".join(rng.sample(texts, rng.randint(2, 3)))
                          for _ in range(rng.randint(6, 10))]
            title = rng.choice(texts).split(".")[0][:120]
            docs.append(("article", Doc(title=title, text="\n".join(paragraphs))))
    return docs


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_backends(args: argparse.Namespace) -> int:
    """Each backend in a fresh process; the last line of each is its JSON result."""
    default = REPO / "classify" / "artifacts" / "default"
    models = [default, default / "linear"] + ([args.transformer] if args.transformer else [])
    results = []
    for model in models:
        print(f"== {model}", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--model", str(model), "--n", str(args.n),
             "--batch-size", str(args.batch_size), "--seed", str(args.seed)],
            capture_output=True, text=True, check=True)
        lines = done.stdout.strip().splitlines()
        print("\n".join(lines[:-1]))
        results.append(json.loads(lines[-1]))
    print(json.dumps({"benchmark": "classify", "backends": {
        r["model"]: {k: r[k] for k in ("docs_per_s_comment", "docs_per_s_post128",
                                       "docs_per_s_article",
                                       "peak_rss_mb", "model_load_s")} for r in results}}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--model", type=Path, default=None,
                        help="one model directory (default: every shipped backend)")
    parser.add_argument("--transformer", type=Path, default=None,
                        help="also a transformers checkpoint directory")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.model is None:
        return run_backends(args)

    start = time.perf_counter()
    classifier = load_classifier(args.model)
    classifier.predict([Doc("", "khởi động")])  # first call imports underthesea's tokenizer
    load_s = time.perf_counter() - start
    print(f"model {classifier.name_version} loaded in {load_s:.2f} s (incl. first prediction)")

    docs = build_docs(args.n, args.seed)
    words = {kind: statistics.mean(len(d.text.split()) for k, d in docs if k == kind)
             for kind in ("comment", "post128", "article")}
    print(f"{len(docs)} docs: comments ~{words['comment']:.0f} words, posts "
          f"~{words['post128']:.0f} words (~128 tokens), articles ~{words['article']:.0f} words")

    latency: dict[str, list[float]] = {"comment": [], "post128": [], "article": []}
    for kind, doc in docs:
        t0 = time.perf_counter()
        classifier.predict([doc])
        latency[kind].append((time.perf_counter() - t0) * 1000)
    every = latency["comment"] + latency["article"]
    for kind, values in latency.items():
        print(f"  {kind:8} ms/doc p50 {percentile(values, 0.5):7.1f}  "
              f"p95 {percentile(values, 0.95):7.1f}")

    t0 = time.perf_counter()
    for offset in range(0, len(docs), args.batch_size):
        classifier.predict([doc for _, doc in docs[offset:offset + args.batch_size]])
    batch_s = time.perf_counter() - t0
    docs_per_s = len(docs) / batch_s
    print(f"throughput: {docs_per_s:.1f} docs/s in batches of {args.batch_size} "
          f"({batch_s:.2f} s for {len(docs)} docs)")
    per_kind: dict[str, float] = {}
    for kind in ("comment", "post128", "article"):
        chosen = [doc for k, doc in docs if k == kind]
        t0 = time.perf_counter()
        for offset in range(0, len(chosen), args.batch_size):
            classifier.predict(chosen[offset:offset + args.batch_size])
        per_kind[kind] = len(chosen) / (time.perf_counter() - t0)
        print(f"  {kind:8} {per_kind[kind]:7.1f} docs/s")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(json.dumps({
        "benchmark": "classify",
        "model": classifier.name_version,
        "docs": len(docs),
        "docs_per_s": round(docs_per_s, 2),
        "docs_per_s_comment": round(per_kind["comment"], 2),
        "docs_per_s_post128": round(per_kind["post128"], 2),
        "docs_per_s_article": round(per_kind["article"], 2),
        "ms_per_doc_p50": round(percentile(every, 0.5), 2),
        "ms_per_doc_p95": round(percentile(every, 0.95), 2),
        "ms_per_doc_p50_comment": round(percentile(latency["comment"], 0.5), 2),
        "ms_per_doc_p95_comment": round(percentile(latency["comment"], 0.95), 2),
        "ms_per_doc_p50_article": round(percentile(latency["article"], 0.5), 2),
        "ms_per_doc_p95_article": round(percentile(latency["article"], 0.95), 2),
        "model_load_s": round(load_s, 3),
        "peak_rss_mb": round(peak_mb, 1),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
