"""No raw author identifier (display name, channel id, profile URL, user id, username) of a
commenter or poster reaches the store, the data directory or the logs: only keyed hashes."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.connectors import run_connector
from crawlers.connectors.replay import ReplayServer
from phuxanh.config import Config, Source
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ
from phuxanh.store import open_store
from phuxanh.store.base import ItemFilter

API = Path(__file__).parent / "fixtures" / "api"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ)
HASH_KEY = "test-pseudonym-key-0123456789abcdef"


def load(relative: str) -> Any:
    return json.loads((API / relative).read_text(encoding="utf-8"))


def people() -> set[str]:
    """Every identifier of a person in the fixtures the connectors read."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"authorDisplayName", "authorChannelUrl", "authorProfileImageUrl",
                           "author", "author_fullname"} and isinstance(value, str):
                    found.add(value)
                elif key == "authorChannelId" and isinstance(value, dict):
                    found.add(value["value"])
                elif key == "from" and "like_count" in node:  # a Graph API comment's author
                    found.update({value["name"], value["id"]})
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in ("youtube/comments_vid57aaaaa1_p1.json", "youtube/comments_vid57aaaaa1_p2.json",
                 "facebook/comments_p1.json", "facebook/comments_p2.json",
                 "reddit/search_p1.json", "reddit/search_p2.json"):
        walk(load(name))
    found -= {"[deleted]"}
    return found


def serve_everything(api: ReplayServer) -> None:
    yt, fb = "/youtube/v3", "/v21.0"
    api.add(f"{yt}/search", load("youtube/search_p1.json"), when={"pageToken": None})
    api.add(f"{yt}/search", load("youtube/search_p2.json"), when={"pageToken": "CDIQAA"})
    api.add(f"{yt}/videos", load("youtube/videos_p1.json"), when={"id": "vid57aaaaa1,vidphoaaaa2"})
    api.add(f"{yt}/videos", load("youtube/videos_p2.json"), when={"id": "vid57bbbbb3"})
    api.add(f"{yt}/commentThreads", load("youtube/comments_vid57aaaaa1_p1.json"),
            when={"videoId": "vid57aaaaa1", "pageToken": None})
    api.add(f"{yt}/commentThreads", load("youtube/comments_vid57aaaaa1_p2.json"),
            when={"videoId": "vid57aaaaa1", "pageToken": "QURTSl9pM0Z0c2xvdHAx"})
    api.add(f"{yt}/commentThreads", {"kind": "youtube#commentThreadListResponse", "items": []},
            when={"videoId": "vid57bbbbb3"})
    page, post = "104857600000001", "104857600000001_900000000000011"
    api.add(f"{fb}/{page}/posts", load("facebook/posts_p1.json"), when={"after": None})
    api.add(f"{fb}/{page}/posts", load("facebook/posts_p2.json"),
            when={"after": "QVFIUmx4S0RmZAk1aWFjaGVYVDRB"})
    api.add(f"{fb}/{post}/comments", load("facebook/comments_p1.json"), when={"after": None})
    api.add(f"{fb}/{post}/comments", load("facebook/comments_p2.json"),
            when={"after": "WTI5dGJXVnVkRjlqZAFhKemIzSTZANjk5"})
    api.add("/search.json", load("reddit/search_p1.json"), when={"after": None})
    api.add("/search.json", load("reddit/search_p2.json"), when={"after": "t3_1gx57b2"})


def sources(base: str) -> list[Source]:
    return [
        Source(key="yt", name="YouTube", type="video", api="youtube",
               api_base_url=base + "/youtube/v3"),
        Source(key="fb", name="Facebook", type="social", api="facebook",
               page_ids=["104857600000001"], api_base_url=base + "/v21.0"),
        Source(key="rd", name="Reddit", type="social", api="reddit", api_base_url=base),
    ]


def crawl_all(config: Config, api: ReplayServer) -> Config:
    serve_everything(api)
    crawl = config.crawl.model_copy(update={"download_delay": 0.0})
    config = config.model_copy(update={"sources": sources(api.base), "crawl": crawl})
    store = open_store(config)
    try:
        for source in config.sources:
            run_connector(config, source, store, sleep=lambda _: None, now=NOW)
    finally:
        store.close()
    return config


def test_no_raw_author_identifier_is_stored_or_logged(
    config: Config, api: ReplayServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("PHUXANH_AUTHOR_HASH_KEY", HASH_KEY)
    monkeypatch.setenv("PHUXANH_YOUTUBE_API_KEY", "AIzaSyPRIVACY-test")
    monkeypatch.setenv("PHUXANH_FACEBOOK_TOKEN", "EAAGprivacytest")
    caplog.set_level(logging.DEBUG)
    config = crawl_all(config, api)
    raw = people()
    # Handles, names, channel ids and URLs, avatars (YouTube); names and ids (Facebook);
    # usernames and account ids (Reddit).
    assert {"Hoàng Anh Tuấn", "UCbinhnguyen00000000000A", "http://www.youtube.com/@cucle_hanoi",
            "Trần Thị Hoa", "5550009998887", "hoa_tran_92", "t2_9hoatran"} <= raw
    assert len(raw) == 24

    store = open_store(config)
    try:
        items = list(store.iter_items(ItemFilter(include_undated=True)))
    finally:
        store.close()
    assert len(items) == 13  # 6 YouTube, 5 Facebook, 2 Reddit
    for item in items:
        dumped = item.model_dump_json()  # every stored field, nested ones included
        leaked = [value for value in raw if value in dumped]
        assert not leaked, f"{item.id} carries {leaked}"
        assert item.author is None

    # Not in the database file in any form (full-text index, audit, health), nor in the state.
    for path in config.data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            leaked = [value for value in raw if value.encode("utf-8") in content]
            assert not leaked, f"{path.name} carries {leaked}"
    leaked = [value for value in raw if value in caplog.text]
    assert not leaked, f"the logs carry {leaked}"
    for secret in ("AIzaSyPRIVACY-test", "EAAGprivacytest", HASH_KEY):
        assert secret not in caplog.text
        assert not any(secret.encode() in path.read_bytes()
                       for path in config.data_dir.rglob("*") if path.is_file())

    by_id = {item.id: item for item in items}
    # The same person is the same pseudonym; the hash is of the stable id where there is one.
    assert by_id["youtube:UgzThread1AAAA"].author_hash == author_hash(
        "UCbinhnguyen00000000000A", HASH_KEY, "youtube")
    assert by_id["youtube:UgzThread3CCCC"].author_hash == author_hash(
        "Hoàng Anh Tuấn", HASH_KEY, "youtube")  # no channel id: the display name, hashed
    assert by_id["facebook:900000000000011_700000000000101"].author_hash == author_hash(
        "5550001112223", HASH_KEY, "facebook")
    assert by_id["reddit:t3_1gx57a1"].author_hash == author_hash("hoa_tran_92", HASH_KEY,
                                                                  "reddit")
    # Channels and pages are named sources, not people.
    assert by_id["youtube:vid57aaaaa1"].author_hash is None
    assert by_id["facebook:104857600000001_900000000000011"].outlet == "Trang Thông tin Thử nghiệm"


def test_without_a_hash_key_no_author_is_stored_at_all(
    config: Config, api: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHUXANH_YOUTUBE_API_KEY", "AIzaSyPRIVACY-test")
    monkeypatch.setenv("PHUXANH_FACEBOOK_TOKEN", "EAAGprivacytest")
    config = crawl_all(config, api)
    store = open_store(config)
    try:
        items = list(store.iter_items(ItemFilter(include_undated=True)))
    finally:
        store.close()
    assert len(items) == 13
    assert all(item.author_hash is None and item.author is None for item in items)
