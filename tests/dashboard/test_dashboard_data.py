"""dashboard.data against a real SQLiteStore: weeks in Vietnam time, zero-filled windows,
official versus other channels, and what stays out of the trend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard.data import (
    DashboardData,
    WeekCounts,
    coverage_index,
    coverage_ratio,
    week_window,
    weekly_counts,
)
from phuxanh.schema import VN_TZ
from phuxanh.store.base import AggregateRow

TOPIC, OTHER_TOPIC = "chi-thi-57", "chuyen-doi-so"  # as in conftest's config

# Thursday 20 November 2025, 10:00 in Hà Nội: the current ISO week is Mon 17 – Sun 23 Nov.
NOW = datetime(2025, 11, 20, 10, 0, tzinfo=VN_TZ)
THIS_MONDAY = date(2025, 11, 17)


def vn(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def data_for(store, ttl: float = 0.0) -> DashboardData:
    return DashboardData(store, ttl_seconds=ttl, clock=lambda: NOW)


def test_week_window_is_whole_iso_weeks_ending_this_week() -> None:
    assert week_window(date(2025, 11, 20), 12) == (date(2025, 9, 1), date(2025, 11, 23))
    # Sunday still belongs to the week that began on Monday; Monday starts a new one.
    assert week_window(date(2025, 11, 23), 1) == (THIS_MONDAY, date(2025, 11, 23))
    assert week_window(date(2025, 11, 24), 1) == (date(2025, 11, 24), date(2025, 11, 30))
    with pytest.raises(ValueError, match="at least 1"):
        week_window(date(2025, 11, 20), 0)


def test_sunday_night_and_monday_morning_land_in_different_weeks(store, make_item) -> None:
    # Given in UTC on purpose: both are Sunday in UTC, but Sunday 23:30 and Monday 00:30 in Hà Nội.
    sunday_late = datetime(2025, 11, 16, 16, 30, tzinfo=UTC)  # 23:30 +07:00 Sunday 16 Nov
    monday_early = datetime(2025, 11, 16, 17, 30, tzinfo=UTC)  # 00:30 +07:00 Monday 17 Nov
    store.upsert([
        make_item(sunday_late, "negative"),
        make_item(monday_early, "negative"),
    ])
    weeks = data_for(store).overview(TOPIC, 12).weeks
    by_monday = {week.week: week for week in weeks}
    assert by_monday[date(2025, 11, 10)].negative == 1
    assert by_monday[THIS_MONDAY].negative == 1
    assert sum(week.total for week in weeks) == 2


def test_every_week_is_present_and_quiet_weeks_are_zero(store, make_item) -> None:
    store.upsert([
        make_item(vn(2025, 9, 3), "positive"),  # first week of the window
        make_item(vn(2025, 11, 19), "neutral"),  # current week
    ])
    overview = data_for(store).overview(TOPIC, 12)
    assert overview.start == date(2025, 9, 1)
    assert overview.end == date(2025, 11, 23)
    assert [week.week for week in overview.weeks] == [
        date(2025, 9, 1) + timedelta(weeks=i) for i in range(12)
    ]
    assert [week.total for week in overview.weeks] == [1] + [0] * 10 + [1]
    assert overview.weeks[0].positive == 1
    assert overview.latest.neutral == 1


def test_official_positive_is_counted_apart(store, make_item) -> None:
    day = vn(2025, 11, 18)
    store.upsert([
        make_item(day, "positive", official=True),
        make_item(day, "positive", official=True),
        make_item(day, "positive", official=False),  # positive, but not an official channel
        make_item(day, "negative", official=True),  # official, but negative
        make_item(day, "negative", official=False),
        make_item(day, "neutral", official=True),
        make_item(day, None),  # not classified yet
    ])
    latest = data_for(store).overview(TOPIC, 12).latest
    assert latest == WeekCounts(
        THIS_MONDAY, positive=3, neutral=1, negative=2, unclassified=1, official_positive=2
    )
    assert latest.total == 7


def test_only_the_topic_the_window_and_dated_items_count(store, make_item) -> None:
    store.upsert([
        make_item(vn(2025, 11, 18), "positive"),  # counted
        make_item(vn(2025, 11, 22, 23, 59), "positive"),  # Saturday of this week: counted
        make_item(vn(2025, 11, 18), "positive", topics=(OTHER_TOPIC,)),  # another topic
        make_item(vn(2025, 8, 31, 23, 59), "positive"),  # Sunday before the first week
        make_item(vn(2025, 11, 24, 0, 1), "positive"),  # next week (a clock skew at the source)
        make_item(vn(2025, 11, 18), "positive", dated=False),  # dated only by our crawl
    ])
    data = data_for(store)
    assert data.overview(TOPIC, 12).total == 2
    assert data.overview(OTHER_TOPIC, 12).total == 1
    # No topic: every dated item in the window, each once.
    assert data.overview(None, 12).total == 3


def test_an_item_with_two_topics_counts_once_per_topic(store, make_item) -> None:
    store.upsert([make_item(vn(2025, 11, 18), "negative", topics=(TOPIC, OTHER_TOPIC))])
    data = data_for(store)
    assert data.overview(TOPIC, 12).negative == 1
    assert data.overview(OTHER_TOPIC, 12).negative == 1
    assert data.overview(None, 12).negative == 1


def test_headline_shares(store, make_item) -> None:
    day = vn(2025, 11, 4)
    store.upsert(
        [make_item(day, "positive") for _ in range(3)]
        + [make_item(day, "negative")]
        + [make_item(day, None) for _ in range(4)]
    )
    overview = data_for(store).overview(TOPIC, 12)
    assert (overview.total, overview.positive, overview.negative) == (8, 3, 1)
    assert overview.unclassified == 4
    assert overview.share_positive == pytest.approx(3 / 8)
    assert overview.share_negative == pytest.approx(1 / 8)


def test_empty_store(store, make_item) -> None:
    data = data_for(store)
    overview = data.overview(TOPIC, 12)
    assert overview.store_empty
    assert len(overview.weeks) == 12
    assert overview.total == 0
    assert overview.share_positive is None
    # Items outside the window (or undated) still mean the store is not empty.
    store.upsert([make_item(vn(2024, 1, 1), "positive", dated=False)])
    assert not data.overview(TOPIC, 12).store_empty


def test_results_are_cached_for_the_ttl(store, make_item) -> None:
    calls = []

    class Counting:
        def __getattr__(self, name):
            return getattr(store, name)

        def aggregate(self, *args, **kwargs):
            calls.append(args)
            return store.aggregate(*args, **kwargs)

    data = DashboardData(Counting(), ttl_seconds=60, clock=lambda: NOW)
    first = data.overview(TOPIC, 12)
    store.upsert([make_item(vn(2025, 11, 18), "positive")])
    assert data.overview(TOPIC, 12) is first
    assert len(calls) == 1
    data.overview(OTHER_TOPIC, 12)  # another key, another query
    assert len(calls) == 2
    data.clear_cache()
    assert data.overview(TOPIC, 12).total == 1


def test_weekly_counts_ignores_rows_outside_the_window() -> None:
    start = date(2025, 11, 10)
    rows = [
        AggregateRow(date(2025, 11, 3), {"sentiment": "positive", "official": True}, 5),
        AggregateRow(start, {"sentiment": "positive", "official": True}, 2),
        AggregateRow(start, {"sentiment": "", "official": False}, 1),
        AggregateRow(THIS_MONDAY, {"sentiment": "negative", "official": False}, 4),
    ]
    weeks = weekly_counts(rows, start, 2)
    assert weeks == [
        WeekCounts(start, positive=2, unclassified=1, official_positive=2),
        WeekCounts(THIS_MONDAY, negative=4),
    ]


def test_coverage_index_and_ratio() -> None:
    assert coverage_index(3, 1) == pytest.approx(0.75)
    assert coverage_index(0, 4) == 0.0
    assert coverage_index(5, 0) == 1.0
    assert coverage_index(0, 0) is None
    assert coverage_ratio(3, 2) == pytest.approx(1.5)
    assert coverage_ratio(3, 0) is None
