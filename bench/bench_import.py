"""Benchmark ``phuxanh import``: validation and the one-transaction write, CSV and XLSX.

    python bench/bench_import.py [--rows 20000] [--xlsx-rows 5000] [--seed 7]

Builds an export with Vietnamese headers (the shipped ``bang-tieng-viet`` profile) in a temporary
folder: article-length texts from the seed data, day-first dates, counts written "1.234", a mix
of news and social rows with authors; one row in 50 is broken (bad date, bad URL). Measures
reading + validating (rows/s), the upsert of every accepted row in one transaction, and a
re-import (everything unchanged); peak RSS. Prints readable lines, then one JSON line last.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from phuxanh.config import load_config  # noqa: E402 - after the path set-up above
from phuxanh.importer import import_file, read_import  # noqa: E402
from phuxanh.store.sqlite import SQLiteStore  # noqa: E402

SEED_DATA = REPO / "classify" / "data" / "seed_directive57.jsonl"
HEADER = ["Link", "Tiêu đề", "Nội dung", "Ngày đăng", "Nguồn", "Tác giả", "Lượt thích",
          "Lượt chia sẻ"]


def rows(n: int, seed: int) -> list[list[object]]:
    texts = [json.loads(line)["text"] for line in SEED_DATA.open(encoding="utf-8")]
    rng = random.Random(seed)
    out: list[list[object]] = []
    for i in range(n):
        social = i % 3 == 0
        day, hour = rng.randint(1, 28), rng.randint(0, 23)
        date = f"{day:02d}/{rng.randint(1, 10):02d}/2026 {hour:02d}:{rng.randint(0, 59):02d}"
        if i % 50 == 49:
            date = "không rõ"
        url = (f"https://www.facebook.com/trang/posts/{i}" if social
               else f"https://vnexpress.net/bai-{i}.html")
        if i % 50 == 24:
            url = "không-phải-url"
        body = " ".join(rng.sample(texts, rng.randint(2, 6))) + " Chỉ thị 57-CT/TW."
        out.append([url, body.split(".")[0][:120], body, date,
                    "Facebook" if social else "VnExpress", f"Người dùng {i % 97}",
                    f"{rng.randint(0, 5000):,}".replace(",", "."), rng.randint(0, 300)])
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(config: object, path: Path, store_path: Path) -> dict[str, float]:
    started, cpu = time.perf_counter(), time.process_time()
    batch = read_import(path, config, "bang-tieng-viet")  # type: ignore[arg-type]
    validate_s = time.perf_counter() - started
    # CPU time too: on a shared machine the wall clock mostly measures the neighbours.
    validate_cpu_s = time.process_time() - cpu
    store = SQLiteStore(store_path)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        first = import_file(config, path, store, "bang-tieng-viet")  # type: ignore[arg-type]
        first_s = time.perf_counter() - started
        first_cpu_s = time.process_time() - cpu
        started = time.perf_counter()
        again = import_file(config, path, store, "bang-tieng-viet")  # type: ignore[arg-type]
        again_s = time.perf_counter() - started
    finally:
        store.close()
    assert first.stored is not None
    assert again.stored is not None
    assert again.stored.unchanged == first.accepted
    return {
        "rows": batch.report.rows, "accepted": batch.report.accepted,
        "rejected": len(batch.report.rejected),
        "validate_s": round(validate_s, 3),
        "validate_rows_per_s": round(batch.report.rows / validate_s),
        "validate_cpu_s": round(validate_cpu_s, 3),
        "validate_rows_per_cpu_s": round(batch.report.rows / validate_cpu_s),
        "import_s": round(first_s, 3), "import_rows_per_s": round(batch.report.rows / first_s),
        "import_cpu_s": round(first_cpu_s, 3),
        "reimport_s": round(again_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--xlsx-rows", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="phuxanh-bench-import-") as folder:
        here = Path(folder)
        os.environ["PHUXANH_AUTHOR_HASH_KEY"] = "bench-key-not-secret"
        config = load_config(overrides={"data_dir": str(here / "data")})
        csv_path = here / "xuat.csv"
        with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(rows(args.rows, args.seed))
        results = {"csv": measure(config, csv_path, here / "csv.db")}
        print(f"CSV  {results['csv']}")

        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Dữ liệu")
        sheet.append(HEADER)
        for row in rows(args.xlsx_rows, args.seed + 1):
            sheet.append(row)
        xlsx_path = here / "xuat.xlsx"
        book.save(xlsx_path)
        results["xlsx"] = measure(config, xlsx_path, here / "xlsx.db")
        print(f"XLSX {results['xlsx']}")
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)  # type: ignore[assignment]
    print(f"peak RSS {results['peak_rss_mb']} MB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
