"""Telegram channel preview pages (t.me/s/NAME) -> messages -> items (no network).

The fixtures (tests/crawlers/fixtures/telegram) are our own Vietnamese messages in the preview's
markup: ``div.tgme_widget_message[data-post]``, ``.tgme_widget_message_text``, the footer's
``a.tgme_widget_message_date time[datetime]``, ``.tgme_widget_message_views``, replies,
forwards, a service message, a photo without caption and ``a.tme_messages_more[data-before]``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.extract.telegram import (
    build_message_item,
    channel_name,
    message_item_id,
    parse_channel_page,
    parse_count,
    preview_url,
)
from phuxanh.config import Source
from phuxanh.errors import InputError
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ, DateSource

TELEGRAM = Path(__file__).resolve().parent / "fixtures" / "telegram"
URL = "https://t.me/s/kenhthunghiem"
SOURCE = Source(key="kenh-thu-nghiem", name="Kênh Thử Nghiệm", type="social",
                channel="kenhthunghiem")
KEY = "khoa-bi-mat-thu"
FETCHED = datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)


def page(name: str) -> str:
    return (TELEGRAM / name).read_text(encoding="utf-8")


@pytest.fixture
def latest() -> object:
    return parse_channel_page(page("kenh-p1.html"), URL)


def test_messages_dates_views_and_paging(latest: object) -> None:
    assert latest.channel == "kenhthunghiem"
    assert latest.title == "Kênh Thử Nghiệm"
    assert latest.before == 120
    # 123 is a service message, 125 has no date (reported below); 124 is a photo alone.
    assert [m.message_id for m in latest.messages] == [120, 121, 122, 124, 126]
    first = latest.messages[0]
    assert first.url == "https://t.me/kenhthunghiem/120"
    assert first.published_at == datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ)
    assert first.views == 1200
    assert first.text == ("📌 Toàn văn Chỉ thị 57-CT/TW của Ban Bí thư về an ninh mạng, an toàn "
                          "thông tin và an ninh dữ liệu.\nMời bạn đọc theo dõi các bài phân tích "
                          "tiếp theo.")
    assert latest.messages[3].text == ""


def test_unreadable_message_named_others_kept(latest: object) -> None:
    assert latest.problems == [
        f"{URL}: message 6 on the page: message kenhthunghiem/125: no readable date"]


def test_reply_text_is_not_the_message_text(latest: object) -> None:
    reply = next(m for m in latest.messages if m.message_id == 122)
    assert reply.reply_to == ("kenhthunghiem", 120)
    assert "Chỉ thị" not in reply.text
    assert reply.text.startswith("Cảm ơn mọi người")


def test_forwards_and_signatures(latest: object) -> None:
    private, public = (next(m for m in latest.messages if m.message_id == n) for n in (121, 126))
    assert private.person == "Trần Thị Hoa" and private.forwarded_from is None
    assert public.forwarded_from == ("kenhkhac", 45)
    assert public.person == "Ngô Bảo Châu Anh"  # the admin who signed it


def test_older_page() -> None:
    older = parse_channel_page(page("kenh-p2.html"), f"{URL}?before=120")
    assert older.before == 100
    assert [(m.message_id, m.views) for m in older.messages] == [
        (100, 3_000_000), (118, 2100), (119, 400)]


def test_not_a_preview_names_the_url() -> None:
    with pytest.raises(InputError, match=r"https://t.me/s/kenhrieng: not a Telegram channel"):
        parse_channel_page(page("khong-phai-kenh.html"), "https://t.me/s/kenhrieng")


@pytest.mark.parametrize(("text", "count"), [
    ("845", 845), ("1.2K", 1200), ("2,1K", 2100), ("15.3K", 15300), ("3M", 3_000_000),
    (" 12 ", 12), ("", None), ("nhiều", None),
])
def test_counts(text: str, count: int | None) -> None:
    assert parse_count(text) == count


def test_channel_names_and_urls() -> None:
    assert channel_name("kenhthunghiem") == "kenhthunghiem"
    assert channel_name("https://t.me/s/kenhthunghiem/") == "kenhthunghiem"
    assert preview_url("kenhthunghiem") == "https://t.me/s/kenhthunghiem"
    assert preview_url("http://127.0.0.1:8/s/kenh_a", 120) == "http://127.0.0.1:8/s/kenh_a?before=120"
    assert message_item_id("KenhThuNghiem", 7) == "telegram:kenhthunghiem/7"


def test_items(latest: object) -> None:
    by_id = {m.message_id: build_message_item(m, SOURCE, FETCHED, KEY) for m in latest.messages}
    first = by_id[120]
    assert first.id == "telegram:kenhthunghiem/120"
    assert first.source == "kenh-thu-nghiem" and first.source_type == "social"
    assert first.platform == "telegram" and first.outlet == "Kênh Thử Nghiệm"
    assert first.engagement.views == 1200
    assert first.date_source == DateSource.PAGE_METADATA
    assert first.title.startswith("📌 Toàn văn Chỉ thị 57-CT/TW")
    assert first.author is None and first.author_hash is None  # the channel is the source
    assert by_id[122].parent_id == "telegram:kenhthunghiem/120"
    assert by_id[126].parent_id == "telegram:kenhkhac/45"
    assert by_id[121].author_hash == author_hash("Trần Thị Hoa", KEY, "telegram")
    for item in by_id.values():
        dumped = item.model_dump_json()
        assert "Trần Thị Hoa" not in dumped and "Ngô Bảo Châu Anh" not in dumped


def test_long_first_line_title() -> None:
    older = parse_channel_page(page("kenh-p1.html"), URL)
    message = older.messages[0]
    long_text = "Chỉ thị 57 " * 30
    item = build_message_item(dataclasses.replace(message, text=long_text.strip()), SOURCE,
                              FETCHED, None)
    assert len(item.title) <= 121 and item.title.endswith("…")
