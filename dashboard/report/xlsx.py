"""The weekly report as an Excel workbook (openpyxl), one sheet per section, numbers as
numbers and dates as dates so a unit can sort, filter and chart them itself."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.data import Coverage
from dashboard.i18n import Translator
from dashboard.report import text
from dashboard.report.data import WeeklyReport, week_key
from phuxanh.schema import VN_TZ

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="ECEFF1")
_STATUS_FILL = {
    "met": PatternFill("solid", fgColor="E8F5E9"),
    "under": PatternFill("solid", fgColor="FFF3E0"),
    "zero": PatternFill("solid", fgColor="FFEBEE"),
    "running": PatternFill("solid", fgColor="F5F5F5"),
}
# Excel refuses these in a sheet name.
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _plain(value: Any) -> Any:
    """Excel has no time zones: local Vietnam time, without the zone."""
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).replace(tzinfo=None)
    return value


def write_table(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]],
                start_row: int = 1) -> None:
    """A header row (bold, shaded, frozen) and the rows; sensible column widths."""
    for column, label in enumerate(header, 1):
        cell = sheet.cell(row=start_row, column=column, value=label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start_row + 1):
        for column, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=column, value=_plain(value))
            if isinstance(value, str) and value.startswith("="):
                # Crawled titles are not ours: text, never a formula Excel would run.
                cell.data_type = "s"
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)
    for column, label in enumerate(header, 1):
        longest = max([len(str(label)), *(len(str(row[column - 1])) for row in rows
                                          if column - 1 < len(row))], default=8)
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(8, longest + 2))


def _sheet(book: Workbook, title: str) -> Worksheet:
    sheet = book.create_sheet(title.translate(_BAD_SHEET_CHARS)[:31])
    return sheet


def _summary(book: Workbook, report: WeeklyReport, t: Translator) -> None:
    sheet = _sheet(book, t("report.sheet.summary"))
    sheet["A1"] = text.title(report, t)
    sheet["A1"].font = Font(bold=True, size=14)
    meta = [
        (t("report.meta.week"), report.key),
        (t("report.meta.from"), report.week),
        (t("report.meta.to"), report.end),
        (t("report.meta.topic"), report.topic_name or "–"),
        (t("report.meta.scope"), text.scope_line(report, t)),
        (t("report.meta.generated"), report.generated_at),
    ]
    for r, (label, value) in enumerate(meta, 2):
        sheet.cell(row=r, column=1, value=label).font = _HEADER_FONT
        cell = sheet.cell(row=r, column=2, value=_plain(value))
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
    now, before = report.summary, report.previous
    fields = [("total", "total"), ("originals", "originals"), ("copies", "copies"),
              ("positive", "positive"), ("official_positive", "official_positive"),
              ("negative", "negative"), ("misinformation", "misinformation"),
              ("against", "against")]
    rows: list[list[Any]] = [
        [t(f"report.metric.{label}"), getattr(now, field), getattr(before, field)]
        for label, field in fields
    ]
    rows.append([t("report.metric.index"), now.index, before.index])
    header = [t("report.col.metric"), t("report.col.this_week", week_key=report.key),
              t("report.col.previous_week", week_key=week_key(before.week))]
    start = len(meta) + 3
    write_table(sheet, header, rows, start_row=start)
    for r in (start + len(rows),):  # the index row: a percentage
        for column in (2, 3):
            sheet.cell(row=r, column=column).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 24


def _trend(book: Workbook, report: WeeklyReport, t: Translator) -> None:
    sheet = _sheet(book, t("report.sheet.trend"))
    fields = ("total", "originals", "copies", "positive", "neutral", "negative", "unclassified",
              "official_positive", "misinformation", "against")
    header = [t("report.col.week"), t("report.col.monday"),
              *(t(f"report.metric.{field}") for field in fields), t("report.metric.index")]
    rows = [[week_key(week.week), week.week, *(getattr(week, field) for field in fields),
             week.index] for week in report.trend]
    write_table(sheet, header, rows)
    index_column = len(header)
    for r in range(2, len(rows) + 2):
        sheet.cell(row=r, column=index_column).number_format = "0.0%"


def _narratives(book: Workbook, report: WeeklyReport, t: Translator) -> None:
    sheet = _sheet(book, t("report.sheet.narratives"))
    header = [t(f"report.narratives.col.{key}") for key in ("rank", "id", "claim", "count",
                                                             "rebuttal")]
    rows = [[rank, row.narrative_id or t("report.narratives.unmatched"), row.claim, row.count,
             row.rebuttal_url or ""] for rank, row in enumerate(report.narratives, 1)]
    write_table(sheet, header, rows)


def write_coverage(sheet: Worksheet, cov: Coverage, t: Translator) -> None:
    """The coverage table with each week's cell shaded by how it stands against the target."""
    rows = [text.coverage_cells(cov, row, t) for row in cov.rows]
    write_table(sheet, text.coverage_header(cov, t), rows)
    for r, row in enumerate(cov.rows, 2):
        for w in range(len(cov.weeks)):
            fill = _STATUS_FILL.get(text.cell_status(cov, row, w))
            if fill is not None:
                sheet.cell(row=r, column=5 + w).fill = fill


def _coverage(book: Workbook, report: WeeklyReport, t: Translator) -> None:
    write_coverage(_sheet(book, t("report.sheet.coverage")), report.coverage, t)


def _handled(book: Workbook, report: WeeklyReport, t: Translator) -> None:
    sheet = _sheet(book, t("report.sheet.handled"))
    header = [t(f"report.handled.col.{key}") for key in ("item", "url", "outlet", "first_seen",
                                                         "handled_at", "hours", "response")]
    rows = [[entry.title, entry.url, entry.outlet, entry.first_seen, entry.handled_at,
             round(entry.response_hours, 1), entry.response_url or ""]
            for entry in report.handled]
    write_table(sheet, header, rows)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_xlsx(report: WeeklyReport, t: Translator) -> bytes:
    """The report as .xlsx bytes: summary, trend, narratives, coverage, handled items."""
    book = Workbook()
    book.remove(book.active)
    for section in (_summary, _trend, _narratives, _coverage, _handled):
        section(book, report, t)
    book.properties.title = text.title(report, t)
    book.properties.creator = "phuxanh"
    return _save(book)


def coverage_xlsx(cov: Coverage, t: Translator) -> bytes:
    """Just the coverage table (the "Đưa tin" page's export)."""
    book = Workbook()
    book.remove(book.active)
    write_coverage(_sheet(book, t("report.sheet.coverage")), cov, t)
    book.properties.creator = "phuxanh"
    return _save(book)
