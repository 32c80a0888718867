"""Embedded store benchmark: bulk upsert, re-upsert, full-text search, weekly aggregation,
review-queue reads, on N generated items spread over a year.

    .venv/bin/python bench/bench_store.py --items 200000

Prints readable lines, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from phuxanh.schema import VN_TZ, DateSource, Item, Misinformation, Sentiment, url_item_id
from phuxanh.store.base import ItemFilter, LabelUpdate
from phuxanh.store.sqlite import SQLiteStore

WORDS = [
    "an", "ninh", "mạng", "an", "toàn", "thông", "tin", "dữ", "liệu", "cá", "nhân", "Chỉ",
    "thị", "57", "triển", "khai", "hội", "nghị", "quán", "triệt", "tỉnh", "ủy", "cán", "bộ",
    "đảng", "viên", "tuyên", "truyền", "bảo", "vệ", "tấn", "công", "lừa", "đảo", "trực",
    "tuyến", "phần", "mềm", "độc", "hại", "doanh", "nghiệp", "người", "dân", "trường", "học",
    "Đà", "Nẵng", "Điện", "Biên", "Thanh", "Hóa", "Hưng", "Yên", "chuyển", "đổi", "số", "chính",
    "quyền", "điện", "tử", "quyền", "riêng", "tư", "mạng", "xã", "hội", "tin", "giả", "xuyên",
    "tạc", "bình", "luận", "diễn", "đàn"
]
SYLLABLES = [
    "an", "anh", "bao", "binh", "ca", "cao", "chi", "chinh", "cong", "cu", "dan", "dao", "dau",
    "dien", "doan", "giao", "ha", "hai", "hanh", "hoa", "hoi", "hung", "khoa", "kinh", "lam",
    "lien", "linh", "long", "luat", "minh", "nam", "nghi", "ngoc", "nhan", "phat", "phong",
    "quan", "quoc", "sach", "son", "tam", "tan", "thanh", "thi", "thong", "tin", "toan",
    "trung", "tuan", "van", "viet", "xa", "xuan"
]
OUTLETS = [(f"src{i}", f"Báo {i}", i % 3 == 0) for i in range(40)]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Topic words plus synthetic two-syllable words; drawn Zipf-like, as real text is, so some
    queries are selective and some hit most documents."""
    words = list(WORDS)
    while len(words) < size:
        words.append(f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}")
    return words


def generate(n: int, seed: int = 7) -> Iterator[Item]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    start = datetime(2025, 11, 1, tzinfo=VN_TZ)
    for i in range(n):
        source, outlet, official = OUTLETS[i % len(OUTLETS)]
        url = f"https://{source}.example.vn/bai-{i}.html"
        published = start + timedelta(seconds=rng.randrange(365 * 86400))
        body = " ".join(rng.choices(vocab, cum_weights=cumulative, k=rng.randrange(80, 400)))
        yield Item(
            id=url_item_id(url), url=url, canonical_url=url, source=source, outlet=outlet,
            official=official, text=body,
            title=" ".join(rng.choices(vocab, cum_weights=cumulative, k=10)),
            published_at=published, date_source=DateSource.PAGE_METADATA,
            fetched_at=published + timedelta(hours=1),
            topics=["chi-thi-57"] if rng.random() < 0.6 else ["an-ninh-du-lieu"],
        )


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None, help="keep the store here")
    parser.add_argument("--queries-only", action="store_true",
                        help="reuse the store already in --dir; time only the reads")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="phuxanh-bench-"))
    store = SQLiteStore(folder / "bench.db")
    results: dict[str, object] = {"items": args.items}

    if args.queries_only:
        results["items"] = store.count(ItemFilter(include_undated=True))
    else:
        write_phase(store, args, results)
    run_queries(store, results)
    results["db_mb"] = round(sum(f.stat().st_size for f in folder.glob("bench.db*")) / 2**20, 1)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["python"] = sys.version.split()[0]
    store.close()
    print(json.dumps(results))


def write_phase(store: SQLiteStore, args: argparse.Namespace, results: dict[str, object]) -> None:
    insert_s = 0.0
    batch: list[Item] = []
    ids: list[str] = []

    def flush() -> None:
        nonlocal insert_s, batch
        started = time.perf_counter()
        store.upsert(batch)
        insert_s += time.perf_counter() - started
        ids.extend(i.id for i in batch)
        batch = []

    for item in generate(args.items):
        batch.append(item)
        if len(batch) == args.batch:
            flush()
    if batch:
        flush()
    results["upsert_items_per_s"] = round(args.items / insert_s)
    print(f"upsert: {args.items} items in {insert_s:.1f} s")

    sample = list(generate(min(args.items, 5000)))
    started = time.perf_counter()
    unchanged = store.upsert(sample).unchanged
    results["reupsert_unchanged_items_per_s"] = round(len(sample) / (time.perf_counter() - started))
    assert unchanged == len(sample)

    rng = random.Random(3)
    labels = ("positive", "neutral", "negative")
    started = time.perf_counter()
    for start in range(0, len(ids), args.batch):
        store.set_labels([
            LabelUpdate(
                item_id,
                Sentiment(label=rng.choice(labels), score=rng.random(), model="bench@1"),  # type: ignore[arg-type]
                Misinformation(label="likely" if rng.random() < 0.05 else "unlikely",
                               score=rng.random(), model="bench@1"),
            )
            for item_id in ids[start:start + args.batch]
        ])
    results["set_labels_items_per_s"] = round(len(ids) / (time.perf_counter() - started))
    print(f"labels: {results['set_labels_items_per_s']} items/s")


def run_queries(store: SQLiteStore, results: dict[str, object]) -> None:

    rare = vocabulary(random.Random(7))[3000:3002]
    queries = {
        "search_selective_ms": lambda: store.search(f"{rare[0]} {rare[1]}", limit=20),
        "search_common_ms": lambda: store.search("an ninh mang", limit=20),
        "search_common_newest_ms": lambda: store.search("an ninh mang", sort="newest", limit=20),
        "weekly_sentiment_year_ms": lambda: store.aggregate("week", ["sentiment"]),
        "weekly_sentiment_official_topic_12w_ms": lambda: store.aggregate(
            "week", ["sentiment", "official"],
            ItemFilter(topics=["chi-thi-57"], date_from=datetime(2026, 8, 3).date())),
        "review_queue_page_ms": lambda: store.review_queue(limit=50),
        "count_filtered_ms": lambda: store.count(ItemFilter(official=True)),
    }
    for name, query in queries.items():
        samples = timed(query, repeat=7)
        results[name] = {"p50": p(samples, 0.5), "max": round(max(samples), 2),
                         "mean": round(statistics.fmean(samples), 2)}
        print(f"{name}: p50 {results[name]['p50']} ms")  # type: ignore[index]


if __name__ == "__main__":
    main()
