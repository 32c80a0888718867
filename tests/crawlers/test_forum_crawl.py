"""The forum spider, pipelines and SQLite store against a local XenForo-style forum.

Each crawl runs in its own process (``python -m crawlers.run``), as in test_crawl_e2e.py; the
forum is tests/crawlers/posts_site.py on 127.0.0.1.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from phuxanh.pseudonym import author_hash

from .conftest import write_crawl_config
from .posts_site import (
    KEY,
    THREAD_50,
    THREAD_60,
    PostsSite,
    forum_source,
    report_of,
    run_crawl,
    serve_posts_site,
    stored,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def forum() -> Iterator[PostsSite]:
    with serve_posts_site() as site:
        yield site


def test_forum_crawl_posts_threads_and_rerun(forum: PostsSite, tmp_path: Path) -> None:
    config_dir = write_crawl_config(tmp_path / "config", "sources:\n" + forum_source(forum.base))
    data_dir = tmp_path / "data"
    host = "127.0.0.1"

    first = report_of(run_crawl(config_dir, data_dir))

    items = stored(data_dir)
    assert sorted(items) == [f"{host}:post-{n}" for n in (1001, 1002, 1004, 1013, 1014)]
    assert first["items_stored"] == {"inserted": 5, "updated": 0, "unchanged": 0}
    # Post 6001 is off-topic: its signature and the news it quotes name the directive, its
    # own words do not.
    assert first["dropped"] == {"off_topic": 1, "post_unreadable": 1, "thread_unreadable": 1,
                                "thread_robots_forbidden": 1}
    errors = dict(first["errors"])
    assert errors == {
        f"{forum.base}/threads/hong.100/":
            "thread_unreadable: no forum posts on this page (not a XenForo thread page)",
        f"{forum.base}{THREAD_50}": "post_unreadable: post 3 on the page: post 1003: no "
                                    "readable date",
        f"{forum.base}/private/threads/noi-bo.99/": "thread_robots_forbidden",
    }
    # Never fetched: robots.txt forbids one; an off-topic and a stale thread of the thread
    # list; the search's third page (its second reached results older than the window).
    for path in ("/private/threads/noi-bo.99/", "/threads/gia-vang-hom-nay.80/",
                 "/threads/ban-ve-chi-thi-57-nam-ngoai.90/", "/search/77/page-3"):
        assert forum.fetched(path) == 0, path
    # Reached from the search, the thread list and paging, each page was fetched once.
    for path in (THREAD_50, f"{THREAD_50}page-2", THREAD_60):
        assert forum.fetched(path) == 1, path

    opening = items[f"{host}:post-1001"]
    assert opening.source == "dien-dan-thu-nghiem" and opening.source_type == "forum"
    assert opening.platform == host
    assert opening.url == f"{forum.base}{THREAD_50}post-1001"
    assert opening.title == "Chỉ thị 57-CT/TW: diễn đàn mình bàn gì?"
    assert opening.published_at.isoformat() == "2026-03-10T08:15:00+07:00"
    assert opening.engagement.likes == 14
    assert opening.topics == ["chi-thi-57"]
    assert opening.parent_id is None
    assert opening.author is None
    assert opening.author_hash == author_hash("Hoàng Minh Tuấn", KEY, host)
    assert items[f"{host}:post-1002"].parent_id == f"{host}:post-1001"  # quotes it
    # Page 2, read after page 1: the thread's opening post is the parent.
    assert items[f"{host}:post-1014"].parent_id == f"{host}:post-1001"
    mention = items[f"{host}:post-1004"].text
    assert unicodedata.is_normalized("NFC", mention)
    assert "Đơn vị em đã tổ chức quán triệt Chỉ thị 57" in mention
    assert items[f"{host}:post-1014"].author_hash == items[f"{host}:post-1002"].author_hash

    forum.requests.clear()
    second = report_of(run_crawl(config_dir, data_dir))

    assert second["items_stored"]["inserted"] == 0
    assert second["skipped"]["known"] == 2  # search results 1013 and 1001
    assert second["skipped"]["dropped_before/off_topic"] == 1  # 6001, not fetched again
    assert forum.fetched(f"{THREAD_60}post-6001") == 0
    assert forum.fetched(f"{THREAD_50}post-1013") == 0
    assert len(stored(data_dir)) == 5


def test_forum_without_a_key_stores_no_author(forum: PostsSite, tmp_path: Path) -> None:
    config_dir = write_crawl_config(tmp_path / "config", "sources:\n" + forum_source(forum.base))
    report_of(run_crawl(config_dir, tmp_path / "data", key=None))
    items = stored(tmp_path / "data")
    assert items
    assert all(item.author is None and item.author_hash is None for item in items.values())
