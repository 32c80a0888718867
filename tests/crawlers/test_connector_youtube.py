"""YouTube Data API v3 connector against a local server replaying documented answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.connectors import run_connector
from crawlers.connectors.base import CredentialError, QuotaExhausted
from crawlers.connectors.replay import ReplayServer, Reply
from crawlers.connectors.state import ConnectorState
from phuxanh.config import Config, Source
from phuxanh.schema import VN_TZ, DateSource
from phuxanh.store import open_store
from phuxanh.store.base import ItemFilter, Store

FIXTURES = Path(__file__).parent / "fixtures" / "api" / "youtube"
KEY = "AIzaSyTEST-key-never-in-messages-0001"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ)
V = "/youtube/v3"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def yt_config(config: Config, api: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("PHUXANH_YOUTUBE_API_KEY", KEY)
    source = Source(key="yt-test", name="YouTube thử nghiệm", type="video", api="youtube",
                    query='"Chỉ thị 57"', api_base_url=api.base + V, max_pages=5)
    crawl = config.crawl.model_copy(update={"download_delay": 0.0, "retry_times": 2})
    return config.model_copy(update={"sources": [source], "crawl": crawl})


@pytest.fixture
def store(yt_config: Config) -> Iterator[Store]:
    opened = open_store(yt_config)
    yield opened
    opened.close()


def serve_all(api: ReplayServer) -> None:
    api.add(f"{V}/search", load("search_p1.json"), when={"pageToken": None})
    api.add(f"{V}/search", load("search_p2.json"), when={"pageToken": "CDIQAA"})
    api.add(f"{V}/videos", load("videos_p1.json"), when={"id": "vid57aaaaa1,vidphoaaaa2"})
    api.add(f"{V}/videos", load("videos_p2.json"), when={"id": "vid57bbbbb3"})
    api.add(f"{V}/commentThreads", load("comments_vid57aaaaa1_p1.json"),
            when={"videoId": "vid57aaaaa1", "pageToken": None})
    api.add(f"{V}/commentThreads", load("comments_vid57aaaaa1_p2.json"),
            when={"videoId": "vid57aaaaa1", "pageToken": "QURTSl9pM0Z0c2xvdHAx"})
    api.add(f"{V}/commentThreads", Reply(403, load("error_comments_disabled.json")),
            when={"videoId": "vid57bbbbb3"})


def run(config: Config, store: Store, sleeps: list[float] | None = None) -> Any:
    waits = sleeps if sleeps is not None else []
    return run_connector(config, config.sources[0], store, sleep=waits.append, now=NOW)


def test_videos_and_comments_are_stored_with_paging_and_quota(
    yt_config: Config, api: ReplayServer, store: Store
) -> None:
    serve_all(api)
    report = run(yt_config, store)

    ids = {item.id for item in store.iter_items(ItemFilter(include_undated=True))}
    assert ids == {
        "youtube:vid57aaaaa1", "youtube:vid57bbbbb3",  # the cooking video is off-topic
        "youtube:UgzThread1AAAA", "youtube:UgzThread1AAAA.9xReply1",
        "youtube:UgzThread2BBBB", "youtube:UgzThread3CCCC",
    }
    video = store.get("youtube:vid57aaaaa1")
    assert video is not None
    assert video.url == "https://www.youtube.com/watch?v=vid57aaaaa1"
    assert video.outlet == "Kênh Thời sự Thử nghiệm"
    assert video.source == "yt-test" and video.source_type == "video"
    assert video.platform == "youtube" and video.date_source == DateSource.PLATFORM
    assert video.published_at == datetime.fromisoformat("2026-11-10T02:15:00+00:00")
    assert video.engagement.views == 15230 and video.engagement.likes == 412
    assert video.engagement.comments == 3
    assert "an ninh dữ liệu" in video.text and video.topics == ["chi-thi-57"]
    assert video.author is None and video.author_hash is None

    reply = store.get("youtube:UgzThread1AAAA.9xReply1")
    top = store.get("youtube:UgzThread1AAAA")
    assert reply is not None and top is not None
    assert reply.parent_id == "youtube:UgzThread1AAAA"
    assert top.parent_id == "youtube:vid57aaaaa1"
    assert top.engagement.likes == 25 and top.engagement.comments == 1
    # Not naming the topic itself, it is part of an on-topic video's discussion.
    assert top.topics == ["chi-thi-57"] and not top.official
    assert top.url == "https://www.youtube.com/watch?v=vid57aaaaa1&lc=UgzThread1AAAA"

    # Paging: the second search and comment pages asked for the tokens the first gave.
    searches = api.requests(f"{V}/search")
    assert [seen.query.get("pageToken") for seen in searches] == [None, "CDIQAA"]
    assert all(seen.query["key"] == KEY and seen.query["order"] == "date" for seen in searches)
    assert searches[0].query["publishedAfter"] == "2026-07-23T02:00:00Z"  # the 120-day window
    assert searches[0].headers["User-Agent"] == yt_config.crawl.user_agent
    threads = [seen for seen in api.requests(f"{V}/commentThreads")
               if seen.query["videoId"] == "vid57aaaaa1"]
    assert [seen.query.get("pageToken") for seen in threads] == [None, "QURTSl9pM0Z0c2xvdHAx"]

    # Quota at documented costs: 2 searches x 100, 2 videos.list x 1, 3 commentThreads x 1.
    assert report.quota_units == 205
    assert report.requests == 7
    state = ConnectorState(yt_config.data_dir)
    assert sum(state.quota("yt-test").values()) == 205
    assert state.runs("yt-test")[-1]["quota_units"] == 205
    assert report.dropped == {"off_topic": 1}
    assert report.skipped == {"comments_unavailable": 1}  # comments turned off on video 3
    assert report.stored.inserted == 6
    assert state.cursors("yt-test") == {} and state.pending("yt-test") == []

    [health] = store.source_health()
    assert health.source == "yt-test" and health.runs == 1 and health.error_streak == 0


def test_a_second_run_adds_nothing_twice(yt_config: Config, api: ReplayServer,
                                         store: Store) -> None:
    serve_all(api)
    run(yt_config, store)
    again = run(yt_config, store)
    assert again.stored.inserted == 0 and again.stored.unchanged == 6
    assert sum(ConnectorState(yt_config.data_dir).quota("yt-test").values()) == 410


def test_quota_exceeded_keeps_page_one_and_resumes_at_page_two(
    yt_config: Config, api: ReplayServer, store: Store
) -> None:
    api.add(f"{V}/search", load("search_p1.json"), when={"pageToken": None})
    api.add(f"{V}/search", Reply(403, load("error_quota_exceeded.json")),
            when={"pageToken": "CDIQAA"}, times=1)
    serve_all(api)

    with pytest.raises(QuotaExhausted) as caught:
        run(yt_config, store)
    message = str(caught.value)
    assert message.startswith("youtube: http://127.0.0.1:")
    assert "/search?" in message and "pageToken=CDIQAA" in message
    assert "quotaExceeded" in message and KEY not in message and "key=***" in message
    assert caught.value.report.quota_units == 201  # the refused search is charged too
    assert store.get("youtube:vid57aaaaa1") is not None  # page one's video was stored
    state = ConnectorState(yt_config.data_dir)
    assert state.cursor("yt-test", "search") == "CDIQAA"
    # Something was read, so the run is not a failed one, but its error is on record.
    [health] = store.source_health()
    assert health.runs == 1 and health.error_streak == 0
    assert "quotaExceeded" in state.runs("yt-test")[-1]["stopped_by"]

    api.seen.clear()
    run(yt_config, store)  # the next day
    assert [s.query.get("pageToken") for s in api.requests(f"{V}/search")] == ["CDIQAA"]
    assert store.get("youtube:vid57bbbbb3") is not None
    # The comments of page one's video, pending since the failure, were read this time.
    assert store.get("youtube:UgzThread3CCCC") is not None
    assert ConnectorState(yt_config.data_dir).cursor("yt-test", "search") is None


def test_invalid_key_is_a_clear_error_without_the_key(
    yt_config: Config, api: ReplayServer, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3 logs each request line at DEBUG
    api.add(f"{V}/search", Reply(400, load("error_key_invalid.json")))
    with pytest.raises(CredentialError) as caught:
        run(yt_config, store)
    message = str(caught.value)
    assert "API_KEY_INVALID" in message and "PHUXANH_YOUTUBE_API_KEY" in message
    assert KEY not in message and KEY not in caplog.text
    assert len(api.requests(f"{V}/search")) == 1  # not retried: retrying cannot help
    [health] = store.source_health()
    assert health.error_streak == 1 and "API_KEY_INVALID" in health.last_error


def test_missing_key_names_the_variable(yt_config: Config, api: ReplayServer, store: Store,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PHUXANH_YOUTUBE_API_KEY")
    with pytest.raises(CredentialError, match="PHUXANH_YOUTUBE_API_KEY is not set"):
        run(yt_config, store)
    assert api.seen == []


def test_a_stale_saved_page_token_restarts_the_list(yt_config: Config, api: ReplayServer,
                                                    store: Store) -> None:
    ConnectorState(yt_config.data_dir).set_cursor("yt-test", "search", "OLDTOKEN")
    api.add(f"{V}/search", Reply(400, load("error_invalid_page_token.json")),
            when={"pageToken": "OLDTOKEN"})
    serve_all(api)
    report = run(yt_config, store)
    assert [s.query.get("pageToken") for s in api.requests(f"{V}/search")] == [
        "OLDTOKEN", None, "CDIQAA"]
    assert report.stored.inserted == 6


def test_quota_shows_in_stats(yt_config: Config, api: ReplayServer, store: Store) -> None:
    from phuxanh import jobs

    serve_all(api)
    run(yt_config, store)
    quota = jobs.stats(yt_config)["api_quota"]
    assert list(quota) == ["yt-test"] and sum(quota["yt-test"].values()) == 205
