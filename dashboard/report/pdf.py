"""The weekly report as an A4 PDF, drawn from the data with ReportLab (pure Python).

Text is set in DejaVu Sans, embedded (subset) in the file: it covers every Vietnamese letter,
and a reader's machine may have no Vietnamese font at all. The font ships with the code
(``dashboard/assets/fonts``, Bitstream Vera licence); Debian's copy is the fallback. Charts are
ReportLab vector drawings, so they print sharp and their numbers stay selectable text.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.data import SENTIMENTS
from dashboard.figures import SENTIMENT_COLORS
from dashboard.i18n import Translator
from dashboard.report import text
from dashboard.report.data import WeeklyReport
from phuxanh.errors import ConfigError
from phuxanh.schema import VN_TZ

FONT_DIRS = (
    Path(__file__).resolve().parent.parent / "assets" / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
)
FONT = "PhuxanhSans"
FONT_BOLD = "PhuxanhSans-Bold"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
_fonts_lock = threading.Lock()

INK = colors.HexColor("#263238")
MUTED = colors.HexColor("#607d8b")
LINE = colors.HexColor("#cfd8dc")
HEAD_BG = colors.HexColor("#eceff1")
# Pale cell backgrounds for the coverage table (the strong colours are for chart marks).
CELL_BG = {
    "met": colors.HexColor("#e8f5e9"),
    "under": colors.HexColor("#fff3e0"),
    "zero": colors.HexColor("#ffebee"),
    "none": None,
    "running": colors.HexColor("#f5f5f5"),
}
PAGE_W, PAGE_H = A4
# A brief, not a register: past this many handled items the PDF says how many more there are
# (the XLSX lists them all).
HANDLED_IN_PDF = 40
MARGIN = 16 * mm
FRAME_W = PAGE_W - 2 * MARGIN


def _font_path(name: str) -> Path:
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            return path
    raise ConfigError(f"{FONT_DIRS[0] / name}: font file missing; the PDF report needs DejaVu "
                      f"Sans (reinstall phuxanh, or apt-get install fonts-dejavu-core)")


def register_fonts() -> None:
    """Register the embedded fonts once per process (ReportLab keeps a global registry)."""
    with _fonts_lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FONT_FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(_font_path(filename))))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                      boldItalic=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK,
                          alignment=TA_LEFT)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18,
                                leading=22, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10.5, leading=14,
                                   textColor=MUTED),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=16,
                             spaceBefore=10, spaceAfter=5),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_num": ParagraphStyle("cell_num", parent=base, fontSize=8.5, leading=10.5,
                                   alignment=TA_RIGHT),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                                    leading=10.5),
        "kpi_label": ParagraphStyle("kpi_label", parent=base, fontSize=8, leading=10,
                                    textColor=MUTED),
        "kpi_value": ParagraphStyle("kpi_value", parent=base, fontName=FONT_BOLD, fontSize=17,
                                    leading=21),
        "kpi_note": ParagraphStyle("kpi_note", parent=base, fontSize=7.5, leading=9.5,
                                   textColor=MUTED),
    }


def _p(value: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(value)), style)


def _link(label: str, url: str | None, style: ParagraphStyle) -> Paragraph:
    if not url or not url.startswith(("http://", "https://")):
        return _p(label, style)
    return Paragraph(f'<link href={quoteattr(url)} color="#1b5e20">{escape(label)}</link>',
                     style)


def _table(rows: list[list[Any]], widths: Sequence[float], extra: Sequence[tuple[Any, ...]] = (),
           ) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]))
    return table


# -- sections --------------------------------------------------------------------------------


def _headline_table(report: WeeklyReport, t: Translator, s: dict[str, ParagraphStyle]) -> Table:
    cards = []
    for headline in text.headlines(report, t):
        cards.append([
            _p(headline.label, s["kpi_label"]),
            _p(headline.value, s["kpi_value"]),
            _p(headline.note, s["kpi_note"]),
            _p(headline.change, s["kpi_note"]),
        ])
    width = FRAME_W / len(cards)
    table = Table([cards], colWidths=[width] * len(cards), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, LINE),
        ("INNERGRID", (0, 0), (-1, -1), 0.6, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _legend(pairs: list[tuple[Any, str]], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = FONT, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    # One column per entry, each as wide as its own name (names differ a lot in length).
    legend.deltax = max(pdfmetrics.stringWidth(name, FONT, 7.5) for _c, name in pairs) + 22
    legend.dx, legend.dy = 7, 7
    legend.colorNamePairs = pairs
    legend.boxAnchor = "nw"
    return legend


def _axis_fonts(chart: Any) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7.5
        axis.strokeColor = LINE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#eceff1")
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "%d"


def _value_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 6:
            return step
    return max(1, peak // 6)


def volume_chart(report: WeeklyReport, t: Translator) -> Drawing:
    """Stacked weekly bars by sentiment, the report's week last."""
    height = 62 * mm
    drawing = Drawing(FRAME_W, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 22
    chart.width, chart.height = FRAME_W - 40, height - 50
    chart.data = [[week.count(sentiment) for week in report.trend] for sentiment in SENTIMENTS]
    chart.categoryAxis.categoryNames = [text.week_short(week, t) for week in report.trend]
    chart.categoryAxis.style = "stacked"
    chart.barSpacing = 0
    chart.groupSpacing = 8
    for index, sentiment in enumerate(SENTIMENTS):
        chart.bars[index].fillColor = colors.HexColor(SENTIMENT_COLORS[sentiment])
        chart.bars[index].strokeColor = None
    _axis_fonts(chart)
    peak = max((week.total for week in report.trend), default=0)
    chart.valueAxis.valueMax = max(1, peak)
    chart.valueAxis.valueStep = _value_step(peak)
    drawing.add(chart)
    drawing.add(_legend([(colors.HexColor(SENTIMENT_COLORS[key]), t(f"sentiment.{key}"))
                         for key in SENTIMENTS], 28, height - 2))
    return drawing


def balance_chart(report: WeeklyReport, t: Translator) -> Drawing:
    """Two lines: official positive items, and negative plus suspected-misinformation items."""
    height = 55 * mm
    drawing = Drawing(FRAME_W, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 28, 22
    chart.width, chart.height = FRAME_W - 40, height - 50
    series = {
        "official_positive": [week.official_positive for week in report.trend],
        "against": [week.against for week in report.trend],
    }
    chart.data = list(series.values())
    chart.categoryAxis.categoryNames = [text.week_short(week, t) for week in report.trend]
    palette = [colors.HexColor(SENTIMENT_COLORS["positive"]),
               colors.HexColor(SENTIMENT_COLORS["negative"])]
    for index, color in enumerate(palette):
        chart.lines[index].strokeColor = color
        chart.lines[index].strokeWidth = 2
        chart.lines[index].symbol = makeMarker("FilledCircle", size=4, fillColor=color,
                                               strokeColor=color)
    _axis_fonts(chart)
    peak = max((max(values, default=0) for values in series.values()), default=0)
    chart.valueAxis.valueMax = max(1, peak)
    chart.valueAxis.valueStep = _value_step(peak)
    drawing.add(chart)
    drawing.add(_legend([(palette[0], t("report.series.official_positive")),
                         (palette[1], t("report.series.against"))], 28, height - 2))
    return drawing


def _narratives(report: WeeklyReport, t: Translator, s: dict[str, ParagraphStyle]) -> list[Any]:
    if not report.narratives:
        return [_p(t("report.narratives.none"), s["base"])]
    rows: list[list[Any]] = [[_p(t(f"report.narratives.col.{key}"), s["cell_bold"])
                              for key in ("rank", "claim", "count", "rebuttal")]]
    for rank, row in enumerate(report.narratives, 1):
        claim = row.claim or (t("report.narratives.unmatched") if not row.narrative_id
                              else row.narrative_id)
        rows.append([
            _p(str(rank), s["cell"]), _p(claim, s["cell"]),
            _p(t.integer(row.count), s["cell_num"]),
            _link(t("report.link"), row.rebuttal_url, s["cell"]) if row.rebuttal_url
            else _p(t("report.narratives.no_rebuttal"), s["small"]),
        ])
    return [_table(rows, [10 * mm, FRAME_W - 58 * mm, 18 * mm, 30 * mm])]


def _coverage(report: WeeklyReport, t: Translator, s: dict[str, ParagraphStyle]) -> list[Any]:
    cov = report.coverage
    if not cov.rows:
        return [_p(t("outlets.empty"), s["base"])]
    header = text.coverage_header(cov, t)
    # The key column is for spreadsheets; on paper the outlet's name is enough. Weeks are
    # "T12 · 16/03" here: the screen's "Tuần 12 (16/03)" does not fit six to a line.
    keep = [0, 2, 3, *range(4, 4 + len(cov.weeks)), 4 + len(cov.weeks) + 1]
    for w, monday in enumerate(cov.weeks):
        label = t("report.week_short", week=monday.isocalendar().week) + f" · {monday:%d/%m}"
        header[4 + w] = label + ("*" if w >= cov.complete else "")
    rows: list[list[Any]] = [[_p(header[i], s["cell_bold"]) for i in keep]]
    extra: list[tuple[Any, ...]] = []
    for r, row in enumerate(cov.rows, 1):
        cells = text.coverage_cells(cov, row, t)
        rows.append([_p("–" if cells[i] is None else cells[i],
                        s["cell_num"] if isinstance(cells[i], int) else s["cell"])
                     for i in keep])
        for w in range(len(cov.weeks)):
            background = CELL_BG[text.cell_status(cov, row, w)]
            if background is not None:
                extra.append(("BACKGROUND", (3 + w, r), (3 + w, r), background))
    weeks = len(cov.weeks)
    week_w = 19 * mm
    name_w = FRAME_W - (19 + 19 + 27) * mm - weeks * week_w
    widths = [name_w, 19 * mm, 19 * mm, *([week_w] * weeks), 27 * mm]
    parts: list[Any] = [_table(rows, widths, extra)]
    silent = cov.silent
    note = (t("report.coverage.silent", outlets=", ".join(row.name for row in silent))
            if silent else t("report.coverage.no_silent"))
    parts += [Spacer(1, 3), _p(note, s["base"]), _p(t("report.coverage.legend"), s["small"])]
    if cov.current_week_running:
        parts.append(_p(t("report.coverage.running"), s["small"]))
    return parts


def _handled(report: WeeklyReport, t: Translator, s: dict[str, ParagraphStyle]) -> list[Any]:
    if not report.handled:
        return [_p(t("report.handled.none"), s["base"])]
    rows: list[list[Any]] = [[_p(t(f"report.handled.col.{key}"), s["cell_bold"])
                              for key in ("item", "outlet", "handled_at", "time", "response")]]
    for entry in report.handled[:HANDLED_IN_PDF]:
        rows.append([
            _link(entry.title or entry.url, entry.url, s["cell"]),
            _p(entry.outlet, s["cell"]),
            _p(entry.handled_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M"), s["cell"]),
            _p(text.hours(entry.response_hours, t), s["cell"]),
            _link(t("report.link"), entry.response_url, s["cell"]) if entry.response_url
            else _p("–", s["cell"]),
        ])
    parts: list[Any] = [_table(rows, [FRAME_W - 104 * mm, 32 * mm, 27 * mm, 23 * mm, 22 * mm])]
    if len(report.handled) > HANDLED_IN_PDF:
        parts.append(_p(t("report.handled.more", count=len(report.handled) - HANDLED_IN_PDF,
                          total=len(report.handled)), s["small"]))
    return parts


def render_pdf(report: WeeklyReport, t: Translator) -> bytes:
    """The report as PDF bytes."""
    register_fonts()
    s = _styles()
    buffer = io.BytesIO()
    doc_title = text.title(report, t)
    footer = t("report.footer", week_key=report.key,
               generated=report.generated_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M"))

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 9 * mm, footer)
        canvas.drawRightString(PAGE_W - MARGIN, 9 * mm, t("report.page", page=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm, title=doc_title, author="phuxanh",
        subject=report.topic_name, creator="phuxanh", lang=t.lang,
    )
    story: list[Any] = [
        _p(doc_title, s["title"]),
        _p(" · ".join(part for part in (report.topic_name, text.period(report, t)) if part),
           s["subtitle"]),
        _p(text.scope_line(report, t), s["small"]),
    ]
    if report.partial:
        story.append(_p(t("report.partial"), s["small"]))
    story += [
        Spacer(1, 8),
        _headline_table(report, t, s),
        Spacer(1, 2),
        _p(t("report.kpi.explain"), s["small"]),
        KeepTogether([_p(t("report.section.volume"), s["h2"]), volume_chart(report, t)]),
        KeepTogether([_p(t("report.section.balance"), s["h2"]), balance_chart(report, t)]),
        KeepTogether([_p(t("report.section.narratives"), s["h2"]),
                      *_narratives(report, t, s)]),
        KeepTogether([_p(t("report.section.coverage"), s["h2"]), *_coverage(report, t, s)]),
        _p(t("report.section.handled"), s["h2"]),
        *_handled(report, t, s),
    ]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
