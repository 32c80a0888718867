"""No raw author identifier of a forum or Telegram post reaches the store, any file in the data
directory, or the logs: posters, reactors, quoted and mentioned members, a private user whose
message a channel forwarded, an admin's signature (posts_site.PEOPLE)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from crawlers.pipelines.topic import TopicPipeline
from crawlers.spiders.forum import THREAD_START, ForumSpider
from crawlers.spiders.telegram import TelegramSpider
from phuxanh.config import Config, Source
from phuxanh.schema import Item
from phuxanh.text import fold

from .conftest import write_crawl_config
from .posts_site import (
    CHANNEL,
    FIXTURES,
    KEY,
    PEOPLE,
    THREAD_50,
    PostsSite,
    channel_source,
    forum_source,
    report_of,
    run_crawl,
    serve_posts_site,
    stored,
)


def leaks(text: str) -> list[str]:
    """The people named in ``text``, as written or folded ("hoang minh tuan")."""
    folded = fold(text)
    return [name for name in PEOPLE if name in text or fold(name) in folded]


@pytest.fixture
def site() -> Iterator[PostsSite]:
    with serve_posts_site() as served:
        yield served


@pytest.mark.slow
def test_no_raw_author_in_store_files_or_debug_logs(site: PostsSite, tmp_path: Path) -> None:
    config_dir = write_crawl_config(tmp_path / "config", "sources:\n" + forum_source(site.base)
                                    + channel_source("kenh-thu-nghiem", f"{site.base}{CHANNEL}"))
    data_dir = tmp_path / "data"

    process = run_crawl(config_dir, data_dir, debug_log=True)
    report = report_of(process)

    # Both spiders ran in the one crawl, and the logs are the full DEBUG stream.
    assert report["items_stored"]["inserted"] == 9
    assert "Scraped from" in process.stderr
    assert leaks(process.stderr) == []
    assert leaks(process.stdout) == []
    items = stored(data_dir)
    assert all(item.author is None for item in items.values())
    assert sum(1 for item in items.values() if item.author_hash) >= 6
    for item in items.values():
        assert leaks(item.model_dump_json()) == [], item.id
    # Every byte the crawl left: the store, its WAL, the crawler's seen-links file, spools.
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.name == "phuxanh.db" for path in files)
    for path in files:
        raw = path.read_bytes()
        for name in PEOPLE:
            assert name.encode() not in raw, (path, name)
            assert fold(name).encode() not in raw.lower(), (path, name)


def response(url: str, fixture: str) -> HtmlResponse:
    body = (FIXTURES / fixture).read_bytes()
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=Request(url),
                        headers={"Content-Type": "text/html; charset=utf-8"})


def test_no_raw_author_in_logs_in_process(config: Config, make_crawler: Any,
                                          caplog: pytest.LogCaptureFixture,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The spiders' callbacks and the topic pipeline, run directly under caplog at DEBUG:
    their log lines (a page's unreadable post, items judged) name no one."""
    monkeypatch.setenv("PHUXANH_AUTHOR_HASH_KEY", KEY)
    config.crawl.max_age_days = (date.today() - date(2025, 6, 1)).days  # reach March 2026
    caplog.set_level(logging.DEBUG)
    crawler = make_crawler()
    forum_spider = ForumSpider.from_crawler(crawler)
    forum_spider.configure()
    telegram_spider = TelegramSpider.from_crawler(make_crawler())
    telegram_spider.configure()
    base = "https://diendan.vn"
    forum = Source(key="dien-dan", name="Diễn đàn", type="forum", threads=[f"{base}{THREAD_50}"])
    channel = Source(key="kenh", name="Kênh", type="social", channel="kenhthunghiem")
    try:
        produced = [
            *forum_spider.parse_thread(response(f"{base}{THREAD_50}", "forum/thread-50-p1.html"),
                                       forum, THREAD_START),
            *forum_spider.parse_thread(response(f"{base}{THREAD_50}page-2",
                                                "forum/thread-50-p2.html"), forum, "back"),
            *telegram_spider.parse_channel(response("https://t.me/s/kenhthunghiem",
                                                    "telegram/kenh-p1.html"), channel),
        ]
    finally:
        forum_spider.closed("finished")
        telegram_spider.closed("finished")
    items = [entry for entry in produced if isinstance(entry, Item)]
    assert len(items) == 9  # 5 posts, 4 messages
    pipeline = TopicPipeline.from_crawler(crawler)
    for item in items:
        try:
            kept = pipeline.process_item(item)
            logging.getLogger("test").debug("kept %r", kept)
        except Exception as exc:  # Rejected: logged the way Scrapy logs a drop
            logging.getLogger("test").info("Dropped: %s", exc)
    # The unreadable post and message were logged (a warning naming the page) ...
    assert "post_unreadable" in caplog.text and "message_unreadable" in caplog.text
    # ... and nothing names a person, while the hashes are there.
    assert leaks(caplog.text) == []
    assert "author_hash='a:" in caplog.text
