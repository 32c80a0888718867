"""Benchmark the operations jobs on the embedded store: backup, restore, retention, audit export.

    python bench/bench_ops.py [--n 20000] [--expired 0.5]

Fills a fresh SQLite store with N items (half forum posts, half news, published over two
years), then measures: an online backup to .tar.gz while another thread keeps writing (and the
writer's throughput meanwhile), a restore into an empty data directory, a retention run that
deletes the expired forum posts (items/s), and an export of the audit log. Prints readable lines,
then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from phuxanh.audit_export import export_audit  # noqa: E402 - after the path set-up above
from phuxanh.backup import backup, restore  # noqa: E402
from phuxanh.config import RetentionConfig, load_config  # noqa: E402
from phuxanh.retention import run_retention  # noqa: E402
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id  # noqa: E402
from phuxanh.store.base import ItemFilter  # noqa: E402
from phuxanh.store.sqlite import SQLiteStore  # noqa: E402

NOW = datetime.now(VN_TZ)
BODY = ("Hội nghị quán triệt Chỉ thị số 57-CT/TW về an ninh mạng, an toàn thông tin và an ninh "
        "dữ liệu được tổ chức tại Đà Nẵng với sự tham gia của các sở, ngành. ") * 6


def make_item(n: int, days_ago: float) -> Item:
    forum = n % 2 == 0
    url = f"https://{'diendan' if forum else 'baomau'}.vn/bai-{n}.html"
    return Item.model_validate({
        "id": url_item_id(url), "url": url, "canonical_url": url,
        "source": "diendan" if forum else "baomau", "source_type": "forum" if forum else "news",
        "title": f"Bài {n} về Chỉ thị 57", "text": BODY, "published_at": NOW - timedelta(
            days=days_ago), "date_source": DateSource.PAGE_METADATA,
        "fetched_at": NOW - timedelta(days=days_ago) + timedelta(hours=1),
        "topics": ["chi-thi-57"],
    })


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    results: dict[str, float] = {"items": args.n}

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = load_config(overrides={"data_dir": str(root / "live")})
        store = SQLiteStore(config.sqlite_path)
        start = time.perf_counter()
        for first in range(0, args.n, 1000):
            store.upsert(make_item(n, (n * 730 / args.n)) for n in range(first, min(
                first + 1000, args.n)))
        results["fill_s"] = time.perf_counter() - start
        for n in range(200):
            store.audit("bench", "login", f"user{n}", {"ok": True})

        stop = threading.Event()
        written = [0]

        def writer() -> None:
            other = SQLiteStore(config.sqlite_path)
            n = 10_000_000
            while not stop.is_set():
                other.upsert([make_item(n + k, 1) for k in range(20)])
                n += 20
                written[0] += 20
            other.close()

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.2)
        before = written[0]
        start = time.perf_counter()
        manifest = backup(config, root / "b.tar.gz")
        results["backup_s"] = time.perf_counter() - start
        results["writes_during_backup"] = written[0] - before
        stop.set()
        thread.join()
        results["backup_items"] = manifest.items
        results["backup_mb"] = (root / "b.tar.gz").stat().st_size / 1e6
        results["store_mb"] = config.sqlite_path.stat().st_size / 1e6

        fresh = load_config(overrides={"data_dir": str(root / "fresh")})
        start = time.perf_counter()
        restore(fresh, root / "b.tar.gz")
        results["restore_s"] = time.perf_counter() - start

        limits = RetentionConfig(days={"forum": 365}, batch_size=500)
        expired = store.count(ItemFilter(source_types=["forum"], include_undated=True,
                                         date_to=(NOW - timedelta(days=366)).date()))
        start = time.perf_counter()
        report = run_retention(store, limits, root / "live")
        results["retention_s"] = time.perf_counter() - start
        results["retention_deleted"] = report.deleted
        results["retention_items_per_s"] = report.deleted / results["retention_s"]
        assert report.deleted == expired, (report.deleted, expired)

        start = time.perf_counter()
        rows = export_audit(store, root / "audit.csv")
        results["audit_export_rows"] = rows
        results["audit_export_s"] = time.perf_counter() - start
        store.close()

    print(f"{args.n} items: filled in {results['fill_s']:.1f} s, store "
          f"{results['store_mb']:.1f} MB")
    print(f"backup: {results['backup_items']:.0f} items in {results['backup_s']:.2f} s "
          f"({results['backup_mb']:.1f} MB .tar.gz); {results['writes_during_backup']:.0f} "
          "items written by another thread meanwhile")
    print(f"restore: {results['restore_s']:.2f} s")
    print(f"retention: deleted {results['retention_deleted']:.0f} expired forum posts in "
          f"{results['retention_s']:.2f} s ({results['retention_items_per_s']:.0f} items/s)")
    print(f"audit export: {results['audit_export_rows']:.0f} rows in "
          f"{results['audit_export_s']:.3f} s")
    print(json.dumps({k: round(v, 3) for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
