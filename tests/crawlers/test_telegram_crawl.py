"""The Telegram spider, pipelines and SQLite store against a local channel preview (t.me/s/NAME
shapes, tests/crawlers/posts_site.py on 127.0.0.1). Each crawl runs in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from phuxanh.pseudonym import author_hash

from .conftest import write_crawl_config
from .posts_site import (
    CHANNEL,
    KEY,
    PostsSite,
    channel_source,
    report_of,
    run_crawl,
    serve_posts_site,
    stored,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[PostsSite]:
    with serve_posts_site() as served:
        yield served


def test_channel_pages_back_to_the_window_then_reruns_cheaply(site: PostsSite, tmp_path: Path
                                                              ) -> None:
    config_dir = write_crawl_config(tmp_path / "config", "sources:\n" + channel_source(
        "kenh-thu-nghiem", f"{site.base}{CHANNEL}"))
    data_dir = tmp_path / "data"

    first = report_of(run_crawl(config_dir, data_dir))

    items = stored(data_dir)
    assert sorted(items) == [f"telegram:kenhthunghiem/{n}" for n in (118, 120, 121, 126)]
    assert first["items_stored"] == {"inserted": 4, "updated": 0, "unchanged": 0}
    # 122 (a reply: the quoted message names the directive, the reply does not) and 119.
    assert first["dropped"] == {"off_topic": 2, "message_unreadable": 1}
    assert first["errors"] == [[
        f"{site.base}{CHANNEL}",
        "message_unreadable: message 6 on the page: message kenhthunghiem/125: no readable date",
    ]]
    assert first["skipped"] == {"no_text": 1, "too_old": 1}  # the photo 124; 100 from 2024
    assert first["listings_fetched"] == 2
    assert site.fetched(CHANNEL, exact=True) == 1
    assert site.fetched(f"{CHANNEL}?before=120") == 1
    assert site.fetched(f"{CHANNEL}?before=100") == 0  # page 2 reached the window's start

    first_item = items["telegram:kenhthunghiem/120"]
    assert first_item.source == "kenh-thu-nghiem" and first_item.source_type == "social"
    assert first_item.platform == "telegram" and first_item.outlet == "Kênh Thử Nghiệm"
    assert first_item.url == "https://t.me/kenhthunghiem/120"
    assert first_item.published_at.isoformat() == "2026-03-10T08:15:00+07:00"
    assert first_item.engagement.views == 1200
    assert first_item.topics == ["chi-thi-57"]
    assert first_item.author_hash is None  # the channel itself: a named source
    assert items["telegram:kenhthunghiem/121"].author_hash == author_hash(
        "Trần Thị Hoa", KEY, "telegram")
    assert items["telegram:kenhthunghiem/126"].parent_id == "telegram:kenhkhac/45"
    assert items["telegram:kenhthunghiem/118"].engagement.views == 2100

    site.requests.clear()
    second = report_of(run_crawl(config_dir, data_dir))

    assert second["items_stored"] == {"inserted": 0, "updated": 0, "unchanged": 3}
    assert second["skipped"]["dropped_before/off_topic"] == 1  # 122, not judged again
    # The newest page's oldest message is stored: older pages were read by the first run.
    assert site.fetched(f"{CHANNEL}?before=120") == 0
    assert site.fetched(CHANNEL, exact=True) == 1


def test_unusable_channels_are_errors_naming_the_url(site: PostsSite, tmp_path: Path) -> None:
    config_dir = write_crawl_config(tmp_path / "config", "sources:\n" + "".join([
        channel_source("kenh-rieng", f"{site.base}/s/kenhrieng"),
        channel_source("kenh-mat", f"{site.base}/s/kenhmat"),
        channel_source("kenh-cam", f"{site.base}/s/kenhcam"),
    ]), retry_times=0)

    report = report_of(run_crawl(config_dir, tmp_path / "data"))

    assert dict(report["errors"]) == {
        f"{site.base}/s/kenhrieng": "channel_unreadable: not a Telegram channel preview "
                                    "(private, renamed or without a public preview)",
        f"{site.base}/s/kenhmat": "channel_http_404",
        f"{site.base}/s/kenhcam": "channel_robots_forbidden",
    }
    assert site.fetched("/s/kenhcam") == 0
    assert report["items_stored"]["inserted"] == 0
