"""Article extraction benchmark: ``extract_article`` (and byte decoding) over the real saved
Vietnamese pages in tests/fixtures/html, single-threaded.

    .venv/bin/python bench/bench_extract.py --rounds 20

Prints one line per page, then one JSON object on the last line: pages/s and per-page
milliseconds (p50, p95), for extraction alone and for decode + extraction.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from crawlers.extract.article import extract_article
from crawlers.extract.encoding import decode_html
from phuxanh.schema import VN_TZ

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "html"
FETCHED = datetime(2026, 3, 8, 12, 0, tzinfo=VN_TZ)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over all pages")
    args = parser.parse_args()

    pages = {
        path.name: path.read_bytes()
        for path in sorted(FIXTURES.glob("*.html"))
    }
    if not pages:
        sys.exit(f"no fixtures in {FIXTURES}")
    url = "https://example.vn/bai-viet.html"
    texts = {name: decode_html(body, "text/html", url) for name, body in pages.items()}
    for text in texts.values():  # warm-up: imports, lxml and trafilatura caches
        extract_article(text, url, FETCHED)

    extract_ms: dict[str, list[float]] = {name: [] for name in pages}
    full_ms: list[float] = []
    for _ in range(args.rounds):
        for name, body in pages.items():
            started = time.perf_counter()
            text = decode_html(body, "text/html", url)
            decoded = time.perf_counter()
            extract_article(text, url, FETCHED)
            done = time.perf_counter()
            extract_ms[name].append((done - decoded) * 1000)
            full_ms.append((done - started) * 1000)

    for name, samples in extract_ms.items():
        print(f"{name:45s} {len(pages[name]) / 1024:7.0f} KiB  "
              f"p50 {percentile(samples, 0.5):6.2f} ms")
    every = [sample for samples in extract_ms.values() for sample in samples]
    results = {
        "benchmark": "extract_article",
        "pages": len(pages),
        "rounds": args.rounds,
        "mean_page_kib": round(statistics.fmean(len(b) for b in pages.values()) / 1024, 1),
        "extract_pages_per_s": round(1000 / statistics.fmean(every), 1),
        "extract_ms_p50": percentile(every, 0.5),
        "extract_ms_p95": percentile(every, 0.95),
        "decode_and_extract_pages_per_s": round(1000 / statistics.fmean(full_ms), 1),
        "decode_and_extract_ms_p50": percentile(full_ms, 0.5),
        "decode_and_extract_ms_p95": percentile(full_ms, 0.95),
        "python": sys.version.split()[0],
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
