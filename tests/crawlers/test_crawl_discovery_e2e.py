"""Sitemaps, listing pages and a Google News search, crawled end to end against the local test
site with the real spider, pipelines and SQLite store (one process per crawl, as in
test_crawl_e2e.py). The Google News endpoint is pointed at the local site by a wrapper script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.spiders.rss import MAX_LISTING_PAGES
from phuxanh.schema import DateSource
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

from .conftest import write_crawl_config

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

LOCAL_GOOGLE_NEWS = """
import sys
import crawlers.extract.gnews as gnews
gnews.SEARCH_ENDPOINT = sys.argv.pop(1)
from crawlers.run import main
sys.exit(main(sys.argv[1:]))
"""

# path -> (source key, published_at, date_source, outlet, official, province)
STORED = {
    "/sm/chi-thi-57-ban-do-so.html": ("bao-so-do", "2026-03-13T16:45:00+07:00",
                                      DateSource.FEED, "Báo Sơ Đồ", True, "Lào Cai"),
    "/sm/chi-thi-57-tap-huan.html": ("bao-so-do", "2026-03-13T07:20:00+07:00",
                                     DateSource.FEED, "Báo Sơ Đồ", True, "Lào Cai"),
    "/ds/dien-tap.html": ("bao-chuyen-muc", "2026-03-14T15:00:00+07:00",
                          DateSource.PAGE_METADATA, "Báo Chuyên Mục", False, None),
    "/ds/trang-2.html": ("bao-chuyen-muc", "2026-03-13T10:00:00+07:00",
                         DateSource.PAGE_METADATA, "Báo Chuyên Mục", False, None),
    # Google News pubDate 02:00 GMT = 09:00 in Vietnam; the page itself has no date
    "/gn/chinh-thong.html": ("google-news", "2026-03-13T09:00:00+07:00",
                             DateSource.FEED, "Báo Thử Nghiệm", True, "Lào Cai"),
    "@alt/gn/trang-khac.html": ("google-news", "2026-03-15T20:00:00+07:00",
                                DateSource.PAGE_METADATA, "Trang Khác", False, None),
}
NEVER = [
    "/sitemaps/2024-01.xml",  # child sitemap whose lastmod is before the window
    "/sm/bai-2024.html",  # entry too old by its lastmod
    "/tag/an-ninh-mang",  # does not match link_pattern
    "/video/chi-thi-57.html",  # listing link not matching link_pattern
    "/ds/bai-cua-trang-khac.html",  # listing link to another site
    "/chuyen-muc/an-ninh-mang-p4.html",  # beyond MAX_LISTING_PAGES
    "/rss/articles/CBMiCu",  # search result too old by its pubDate
]


def write_config(folder: Path, base: str) -> Path:
    return write_crawl_config(
        folder,
        "sources:\n"
        "  - key: bao-so-do\n"
        "    name: Báo Sơ Đồ\n"
        "    official: true\n"
        "    province: Lào Cai\n"
        "    domain: 127.0.0.1\n"
        "    link_pattern: '/sm/[a-z0-9-]+\\.html$'\n"
        "    sitemaps:\n"
        f"      - {base}/sitemap.xml\n"
        f"      - {base}/sitemaps/google-news.xml\n"
        f"      - {base}/sitemaps/hong.xml\n"
        "  - key: bao-chuyen-muc\n"
        "    name: Báo Chuyên Mục\n"
        "    listing_selector: h3.tieu-de a\n"
        "    link_pattern: '/ds/[a-z0-9-]+\\.html$'\n"
        "    listings:\n"
        f"      - {base}/chuyen-muc/an-ninh-mang.html\n"
        "  - key: google-news\n"
        "    name: Google Tin tức\n"
        "    domain: news.google.com\n"
        "    search_query: '\"Chỉ thị 57\" an ninh mạng'\n",
        retry_times=0,
    )


def run_crawl(config_dir: Path, data_dir: Path, script: Path, endpoint: str
              ) -> dict[str, Any]:
    env = {**os.environ, "PHUXANH_DATA_DIR": str(data_dir)}
    process = subprocess.run(
        [sys.executable, str(script), endpoint, "--config", str(config_dir)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180,
    )
    assert process.returncode == 0, process.stderr[-4000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_sitemaps_listings_and_google_news_search(site: Any, tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", site.base)
    data_dir = tmp_path / "data"
    script = tmp_path / "local_google_news.py"
    script.write_text(LOCAL_GOOGLE_NEWS, encoding="utf-8")
    endpoint = f"{site.base}/rss/search"

    first = run_crawl(config_dir, data_dir, script, endpoint)

    assert first["items_stored"] == {"inserted": 6, "updated": 0, "unchanged": 0}
    assert first["sitemaps_fetched"] == 4  # index, its recent child, Google News, broken
    assert first["listings_fetched"] == MAX_LISTING_PAGES == 3
    assert first["feeds_fetched"] == 1  # the search
    assert first["articles_fetched"] == 6
    assert first["skipped"] == {"sitemap_too_old": 1, "too_old": 2, "off_pattern": 1}
    assert first["dropped"] == {"sitemap_unreadable": 1}
    ((url, reason),) = first["errors"]
    assert url == f"{site.base}/sitemaps/hong.xml"
    assert reason.startswith("sitemap_unreadable: not a readable sitemap (malformed XML")
    assert first["per_source"] == {
        "bao-so-do/sitemaps": 4, "bao-so-do/requested": 2, "bao-so-do/articles": 2,
        "bao-so-do/errors": 1,  # the broken sitemap
        "bao-so-do/new": 2,
        "bao-chuyen-muc/listings": 3, "bao-chuyen-muc/requested": 2,
        "bao-chuyen-muc/articles": 2, "bao-chuyen-muc/new": 2,
        "google-news/feeds": 1, "google-news/requested": 2, "google-news/articles": 2,
        "google-news/new": 2,
    }
    for path in NEVER:
        assert site.fetched(path) == 0, path
    searches = [path for path in site.requests if path.startswith("/rss/search")]
    assert searches == ["/rss/search?q=%22Ch%E1%BB%89+th%E1%BB%8B+57%22+an+ninh+m%E1%BA%A1ng"
                        "&hl=vi&gl=VN&ceid=VN:vi"]

    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        items = {item.url: item for item in store.iter_items(ItemFilter(include_undated=True))}
        expected = {
            (site.alt + path[4:] if path.startswith("@alt") else site.base + path): want
            for path, want in STORED.items()
        }
        # Google News results are stored under the publisher's URL, after the redirect
        assert set(items) == set(expected)
        for url, (key, published, date_source, outlet, official, province) in expected.items():
            item = items[url]
            assert item.source == key, url
            # the same instant; a feed date keeps the zone the feed wrote (GMT for Google)
            assert item.published_at == datetime.fromisoformat(published), url
            assert item.date_source == date_source, url
            assert (item.outlet, item.official, item.province) == (outlet, official, province), url
            assert item.topics == ["chi-thi-57"], url
            assert item.source_type == "news"
    finally:
        store.close()

    site.reset_log()
    second = run_crawl(config_dir, data_dir, script, endpoint)

    assert second["items_stored"] == {"inserted": 0, "updated": 0, "unchanged": 0}
    assert second["articles_fetched"] == 0
    assert second["skipped"] == {"known": 6, "sitemap_too_old": 1, "too_old": 2,
                                 "off_pattern": 1}
    for path in [*STORED, "/rss/articles/CBMiQWh0dHBzOi8vYmFvLXRodS1uZ2hpZW0",
                 "/rss/articles/CBMiOWh0dHBzOi8vdHJhbmcta2hhYw", "/gn/trang-khac.html", *NEVER]:
        assert site.fetched(path) == 0, path


GN_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/gn/chinh-thong.html</loc><lastmod>2026-03-13T09:00:00+07:00</lastmod></url>
</urlset>
"""


def test_a_search_result_already_stored_from_its_outlet_keeps_the_outlet(
        site: Any, tmp_path: Path) -> None:
    """The outlet's own sitemap stored the article first: the Google News result for it is
    fetched once (the redirect has to be followed to know), not re-attributed, and remembered."""
    first_route = site.routes["/sitemap.xml"]
    site.routes["/sitemaps/gn-bai.xml"] = type(first_route)(
        body=GN_SITEMAP.replace("{base}", site.base).encode(),
        headers={"Content-Type": "application/xml"})
    script = tmp_path / "local_google_news.py"
    script.write_text(LOCAL_GOOGLE_NEWS, encoding="utf-8")
    endpoint = f"{site.base}/rss/search"
    data_dir = tmp_path / "data"
    outlet_only = write_config(tmp_path / "outlet", site.base)
    (outlet_only / "sources.yaml").write_text(
        "sources:\n"
        "  - key: bao-so-do\n"
        "    name: Báo Sơ Đồ\n"
        "    official: true\n"
        "    domain: 127.0.0.1\n"
        "    sitemaps:\n"
        f"      - {site.base}/sitemaps/gn-bai.xml\n", encoding="utf-8")
    both = write_config(tmp_path / "both", site.base)
    (both / "sources.yaml").write_text(
        (outlet_only / "sources.yaml").read_text(encoding="utf-8")
        + "  - key: google-news\n"
        "    name: Google Tin tức\n"
        "    search_query: Chỉ thị 57\n", encoding="utf-8")

    first = run_crawl(outlet_only, data_dir, script, endpoint)
    assert first["items_stored"]["inserted"] == 1

    second = run_crawl(both, data_dir, script, endpoint)
    assert second["items_stored"] == {"inserted": 1, "updated": 0, "unchanged": 0}
    assert second["dropped"] == {"already_stored": 1}
    assert second["errors"] == []
    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        items = {i.url: i for i in store.iter_items(ItemFilter(include_undated=True))}
        kept = items[f"{site.base}/gn/chinh-thong.html"]
        assert (kept.source, kept.outlet) == ("bao-so-do", "Báo Sơ Đồ")
        assert items[f"{site.alt}/gn/trang-khac.html"].source == "google-news"
    finally:
        store.close()

    site.reset_log()
    third = run_crawl(both, data_dir, script, endpoint)
    assert third["articles_fetched"] == 0
    assert site.fetched("/rss/articles/CBMiQWh0dHBzOi8vYmFvLXRodS1uZ2hpZW0") == 0
