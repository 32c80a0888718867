"""Benchmark the "Đưa tin" page and the weekly report on a large embedded store.

Fills a temporary SQLiteStore with ``--items`` generated items over the past year (the
generator of bench_dashboard.py, plus suspected misinformation on a tenth of the negative
items and ``--handled`` items marked handled), then times, uncached, ``--repeat`` times each:
the coverage query (8 weeks, every outlet; and a press user's 2 outlets), building the
WeeklyReport for the last complete week, and rendering it as PDF and as XLSX. Prints a human
summary, then one JSON object on the last line.

    .venv/bin/python bench/bench_report.py --items 100000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from bench_dashboard import SOURCES, TOPIC, generate, summary, timed

from dashboard.data import DashboardData, coverage
from dashboard.i18n import translator
from dashboard.report.data import build_report, last_complete_week
from dashboard.report.pdf import render_pdf
from dashboard.report.xlsx import render_xlsx
from phuxanh.config import Config, Source, Topic
from phuxanh.schema import VN_TZ, Item, Misinformation, Review
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

NARRATIVES = ["doc-tin-nhan-rieng", "cam-mang-xa-hoi", "cai-ung-dung-giam-sat", None]


def with_misinformation(items: Iterator[Item], seed: int) -> Iterator[Item]:
    rng = random.Random(seed)
    for item in items:
        if item.sentiment is not None and item.sentiment.label == "negative" and \
                rng.random() < 0.1:
            item = item.model_copy(update={"misinformation": Misinformation(
                label="likely", score=0.7, model="bench@1",
                narrative_id=rng.choice(NARRATIVES))})
        yield item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--handled", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--db", type=Path, help="reuse or keep this store file (default: temp)")
    args = parser.parse_args(argv)

    now = datetime.now(VN_TZ)
    config = Config(
        topics=[Topic(key=TOPIC, name="Chỉ thị 57-CT/TW", terms=["Chỉ thị 57"])],
        sources=[Source(key=key, name=outlet, official=official, type=kind,
                        weekly_target=20 if official else None)
                 for key, outlet, official, kind in SOURCES],
    )
    with tempfile.TemporaryDirectory(prefix="phuxanh-bench-") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        store = SQLiteStore(path)
        fill_s = 0.0
        if store.count(ItemFilter(include_undated=True)) < args.items:
            start = time.perf_counter()
            batch: list[Item] = []
            for item in with_misinformation(generate(args.items, now, args.seed), args.seed):
                batch.append(item)
                if len(batch) == 2000:
                    store.upsert(batch)
                    batch.clear()
            store.upsert(batch)
            week = last_complete_week(now.date())
            flagged = [entry.item for entry in store.review_queue(
                ItemFilter(date_from=week, date_to=week + timedelta(days=6),
                           review_statuses=["unreviewed"]), limit=args.handled)]
            for item in flagged:
                store.set_review(item.id, Review(
                    status="handled", response_url="https://baochinhphu.vn/phan-hoi.html",
                    reviewed_at=item.published_at + timedelta(hours=20)), 0, actor="bench")
            fill_s = time.perf_counter() - start
        total = store.count(ItemFilter(include_undated=True))

        data = DashboardData(store, ttl_seconds=0)
        cov_ms, cov = timed(lambda: coverage(data, config.sources, TOPIC, 8, None), args.repeat)
        press_ms, _ = timed(lambda: coverage(data, config.sources, TOPIC, 8,
                                             ["baochinhphu", "voz"]), args.repeat)
        week = last_complete_week(now.date())
        build_ms, report = timed(lambda: build_report(data, config, week, TOPIC), args.repeat)
        t = translator("vi")
        pdf_ms, pdf = timed(lambda: render_pdf(report, t), args.repeat)
        xlsx_ms, xlsx = timed(lambda: render_xlsx(report, t), args.repeat)
        store.close()

    result = {
        "benchmark": "dashboard.coverage_and_report",
        "items": total,
        "fill_s": round(fill_s, 2),
        "repeat": args.repeat,
        "report_week_items": report.summary.total,
        "report_handled": len(report.handled),
        "report_narratives": len(report.narratives),
        "outlets": len(cov.rows),
        "coverage_query": summary(cov_ms),
        "coverage_query_press": summary(press_ms),
        "report_build": summary(build_ms),
        "report_pdf": summary(pdf_ms),
        "report_xlsx": summary(xlsx_ms),
        "pdf_bytes": len(pdf),
        "xlsx_bytes": len(xlsx),
    }
    print(f"store: {total} items (filled in {fill_s:.1f} s); report week "
          f"{report.key}: {report.summary.total} items, {len(report.handled)} handled")
    for name in ("coverage_query", "coverage_query_press", "report_build", "report_pdf",
                 "report_xlsx"):
        numbers = result[name]
        print(f"{name:22s} p50 {numbers['p50_ms']:8.2f} ms   p95 {numbers['p95_ms']:8.2f} ms")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
