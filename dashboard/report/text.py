"""What the report says, in words: the headline cards, the coverage table's cells and the
small formatting rules, shared by the PDF, the XLSX and the dashboard preview so the three
read the same. Plain functions over :class:`WeeklyReport` and :class:`Coverage`."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.data import Coverage, OutletWeeks, WeekSummary
from dashboard.figures import target_status
from dashboard.i18n import Translator
from dashboard.report.data import WeeklyReport


@dataclass(frozen=True)
class Headline:
    key: str  # total, originals, official_positive, against, index
    label: str
    value: str
    note: str
    change: str  # compared with the week before ("" when there is nothing to compare)


def title(report: WeeklyReport, t: Translator) -> str:
    year, week, _ = report.week.isocalendar()
    return t("report.doc_title", week=week, year=year)


def period(report: WeeklyReport, t: Translator) -> str:
    return t("report.period", start=t.day(report.week), end=t.day(report.end))


def scope_line(report: WeeklyReport, t: Translator) -> str:
    if report.scope_names is None:
        return t("report.scope_all")
    return t("report.scope_outlets", outlets=", ".join(report.scope_names) or "–")


def _change(now: int, before: int, t: Translator) -> str:
    diff = now - before
    if diff == 0:
        return t("report.change.same")
    sign = "+" if diff > 0 else "−"
    return t("report.change", value=f"{sign}{t.integer(abs(diff))}")


def _index_change(now: float | None, before: float | None, t: Translator) -> str:
    if now is None or before is None:
        return ""
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return t("report.change.same")
    sign = "+" if diff > 0 else "−"
    return t("report.change_points", value=f"{sign}{t.decimal(abs(diff))}")


def headlines(report: WeeklyReport, t: Translator) -> list[Headline]:
    now, before = report.summary, report.previous
    return [
        Headline("total", t("report.kpi.total"), t.integer(now.total),
                 t("report.kpi.total_note", unclassified=t.integer(now.unclassified)),
                 _change(now.total, before.total, t)),
        Headline("originals", t("report.kpi.originals"), t.integer(now.originals),
                 t("report.kpi.originals_note", copies=t.integer(now.copies)),
                 _change(now.originals, before.originals, t)),
        Headline("official_positive", t("report.kpi.official_positive"),
                 t.integer(now.official_positive),
                 t("report.kpi.official_positive_note", positive=t.integer(now.positive)),
                 _change(now.official_positive, before.official_positive, t)),
        Headline("against", t("report.kpi.against"), t.integer(now.against),
                 t("report.kpi.against_note", negative=t.integer(now.negative),
                   misinformation=t.integer(now.misinformation)),
                 _change(now.against, before.against, t)),
        Headline("index", t("report.kpi.index"), t.percent(now.index, 0),
                 t("report.kpi.index_note"), _index_change(now.index, before.index, t)),
    ]


def week_short(summary: WeekSummary, t: Translator) -> str:
    """``T12``: a chart's category label where ``Tuần 12 (16/03)`` does not fit."""
    return t("report.week_short", week=summary.week.isocalendar().week)


def hours(value: float, t: Translator) -> str:
    """A response time: hours under two days, else days and hours."""
    if value < 48:
        return t("report.hours", value=t.decimal(value))
    days, rest = divmod(round(value), 24)
    return t("report.days_hours", days=days, hours=rest)


# -- the coverage table ----------------------------------------------------------------------


def coverage_header(cov: Coverage, t: Translator) -> list[str]:
    weeks = [t.week_label(monday) for monday in cov.weeks]
    if cov.current_week_running:
        weeks[-1] = t("outlets.col.running", week=weeks[-1])
    return [t("outlets.col.outlet"), t("outlets.col.key"), t("outlets.col.official"),
            t("outlets.col.target"), *weeks, t("outlets.col.total"), t("outlets.col.status"),
            t("outlets.col.silent")]


def cell_status(cov: Coverage, row: OutletWeeks, index: int) -> str:
    """A week's cell against the target: met / under / zero / none, or running (this week,
    not over yet: no verdict)."""
    if index >= cov.complete:
        return "running"
    return target_status(row.counts[index], row.target)


def latest_status(cov: Coverage, row: OutletWeeks) -> str:
    """The verdict on the latest complete week ("running" when no week is over yet)."""
    latest = cov.latest_complete
    return "running" if latest is None else cell_status(cov, row, latest)


def coverage_cells(cov: Coverage, row: OutletWeeks, t: Translator) -> list[str | int | None]:
    """One table row as plain values (numbers stay numbers for the spreadsheet)."""
    return [
        row.name, row.source, t("outlets.yes") if row.official else t("outlets.no"),
        row.target, *row.counts, row.total, t(f"outlets.status.{latest_status(cov, row)}"),
        t("outlets.yes") if cov.is_silent(row) else "",
    ]
