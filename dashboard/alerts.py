"""Spike alerts and the index trend for the overview: plain numbers in, plain verdicts out.

Did the *share* of negative, or of suspected-misinformation, items rise in the latest week
beyond what the previous weeks make ordinary? The method, chosen over "mean + k·std of the
weekly shares":

* **Baseline** p0 is pooled over the previous ``baseline_weeks`` weeks (their flagged items
  over their items), so a week of 3 items weighs less than a week of 300. Mean + k·std of
  weekly shares lets a tiny week swing the std wildly, and needs many weeks before a std means
  anything; provinces rarely have that many busy weeks.
* **Test**: exact one-sided binomial, P(X >= x | n, p0) for x flagged of the latest week's n
  items; an alert needs it below ``alpha``. It accounts for the latest week's size by itself:
  3 of 5 is no evidence against a 30% baseline, 300 of 500 is.
* **Guards**: at least ``min_count`` flagged items this week (a quiet province's 2 of 3 never
  alerts); a rise of at least ``min_rise`` share points, because news volume varies more than
  binomially from week to week (over-dispersion), so at large volumes a trivial rise would
  already be "significant"; and a baseline of at least ``min_baseline_weeks`` weeks with items
  and ``min_baseline_items`` items, or there is nothing to compare against.
* **Shares, not counts**: the current week is unfinished until Sunday; its share is already
  comparable with earlier weeks, its count is not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from dashboard.data import OverviewDetail, WeekSignals

Metric = Literal["negative", "misinformation"]
METRICS: tuple[Metric, ...] = ("negative", "misinformation")
Status = Literal["spike", "normal", "quiet", "no_baseline"]


@dataclass(frozen=True)
class AlertRule:
    min_count: int = 10  # flagged items in the latest week before anything can alert
    min_rise: float = 0.05  # share points (0.05 = 5 percentage points) above the baseline
    alpha: float = 0.01  # one-sided binomial p-value
    baseline_weeks: int = 8  # how many weeks before the latest one make the baseline
    min_baseline_weeks: int = 2  # of those, weeks that had any item
    min_baseline_items: int = 30


@dataclass(frozen=True)
class Assessment:
    """One metric in one scope (the whole selection, or a province), latest week vs baseline."""

    metric: Metric
    scope: str | None  # a province; None: everything the filters select
    status: Status
    week: date  # the latest week's Monday
    count: int  # flagged items in the latest week
    total: int  # items in the latest week
    baseline_count: int
    baseline_total: int
    baseline_weeks: int  # weeks with items in the baseline
    p_value: float | None  # None when no test was run

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None

    @property
    def baseline_share(self) -> float | None:
        return self.baseline_count / self.baseline_total if self.baseline_total else None

    @property
    def rise(self) -> float | None:
        """Share points above the baseline (negative: a fall)."""
        if self.share is None or self.baseline_share is None:
            return None
        return self.share - self.baseline_share


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), exact: the terms are summed from the mode outward
    with the pmf recurrence, stopping once they no longer change the sum."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)

    def pmf(i: int) -> float:
        return math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                        + i * log_p + (n - i) * log_q)

    ratio = p / (1.0 - p)
    if k > n * p:  # upper tail: terms fall from k upward
        term = total = pmf(k)
        for i in range(k, n):
            term *= (n - i) / (i + 1) * ratio
            total += term
            if term <= total * 1e-17:
                break
        return min(1.0, total)
    # k at or below the mean: 1 - P(X <= k - 1), terms fall from k - 1 downward
    term = lower = pmf(k - 1)
    for i in range(k - 1, 0, -1):
        term *= i / (n - i + 1) / ratio
        lower += term
        if term <= lower * 1e-17:
            break
    return max(0.0, 1.0 - lower)


def assess(metric: Metric, weeks: Sequence[date], counts: Sequence[int],
           totals: Sequence[int], rule: AlertRule = AlertRule(),
           scope: str | None = None) -> Assessment:
    """The latest of ``weeks`` (oldest first) against the ones before it."""
    if not weeks or not len(weeks) == len(counts) == len(totals):
        raise ValueError("weeks, counts and totals must be non-empty and of equal length")
    count, total = counts[-1], totals[-1]
    first = max(0, len(weeks) - 1 - rule.baseline_weeks)
    base_counts, base_totals = counts[first:-1], totals[first:-1]
    base_count, base_total = sum(base_counts), sum(base_totals)
    base_weeks = sum(1 for n in base_totals if n > 0)

    def verdict(status: Status, p_value: float | None = None) -> Assessment:
        return Assessment(metric, scope, status, weeks[-1], count, total, base_count,
                          base_total, base_weeks, p_value)

    if base_weeks < rule.min_baseline_weeks or base_total < rule.min_baseline_items:
        return verdict("no_baseline")
    if count < rule.min_count:
        return verdict("quiet")
    p0 = base_count / base_total
    p_value = binomial_tail(count, total, p0)
    if count / total - p0 >= rule.min_rise and p_value < rule.alpha:
        return verdict("spike", p_value)
    return verdict("normal", p_value)


def assess_signals(signals: Sequence[WeekSignals], rule: AlertRule = AlertRule(),
                   scope: str | None = None) -> list[Assessment]:
    """Both metrics for one scope's weekly signals (oldest first)."""
    weeks = [week.week for week in signals]
    totals = [week.total for week in signals]
    return [assess(metric, weeks, [week.count(metric) for week in signals], totals, rule, scope)
            for metric in METRICS]


def spikes(detail: OverviewDetail, rule: AlertRule = AlertRule()) -> list[Assessment]:
    """Every spike in the selection and in each province, biggest rise first."""
    found = [a for a in assess_signals(detail.signals, rule) if a.status == "spike"]
    for province, signals in detail.provinces.items():
        found += [a for a in assess_signals(signals, rule, province) if a.status == "spike"]
    return sorted(found, key=lambda a: (-(a.rise or 0.0), a.scope or "", a.metric))


def linear_trend(values: Sequence[float | None]) -> list[float] | None:
    """Least-squares line through the weeks that have a value (index = week position),
    evaluated at every week; None with fewer than two such weeks."""
    points = [(x, y) for x, y in enumerate(values) if y is not None]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return [mean_y + slope * (x - mean_x) for x in range(len(values))]
