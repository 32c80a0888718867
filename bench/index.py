"""Indexing and dashboard-query benchmark for every store backend this machine can reach:
SQLite always; Elasticsearch when ELASTICSEARCH_URL names a cluster, or with --start-server
(the local 7.9.2 OSS test server from scripts/es_test_server.py, started and stopped here).

    .venv/bin/python bench/index.py --items 20000 --start-server

For each backend: bulk indexing in docs/s (upserts of --batch items, the crawler's path), the
labelling pass in items/s, then the dashboard's queries (weekly aggregate over a year, a
12-week aggregate with filters, searches, review-queue pages) as p50/max milliseconds.
Prints readable lines, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import generate, vocabulary

from phuxanh.schema import Misinformation, Sentiment
from phuxanh.store.base import ItemFilter, LabelUpdate, Store
from phuxanh.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 7


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> dict[str, float]:
    fn()  # warm caches once, as a dashboard that has been open a while has them
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {"p50": round(ordered[len(ordered) // 2], 2), "max": round(ordered[-1], 2),
            "mean": round(statistics.fmean(samples), 2)}


def index_phase(store: Store, items: int, batch: int) -> dict[str, Any]:
    generated = generate(items)
    started = time.perf_counter()
    written = 0
    ids: list[str] = []
    while chunk := list(islice(generated, batch)):
        written += store.upsert(chunk).inserted
        ids.extend(i.id for i in chunk)
    index_s = time.perf_counter() - started
    rng = random.Random(3)
    labels = ("positive", "neutral", "negative")
    updates = [LabelUpdate(item_id, Sentiment(label=rng.choice(labels), score=rng.random(),  # type: ignore[arg-type]
                                              model="bench@1"),
                           Misinformation(label="likely", score=rng.random(), model="bench@1")
                           if rng.random() < 0.05 else None)
               for item_id in ids]
    started = time.perf_counter()
    for start in range(0, len(updates), batch):
        store.set_labels(updates[start:start + batch])
    label_s = time.perf_counter() - started
    return {"indexed": written, "index_docs_per_s": round(written / index_s, 1),
            "label_items_per_s": round(len(updates) / label_s, 1)}


def query_phase(store: Store) -> dict[str, Any]:
    rare = vocabulary(random.Random(7))[3000:3002]
    queries: dict[str, Callable[[], object]] = {
        "aggregate_weekly_year_ms": lambda: store.aggregate("week", ["sentiment", "official"]),
        "aggregate_weekly_12w_topic_ms": lambda: store.aggregate(
            "week", ["sentiment", "official"],
            ItemFilter(topics=["chi-thi-57"], date_from=date(2026, 8, 3))),
        "aggregate_daily_by_source_ms": lambda: store.aggregate(
            "day", ["source"], ItemFilter(date_from=date(2026, 9, 1))),
        "search_common_ms": lambda: store.search("an ninh mang", limit=20),
        "search_selective_ms": lambda: store.search(f"{rare[0]} {rare[1]}", limit=20),
        "search_newest_filtered_ms": lambda: store.search(
            "da nang", ItemFilter(official=True), sort="newest", limit=20),
        "review_queue_first_page_ms": lambda: store.review_queue(limit=50),
        "review_queue_page_20_ms": lambda: store.review_queue(limit=50, offset=1000),
    }
    results: dict[str, Any] = {}
    for name, query in queries.items():
        results[name] = timed(query)
    return results


def run_backend(name: str, store: Store, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {name}: indexing {args.items} items in batches of {args.batch}", flush=True)
    result = index_phase(store, args.items, args.batch)
    print(f"   bulk indexing {result['index_docs_per_s']} docs/s, labelling "
          f"{result['label_items_per_s']} items/s", flush=True)
    queries = query_phase(store)
    for query, numbers in queries.items():
        print(f"   {query}: p50 {numbers['p50']} ms, max {numbers['max']} ms", flush=True)
    return {**result, **queries}


def start_server() -> str:
    output = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "es_test_server.py"), "start"],
        check=True, capture_output=True, text=True,
    ).stdout
    return output.strip().splitlines()[-1].split("=", 1)[1]


def stop_server() -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "es_test_server.py"), "stop"],
                   check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--start-server", action="store_true",
                        help="start the local test Elasticsearch when ELASTICSEARCH_URL is unset")
    parser.add_argument("--no-segment", action="store_true",
                        help="Elasticsearch without the underthesea word-segmented field")
    args = parser.parse_args()
    results: dict[str, Any] = {"items": args.items, "batch": args.batch}

    folder = Path(tempfile.mkdtemp(prefix="phuxanh-bench-index-"))
    sqlite = SQLiteStore(folder / "bench.db")
    results["sqlite"] = run_backend("sqlite", sqlite, args)
    sqlite.close()

    url = os.environ.get("ELASTICSEARCH_URL")
    started_here = False
    if not url and args.start_server:
        url = start_server()
        started_here = True
    if url:
        from phuxanh.store.elastic import ElasticStore
        from phuxanh.store.elastic_mappings import drop_all

        prefix = f"phuxanh-bench-{os.getpid()}"
        store = ElasticStore(url, prefix, segment=not args.no_segment)
        try:
            results["elasticsearch"] = run_backend(
                f"elasticsearch {store.features.version} ({store.features.distribution})",
                store, args)
            results["elasticsearch"]["server"] = store.features.version
            results["elasticsearch"]["segmented_field"] = not args.no_segment
            results["elasticsearch"]["missing_features"] = store.features.missing
        finally:
            drop_all(store.es, store.names, ilm=store.features.ilm)
            store.close()
            if started_here:
                stop_server()
    else:
        print("== elasticsearch: not reachable (set ELASTICSEARCH_URL or pass --start-server)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
