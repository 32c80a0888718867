"""Benchmark the overview page's data path on a large embedded store.

Fills a temporary SQLiteStore with ``--items`` generated items spread over the past year, then
times :meth:`dashboard.data.DashboardData.overview` (uncached: the store query plus zero-filling)
and the two figure builders, ``--repeat`` times each. Prints a human summary, then one JSON
object on the last line.

    .venv/bin/python bench/bench_dashboard.py --items 100000
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dashboard.data import DashboardData
from dashboard.figures import coverage_figure, volume_figure
from dashboard.i18n import translator
from phuxanh.schema import VN_TZ, DateSource, Item, Sentiment, url_item_id
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

TOPIC = "chi-thi-57"
SOURCES = [  # (key, outlet, official, source_type)
    ("baochinhphu", "Báo Điện tử Chính phủ", True, "news"),
    ("nhandan", "Nhân Dân", True, "news"),
    ("vnexpress", "VnExpress", True, "news"),
    ("baotinh", "Báo tỉnh", True, "news"),
    ("voz", "Diễn đàn VOZ", False, "forum"),
    ("facebook-page", "Trang cộng đồng", False, "social"),
    ("youtube", "Kênh video", False, "video"),
]


def generate(n: int, now: datetime, seed: int) -> Iterator[Item]:
    rng = random.Random(seed)
    for i in range(n):
        key, outlet, official, source_type = rng.choice(SOURCES)
        url = f"https://{key}.example.vn/bai/{i}.html"
        published = now - timedelta(seconds=rng.randrange(365 * 24 * 3600))
        roll = rng.random()
        label = (
            None if roll < 0.05
            else ("positive" if official else "neutral") if roll < 0.55
            else "neutral" if roll < 0.8
            else "negative"
        )
        topics = [TOPIC] if rng.random() < 0.9 else [TOPIC, "chuyen-doi-so"]
        yield Item(
            id=url_item_id(url),
            url=url,
            canonical_url=url,
            source=key,
            source_type=source_type,
            outlet=outlet,
            official=official,
            province=rng.choice([None, "Hà Nội", "Đà Nẵng", "Cần Thơ"]),
            title=f"Bài {i}: triển khai Chỉ thị 57-CT/TW",
            text="An ninh mạng, an toàn thông tin và an ninh dữ liệu.",
            published_at=published,
            date_source=DateSource.CRAWL_TIME if rng.random() < 0.02 else DateSource.FEED,
            fetched_at=published,
            topics=topics,
            sentiment=Sentiment(label=label, score=0.8, model="bench@1") if label else None,
        )


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, result


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(ordered[-1], 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--db", type=Path, help="reuse or keep this store file (default: temp)")
    args = parser.parse_args(argv)

    now = datetime.now(VN_TZ)
    with tempfile.TemporaryDirectory(prefix="phuxanh-bench-") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        store = SQLiteStore(path)
        fill_s = 0.0
        existing = store.count(ItemFilter(include_undated=True))
        if existing < args.items:
            start = time.perf_counter()
            batch: list[Item] = []
            for item in generate(args.items, now, args.seed):
                batch.append(item)
                if len(batch) == 2000:
                    store.upsert(batch)
                    batch.clear()
            store.upsert(batch)
            fill_s = time.perf_counter() - start
        total = store.count(ItemFilter(include_undated=True))

        data = DashboardData(store, ttl_seconds=0)  # no cache: every call hits the store
        query_ms, overview = timed(lambda: data.overview(TOPIC, args.weeks), args.repeat)
        cached = DashboardData(store, ttl_seconds=3600)
        cached.overview(TOPIC, args.weeks)
        cached_ms, _ = timed(lambda: cached.overview(TOPIC, args.weeks), args.repeat)
        t = translator("vi")
        figures_ms, figures = timed(
            lambda: (volume_figure(overview.weeks, t), coverage_figure(overview.weeks, t)),
            args.repeat,
        )
        json_ms, _ = timed(lambda: [fig.to_json() for fig in figures], args.repeat)
        store.close()

    result = {
        "benchmark": "dashboard.overview",
        "items": total,
        "weeks": args.weeks,
        "repeat": args.repeat,
        "fill_s": round(fill_s, 2),
        "items_in_window": overview.total,
        "overview_query": summary(query_ms),
        "overview_cached": summary(cached_ms),
        "figures_build": summary(figures_ms),
        "figures_to_json": summary(json_ms),
    }
    print(f"store: {total} items (filled in {fill_s:.1f} s), {overview.total} in the "
          f"{args.weeks}-week window")
    for name in ("overview_query", "overview_cached", "figures_build", "figures_to_json"):
        numbers = result[name]
        print(f"{name:16s} p50 {numbers['p50_ms']:8.2f} ms   p95 {numbers['p95_ms']:8.2f} ms")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
