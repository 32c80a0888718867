"""Near-duplicate clustering benchmark: MinHash signatures per second, and cluster_pending on a
SQLite store holding N generated items, a tenth of them republished copies with small edits.

    .venv/bin/python bench/bench_dedup.py --items 20000

Prints readable lines, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from phuxanh.dedup import cluster_pending, signature
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

SYLLABLES = (
    "an anh bao binh ca cao chi chinh cong cu dan dao dau dien doan giao ha hai hanh hoa hoi "
    "hung khoa kinh lam lien linh long luat minh nam nghi ngoc nhan phat phong quan quoc sach "
    "son tam tan thanh thi thong tin toan trung tuan van viet xa xuan mang ninh du lieu"
).split()


def article(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(SYLLABLES) for _ in range(words))


def edited(rng: random.Random, text: str) -> str:
    """A republished copy: one sentence-sized cut and a few words changed."""
    words = text.split()
    cut = rng.randrange(0, max(1, len(words) - 25))
    words = words[:cut] + words[cut + 20:]
    for _ in range(5):
        words[rng.randrange(len(words))] = rng.choice(SYLLABLES)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(5)
    start = datetime(2026, 1, 5, tzinfo=VN_TZ)
    items, originals = [], 0
    for n in range(args.items):
        if n % 10 == 9 and items:
            source = items[rng.randrange(len(items))]
            text = edited(rng, source.text)
        else:
            text = article(rng, rng.randrange(250, 900))
            originals += 1
        url = f"https://bao{n % 30}.example.vn/bai-{n}.html"
        items.append(Item(
            id=url_item_id(url), url=url, canonical_url=url, source=f"bao{n % 30}",
            title=f"Bài {n}", text=text, published_at=start + timedelta(minutes=7 * n),
            date_source=DateSource.FEED, fetched_at=start + timedelta(minutes=7 * n + 5)))

    sample = items[:2000]
    started = time.perf_counter()
    for item in sample:
        signature(item.title, item.text)
    sig_per_s = len(sample) / (time.perf_counter() - started)
    print(f"signatures: {sig_per_s:.0f}/s")

    store = SQLiteStore(Path(tempfile.mkdtemp(prefix="phuxanh-dedup-")) / "d.db")
    store.upsert(items)
    started = time.perf_counter()
    report = cluster_pending(store)
    seconds = time.perf_counter() - started
    unique = store.count(ItemFilter(originals_only=True, include_undated=True))
    print(f"cluster_pending: {report} in {seconds:.1f} s; unique stories {unique} "
          f"(generated originals {originals})")
    print(json.dumps({
        "benchmark": "dedup", "items": args.items, "signatures_per_s": round(sig_per_s),
        "cluster_items_per_s": round(args.items / seconds), "copies_found": report.copies,
        "copies_generated": args.items - originals, "unique_stories": unique,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
