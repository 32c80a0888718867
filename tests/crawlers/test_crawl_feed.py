from __future__ import annotations

import gzip
from datetime import timedelta
from typing import Any

import pytest

from crawlers.extract.feed import FeedEntry, parse_feed
from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ

H7 = timedelta(hours=7)


def test_real_vnexpress_feed(fixture_bytes: Any) -> None:
    entries = parse_feed(
        fixture_bytes("feeds/vnexpress_rss_tin-moi-nhat_2017-07-26.xml"),
        "https://vnexpress.net/rss/tin-moi-nhat.rss",
    )
    assert len(entries) == 25
    first = entries[0]
    assert first == FeedEntry(
        url="http://suckhoe.vnexpress.net/tin-tuc/suc-khoe/"
            "mot-tuan-ha-noi-co-1-400-nguoi-benh-sot-xuat-huyet-vao-vien-3618863.html",
        title="Một tuần Hà Nội có 1.400 người bệnh sốt xuất huyết vào viện",
        published_at=first.published_at,
        summary="Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca sốt xuất huyết, hai người tử vong do "
                "kèm bệnh lý tiểu đường, tăng huyết áp.",
        summary_links=(first.url,),  # the thumbnail links the article
    )
    assert first.published_at is not None
    assert first.published_at.isoformat() == "2017-07-26T19:41:14+07:00"
    assert all(entry.title == entry.title.strip() and entry.title for entry in entries)


def test_not_well_formed_feed_with_entries_still_parses(fixture_bytes: Any) -> None:
    # Raw "&" inside the <enclosure url=...> attribute: feedparser flags it "bozo".
    entries = parse_feed(
        fixture_bytes("feeds/vnexpress_rss_the-gioi_2025-02-06_one-item.xml"),
        "https://vnexpress.net/rss/the-gioi.rss",
    )
    assert [entry.url for entry in entries] == [
        "https://vnexpress.net/israel-noi-got-my-roi-hoi-dong-nhan-quyen-lhq-4846612.html"
    ]
    assert entries[0].title == "Israel nối gót Mỹ rời Hội đồng Nhân quyền LHQ"
    assert entries[0].published_at is not None
    assert entries[0].published_at.isoformat() == "2025-02-06T20:30:48+07:00"
    assert entries[0].summary.startswith("Ngoại trưởng Israel cho biết")
    assert "<" not in entries[0].summary


def test_vietnamese_feed_quirks(fixture_bytes: Any) -> None:
    entries = parse_feed(fixture_bytes("feeds/baochinhphu_style.rss"),
                         "https://baochinhphu.vn/home.rss")
    by_title = {entry.title: entry for entry in entries}
    # ASP.NET "M/D/YYYY h:mm:ss PM", no zone: Vietnam time
    asp = by_title["Thủ tướng chỉ đạo triển khai Chỉ thị 57-CT/TW"]
    assert asp.published_at is not None
    assert asp.published_at.isoformat() == "2026-03-10T14:05:09+07:00"
    assert asp.published_at.tzinfo is VN_TZ
    assert asp.summary == "Thủ tướng yêu cầu các bộ, ngành khẩn trương triển khai."
    # entities escaped twice, a 2-digit year, a "+07" offset, a relative link
    quirky = by_title['Bảo vệ dữ liệu cá nhân & an ninh mạng: "lá chắn số"']
    assert quirky.url == "https://baochinhphu.vn/bao-ve-du-lieu-ca-nhan-102260309080000000.htm"
    assert quirky.published_at is not None
    assert quirky.published_at.isoformat() == "2026-03-09T08:00:00+07:00"
    # an unreadable date is None, not a guess
    assert by_title["Tin không có ngày"].published_at is None
    # one entry per URL, entries without a link are left out
    assert len(entries) == 3


def test_broken_feed_names_url_and_complaint(fixture_bytes: Any) -> None:
    with pytest.raises(InputError, match=r"https://x\.vn/rss/hong\.rss: not a readable "
                                         r"RSS/Atom feed \(.*mismatched tag"):
        parse_feed(fixture_bytes("feeds/broken_not_xml.rss"), "https://x.vn/rss/hong.rss")


def test_empty_but_valid_feed_is_no_entries() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(body, "https://x.vn/rss") == []


def test_gzipped_feed_body(fixture_bytes: Any) -> None:
    body = gzip.compress(fixture_bytes("feeds/vnexpress_rss_the-gioi_2025-02-06_one-item.xml"))
    assert len(parse_feed(body, "https://vnexpress.net/rss/the-gioi.rss")) == 1


def test_a_url_in_the_body_is_not_fetched() -> None:
    # feedparser fetches strings that look like URLs; we hand it a stream.
    with pytest.raises(InputError):
        parse_feed(b"http://127.0.0.1:9/should-not-be-fetched.rss", "https://x.vn/rss")


def test_atom_feed() -> None:
    body = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Diễn đàn</title>
<entry><title>Bàn về Chỉ thị 57</title><link href="https://forum.vn/t/57"/>
<id>tag:forum.vn,2026:57</id><updated>2026-03-10T10:00:00+07:00</updated>
<summary type="html">&lt;b&gt;Tóm tắt&lt;/b&gt;</summary></entry></feed>""".encode()
    [entry] = parse_feed(body, "https://forum.vn/feed.atom")
    assert entry.url == "https://forum.vn/t/57"
    assert entry.summary == "Tóm tắt"
    assert entry.published_at is not None
    assert entry.published_at.utcoffset() == H7
