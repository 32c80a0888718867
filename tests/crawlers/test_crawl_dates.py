from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crawlers.extract.dates import (
    date_from_url,
    implausible,
    implausible_code,
    parse_date,
    parse_datetime,
    parse_relative,
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
    assert (future.code, early.code) == ("future", "before_2025")
    garbage = parse_date("không rõ", now=NOW)
    assert garbage.value is None
    assert garbage.reason.startswith("unrecognised")
    assert garbage.code == "unrecognised"


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


# NOW is 2026-03-15 12:00 in Vietnam.
@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2 giờ trước", "2026-03-15T10:00:00+07:00", True),
        ("30 phút trước", "2026-03-15T11:30:00+07:00", True),
        ("45 giây trước", "2026-03-15T11:59:15+07:00", True),
        ("Cập nhật 2 GIỜ TRƯỚC", "2026-03-15T10:00:00+07:00", True),
        ("2 gio truoc", "2026-03-15T10:00:00+07:00", True),  # typed without tone marks
        ("hôm qua, 08:15", "2026-03-14T08:15:00+07:00", True),
        ("Hôm qua lúc 8h15", "2026-03-14T08:15:00+07:00", True),
        ("hôm nay 14:20", "2026-03-15T14:20:00+07:00", True),
        ("hôm qua", "2026-03-14T00:00:00+07:00", False),
        ("hôm kia", "2026-03-13T00:00:00+07:00", False),
        ("3 ngày trước", "2026-03-12T00:00:00+07:00", False),
        ("1 tuần trước", "2026-03-08T00:00:00+07:00", False),
        ("vừa xong", "2026-03-15T12:00:00+07:00", True),
    ],
)
def test_relative_dates_are_read_against_the_fetch_time(
    text: str, expected: str, has_time: bool
) -> None:
    found = parse_relative(text, NOW)
    assert found is not None, text
    value, found_has_time = found
    assert value.isoformat() == expected
    assert found_has_time is has_time
    parsed = parse_date(text, now=NOW)
    assert parsed.value == value
    assert parsed.has_time is has_time


def test_relative_dates_follow_the_fetch_time_in_vietnam() -> None:
    # 18:30 UTC on the 14th is 01:30 on the 15th in Vietnam: "hôm qua" is the 14th.
    fetched = datetime.fromisoformat("2026-03-14T18:30:00+00:00")
    value, _ = parse_relative("hôm qua, 08:15", fetched)  # type: ignore[misc]
    assert value.isoformat() == "2026-03-14T08:15:00+07:00"


@pytest.mark.parametrize("text", [
    "", None, "trước đó", "2 giờ", "1,5 giờ trước", "hôm nay 25:70", "Thứ hai",
])
def test_not_relative_dates(text: str | None) -> None:
    assert parse_relative(text, NOW) is None


def test_relative_dates_need_the_fetch_time() -> None:
    # Without a fetch time there is nothing to count back from: never the clock.
    assert parse_date("2 giờ trước").code == "unrecognised"


def test_relative_dates_are_judged_like_printed_ones() -> None:
    late = parse_date("hôm nay 23:59", now=datetime(2026, 3, 15, 0, 5, tzinfo=VN_TZ))
    assert late.value is not None  # within the day of slack
    ancient = parse_date("400 ngày trước", now=datetime(2025, 6, 1, 9, 0, tzinfo=VN_TZ))
    assert ancient.value is None
    assert ancient.code == "before_2025"
    assert implausible_code(NOW + timedelta(days=2), NOW) == "future"
    assert implausible_code(NOW, NOW) == ""
