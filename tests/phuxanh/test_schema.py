from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from phuxanh.schema import (
    VN_TZ,
    DateSource,
    Item,
    canonical_url,
    content_hash,
    platform_item_id,
    url_item_id,
)

NOW = datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ)


def make(**fields: object) -> Item:
    url = str(fields.pop("url", "https://baomau.vn/bai-1.html"))
    base: dict[str, object] = {
        "id": url_item_id(url), "url": url, "canonical_url": url, "source": "baomau",
        "published_at": NOW, "date_source": DateSource.PAGE_METADATA, "fetched_at": NOW,
    }
    base.update(fields)
    return Item.model_validate(base)


def test_canonical_url_drops_tracking_fragment_default_port_and_sorts_query() -> None:
    assert (canonical_url("HTTPS://BaoMau.VN:443/a.html?utm_source=fb&b=2&fbclid=x&a=1#top")
            == "https://baomau.vn/a.html?a=1&b=2")


def test_canonical_url_rejects_non_http() -> None:
    with pytest.raises(ValueError, match="not an http"):
        canonical_url("javascript:alert(1)")


def test_url_id_is_stable_across_www_scheme_and_tracking() -> None:
    first = url_item_id("https://www.baomau.vn/a.html?utm_medium=rss")
    assert first == url_item_id("http://baomau.vn/a.html")
    assert first.startswith("u:")
    assert first != url_item_id("https://baomau.vn/b.html")


def test_platform_id() -> None:
    assert platform_item_id("YouTube", "abc123") == "youtube:abc123"
    with pytest.raises(ValueError, match="bad platform id"):
        platform_item_id("you:tube", "x")


def test_naive_dates_are_vietnam_time_and_aware_dates_are_kept() -> None:
    item = make(published_at=datetime(2026, 3, 10, 23, 30), fetched_at=NOW)
    assert item.published_at.utcoffset() == timedelta(hours=7)
    utc = make(published_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    assert utc.published_at.utcoffset() == timedelta(0)


def test_text_is_cleaned_and_hashed() -> None:
    item = make(title=" Hoà  bình ", text="Đoạn 1\n\n Đoạn 2 ")
    assert item.title == "Hòa bình"
    assert item.text == "Đoạn 1\nĐoạn 2"
    assert item.content_hash == content_hash("Hòa bình", "Đoạn 1\nĐoạn 2")


def test_social_items_never_carry_a_raw_author() -> None:
    with pytest.raises(ValidationError, match="author_hash"):
        make(source_type="social", author="Nguyễn Văn A")
    assert make(source_type="social", author_hash="k:1f2e").author is None


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        make(sentiment_label="positive")


def test_crawl_time_date_is_not_dated() -> None:
    assert make().is_dated
    assert not make(date_source=DateSource.CRAWL_TIME).is_dated


def test_round_trip_json() -> None:
    item = make(title="Chỉ thị 57", topics=["chi-thi-57"])
    assert Item.model_validate_json(item.model_dump_json()) == item


def test_from_stored_round_trips_without_recleaning() -> None:
    item = make(title=" Hoà  bình ", text="Đoạn 1\n\n Đoạn 2 ")
    assert Item.from_stored(item.model_dump_json()) == item
    # What a store wrote is trusted as clean; input from outside is cleaned.
    raw = item.model_dump_json().replace("Hòa bình", "Hoà  bình")
    assert Item.from_stored(raw).title == "Hoà  bình"
    assert Item.model_validate_json(raw).title == "Hòa bình"
