from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crawlers.extract.dates import (
    date_from_url,
    implausible,
    parse_date,
    parse_datetime,
    same_day,
)
from phuxanh.schema import VN_TZ

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=VN_TZ)
H7 = timedelta(hours=7)


@pytest.mark.parametrize(
    ("text", "expected", "offset", "has_time"),
    [
        # ISO 8601 and the quirks outlets add to it
        ("2026-03-07T00:05:00+07:00", "2026-03-07T00:05:00", H7, True),
        ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11", H7, True),  # VietNamNet
        ("2026-03-01T09:51:00&#x2B;07:00", "2026-03-01T09:51:00", H7, True),  # Báo Chính phủ
        ("2026-03-01T09:51:00&amp;#x2B;07:00", "2026-03-01T09:51:00", H7, True),  # twice
        ("2025-06-17T13:43:02+0700", "2025-06-17T13:43:02", H7, True),  # Báo Lào Cai
        ("2026-03-07T08:00:00+07", "2026-03-07T08:00:00", H7, True),
        ("2026-03-07 08:07", "2026-03-07T08:07:00", H7, True),  # Dân trí: no zone
        ("2026-03-07T01:00:00Z", "2026-03-07T01:00:00", timedelta(0), True),
        ("2026-01-08", "2026-01-08T00:00:00", H7, False),  # Báo Cần Thơ JSON-LD
        # RFC 822 from feeds
        ("Wed, 26 Jul 2017 19:41:14 +0700", "2017-07-26T19:41:14", H7, True),
        ("Sat, 07 Mar 2026 08:00:00 +07", "2026-03-07T08:00:00", H7, True),
        ("Sat, 07 Mar 26 08:00:00 +0700", "2026-03-07T08:00:00", H7, True),  # 2-digit year
        ("07 Mar 2026 01:00:00 GMT", "2026-03-07T01:00:00", timedelta(0), True),
        ("Sat, 07 Mar 2026 08:00 GMT+7", "2026-03-07T08:00:00", H7, True),
        # printed on pages
        ("Thứ hai, 10/3/2026, 08:15 (GMT+7)", "2026-03-10T08:15:00", H7, True),
        ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00", H7, True),
        ("10-03-2026 - 08:15", "2026-03-10T08:15:00", H7, True),
        ("08/01/2026 - 18:21", "2026-01-08T18:21:00", H7, True),
        ("07/03/2026 08:01 GMT+7", "2026-03-07T08:01:00", H7, True),
        ("Thứ Bảy, 07/03/2026 - 08:52", "2026-03-07T08:52:00", H7, True),
        ("08h15 10/03/2026", "2026-03-10T08:15:00", H7, True),
        ("Cập nhật: 10.03.2026 | 14:20", "2026-03-10T14:20:00", H7, True),
        ("01/03/2026", "2026-03-01T00:00:00", H7, False),
        ("ngày 10 tháng 3 năm 2026", "2026-03-10T00:00:00", H7, False),
        # ASP.NET feeds (Báo Chính phủ): month first when an English AM/PM says so
        ("3/1/2026 9:51:00 AM", "2026-03-01T09:51:00", H7, True),
        ("3/10/2026 2:05:09 PM", "2026-03-10T14:05:09", H7, True),
        ("3/10/2026 12:30:00 AM", "2026-03-10T00:30:00", H7, True),
        # Vietnamese SA/CH (sáng/chiều) keep the day first
        ("10/3/2026 2:05:09 CH", "2026-03-10T14:05:09", H7, True),
    ],
)
def test_parse_datetime_formats(
    text: str, expected: str, offset: timedelta, has_time: bool
) -> None:
    found = parse_datetime(text)
    assert found is not None, text
    value, found_has_time = found
    assert value.utcoffset() == offset
    assert value.replace(tzinfo=None).isoformat() == expected
    assert found_has_time is has_time


@pytest.mark.parametrize("text", ["", None, "không rõ", "32/13/2026", "2026-02-30T08:00",
                                  "Sat, 07 Foo 2026 08:00:00 +0700", "Thứ hai"])
def test_unrecognised_or_impossible_dates_are_none(text: str | None) -> None:
    assert parse_datetime(text) is None


def test_a_date_without_zone_is_vietnam_time() -> None:
    value, _ = parse_datetime("10-03-2026 - 08:15")  # type: ignore[misc]
    assert value.tzinfo is VN_TZ
    assert value.astimezone(VN_TZ).hour == 8


def test_implausible_dates_are_refused_with_a_reason() -> None:
    future = parse_date("2026-03-20T08:00:00+07:00", now=NOW)
    assert future.value is None
    assert "future" in future.reason
    early = parse_date("2024-12-31T23:00:00+07:00", now=NOW)
    assert early.value is None
    assert "before 2025-01-01" in early.reason
    garbage = parse_date("hôm qua", now=NOW)
    assert garbage.value is None
    assert garbage.reason.startswith("unrecognised")


def test_less_than_a_day_ahead_is_tolerated() -> None:
    ahead = NOW + timedelta(hours=20)
    assert implausible(ahead, NOW) == ""
    assert parse_date(ahead.isoformat(), now=NOW).value == ahead


@pytest.mark.parametrize(
    ("url", "expected", "has_time"),
    [
        ("https://x.vn/2026/03/10/bai-viet.html", "2026-03-10T00:00:00+07:00", False),
        ("https://x.vn/tin/2026-03-10/bai-viet.html", "2026-03-10T00:00:00+07:00", False),
        ("https://tuoitre.vn/chien-su-day-gia-hoa-20260307075519174.htm",
         "2026-03-07T07:55:19+07:00", True),
        ("https://dantri.com.vn/kinh-doanh/gia-vang-20260307080054340.htm",
         "2026-03-07T08:00:54+07:00", True),
    ],
)
def test_dates_in_urls(url: str, expected: str, has_time: bool) -> None:
    found = date_from_url(url, now=NOW)
    assert found.value is not None
    assert found.value.isoformat() == expected
    assert found.has_time is has_time


@pytest.mark.parametrize("url", [
    "https://vnexpress.net/cach-cac-nuoc-doi-pho-5047363.html",  # an id, not a date
    "https://baochinhphu.vn/chinh-sach-moi-102260228093004191.htm",  # date buried in an id
    "https://x.vn/2019/01/02/cu.html",  # before the tracked period
    "https://x.vn/2026/13/40/khong-phai-ngay.html",
])
def test_urls_without_a_usable_date(url: str) -> None:
    assert date_from_url(url, now=NOW).value is None


def test_same_day_is_judged_in_vietnam() -> None:
    late_utc = datetime.fromisoformat("2026-03-09T18:30:00+00:00")  # 01:30 on the 10th in VN
    assert same_day(late_utc, datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ))
    assert not same_day(late_utc, datetime(2026, 3, 9, 8, 0, tzinfo=VN_TZ))
