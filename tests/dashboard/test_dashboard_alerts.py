"""Spike alerts and the index trend (dashboard/alerts.py): pure functions, plain numbers."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from dashboard.alerts import (
    AlertRule,
    assess,
    assess_signals,
    binomial_tail,
    linear_trend,
    spikes,
)
from dashboard.data import Overview, OverviewDetail, OverviewFilters, WeekCounts, WeekSignals

MONDAY = date(2025, 11, 17)
WEEKS = [MONDAY - timedelta(weeks=k) for k in range(9, -1, -1)]  # ten weeks, oldest first


def exact_tail(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))


@pytest.mark.parametrize(("k", "n", "p"), [
    (3, 5, 0.3), (0, 5, 0.3), (6, 5, 0.3), (1, 1, 0.5), (10, 50, 0.15), (2, 50, 0.15),
    (45, 60, 0.4), (0, 0, 0.2), (30, 200, 0.01), (150, 400, 0.5),
])
def test_binomial_tail_is_exact(k: int, n: int, p: float) -> None:
    assert binomial_tail(k, n, p) == pytest.approx(exact_tail(k, n, p), rel=1e-9, abs=1e-300)


def test_binomial_tail_edges() -> None:
    assert binomial_tail(3, 5, 0.3) == pytest.approx(0.16308)
    assert binomial_tail(1, 10, 0.0) == 0.0  # never seen before: any occurrence is surprising
    assert binomial_tail(10, 10, 1.0) == 1.0
    assert binomial_tail(5000, 10000, 0.1) == 0.0  # underflows to 0, never an error
    assert binomial_tail(900, 10000, 0.1) > 0.99  # below the mean: almost certain


def series(baseline: tuple[int, int], latest: tuple[int, int], weeks: int = 10
           ) -> tuple[list[int], list[int]]:
    counts = [baseline[0]] * (weeks - 1) + [latest[0]]
    totals = [baseline[1]] * (weeks - 1) + [latest[1]]
    return counts, totals


def test_a_clear_rise_is_a_spike_with_its_numbers() -> None:
    counts, totals = series((10, 100), (30, 100))
    found = assess("negative", WEEKS, counts, totals)
    assert found.status == "spike"
    assert (found.count, found.total, found.share) == (30, 100, 0.3)
    # The baseline is the previous eight weeks, pooled.
    assert (found.baseline_count, found.baseline_total, found.baseline_weeks) == (80, 800, 8)
    assert found.baseline_share == pytest.approx(0.1)
    assert found.rise == pytest.approx(0.2)
    assert found.p_value is not None and found.p_value < 1e-6
    assert found.week == WEEKS[-1]


def test_a_quiet_province_never_alerts() -> None:
    # 3 of 4 negative against a 10% baseline: a big share, but too few items to mean anything.
    counts, totals = series((2, 20), (3, 4))
    assert assess("negative", WEEKS, counts, totals).status == "quiet"


def test_a_small_week_is_judged_by_its_size() -> None:
    # 10 of 40 (25%) against 15%: above min_count and min_rise, but p ~ 0.07 -> no alert.
    counts, totals = series((15, 100), (10, 40))
    found = assess("negative", WEEKS, counts, totals)
    assert found.status == "normal" and found.p_value is not None and found.p_value > 0.01
    # The same share on 400 items is evidence.
    counts, totals = series((15, 100), (100, 400))
    assert assess("negative", WEEKS, counts, totals).status == "spike"


def test_a_trivial_rise_on_a_huge_volume_is_not_a_spike() -> None:
    # 31.5% against 30% over 100 000 items is "significant" but not worth waking anyone.
    counts, totals = series((30_000, 100_000), (31_500, 100_000))
    found = assess("negative", WEEKS, counts, totals)
    assert found.p_value is not None and found.p_value < 0.01
    assert found.status == "normal"


def test_no_baseline_without_enough_history() -> None:
    counts = [0] * 8 + [5, 40]
    totals = [0] * 8 + [50, 60]  # one earlier week with items
    assert assess("negative", WEEKS, counts, totals).status == "no_baseline"
    few = assess("negative", WEEKS[-3:], [1, 1, 40], [10, 10, 60])  # 20 items < 30
    assert few.status == "no_baseline" and few.baseline_weeks == 2
    assert assess("negative", WEEKS[:1], [40], [60]).status == "no_baseline"


def test_a_fall_is_not_a_spike() -> None:
    counts, totals = series((50, 100), (10, 100))
    found = assess("misinformation", WEEKS, counts, totals)
    assert found.status == "normal" and found.rise == pytest.approx(-0.4)


def test_the_rule_is_configurable_and_only_the_last_weeks_count() -> None:
    counts = [90, 90, 90, 90, 90, 90, 90, 10, 10, 30]  # old weeks were bad, recent ones quiet
    totals = [100] * 10
    rule = AlertRule(baseline_weeks=2)
    found = assess("negative", WEEKS, counts, totals, rule)
    assert found.status == "spike" and found.baseline_total == 200
    assert assess("negative", WEEKS, counts, totals).status == "normal"  # 8-week baseline
    with pytest.raises(ValueError, match="equal length"):
        assess("negative", WEEKS, counts[:-1], totals)


def signals_of(rows: list[tuple[int, int, int]]) -> tuple[WeekSignals, ...]:
    """(total, negative, misinformation) per week, oldest first."""
    return tuple(WeekSignals(week, total=total, originals=total, negative=negative,
                             misinformation=misinfo, flagged=max(negative, misinfo))
                 for week, (total, negative, misinfo) in zip(WEEKS, rows, strict=True))


def detail_of(signals: tuple[WeekSignals, ...],
              provinces: dict[str, tuple[WeekSignals, ...]]) -> OverviewDetail:
    overview = Overview(topic=None, start=WEEKS[0], end=WEEKS[-1] + timedelta(days=6),
                        weeks=tuple(WeekCounts(week) for week in WEEKS), store_empty=False,
                        as_of=None)  # type: ignore[arg-type]
    return OverviewDetail(OverviewFilters(), overview, signals, provinces)


def test_spikes_cover_the_selection_and_each_province_biggest_rise_first() -> None:
    steady = signals_of([(100, 10, 1)] * 10)
    rising = signals_of([(50, 5, 1)] * 9 + [(60, 30, 20)])
    quiet = signals_of([(10, 1, 0)] * 9 + [(4, 3, 3)])
    whole = signals_of([(160, 16, 2)] * 9 + [(164, 43, 24)])
    found = spikes(detail_of(whole, {"Cần Thơ": quiet, "Đà Nẵng": rising, "Hà Nội": steady}))
    assert [(a.metric, a.scope) for a in found] == [
        ("negative", "Đà Nẵng"), ("misinformation", "Đà Nẵng"),
        ("negative", None), ("misinformation", None),
    ]
    assert all(a.status == "spike" for a in found)
    statuses = {a.metric: a.status for a in assess_signals(quiet, scope="Cần Thơ")}
    assert statuses == {"negative": "quiet", "misinformation": "quiet"}


def test_linear_trend() -> None:
    assert linear_trend([0.2, 0.4, 0.6]) == pytest.approx([0.2, 0.4, 0.6])
    # Weeks without a value are skipped but keep their place on the axis.
    assert linear_trend([0.1, None, 0.5, None]) == pytest.approx([0.1, 0.3, 0.5, 0.7])
    assert linear_trend([None, 0.5, None]) is None
    assert linear_trend([]) is None
    assert linear_trend([0.5, 0.5]) == pytest.approx([0.5, 0.5])
