"""Báo cáo tuần: pick an ISO week, read the report in the page, download it as PDF or XLSX.

The preview, the PDF and the XLSX are three renderings of one :class:`WeeklyReport`
(:mod:`dashboard.report`), the same object ``phuxanh report`` writes. Every download is
written to the audit log before the file is handed over. A press user's report counts only
their outlets. :func:`preview` and :func:`download` are plain functions the tests call.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import background
from dashboard.auth import current_user, require_role
from dashboard.context import Services, current, register_page
from dashboard.data import WeekCounts, record_export, visible_sources, week_start
from dashboard.figures import balance_figure, volume_figure
from dashboard.i18n import Translator
from dashboard.pages.coverage import coverage_view
from dashboard.report import text
from dashboard.report.data import (
    WeeklyReport,
    build_report,
    last_complete_week,
    parse_week,
    week_key,
)
from dashboard.report.pdf import render_pdf
from dashboard.report.xlsx import render_xlsx
from phuxanh.schema import VN_TZ
from phuxanh.users import ROLES, User

PATH = "/report"
WEEK_CHOICES = 12  # how many weeks back the picker offers

WEEK = "report-week"
TOPIC = "report-topic"
PREVIEW = "report-preview"
TITLE = "report-title"
KPIS = "report-kpis"
VOLUME_GRAPH = "report-volume-graph"
BALANCE_GRAPH = "report-balance-graph"
NARRATIVES = "report-narratives"
HANDLED = "report-handled"
PDF_BUTTON = "report-pdf"
XLSX_BUTTON = "report-xlsx"
PDF_DOWNLOAD = "report-pdf-download"
XLSX_DOWNLOAD = "report-xlsx-download"
NAV = "app-nav-report"
# Background jobs: the prefix of each one's progress indicator (dashboard/background.py).
PREVIEW_JOB = "report-preview-job"
PDF_JOB = "report-pdf-job"
XLSX_JOB = "report-xlsx-job"
PREVIEW_STEPS = 2  # data, layout
DOWNLOAD_STEPS = 3  # data, audit log, file

MEDIA = {"pdf": "application/pdf",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtons": [["toImage"]]}


def load(user: User | None, week: str | None, topic: str | None,
         services: Services) -> WeeklyReport:
    monday = parse_week(week) if week else last_complete_week(services.data.today())
    return build_report(services.data, services.config, monday, topic or None,
                        visible_sources(user))


# -- preview ---------------------------------------------------------------------------------


def _kpis(report: WeeklyReport, t: Translator) -> html.Div:
    accents = {"total": "total", "originals": "total", "official_positive": "positive",
               "against": "negative", "index": "coverage"}
    return html.Div(id=KPIS, className="kpis", children=[
        html.Div(className=f"kpi kpi-{accents[h.key]}", **{"data-kpi": h.key}, children=[
            html.Div(h.label, className="kpi-label"),
            html.Div(h.value, className="kpi-value"),
            html.Div(h.note, className="kpi-note"),
            html.Div(h.change, className="kpi-note"),
        ]) for h in text.headlines(report, t)
    ])


def _link(label: str, url: str | None) -> Any:
    if url and url.startswith(("http://", "https://")):
        return html.A(label, href=url, target="_blank", rel="noopener noreferrer")
    return label


def _narratives(report: WeeklyReport, t: Translator) -> Any:
    if not report.narratives:
        return html.P(t("report.narratives.none"), id=NARRATIVES, className="muted")
    keys = ("rank", "claim", "count", "rebuttal")
    rows = [html.Tr([
        html.Td(str(rank)),
        html.Td(row.claim or (row.narrative_id or t("report.narratives.unmatched"))),
        html.Td(t.integer(row.count), className="num"),
        html.Td(_link(t("report.link"), row.rebuttal_url) if row.rebuttal_url
                else t("report.narratives.no_rebuttal")),
    ]) for rank, row in enumerate(report.narratives, 1)]
    return html.Table(id=NARRATIVES, className="sources-table", children=[
        html.Thead(html.Tr([html.Th(t(f"report.narratives.col.{key}")) for key in keys])),
        html.Tbody(rows),
    ])


def _handled(report: WeeklyReport, t: Translator) -> Any:
    if not report.handled:
        return html.P(t("report.handled.none"), id=HANDLED, className="muted")
    keys = ("item", "outlet", "handled_at", "time", "response")
    rows = [html.Tr([
        html.Td(dcc.Link(entry.title or entry.url, href=f"/item?id={entry.item_id}")),
        html.Td(entry.outlet),
        html.Td(entry.handled_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")),
        html.Td(text.hours(entry.response_hours, t)),
        html.Td(_link(t("report.link"), entry.response_url) if entry.response_url else "–"),
    ]) for entry in report.handled]
    return html.Table(id=HANDLED, className="sources-table", children=[
        html.Thead(html.Tr([html.Th(t(f"report.handled.col.{key}")) for key in keys])),
        html.Tbody(rows),
    ])


def render(report: WeeklyReport, t: Translator) -> list[Any]:
    weeks = [WeekCounts(week.week, week.positive, week.neutral, week.negative,
                        week.unclassified, week.official_positive) for week in report.trend]
    labels = [t.week_label(week.week) for week in report.trend]
    head: list[Any] = [
        html.H2(text.title(report, t), id=TITLE),
        html.P(" · ".join(part for part in (report.topic_name, text.period(report, t)) if part)),
        html.P(text.scope_line(report, t), className="muted small"),
    ]
    if report.partial:
        head.append(html.P(t("report.partial"), className="notice"))
    card = "card report-section"
    return [
        html.Section(className="report-head", children=head),
        _kpis(report, t),
        html.P(t("report.kpi.explain"), className="muted small"),
        html.Section(className=card, children=[
            html.H2(t("report.section.volume")),
            dcc.Graph(id=VOLUME_GRAPH, figure=volume_figure(weeks, t), config=_GRAPH_CONFIG),
        ]),
        html.Section(className=card, children=[
            html.H2(t("report.section.balance")),
            dcc.Graph(id=BALANCE_GRAPH, config=_GRAPH_CONFIG, figure=balance_figure(
                labels, [w.official_positive for w in report.trend],
                [w.against for w in report.trend], t)),
        ]),
        html.Section(className=card, children=[
            html.H2(t("report.section.narratives")), _narratives(report, t)]),
        html.Section(className=card, children=[
            html.H2(t("report.section.coverage")),
            html.Div(coverage_view(report.coverage, t, prefix="report-coverage"),
                     className="report-coverage"),
        ]),
        html.Section(className=card, children=[
            html.H2(t("report.section.handled")), _handled(report, t)]),
    ]


def _steps(progress: background.Progress | None, steps: int,
           t: Translator) -> background.Progress:
    """``progress`` with labelled steps (a no-op when run outside a background job)."""
    def step(number: int, key: str) -> None:
        if progress is not None:
            progress(number, background.step_label(t, number, steps, key))
    return step


def preview(user: User | None, week: str | None, topic: str | None,
            services: Services, progress: background.Progress | None = None) -> list[Any]:
    step = _steps(progress, PREVIEW_STEPS, services.t)
    step(1, "job.step.data")
    report = load(user, week, topic, services)
    step(2, "job.step.render")
    return render(report, services.t)


def download(kind: str, user: User | None, week: str | None, topic: str | None,
             services: Services, progress: background.Progress | None = None
             ) -> dict[str, Any]:
    """The report file (``dcc.Download`` data); the export is audited before it is built."""
    if kind not in MEDIA:
        raise ValueError(f"unknown report format {kind!r}")
    step = _steps(progress, DOWNLOAD_STEPS, services.t)
    step(1, "job.step.data")
    report = load(user, week, topic, services)
    assert user is not None  # load() refused anonymous callers
    filename = f"{report.filename_stem}.{kind}"
    step(2, "job.step.audit")
    record_export(services.data, user.username, filename, {
        "page": "report", "format": kind, "week": report.key, "topic": report.topic,
        "outlets": list(report.scope) if report.scope is not None else None,
    })
    step(3, "job.step.file")
    content = (render_pdf(report, services.t) if kind == "pdf"
               else render_xlsx(report, services.t))
    return dcc.send_bytes(content, filename, type=MEDIA[kind])


# -- page ------------------------------------------------------------------------------------


def week_options(services: Services) -> tuple[list[dict[str, str]], str]:
    """The last :data:`WEEK_CHOICES` weeks, newest first (this week marked as running), and the
    default: the last complete week."""
    t = services.t
    this_monday = week_start(services.data.today())
    options = []
    for back in range(WEEK_CHOICES):
        monday = this_monday - timedelta(weeks=back)
        label = t("report.week_option", week_key=week_key(monday), start=t.day(monday),
                  end=t.day(monday + timedelta(days=6)))
        if back == 0:
            label = t("report.week_option_running", label=label)
        options.append({"label": label, "value": week_key(monday)})
    return options, week_key(this_monday - timedelta(weeks=1))


def layout(**_query: Any) -> html.Div:
    services = current()
    t = services.t
    weeks, default = week_options(services)
    topics = [{"label": name, "value": key} for key, name in services.topics] or [
        {"label": t("overview.all_topics"), "value": ""}]
    return html.Div(className="page report-page", children=[
        html.Div(className="page-head", children=[
            html.Div([html.H1(t("report.heading")),
                      html.P(t("report.subtitle"), className="muted")]),
            html.Div(className="page-controls", children=[
                html.Div(className="control", children=[
                    html.Label(t("report.week"), htmlFor=WEEK, className="control-label"),
                    dcc.Dropdown(id=WEEK, options=weeks, value=default, clearable=False,
                                 searchable=False),
                ]),
                html.Div(className="control", children=[
                    html.Label(t("overview.topic"), htmlFor=TOPIC, className="control-label"),
                    dcc.Dropdown(id=TOPIC, options=topics, value=services.default_topic or "",
                                 clearable=False, searchable=False),
                ]),
            ]),
        ]),
        html.Div(className="export-buttons", children=[
            html.Button(t("report.download_pdf"), id=PDF_BUTTON, className="button primary"),
            html.Button(t("report.download_xlsx"), id=XLSX_BUTTON, className="button"),
            dcc.Download(id=PDF_DOWNLOAD),
            dcc.Download(id=XLSX_DOWNLOAD),
            *background.indicator(PDF_JOB, DOWNLOAD_STEPS),
            *background.indicator(XLSX_JOB, DOWNLOAD_STEPS),
        ]),
        html.Div(background.indicator(PREVIEW_JOB, PREVIEW_STEPS), className="job-status"),
        dcc.Loading(html.Div(id=PREVIEW, className="report-preview"), type="circle",
                    color="#2e7d32", delay_show=300),
    ])


# The callbacks run as background jobs (dashboard/background.py) for the user whose request
# started them; called directly (tests), they read the request's user the same way.


@require_role(*ROLES)
def on_change(week: str | None, topic: str | None,
              progress: background.Progress | None = None) -> list[Any]:
    return preview(current_user(), week, topic, current(), progress)


@require_role(*ROLES)
def on_pdf(_clicks: Any, week: str | None, topic: str | None,
           progress: background.Progress | None = None) -> dict[str, Any]:
    return download("pdf", current_user(), week, topic, current(), progress)


@require_role(*ROLES)
def on_xlsx(_clicks: Any, week: str | None, topic: str | None,
            progress: background.Progress | None = None) -> dict[str, Any]:
    return download("xlsx", current_user(), week, topic, current(), progress)


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=6, title_key="report.title",
                  description_key="report.subtitle", layout=layout)
    t = app.server.extensions["phuxanh"].t  # installed before the pages register
    working = t("job.running.report")
    app.callback(Output(PREVIEW, "children"), Input(WEEK, "value"), Input(TOPIC, "value"),
                 **background.options(PREVIEW_JOB, (PDF_BUTTON, XLSX_BUTTON), working),
                 )(background.with_progress(on_change))
    app.callback(Output(PDF_DOWNLOAD, "data"), Input(PDF_BUTTON, "n_clicks"),
                 State(WEEK, "value"), State(TOPIC, "value"), prevent_initial_call=True,
                 **background.options(PDF_JOB, (PDF_BUTTON,), working),
                 )(background.with_progress(on_pdf))
    app.callback(Output(XLSX_DOWNLOAD, "data"), Input(XLSX_BUTTON, "n_clicks"),
                 State(WEEK, "value"), State(TOPIC, "value"), prevent_initial_call=True,
                 **background.options(XLSX_JOB, (XLSX_BUTTON,), working),
                 )(background.with_progress(on_xlsx))
