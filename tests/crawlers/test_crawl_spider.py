"""The spider's routing pieces, without a reactor; the whole crawl is in test_crawl_e2e.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from crawlers.run import CrawlReport, crawl, report_from_stats
from crawlers.spiders.rss import RssSpider, select_sources
from phuxanh.config import Config, Source
from phuxanh.errors import ConfigError
from phuxanh.store.base import UpsertResult


def test_all_enabled_sources_by_default(config: Config) -> None:
    config.sources.append(Source(key="tat", name="Tắt", enabled=False, feeds=["https://x.vn/r"]))
    chosen = select_sources(config)
    assert [s.key for s in chosen] == [s.key for s in config.sources if s.enabled]
    assert "tat" not in [s.key for s in chosen]


def test_named_sources_only(config: Config) -> None:
    assert [s.key for s in select_sources(config, ["tuoitre", "vnexpress", "tuoitre"])] == [
        "tuoitre", "vnexpress"
    ]


def test_unknown_or_disabled_source_keys_are_config_errors(config: Config) -> None:
    with pytest.raises(ConfigError, match="no source with key 'khong-co'"):
        select_sources(config, ["khong-co"])
    config.sources.append(Source(key="tat", name="Tắt", enabled=False))
    with pytest.raises(ConfigError, match="'tat' is disabled"):
        select_sources(config, ["tat"])


def test_spider_reads_config_and_source_keys(make_crawler: Any) -> None:
    crawler = make_crawler()
    spider = RssSpider.from_crawler(crawler, source_keys="vnexpress, tuoitre")
    spider.configure()
    assert spider.source_keys == ["vnexpress", "tuoitre"]
    assert [s.key for s in spider.sources] == ["vnexpress", "tuoitre"]


def test_report_from_stats() -> None:
    stats = {
        "phuxanh/feeds/fetched": 3, "phuxanh/articles/fetched": 9,
        "phuxanh/stored/inserted": 4, "phuxanh/stored/updated": 1,
        "phuxanh/dropped/off_topic": 3, "phuxanh/dropped/http_404": 1,
        "phuxanh/skipped/known": 12, "finish_reason": "finished", "item_scraped_count": 5,
        "phuxanh/sitemaps/fetched": 2, "phuxanh/listings/fetched": 1,
        "phuxanh/source/vnexpress/articles": 9,
    }
    report = report_from_stats(stats, [("https://x.vn/a.html", "http_404")])
    assert report == CrawlReport(
        feeds_fetched=3, articles_fetched=9, items_stored=UpsertResult(4, 1, 0),
        dropped={"http_404": 1, "off_topic": 3}, skipped={"known": 12},
        errors=[("https://x.vn/a.html", "http_404")], finish_reason="finished",
        sitemaps_fetched=2, listings_fetched=1, per_source={"vnexpress/articles": 9},
    )
    assert '"inserted": 4' in report.to_json()


def test_crawl_runs_once_per_process(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    import crawlers.run

    monkeypatch.setattr(crawlers.run, "_reactor_used", True)
    with pytest.raises(RuntimeError, match="once per process"):
        crawl(config)


def test_crawl_checks_source_keys_before_starting(config: Config) -> None:
    with pytest.raises(ConfigError, match="khong-co"):
        crawl(config, ["khong-co"])


def test_crawling_never_imports_torch_or_dash() -> None:
    import subprocess
    import sys

    code = (
        "import sys, crawlers.run, crawlers.spiders.rss, crawlers.pipelines.store, "
        "crawlers.pipelines.topic, crawlers.pipelines.age\n"
        "bad = [m for m in ('torch', 'dash', 'transformers', 'classify', 'dashboard') "
        "if m in sys.modules]\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def _spider(make_crawler: Any) -> RssSpider:
    from scrapy.statscollectors import MemoryStatsCollector

    crawler = make_crawler()
    spider = RssSpider.from_crawler(crawler)
    if crawler.stats is None:
        crawler.stats = MemoryStatsCollector(crawler)
    spider.configure()
    return spider


def test_each_source_routes_feeds_sitemaps_listings_and_search(make_crawler: Any) -> None:
    spider = _spider(make_crawler)
    source = Source(key="a", name="A", feeds=["https://a.vn/rss"],
                    sitemaps=["https://a.vn/sitemap.xml"], listings=["https://a.vn/thoi-su"],
                    listing_selector="h3 a", search_query="Chỉ thị 57")
    requests = spider.source_requests(source)
    assert [(r.url, r.callback.__name__) for r in requests] == [
        ("https://a.vn/rss", "parse_feed"),
        ("https://a.vn/sitemap.xml", "parse_sitemap"),
        ("https://a.vn/thoi-su", "parse_listing"),
        ("https://news.google.com/rss/search?q=Ch%E1%BB%89+th%E1%BB%8B+57&hl=vi&gl=VN"
         "&ceid=VN:vi", "parse_feed"),
    ]
    assert requests[-1].cb_kwargs["aggregated"] is True
    assert spider.source_requests(Source(key="b", name="B")) == []


def test_undated_sitemap_entries_are_capped_per_sitemap(
        make_crawler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.http import Request, XmlResponse

    import crawlers.spiders.rss as rss

    monkeypatch.setattr(rss, "MAX_UNDATED_SITEMAP_ENTRIES", 2)
    spider = _spider(make_crawler)
    locs = "".join(f"<url><loc>https://a.vn/bai-{n}.html</loc></url>" for n in range(5))
    dated = "<url><loc>https://a.vn/moi.html</loc><lastmod>2099-01-01</lastmod></url>"
    url = "https://a.vn/sitemap.xml"
    response = XmlResponse(url, body=f"<urlset>{dated}{locs}</urlset>".encode(),
                           request=Request(url))
    try:
        requests = list(spider.parse_sitemap(response, Source(key="a", name="A")))
    finally:
        spider.closed("finished")
    assert [r.url for r in requests] == [
        "https://a.vn/moi.html", "https://a.vn/bai-0.html", "https://a.vn/bai-1.html"]
    assert spider.crawler.stats.get_value("phuxanh/skipped/undated_limit") == 3


def test_a_search_result_left_on_the_aggregator_is_an_error(make_crawler: Any) -> None:
    """Google's own page (no HTTP redirect to the outlet) is never stored as an article."""
    from scrapy.http import HtmlResponse, Request

    spider = _spider(make_crawler)
    url = "https://news.google.com/rss/articles/CBMi?oc=5"
    response = HtmlResponse(url, body=b"<html><body><p>" + b"Google News " * 20 + b"</p>",
                            request=Request(url))
    parsed = asyncio.run(spider.parse_article(response, Source(key="g", name="G"), None,
                                              aggregated=True))
    assert parsed == []
    assert spider.crawler.stats.get_value("phuxanh/dropped/aggregator_unresolved") == 1
    assert spider.errors == [(url, "aggregator_unresolved")]
