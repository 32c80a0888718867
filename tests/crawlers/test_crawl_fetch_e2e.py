"""How the crawler fetches, end to end against the local test site (one process per crawl, as
in test_crawl_e2e.py): conditional GET on feeds and sitemaps, retries with backoff, timeouts
and oversized pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from phuxanh.schema import VN_TZ, DateSource
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

from .conftest import write_crawl_config

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
ETAG = '"v1-thoi-su"'
LAST_MODIFIED = "Sat, 14 Mar 2026 08:00:00 GMT"


def feed(base: str, *paths: str) -> bytes:
    items = "".join(
        f"<item><title>Bài {n}</title><link>{base}{path}</link>"
        f"<pubDate>Tue, 10 Mar 2026 08:15:00 +07</pubDate></item>"
        for n, path in enumerate(paths)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Thử</title><link>{base}/</link>{items}</channel></rss>").encode()


def write_config(folder: Path, sources: str, *, retry_times: int = 1,
                 timeout: float = 10, max_page_bytes: int = 2_000_000) -> Path:
    return write_crawl_config(folder, "sources:\n" + sources, retry_times=retry_times,
                              timeout=timeout, max_page_bytes=max_page_bytes)


# Short waits for the test: the add-on's settings are where a run's Scrapy settings come from.
FAST_BACKOFF = """
import sys
import crawlers.addon as addon

settings = addon.scrapy_settings
addon.scrapy_settings = lambda config: {
    **settings(config), "PHUXANH_RETRY_BACKOFF": 0.3, "PHUXANH_RETRY_BACKOFF_MAX": 1.0}
from crawlers.run import main
sys.exit(main(sys.argv[1:]))
"""


def run_crawl(config_dir: Path, data_dir: Path, script: Path | None = None
              ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PHUXANH_DATA_DIR": str(data_dir)}
    command = [str(script)] if script else ["-m", "crawlers.run"]
    return subprocess.run(
        [sys.executable, *command, "--config", str(config_dir)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180,
    )


def report_of(process: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert process.returncode == 0, process.stderr[-4000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def stored_urls(data_dir: Path) -> set[str]:
    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        return {item.url for item in store.iter_items(ItemFilter(include_undated=True))}
    finally:
        store.close()


def test_unchanged_feeds_and_sitemaps_answer_304_and_yield_nothing(site: Any, tmp_path: Path
                                                                   ) -> None:
    base = site.base
    site.routes["/feeds/etag.rss"] = site.route(
        body=feed(base, "/bai/chi-thi-57-an-ninh-mang.html"),
        headers={"Content-Type": RSS, "ETag": ETAG})
    sitemap = site.routes["/sitemaps/google-news.xml"]
    sitemap.headers["Last-Modified"] = LAST_MODIFIED
    # This feed leads to a failing article: its validators are not kept, so the next run
    # reads it in full and tries the article again.
    site.routes["/feeds/co-loi.rss"] = site.route(
        body=feed(base, "/bai/loi-may-chu.html"),
        headers={"Content-Type": RSS, "ETag": '"v1-co-loi"'})
    config_dir = write_config(tmp_path / "config", (
        "  - key: bao-etag\n"
        "    name: Báo ETag\n"
        "    link_pattern: '/sm/[a-z0-9-]+\\.html$|/bai/'\n"
        "    feeds:\n"
        f"      - {base}/feeds/etag.rss\n"
        f"      - {base}/feeds/co-loi.rss\n"
        "    sitemaps:\n"
        f"      - {base}/sitemaps/google-news.xml\n"
    ), retry_times=0)
    data_dir = tmp_path / "data"

    first = report_of(run_crawl(config_dir, data_dir))
    assert first["items_stored"]["inserted"] == 2
    assert first["not_modified"] == 0
    assert (first["feeds_fetched"], first["sitemaps_fetched"]) == (2, 1)
    assert "If-None-Match" not in site.sent("/feeds/etag.rss")[0]

    site.reset_log()
    second = report_of(run_crawl(config_dir, data_dir))

    assert site.sent("/feeds/etag.rss")[0]["If-None-Match"] == ETAG
    assert site.sent("/sitemaps/google-news.xml")[0]["If-Modified-Since"] == LAST_MODIFIED
    assert "If-None-Match" not in site.sent("/feeds/co-loi.rss")[0]
    assert second["not_modified"] == 2
    assert second["per_source"]["bao-etag/not_modified"] == 2
    assert (second["feeds_fetched"], second["sitemaps_fetched"]) == (1, 0)
    assert second["items_stored"] == {"inserted": 0, "updated": 0, "unchanged": 0}
    assert site.fetched("/bai/loi-may-chu.html") == 1  # tried again, and failed again
    assert not any("not_modified" in reason for reason in second["dropped"])
    assert {url for url, _ in second["errors"]} == {f"{base}/bai/loi-may-chu.html"}

    # The feed changes: a fresh copy (new ETag) is read and its new article fetched.
    site.routes["/feeds/etag.rss"] = site.route(
        body=feed(base, "/bai/chi-thi-57-an-ninh-mang.html", "/bai/chi-thi-57-khong-dau.html"),
        headers={"Content-Type": RSS, "ETag": '"v2-thoi-su"'})
    third = report_of(run_crawl(config_dir, data_dir))
    assert third["not_modified"] == 1  # the sitemap
    assert third["items_stored"]["inserted"] == 1
    assert f"{base}/bai/chi-thi-57-khong-dau.html" in stored_urls(data_dir)


def test_retries_back_off_and_timeouts_and_oversized_pages_are_reported(
    site: Any, tmp_path: Path
) -> None:
    base = site.base
    article = site.page("chi-thi-57-an-ninh-mang.html").encode()
    unavailable = site.route(503, b"Service Unavailable", {"Content-Type": "text/plain"})
    site.routes["/bai/chap-chon.html"] = site.route(
        body=article, headers={"Content-Type": HTML}, first=[unavailable, unavailable])
    too_many = site.route(429, b"Too Many Requests",
                          {"Content-Type": "text/plain", "Retry-After": "3600"})
    site.routes["/bai/qua-tai.html"] = site.route(
        body=site.page("chi-thi-57-khong-dau.html").encode(), headers={"Content-Type": HTML},
        first=[too_many])
    site.routes["/bai/cham.html"] = site.route(body=article, headers={"Content-Type": HTML},
                                               delay=3.0)
    huge = b"<html><body><p>" + "Chỉ thị 57 ".encode() * 30_000 + b"</p></body></html>"
    site.routes["/bai/qua-lon.html"] = site.route(body=huge, headers={"Content-Type": HTML})
    site.routes["/feeds/thu-lai.rss"] = site.route(
        body=feed(base, "/bai/chap-chon.html", "/bai/qua-tai.html", "/bai/cham.html",
                  "/bai/qua-lon.html"),
        headers={"Content-Type": RSS})
    config_dir = write_config(tmp_path / "config", (
        "  - key: bao-thu-lai\n"
        "    name: Báo Thử Lại\n"
        "    feeds:\n"
        f"      - {base}/feeds/thu-lai.rss\n"
    ), retry_times=2, timeout=0.5, max_page_bytes=200_000)
    script = tmp_path / "fast_backoff.py"
    script.write_text(FAST_BACKOFF, encoding="utf-8")
    data_dir = tmp_path / "data"

    report = report_of(run_crawl(config_dir, data_dir, script))

    # 503, 503, then the page: stored, after waiting longer before each retry
    assert f"{base}/bai/chap-chon.html" in stored_urls(data_dir)
    first, second, third = site.arrivals("/bai/chap-chon.html")
    assert second - first >= 0.3
    assert third - second >= 0.6
    # 429 with Retry-After: one hour asked, the cap (1 s) waited
    assert f"{base}/bai/qua-tai.html" in stored_urls(data_dir)
    before, after = site.arrivals("/bai/qua-tai.html")
    assert 1.0 <= after - before < 5.0
    # too slow every time: retried, then reported with its URL
    assert site.fetched("/bai/cham.html") == 3
    errors = dict(report["errors"])
    assert errors[f"{base}/bai/cham.html"].startswith("timeout")
    assert report["dropped"]["timeout"] == 1
    # bigger than crawl.max_page_bytes: dropped with its reason, not stored, not retried
    assert site.fetched("/bai/qua-lon.html") == 1
    assert report["dropped"]["too_large"] == 1
    assert errors[f"{base}/bai/qua-lon.html"].startswith("too_large")
    assert f"{base}/bai/qua-lon.html" not in stored_urls(data_dir)
    assert report["per_source"]["bao-thu-lai/errors"] == 2
    assert report["finish_reason"] == "finished"


ARTICLE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{meta}
<title>{title}</title></head><body><article><h1>{title}</h1>
<div class="post-meta"><span class="date">{printed}</span></div>
<div class="article-body">
<p>Sáng nay, Ban Tuyên giáo tổ chức hội nghị quán triệt Chỉ thị số 57-CT/TW của Ban Bí thư về
tăng cường bảo đảm an ninh mạng, an toàn thông tin và an ninh dữ liệu cho cán bộ cơ sở.</p>
<p>Báo cáo viên hướng dẫn cách đặt mật khẩu mạnh, bật xác thực hai lớp và không bấm vào đường
link lạ gửi qua tin nhắn, vì nhiều vụ lừa đảo gần đây đều bắt đầu như vậy.</p>
<p>Người dân phấn khởi vì được giải đáp trực tiếp các thắc mắc về bảo vệ dữ liệu cá nhân khi
sử dụng dịch vụ công trực tuyến.</p>
</div></article></body></html>"""


def test_relative_dates_and_implausible_ones_end_to_end(site: Any, tmp_path: Path) -> None:
    base = site.base
    pages = {
        "/bai/hai-gio-truoc.html": ARTICLE.format(
            meta="", title="Quán triệt Chỉ thị 57 ở cơ sở", printed="2 giờ trước"),
        "/bai/ngay-tuong-lai.html": ARTICLE.format(
            meta='<meta property="article:published_time" content="2099-01-01T08:00:00+07:00">',
            title="Chỉ thị 57: tập huấn an ninh mạng", printed=""),
    }
    for path, body in pages.items():
        site.routes[path] = site.route(body=body.encode(), headers={"Content-Type": HTML})
    site.routes["/feeds/ngay.rss"] = site.route(body=feed(base, *pages),
                                                headers={"Content-Type": RSS})
    config_dir = write_config(tmp_path / "config", (
        "  - key: bao-ngay\n"
        "    name: Báo Ngày\n"
        "    feeds:\n"
        f"      - {base}/feeds/ngay.rss\n"
    ))
    data_dir = tmp_path / "data"
    started = datetime.now(VN_TZ)

    report = report_of(run_crawl(config_dir, data_dir))
    finished = datetime.now(VN_TZ)

    assert report["items_stored"]["inserted"] == 2
    assert report["dropped_dates"] == {"future": 1}
    assert report["errors"] == []
    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        items = {item.url.removeprefix(base): item
                 for item in store.iter_items(ItemFilter(include_undated=True))}
    finally:
        store.close()
    relative = items["/bai/hai-gio-truoc.html"]
    assert relative.date_source == DateSource.PAGE_TEXT
    two_hours = timedelta(hours=2)
    assert started - two_hours - timedelta(seconds=1) <= relative.published_at
    assert relative.published_at <= finished - two_hours
    future = items["/bai/ngay-tuong-lai.html"]  # the 2099 date refused: the feed's is used
    assert future.date_source == DateSource.FEED
    assert future.published_at.isoformat() == "2026-03-10T08:15:00+07:00"
