"""Topic matching benchmark: N realistic ~800-word Vietnamese articles against the configured
topics (terms and boolean queries).

    .venv/bin/python bench/bench_topics.py [--n 3000] [--words 800] [--seed 7]

Articles are a headline and paragraphs of the in-domain seed texts (classify/data/), so the
vocabulary, diacritics and punctuation are those of real press and social text. A third of them
have every mention of the directive's number rewritten (57 -> 75), so they are off-topic and
the NEAR clauses cannot stop early. Measures docs/s for the configured topics, for the same
topics without their queries (the cost of the query language is the difference) and for a
NEAR-heavy query alone. Prints readable lines, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from phuxanh.config import Topic, load_config  # noqa: E402 - after the path set-up above
from phuxanh.topic_query import Document, parse_query  # noqa: E402
from phuxanh.topics import TopicMatcher  # noqa: E402

SEED_DATA = REPO / "classify" / "data" / "seed_directive57.jsonl"
# Many positional clauses over common words: a worst case for the NEAR evaluation.
NEAR_HEAVY = (
    '("an ninh" OR "an toàn" OR "bảo vệ") NEAR/5 (mạng OR "thông tin" OR "dữ liệu") '
    'AND (("Chỉ thị" OR CT) NEAR/3 (57 OR "số 57")) AND NOT "Nghị quyết 57"'
)


def build_docs(n: int, words: int, seed: int) -> list[tuple[str, str]]:
    texts = [json.loads(line)["text"] for line in SEED_DATA.open(encoding="utf-8")]
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        paragraphs, count = [], 0
        while count < words:
            paragraph = " ".join(rng.sample(texts, rng.randint(2, 4)))
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        title = rng.choice(texts).split(".")[0][:120]
        body = "\n".join(paragraphs)
        if i % 3 == 2:  # off-topic: no number anywhere for terms or NEAR to find
            title, body = (re.sub(r"\b57\b", "75", text) for text in (title, body))
        docs.append((title, body))
    return docs


def timed(label: str, match: object, docs: list[tuple[str, str]]) -> dict[str, float]:
    latencies = []
    matched = 0
    start = time.perf_counter()
    for title, body in docs:
        t0 = time.perf_counter()
        if match(title, body):  # type: ignore[operator]
            matched += 1
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    result = {
        "docs_per_s": round(len(docs) / elapsed, 1),
        "ms_p50": round(statistics.median(latencies), 3),
        "ms_p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3),
        "matched_share": round(matched / len(docs), 3),
    }
    print(f"  {label:28} {result['docs_per_s']:9.0f} docs/s  p50 {result['ms_p50']:.3f} ms  "
          f"p95 {result['ms_p95']:.3f} ms  matched {result['matched_share']:.0%}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    topics = load_config(env={}).topics
    t0 = time.perf_counter()
    matcher = TopicMatcher(topics)
    build_ms = (time.perf_counter() - t0) * 1000
    without_queries = TopicMatcher([
        Topic(key=t.key, name=t.name, terms=t.terms, exclude=t.exclude)
        for t in topics if t.terms
    ])
    near_heavy = parse_query(NEAR_HEAVY)

    docs = build_docs(args.n, args.words, args.seed)
    mean_words = statistics.mean(len(f"{t} {b}".split()) for t, b in docs)
    print(f"{len(docs)} docs, ~{mean_words:.0f} words each; {len(topics)} topic(s), "
          f"{sum(1 for t in topics if t.query)} with a query; matcher built in {build_ms:.2f} ms")

    results = {
        "configured_topics": timed("configured topics", matcher.match, docs),
        "terms_only": timed("terms only (no queries)", without_queries.match, docs),
        "fold_only": timed("Document() alone (folding)", Document, docs),
        "near_heavy_query": timed("NEAR-heavy query alone",
                                  lambda t, b: near_heavy.evaluate(Document(t, b))[0], docs),
    }
    print(json.dumps({
        "bench": "topics",
        "n": len(docs),
        "mean_words": round(mean_words),
        "matcher_build_ms": round(build_ms, 3),
        **results,
        "python": sys.version.split()[0],
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
