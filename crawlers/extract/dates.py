"""Dates as Vietnamese news sites print them -> aware datetimes.

Formats seen on real pages and feeds (each has a test):
- ISO 8601, with the quirks outlets add: a space before the offset
  (``2026-03-07T08:52:11.000 +07:00``, VietNamNet), the offset HTML-escaped
  (``2026-03-01T09:51:00&#x2B;07:00``, Báo Chính phủ), ``+0700`` or ``+07``, no zone at all
  (``2026-03-07 08:07``, Dân trí), a date alone (``2026-01-08``, Báo Cần Thơ).
- RFC 822 from feeds, including 2-digit years and ``+07`` offsets.
- Day-first numeric dates with the time before or after and decorations around them:
  ``Thứ hai, 10/3/2026, 08:15 (GMT+7)``, ``10-03-2026 - 08:15``, ``08/01/2026 - 18:21``,
  ``07/03/2026 08:01 GMT+7``, ``08h15 10/03/2026``.
- Month-first numeric dates with an English AM/PM, as ASP.NET feeds print them
  (Báo Chính phủ: ``3/1/2026 9:51:00 AM``). Vietnamese SA/CH (sáng/chiều) stay day-first.
- ``ngày 10 tháng 3 năm 2026``.
- Relative, as comment-heavy and aggregator pages print them, read against the fetch time the
  caller passes in (:func:`parse_relative`; never the clock): ``vừa xong``, ``30 phút trước``,
  ``2 giờ trước``, ``3 ngày trước``, ``1 tuần trước``, ``hôm nay 14:20``, ``hôm qua, 08:15``,
  ``hôm kia``. A day without a time of day ("3 ngày trước", "hôm qua") is that day at midnight,
  ``has_time`` False, like a printed date alone.

A value without a zone is Vietnam local time. Parsing (:func:`parse_datetime`) and judging
plausibility (:func:`implausible`) are separate so a feed can keep an old date (the spider skips
old entries by it) while an article never takes a date from before the period we track.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from phuxanh.schema import VN_TZ
from phuxanh.text import fold

# Nothing we track was published before this; an earlier date is a parsing or page error.
EARLIEST = datetime(2025, 1, 1, tzinfo=VN_TZ)
# Clocks and time zones disagree a little; more than a day ahead is a wrong date.
FUTURE_SLACK = timedelta(days=1)

_ZONE = r"(?P<zone>Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)"
_ISO_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*" + _ZONE + r"?$",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_RFC_RE = re.compile(
    r"^(?:[a-z]{2,9}\.?,?\s*)?(?P<d>\d{1,2})\s+(?P<mon>[a-z]{3})[a-z]*\.?,?\s+(?P<y>\d{2,4})"
    r"\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?:(?:GMT|UTC|UT)\s*(?P<gmtoff>[+-]\d{1,2}(?::?\d{2})?)|" + _ZONE + r")?\s*$",
    re.IGNORECASE,
)
_NUM_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})(?!\d)")
_TIME_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s*[:hH]\s*(\d{2})(?::(\d{2}))?(?!\d)"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?|sa|ch)(?![a-z]))?",
    re.IGNORECASE,
)
_TEXT_ZONE_RE = re.compile(r"(?:GMT|UTC)\s*(?P<off>[+-]\s*\d{1,2}(?::?\d{2})?)", re.IGNORECASE)
_WORDS_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:nam|,)?\s*(\d{4})")
# Matched on fold()ed text: "2 giờ trước" -> "2 gio truoc".
_AGO_RE = re.compile(r"(?<![\w.,])(\d{1,3})\s*(giay|phut|gio|ngay|tuan)\s+truoc(?!\w)")
_AGO_UNITS = {"giay": timedelta(seconds=1), "phut": timedelta(minutes=1),
              "gio": timedelta(hours=1), "ngay": timedelta(days=1), "tuan": timedelta(weeks=1)}
_JUST_NOW_RE = re.compile(r"(?<!\w)(?:vua xong|vua dang|vua moi dang)(?!\w)")
_DAY_WORD_RE = re.compile(r"(?<!\w)hom (nay|qua|kia)(?!\w)")
_DAYS_BACK = {"nay": 0, "qua": 1, "kia": 2}


@dataclass(frozen=True)
class ParsedDate:
    """The outcome of reading a date: the value, or why there is none."""

    value: datetime | None
    has_time: bool = False  # False: only a day was given (midnight Vietnam time is assumed)
    reason: str = ""  # why ``value`` is None ("unrecognised", "in the future", ...)
    # The same as a stable code for counters: REJECTED_UNRECOGNISED, REJECTED_FUTURE,
    # REJECTED_TOO_EARLY ("" when there is a value).
    code: str = ""


REJECTED_UNRECOGNISED = "unrecognised"
REJECTED_FUTURE = "future"
REJECTED_TOO_EARLY = "before_2025"


def _offset(text: str) -> tzinfo:
    """``Z``, ``UTC``, ``+07``, ``+0700``, ``+07:00``, ``+7`` -> a tzinfo."""
    text = text.replace(" ", "").upper()
    if text in {"Z", "UTC", "GMT", "UT"}:
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes > 59:
        raise ValueError(f"bad UTC offset {text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _year(text: str) -> int:
    # Two-digit years on Vietnamese feeds are this century ("07 Mar 26").
    year = int(text)
    return year + 2000 if year < 100 else year


def _build(
    year: int, month: int, day: int, hour: int | None, minute: int | None, second: int | None,
    zone: tzinfo | None,
) -> tuple[datetime, bool]:
    has_time = hour is not None
    value = datetime(year, month, day, hour or 0, minute or 0, second or 0, tzinfo=zone or VN_TZ)
    return value, has_time


def _int(text: str | None) -> int | None:
    return int(text) if text is not None else None


def _parse_iso(text: str) -> tuple[datetime, bool] | None:
    match = _ISO_RE.match(text)
    if not match:
        return None
    zone = _offset(match["zone"]) if match["zone"] else None
    return _build(
        int(match["y"]), int(match["m"]), int(match["d"]),
        _int(match["H"]), _int(match["M"]), _int(match["S"]), zone,
    )


def _parse_rfc822(text: str) -> tuple[datetime, bool] | None:
    match = _RFC_RE.match(text)
    if not match or match["mon"].lower() not in _MONTHS:
        return None
    zone_text = match["gmtoff"] or match["zone"]
    zone = _offset(zone_text) if zone_text else None
    return _build(
        _year(match["y"]), _MONTHS[match["mon"].lower()], int(match["d"]),
        int(match["H"]), int(match["M"]), _int(match["S"]), zone,
    )


def _hour24(hour: int, marker: str | None) -> int:
    if not marker:
        return hour
    afternoon = marker.lower().replace(".", "") in {"pm", "ch"}
    if hour == 12:
        return 12 if afternoon else 0
    return hour + 12 if afternoon else hour


def _parse_loose(text: str) -> tuple[datetime, bool] | None:
    """A numeric date (day first unless an English AM/PM says month first) anywhere in a
    decorated string, with an optional time and ``GMT+7``-style zone around it."""
    date_match = _NUM_DATE_RE.search(text)
    day_month_year: tuple[int, int, int] | None = None
    rest = text
    if date_match:
        first, second, year = int(date_match[1]), int(date_match[2]), _year(date_match[3])
        rest = text[: date_match.start()] + " " + text[date_match.end():]
        time_match = _TIME_RE.search(rest)
        marker = time_match["ampm"] if time_match else None
        month_first = bool(marker) and marker.lower().replace(".", "") in {"am", "pm"}
        orders = [(second, first), (first, second)] if month_first else [
            (first, second), (second, first)
        ]
        for day, month in orders:
            if 1 <= month <= 12 and 1 <= day <= 31:
                day_month_year = (day, month, year)
                break
    else:
        words = _WORDS_DATE_RE.search(fold(text))
        if words:
            day_month_year = (int(words[1]), int(words[2]), int(words[3]))
    if day_month_year is None:
        return None
    time_match = _TIME_RE.search(rest)
    hour = minute = second_ = None
    if time_match:
        hour = _hour24(int(time_match[1]), time_match["ampm"])
        minute, second_ = int(time_match[2]), _int(time_match[3])
    zone_match = _TEXT_ZONE_RE.search(text)
    zone = _offset(zone_match["off"]) if zone_match else None
    day, month, year = day_month_year
    return _build(year, month, day, hour, minute, second_, zone)


def parse_datetime(text: str | None) -> tuple[datetime, bool] | None:
    """The datetime written in ``text`` and whether it had a time of day; None if none is
    recognised (or the numbers are not a real date). No plausibility check."""
    if not text:
        return None
    # Some CMSs escape twice ("&amp;#x2B;07:00"); unescaping a clean string changes nothing.
    cleaned = " ".join(html.unescape(html.unescape(text)).split())
    if not cleaned:
        return None
    for parse in (_parse_iso, _parse_rfc822, _parse_loose):
        try:
            found = parse(cleaned)
        except ValueError:  # day 31 in a 30-day month, hour 25, offset +19: not a date
            continue
        if found is not None:
            return found
    return None


def parse_relative(text: str | None, now: datetime) -> tuple[datetime, bool] | None:
    """A relative date ("2 giờ trước", "hôm qua, 08:15", "vừa xong") read against ``now``
    (the fetch time), and whether it gave a time of day; None if ``text`` has none."""
    if not text:
        return None
    folded = fold(" ".join(html.unescape(text).split()))
    now = now.astimezone(VN_TZ)
    if _JUST_NOW_RE.search(folded):
        return now.replace(microsecond=0), True
    ago = _AGO_RE.search(folded)
    if ago:
        unit = _AGO_UNITS[ago[2]]
        value = now - int(ago[1]) * unit
        if unit < timedelta(days=1):
            return value.replace(microsecond=0), True
        # "3 ngày trước" names a day, not an instant: its midnight, like a printed day alone.
        return _midnight(value.date()), False
    day_word = _DAY_WORD_RE.search(folded)
    if day_word:
        day = (now - timedelta(days=_DAYS_BACK[day_word[1]])).date()
        time_match = _TIME_RE.search(folded[day_word.end():]) or _TIME_RE.search(folded)
        if not time_match:
            return _midnight(day), False
        try:
            hour = _hour24(int(time_match[1]), time_match["ampm"])
            value = datetime(day.year, day.month, day.day, hour, int(time_match[2]),
                             _int(time_match[3]) or 0, tzinfo=VN_TZ)
        except ValueError:  # "hôm nay 25:70"
            return None
        return value, True
    return None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)


def _judge(value: datetime, now: datetime | None) -> tuple[str, str]:
    """(code, reason) for a date that cannot be a publication date; ("", "") when it can."""
    now = now or datetime.now(VN_TZ)
    if value > now + FUTURE_SLACK:
        return REJECTED_FUTURE, f"{value.isoformat()} is in the future (now {now.isoformat()})"
    if value < EARLIEST:
        return REJECTED_TOO_EARLY, f"{value.isoformat()} is before {EARLIEST.date().isoformat()}"
    return "", ""


def implausible(value: datetime, now: datetime | None = None) -> str:
    """Why ``value`` cannot be a publication date ('' when it can): more than a day in the
    future of ``now``, or before :data:`EARLIEST`."""
    return _judge(value, now)[1]


def implausible_code(value: datetime, now: datetime | None = None) -> str:
    """:func:`implausible` as a code (REJECTED_FUTURE, REJECTED_TOO_EARLY or '')."""
    return _judge(value, now)[0]


def parse_date(text: str | None, now: datetime | None = None, relative: bool = True
               ) -> ParsedDate:
    """:func:`parse_datetime` plus :func:`implausible`: a usable publication date or a reason.
    With ``now`` (the fetch time) and ``relative``, relative dates are read too
    (:func:`parse_relative`)."""
    found = parse_datetime(text)
    if found is None and now is not None and relative:
        found = parse_relative(text, now)
    if found is None:
        return ParsedDate(None, reason=f"unrecognised date {text!r}", code=REJECTED_UNRECOGNISED)
    value, has_time = found
    code, reason = _judge(value, now)
    return ParsedDate(None, has_time, reason, code) if reason else ParsedDate(value, has_time)


_URL_DATE_RES = (
    # /2026/03/10/ or /2026-03-10/ folders
    re.compile(r"/(?P<y>20\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?=[/-])"),
    # ids that start with a timestamp: -20260307075519174.htm (Tuổi Trẻ, Dân trí)
    re.compile(
        r"(?<![\d])(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})"
        r"(?:(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2}))?\d*\.[a-z]+$"
    ),
)


def date_from_url(url: str, now: datetime | None = None) -> ParsedDate:
    """A date encoded in the URL path, as Vietnam local time, if there is a plausible one."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in _URL_DATE_RES:
        match = pattern.search(path)
        if not match:
            continue
        groups = match.groupdict()
        try:
            value, has_time = _build(
                int(groups["y"]), int(groups["m"]), int(groups["d"]),
                _int(groups.get("H")), _int(groups.get("M")), _int(groups.get("S")), None,
            )
        except ValueError:
            continue
        reason = implausible(value, now)
        if not reason:
            return ParsedDate(value, has_time)
    return ParsedDate(None, reason="no date in the URL")


def same_day(first: datetime, second: datetime) -> bool:
    """Whether two datetimes fall on the same Vietnam calendar day."""
    return _vn_day(first) == _vn_day(second)


def _vn_day(value: datetime) -> date:
    return value.astimezone(VN_TZ).date()
