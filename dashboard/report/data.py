"""The numbers of one weekly report, gathered through :mod:`dashboard.data` (the only module
that reads the store) into one frozen :class:`WeeklyReport`. The PDF, the XLSX, the dashboard
preview and the CLI all render this same object, so they can never disagree.

Weeks are ISO weeks, Monday to Sunday, in Asia/Ho_Chi_Minh, named ``2026-W12``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dashboard.data import (
    Coverage,
    DashboardData,
    HandledItem,
    WeekSummary,
    coverage,
    handled_items,
    load_narratives,
    narrative_counts,
    week_start,
    week_summaries,
)
from phuxanh.errors import InputError

if TYPE_CHECKING:
    from phuxanh.config import Config

TREND_WEEKS = 8  # the trend charts: the report's week and the seven before it
COVERAGE_WEEKS = 4  # the coverage table: the report's week and the three before it
TOP_NARRATIVES = 10
_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def parse_week(text: str) -> date:
    """The Monday of ISO week ``text`` (``2026-W12``, ``2026W12``, ``2026-w12``)."""
    match = _ISO_WEEK.match(text or "")
    if not match:
        raise InputError(f"week {text!r}: expected an ISO week such as 2026-W12")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InputError(f"week {text!r}: {year} has no ISO week {week}") from None


def week_key(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(today: date) -> date:
    """The Monday of the last finished week: a weekly report is about a week that is over."""
    return week_start(today) - timedelta(weeks=1)


@dataclass(frozen=True)
class NarrativeRow:
    narrative_id: str  # "" for suspected items that matched no known narrative
    claim: str  # the false claim as config/narratives.yaml states it ("" if unknown)
    count: int
    rebuttal_url: str | None


@dataclass(frozen=True)
class WeeklyReport:
    week: date  # the Monday
    topic: str | None
    topic_name: str
    scope: tuple[str, ...] | None  # a press user's outlets (source keys); None: every source
    scope_names: tuple[str, ...] | None  # the same outlets by name, for people to read
    generated_at: datetime
    summary: WeekSummary
    previous: WeekSummary  # the week before, for "compared with last week"
    trend: tuple[WeekSummary, ...]  # oldest first, ending with ``summary``
    narratives: tuple[NarrativeRow, ...]  # most frequent first
    coverage: Coverage  # ends with the report's week
    handled: tuple[HandledItem, ...]

    @property
    def key(self) -> str:
        return week_key(self.week)

    @property
    def end(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def partial(self) -> bool:
        """The week is still running: the numbers will grow."""
        return self.generated_at.date() <= self.end

    @property
    def filename_stem(self) -> str:
        return f"phuxanh-bao-cao-tuan-{self.key}"


def build_report(data: DashboardData, config: Config, week: date | str,
                 topic: str | None = None, sources: Sequence[str] | None = None,
                 trend_weeks: int = TREND_WEEKS) -> WeeklyReport:
    """The report for ISO ``week`` (a date in it, or ``2026-W12``) on ``topic`` (default: the
    first configured topic), counting only ``sources`` when given (a press user's outlets)."""
    monday = parse_week(week) if isinstance(week, str) else week_start(week)
    now = data.now()
    if monday > week_start(now.date()):
        raise InputError(f"week {week_key(monday)} has not started yet "
                         f"(today is {now.date():%d/%m/%Y})")
    names = {entry.key: entry.name for entry in config.topics}
    if topic is None:
        topic = config.topics[0].key if config.topics else None
    elif topic not in names:
        raise InputError(f"topic {topic!r} is not in topics.yaml "
                         f"(choose from {', '.join(names) or 'none'})")
    scope = tuple(sorted(set(sources))) if sources is not None else None
    outlet_names = {source.key: source.name for source in config.sources}
    first = monday - timedelta(weeks=trend_weeks - 1)
    # One more week than shown, so the first shown week also has a "previous".
    summaries = week_summaries(data, topic, first - timedelta(weeks=1), trend_weeks + 1,
                               sources)
    end = monday + timedelta(days=6)
    known = load_narratives(config.config_dir / "narratives.yaml")
    narratives = []
    for narrative_id, count in narrative_counts(data, topic, monday, end,
                                                sources)[:TOP_NARRATIVES]:
        entry = known.get(narrative_id)
        narratives.append(NarrativeRow(narrative_id, entry.claim if entry else "", count,
                                       entry.rebuttal_url if entry else None))
    return WeeklyReport(
        week=monday,
        topic=topic,
        topic_name=names.get(topic, "") if topic else "",
        scope=scope,
        scope_names=None if scope is None else tuple(outlet_names.get(key, key)
                                                     for key in scope),
        generated_at=now,
        summary=summaries[-1],
        previous=summaries[-2],
        trend=tuple(summaries[1:]),
        narratives=tuple(narratives),
        coverage=coverage(data, config.sources, topic, COVERAGE_WEEKS, sources,
                          end_week=monday),
        handled=tuple(handled_items(data, topic, monday, end, sources)),
    )
