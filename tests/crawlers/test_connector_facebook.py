"""Facebook Graph API connector against a local server replaying documented answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawlers.connectors import run_connector
from crawlers.connectors.base import CredentialError
from crawlers.connectors.replay import ReplayServer, Reply
from crawlers.connectors.state import ConnectorState
from phuxanh.config import Config, Source
from phuxanh.schema import VN_TZ
from phuxanh.store import open_store
from phuxanh.store.base import ItemFilter, Store

FIXTURES = Path(__file__).parent / "fixtures" / "api" / "facebook"
TOKEN = "EAAGtestPAGEtokenNEVERshown0123456789"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ)
V = "/v21.0"
PAGE = "104857600000001"
POST = f"{PAGE}_900000000000011"
AFTER_POSTS = "QVFIUmx4S0RmZAk1aWFjaGVYVDRB"
AFTER_COMMENTS = "WTI5dGJXVnVkRjlqZAFhKemIzSTZANjk5"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def fb_config(config: Config, api: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("PHUXANH_FACEBOOK_TOKEN", TOKEN)
    source = Source(key="fb-test", name="Facebook thử nghiệm", type="social", api="facebook",
                    official=True, page_ids=[PAGE], api_base_url=api.base + V)
    crawl = config.crawl.model_copy(update={"download_delay": 0.0, "retry_times": 2})
    return config.model_copy(update={"sources": [source], "crawl": crawl})


@pytest.fixture
def store(fb_config: Config) -> Iterator[Store]:
    opened = open_store(fb_config)
    yield opened
    opened.close()


def serve_all(api: ReplayServer) -> None:
    api.add(f"{V}/{PAGE}/posts", load("posts_p1.json"), when={"after": None})
    api.add(f"{V}/{PAGE}/posts", load("posts_p2.json"), when={"after": AFTER_POSTS})
    api.add(f"{V}/{POST}/comments", load("comments_p1.json"), when={"after": None})
    api.add(f"{V}/{POST}/comments", load("comments_p2.json"), when={"after": AFTER_COMMENTS})


def run(config: Config, store: Store, sleeps: list[float] | None = None) -> Any:
    waits = sleeps if sleeps is not None else []
    return run_connector(config, config.sources[0], store, sleep=waits.append, now=NOW)


def test_posts_and_comments_follow_the_after_cursor(fb_config: Config, api: ReplayServer,
                                                   store: Store) -> None:
    serve_all(api)
    report = run(fb_config, store)

    ids = {item.id for item in store.iter_items(ItemFilter(include_undated=True))}
    assert ids == {
        f"facebook:{POST}", f"facebook:{PAGE}_900000000000013",  # the power-cut post is off-topic
        "facebook:900000000000011_700000000000101", "facebook:900000000000011_700000000000102",
        "facebook:900000000000011_700000000000103",
    }
    post = store.get(f"facebook:{POST}")
    assert post is not None
    assert post.url == f"https://www.facebook.com/{PAGE}/posts/900000000000011"
    assert post.outlet == "Trang Thông tin Thử nghiệm" and post.official
    assert post.engagement.likes == 230 and post.engagement.comments == 3
    assert post.engagement.shares == 14
    assert post.published_at == datetime.fromisoformat("2026-11-15T01:30:00+00:00")
    assert post.topics == ["chi-thi-57"] and post.source_type == "social"

    reply = store.get("facebook:900000000000011_700000000000102")
    first = store.get("facebook:900000000000011_700000000000101")
    assert reply is not None and first is not None
    assert reply.parent_id == first.id and first.parent_id == f"facebook:{POST}"
    assert not first.official  # a reader's comment on an official page
    assert first.engagement.likes == 4 and first.engagement.comments == 1

    posts = api.requests(f"{V}/{PAGE}/posts")
    # Our own server answered page two: the cursor was used, not the `next` URL (which points
    # at graph.facebook.com and carries a token).
    assert [seen.query.get("after") for seen in posts] == [None, AFTER_POSTS]
    assert all(seen.query["access_token"] == TOKEN for seen in posts)
    assert posts[0].query["since"] == str(int((NOW - timedelta(days=120)).timestamp()))
    comments = api.requests(f"{V}/{POST}/comments")
    assert [seen.query.get("after") for seen in comments] == [None, AFTER_COMMENTS]
    assert comments[0].query["filter"] == "stream"
    # The third post has 0 comments: not asked for.
    assert api.requests(f"{V}/{PAGE}_900000000000013/comments") == []

    assert report.dropped == {"off_topic": 1} and report.stored.inserted == 5
    assert report.quota_units == 0 and report.pages == 4
    assert ConnectorState(fb_config.data_dir).cursors("fb-test") == {}


def test_expired_token_keeps_earlier_pages_and_the_cursor(
    fb_config: Config, api: ReplayServer, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3 logs each request line at DEBUG
    api.add(f"{V}/{PAGE}/posts", load("posts_p1.json"), when={"after": None})
    api.add(f"{V}/{PAGE}/posts", Reply(400, load("error_token_expired.json")),
            when={"after": AFTER_POSTS}, times=1)
    serve_all(api)

    with pytest.raises(CredentialError) as caught:
        run(fb_config, store)
    message = str(caught.value)
    assert message.startswith("facebook: http://127.0.0.1:")
    assert f"/{PAGE}/posts?" in message and "access_token=***" in message
    assert "OAuthException 190/463" in message and "PHUXANH_FACEBOOK_TOKEN" in message
    assert TOKEN not in message and TOKEN not in caplog.text
    assert len(api.requests(f"{V}/{PAGE}/posts")) == 2  # an expired token is not retried

    assert store.get(f"facebook:{POST}") is not None  # page one's on-topic post is kept
    state = ConnectorState(fb_config.data_dir)
    assert state.cursor("fb-test", f"posts:{PAGE}") == AFTER_POSTS
    assert state.pending("fb-test") == [POST]  # its comments are still to be read

    api.seen.clear()
    report = run(fb_config, store)  # with a new token
    assert [s.query.get("after") for s in api.requests(f"{V}/{PAGE}/posts")] == [AFTER_POSTS]
    assert store.get("facebook:900000000000011_700000000000103") is not None
    assert report.stored.inserted == 4
    assert ConnectorState(fb_config.data_dir).pending("fb-test") == []


def test_a_failed_comment_page_resumes_at_that_page(fb_config: Config, api: ReplayServer,
                                                    store: Store) -> None:
    api.add(f"{V}/{POST}/comments", Reply(500, {"error": {"message": "An unknown error "
                                                          "occurred", "type": "OAuthException",
                                                          "code": 1, "is_transient": True}}),
            when={"after": AFTER_COMMENTS}, times=3)
    serve_all(api)
    sleeps: list[float] = []
    with pytest.raises(Exception, match="HTTP 500 after 3 tries"):
        run(fb_config, store, sleeps)
    assert sleeps == [1.0, 2.0]  # backed off between the tries, no real waiting
    assert store.get("facebook:900000000000011_700000000000102") is not None
    state = ConnectorState(fb_config.data_dir)
    assert state.cursor("fb-test", f"comments:{POST}") == AFTER_COMMENTS

    api.seen.clear()
    run(fb_config, store)
    # The posts list starts from the newest again (it had finished); the comments resume.
    assert [s.query.get("after") for s in api.requests(f"{V}/{POST}/comments")] == [
        AFTER_COMMENTS]
    assert store.get("facebook:900000000000011_700000000000103") is not None


def test_page_rate_limit_is_waited_out(fb_config: Config, api: ReplayServer,
                                       store: Store) -> None:
    api.add(f"{V}/{PAGE}/posts", Reply(403, load("error_rate_limited.json")),
            when={"after": None}, times=1)
    serve_all(api)
    sleeps: list[float] = []
    report = run(fb_config, store, sleeps)
    assert sleeps == [1.0] and report.stored.inserted == 5
