"""Benchmark the API connectors end to end against a local replay server (no internet).

    python bench/bench_connectors.py [--pages 20] [--videos 50] [--comment-pages 2]

Reddit: ``--pages`` search pages of 100 posts (half on-topic). YouTube: one search page of
``--videos`` videos (all on-topic), each with ``--comment-pages`` pages of 100 comment threads.
Everything goes through the real client, topic matching, page-by-page SQLite upserts and the
cursor/quota state file. Prints readable lines, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawlers.connectors import ConnectorReport, run_connector  # noqa: E402 - path set-up
from crawlers.connectors.replay import ReplayServer, serve  # noqa: E402
from phuxanh.config import Config, Source, load_config  # noqa: E402
from phuxanh.schema import VN_TZ  # noqa: E402
from phuxanh.store import open_store  # noqa: E402

NOW = datetime.now(VN_TZ)
ON = "Người dân thảo luận về Chỉ thị 57-CT/TW và an ninh mạng, bảo vệ dữ liệu cá nhân."
OFF = "Gợi ý quán cà phê yên tĩnh để làm việc cuối tuần ở Đà Lạt."


def reddit_pages(server: ReplayServer, pages: int) -> None:
    for page in range(pages):
        children = []
        for i in range(100):
            n = page * 100 + i
            created = (NOW - timedelta(minutes=n)).timestamp()
            children.append({"kind": "t3", "data": {
                "id": f"b{n}", "name": f"t3_b{n}", "title": f"Bài {n}",
                "selftext": ON if i % 2 == 0 else OFF, "author": f"user{n}",
                "subreddit": "VietNam", "subreddit_name_prefixed": "r/VietNam",
                "permalink": f"/r/VietNam/comments/b{n}/bai/", "created_utc": created,
                "ups": i, "num_comments": 1}})
        after = f"t3_b{page * 100 + 99}" if page < pages - 1 else None
        server.add("/search.json", {"kind": "Listing", "data": {"after": after,
                                                                "children": children}},
                   when={"after": None if page == 0 else f"t3_b{page * 100 - 1}"})


def youtube_pages(server: ReplayServer, videos: int, comment_pages: int) -> None:
    stamp = (NOW - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = [f"vid{n:08d}" for n in range(videos)]
    server.add("/yt/search", {"items": [{"id": {"kind": "youtube#video", "videoId": vid}}
                                        for vid in ids]})
    server.add("/yt/videos", {"items": [{
        "id": vid, "snippet": {"publishedAt": stamp, "title": f"Chỉ thị 57 số {vid}",
                               "description": ON, "channelTitle": "Kênh"},
        "statistics": {"viewCount": "10", "likeCount": "1", "commentCount": "200"}}
        for vid in ids]})
    for vid in ids:
        for page in range(comment_pages):
            threads = [{"id": f"{vid}c{page}_{i}", "snippet": {
                "videoId": vid, "totalReplyCount": 0, "topLevelComment": {
                    "id": f"{vid}c{page}_{i}", "snippet": {
                        "textOriginal": OFF, "authorDisplayName": f"Người {i}",
                        "authorChannelId": {"value": f"UC{vid}{i}"}, "likeCount": i,
                        "publishedAt": stamp}}}} for i in range(100)]
            body: dict[str, object] = {"items": threads}
            if page < comment_pages - 1:
                body["nextPageToken"] = f"p{page + 1}"
            server.add("/yt/commentThreads", body,
                       when={"videoId": vid, "pageToken": f"p{page}" if page else None})


def timed(config: Config, source: Source) -> tuple[float, ConnectorReport]:
    store = open_store(config)
    try:
        started = time.perf_counter()
        report = run_connector(config, source, store, sleep=lambda _: None)
        return time.perf_counter() - started, report
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--videos", type=int, default=50)
    parser.add_argument("--comment-pages", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, serve() as server:
        os.environ["PHUXANH_DATA_DIR"] = tmp
        os.environ["PHUXANH_YOUTUBE_API_KEY"] = "bench-key"
        os.environ["PHUXANH_AUTHOR_HASH_KEY"] = "bench-hash-key"
        base = load_config(REPO / "config")
        config = base.model_copy(update={
            "crawl": base.crawl.model_copy(update={"download_delay": 0.0})})
        reddit_pages(server, args.pages)
        youtube_pages(server, args.videos, args.comment_pages)
        cases = {
            "reddit": Source(key="bench-reddit", name="Reddit", type="social", api="reddit",
                             api_base_url=server.base, max_pages=args.pages),
            "youtube": Source(key="bench-youtube", name="YouTube", type="video",
                              api="youtube", api_base_url=server.base + "/yt",
                              max_pages=max(args.comment_pages, 1)),
        }
        for name, source in cases.items():
            seconds, report = timed(config, source)
            stored = report.stored.written
            rate = round(stored / seconds, 1) if seconds else None
            results[name] = {
                "seconds": round(seconds, 3), "requests": report.requests,
                "items_stored": stored, "dropped": report.dropped, "items_per_s": rate,
                "quota_units": report.quota_units,
            }
            print(f"{name}: {stored} items stored from {report.requests} requests "
                  f"in {seconds:.2f} s ({rate} items/s)")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
