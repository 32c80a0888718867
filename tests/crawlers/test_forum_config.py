"""sources.yaml for forums and Telegram channels, and which spider reads which source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawlers.addon import scrapy_settings
from crawlers.run import merge_stats, spider_names, spider_plan
from crawlers.spiders.forum import ForumSpider
from crawlers.spiders.rss import RssSpider
from crawlers.spiders.telegram import TelegramSpider
from phuxanh.config import Config, Source, load_config
from phuxanh.errors import ConfigError

from .conftest import write_crawl_config

REPO = Path(__file__).resolve().parents[2]


def load_sources(tmp_path: Path, entries: str) -> Config:
    return load_config(write_crawl_config(tmp_path / "config", "sources:\n" + entries))


def test_shipped_examples_are_valid_and_disabled() -> None:
    config = load_config(REPO / "config")
    voz, channel = config.source("voz"), config.source("telegram-kenh-mau")
    assert voz.type == "forum" and "{query}" in (voz.forum_search_url or "")
    assert channel.type == "social" and channel.channel
    assert not voz.enabled and not channel.enabled


@pytest.mark.parametrize(("entry", "message"), [
    ("    type: forum\n    forum_search_url: https://voz.vn/search/search?q=x\n",
     r"sources\[0\]\.forum_search_url: Value error, needs \{query\} once"),
    ("    type: news\n    threads: [https://voz.vn/t/a.1/]\n",
     r"sources\[0\]\.threads: Value error, threads is for sources of type forum"),
    ("    type: forum\n    forum_pages: [voz.vn/f/a.1/]\n",
     r"sources\[0\]\.forum_pages: Value error, not an http\(s\) URL: 'voz.vn/f/a.1/'"),
    ("    type: forum\n    forum_queries: ['  ']\n",
     r"sources\[0\]\.forum_queries: Value error, empty query"),
    ("    type: social\n    channel: 'tên kênh'\n",
     r"sources\[0\]\.channel: Value error, expected a channel username"),
    ("    type: forum\n    channel: kenhthunghiem\n",
     r"sources\[0\]\.channel: Value error, channel \(Telegram\) is for sources of type social"),
])
def test_bad_entries_name_the_file_and_field(tmp_path: Path, entry: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        load_sources(tmp_path, "  - key: x\n    name: X\n" + entry)
    assert "sources.yaml" in str(error.value)


def test_channel_as_name_or_preview_url(tmp_path: Path) -> None:
    config = load_sources(tmp_path, (
        "  - key: a\n    name: A\n    type: social\n    channel: kenh_thu_nghiem\n"
        "  - key: b\n    name: B\n    type: social\n    channel: https://t.me/s/kenhB/\n"))
    assert [source.channel for source in config.sources] == [
        "kenh_thu_nghiem", "https://t.me/s/kenhB/"]


def source(key: str, **fields: object) -> Source:
    return Source.model_validate({"key": key, "name": key, **fields})


def test_spider_by_source() -> None:
    news = source("bao", feeds=["https://bao.vn/rss"])
    forum = source("voz", type="forum", forum_search_url="https://voz.vn/s?q={query}")
    forum_with_feed = source("dd", type="forum", feeds=["https://dd.vn/f/1/index.rss"],
                             threads=["https://dd.vn/t/a.1/"])
    channel = source("kenh", type="social", channel="kenhthunghiem")
    empty = source("rong")
    assert spider_names(news) == ["rss"]
    assert spider_names(forum) == ["forum"]
    assert spider_names(forum_with_feed) == ["rss", "forum"]
    assert spider_names(channel) == ["telegram"]
    assert spider_names(empty) == ["rss"]  # the news spider says it has nothing to crawl
    assert spider_plan([news, empty], None) == [(RssSpider, None)]
    assert spider_plan([news], ["bao"]) == [(RssSpider, ["bao"])]
    assert spider_plan([news, forum, forum_with_feed, channel], None) == [
        (RssSpider, ["bao", "dd"]), (ForumSpider, ["voz", "dd"]), (TelegramSpider, ["kenh"])]


def test_spiders_start_only_their_own_sources(make_crawler: Any) -> None:
    forum = source("voz", type="forum", forum_search_url="https://voz.vn/s?q={query}",
                   forum_queries=["Chỉ thị 57"], threads=["https://voz.vn/t/chi-thi.5/page-3"])
    channel = source("kenh", type="social", channel="kenhthunghiem")
    forum_spider = ForumSpider.from_crawler(make_crawler())
    forum_spider.configure()
    telegram_spider = TelegramSpider.from_crawler(make_crawler())
    assert [r.url for r in forum_spider.source_requests(forum)] == [
        "https://voz.vn/s?q=Ch%E1%BB%89+th%E1%BB%8B+57", "https://voz.vn/t/chi-thi.5/"]
    assert forum_spider.source_requests(channel) == []
    assert [r.url for r in telegram_spider.source_requests(channel)] == [
        "https://t.me/s/kenhthunghiem"]
    assert telegram_spider.source_requests(forum) == []


def test_default_forum_queries_are_the_topics_first_terms(make_crawler: Any) -> None:
    spider = ForumSpider.from_crawler(make_crawler())
    spider.configure()
    forum = source("voz", type="forum", forum_search_url="https://voz.vn/s?q={query}")
    assert [r.url for r in spider.source_requests(forum)] == [
        "https://voz.vn/s?q=Ch%E1%BB%89+th%E1%BB%8B+57-CT%2FTW"]


def test_merged_stats() -> None:
    merged = merge_stats([
        {"phuxanh/stored/inserted": 3, "finish_reason": "finished", "phuxanh/store_error": ""},
        {"phuxanh/stored/inserted": 2, "finish_reason": "closespider_x",
         "phuxanh/store_error": "disk full", "phuxanh/source/a/new": 1},
    ])
    assert merged == {"phuxanh/stored/inserted": 5, "finish_reason": "closespider_x",
                      "phuxanh/store_error": "disk full", "phuxanh/source/a/new": 1}


def test_robots_middleware_replaced(config: Config) -> None:
    middlewares = scrapy_settings(config)["DOWNLOADER_MIDDLEWARES"]
    assert middlewares == {
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "crawlers.robots.WaitingRobotsTxtMiddleware": 100,
    }
