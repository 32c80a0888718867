"""The spider's routing pieces, without a reactor; the whole crawl is in test_crawl_e2e.py."""

from __future__ import annotations

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
    }
    report = report_from_stats(stats, [("https://x.vn/a.html", "http_404")])
    assert report == CrawlReport(
        feeds_fetched=3, articles_fetched=9, items_stored=UpsertResult(4, 1, 0),
        dropped={"http_404": 1, "off_topic": 3}, skipped={"known": 12},
        errors=[("https://x.vn/a.html", "http_404")], finish_reason="finished",
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
