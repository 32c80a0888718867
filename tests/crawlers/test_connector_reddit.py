"""Reddit public JSON search connector against a local server replaying Listing answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.connectors import run_connector
from crawlers.connectors.base import MalformedPayload, RateLimited
from crawlers.connectors.replay import ReplayServer, Reply
from crawlers.connectors.state import ConnectorState
from phuxanh.config import Config, Source
from phuxanh.schema import VN_TZ
from phuxanh.store import open_store
from phuxanh.store.base import ItemFilter, Store

FIXTURES = Path(__file__).parent / "fixtures" / "api" / "reddit"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ)
SEARCH = "/r/VietNam/search.json"
AFTER = "t3_1gx57b2"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def rd_config(config: Config, api: ReplayServer) -> Config:
    source = Source(key="rd-test", name="Reddit thử nghiệm", type="social", api="reddit",
                    subreddits=["VietNam"], api_base_url=api.base)
    crawl = config.crawl.model_copy(update={"download_delay": 0.0, "retry_times": 2,
                                            "user_agent": "phuxanh-test/0.1 (lien-he@example.vn)"})
    return config.model_copy(update={"sources": [source], "crawl": crawl})


@pytest.fixture
def store(rd_config: Config) -> Iterator[Store]:
    opened = open_store(rd_config)
    yield opened
    opened.close()


def run(config: Config, store: Store, sleeps: list[float] | None = None) -> Any:
    waits = sleeps if sleeps is not None else []
    return run_connector(config, config.sources[0], store, sleep=waits.append, now=NOW)


def test_429_waits_the_retry_after_then_pages_on(rd_config: Config, api: ReplayServer,
                                                 store: Store) -> None:
    api.add(SEARCH, Reply(429, load("error_too_many_requests.json"), {"Retry-After": "7"}),
            when={"after": None}, times=1)
    api.add(SEARCH, load("search_p1.json"), when={"after": None})
    api.add(SEARCH, load("search_p2.json"), when={"after": AFTER})
    sleeps: list[float] = []
    report = run(rd_config, store, sleeps)

    assert sleeps == [7.0]  # the wait asked for, through the injected sleep: no real waiting
    seen = api.requests(SEARCH)
    assert [s.query.get("after") for s in seen] == [None, None, AFTER]
    assert all(s.headers["User-Agent"] == "phuxanh-test/0.1 (lien-he@example.vn)" for s in seen)
    assert seen[0].query["sort"] == "new" and seen[0].query["restrict_sr"] == "1"
    assert seen[0].query["q"] == " OR ".join(  # the topics' terms when the source has no query
        f'"{term}"' for term in rd_config.topics[0].terms)

    ids = {item.id for item in store.iter_items(ItemFilter(include_undated=True))}
    assert ids == {"reddit:t3_1gx57a1", "reddit:t3_1gw57c3"}  # the café question is off-topic
    post = store.get("reddit:t3_1gx57a1")
    assert post is not None
    permalink = load("search_p1.json")["data"]["children"][0]["data"]["permalink"]
    assert post.url == "https://www.reddit.com" + permalink
    assert post.outlet == "r/VietNam" and post.title.startswith("Chỉ thị 57")
    assert post.published_at == datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    assert post.engagement.likes == 48 and post.engagement.comments == 12
    deleted = store.get("reddit:t3_1gw57c3")
    assert deleted is not None and deleted.author_hash is None  # "[deleted]" is nobody
    assert report.dropped == {"off_topic": 1} and report.stored.inserted == 2


def test_a_429_asking_too_long_stops_and_keeps_the_cursor(
    rd_config: Config, api: ReplayServer, store: Store
) -> None:
    api.add(SEARCH, load("search_p1.json"), when={"after": None})
    api.add(SEARCH, Reply(429, load("error_too_many_requests.json"),
                          {"x-ratelimit-reset": "3600"}), when={"after": AFTER})
    sleeps: list[float] = []
    with pytest.raises(RateLimited, match="asked to wait 3600 s"):
        run(rd_config, store, sleeps)
    assert sleeps == []
    assert store.get("reddit:t3_1gx57a1") is not None
    assert ConnectorState(rd_config.data_dir).cursor("rd-test", "search:VietNam") == AFTER


def test_malformed_page_is_a_clear_error_and_nothing_is_lost(
    rd_config: Config, api: ReplayServer, store: Store
) -> None:
    api.add(SEARCH, load("search_p1.json"), when={"after": None})
    api.add(SEARCH, Reply(200, (FIXTURES / "malformed.html").read_text(encoding="utf-8")),
            when={"after": AFTER}, times=1)
    api.add(SEARCH, {"kind": "Listing", "data": {"children": "not a list", "after": None}},
            when={"after": AFTER}, times=1)
    api.add(SEARCH, load("search_p2.json"), when={"after": AFTER})

    with pytest.raises(MalformedPayload) as caught:
        run(rd_config, store)
    assert str(caught.value).startswith(f"reddit: {api.base}{SEARCH}?q=")
    assert f"after={AFTER}" in str(caught.value)
    assert "answer is not JSON (text/html; charset=utf-8" in str(caught.value)
    assert store.get("reddit:t3_1gx57a1") is not None  # page one stayed stored
    assert ConnectorState(rd_config.data_dir).cursor("rd-test", "search:VietNam") == AFTER

    with pytest.raises(MalformedPayload, match=r"data\.children is not a list"):
        run(rd_config, store)
    api.seen.clear()
    run(rd_config, store)
    assert [s.query.get("after") for s in api.requests(SEARCH)] == [AFTER]  # resumed there
    assert store.get("reddit:t3_1gw57c3") is not None
    assert ConnectorState(rd_config.data_dir).cursor("rd-test", "search:VietNam") is None
    [health] = store.source_health()
    assert health.runs == 3


def test_a_page_entirely_before_the_window_ends_the_list(
    rd_config: Config, api: ReplayServer, store: Store
) -> None:
    old = load("search_p2.json")
    old["data"]["children"][0]["data"]["created_utc"] = datetime(2025, 1, 5, tzinfo=UTC
                                                                 ).timestamp()
    old["data"]["after"] = "t3_older"
    api.add(SEARCH, load("search_p1.json"), when={"after": None})
    api.add(SEARCH, old, when={"after": AFTER})
    report = run(rd_config, store)
    assert [s.query.get("after") for s in api.requests(SEARCH)] == [None, AFTER]
    assert report.dropped == {"off_topic": 1, "too_old": 1}
    assert ConnectorState(rd_config.data_dir).cursors("rd-test") == {}


def test_a_private_subreddit_does_not_hide_the_others(
    rd_config: Config, api: ReplayServer, store: Store
) -> None:
    source = rd_config.sources[0].model_copy(update={"subreddits": ["kin", "VietNam"]})
    api.add("/r/kin/search.json", Reply(403, load("error_private.json")))
    api.add(SEARCH, load("search_p1.json"), when={"after": None})
    api.add(SEARCH, load("search_p2.json"), when={"after": AFTER})
    report = run_connector(rd_config, source, store, sleep=lambda _: None, now=NOW)
    assert report.stored.inserted == 2 and report.error_count == 1
    assert "HTTP 403 (private)" in report.errors[0][1]
