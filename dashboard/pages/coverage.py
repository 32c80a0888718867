"""Đưa tin: each outlet's items on a topic per week against the target it was given, which
outlets fell silent, and an export of the table.

Press users see only their own outlets: the restriction is applied where the store is read
(:func:`dashboard.data.visible_sources` feeds the query's source filter), so no callback can
widen it. :func:`coverage_view` and :func:`export` are plain functions the tests call.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import background
from dashboard.auth import current_user, require_role
from dashboard.context import Services, current, register_page
from dashboard.data import Coverage, coverage, record_export, visible_sources
from dashboard.figures import outlet_target_figure
from dashboard.i18n import Translator
from dashboard.report import text
from dashboard.report.xlsx import coverage_xlsx
from phuxanh.users import ROLES, User

PATH = "/coverage"
WEEK_CHOICES = (4, 8, 12)
DEFAULT_WEEKS = 8

# Component ids (this page's own; prefixed so they cannot clash with other pages).
TOPIC = "coverage-topic"
WEEKS = "coverage-weeks"
PERIOD = "coverage-period"
CONTENT = "coverage-content"
TABLE = "coverage-table"
GRAPH = "coverage-graph"
SILENT = "coverage-silent"
EMPTY = "coverage-empty"
SCOPE = "coverage-scope"
EXPORT_CSV = "coverage-export-csv"
EXPORT_XLSX = "coverage-export-xlsx"
DOWNLOAD_CSV = "coverage-download-csv"
DOWNLOAD_XLSX = "coverage-download-xlsx"
NAV = "app-nav-coverage"
CSV_JOB = "coverage-csv-job"  # background jobs: their progress indicators' id prefixes
XLSX_JOB = "coverage-xlsx-job"
EXPORT_STEPS = 3  # data, audit log, file

_GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"filename": "phuxanh-dua-tin", "scale": 2},
}


def load(user: User | None, topic: str | None, weeks: int | str | None,
         services: Services) -> Coverage:
    """The coverage ``user`` may see (a press user: their outlets only)."""
    count = int(weeks) if weeks and int(weeks) in WEEK_CHOICES else DEFAULT_WEEKS
    return coverage(services.data, services.config.sources, topic or None, count,
                    visible_sources(user))


# -- view ------------------------------------------------------------------------------------


def _cell(cov: Coverage, row: Any, index: int, t: Translator) -> html.Td:
    status = text.cell_status(cov, row, index)
    return html.Td(t.integer(row.counts[index]), className=f"num cov-{status}",
                   title=t(f"outlets.status.{status}"))


def _table(cov: Coverage, t: Translator, table_id: str) -> html.Table:
    header = text.coverage_header(cov, t)
    weeks = len(cov.weeks)
    shown = [header[0], header[3], *header[4:4 + weeks], header[4 + weeks], header[5 + weeks]]
    body = []
    for row in cov.rows:
        name: list[Any] = [html.Strong(row.name), html.Br(),
                           html.Span(row.source, className="muted small")]
        if row.official:
            name += [" ", html.Span(t("outlets.official_badge"), className="badge")]
        status = text.latest_status(cov, row)
        silent = cov.is_silent(row)
        body.append(html.Tr(
            [html.Td(name),
             html.Td("–" if row.target is None else t.integer(row.target), className="num"),
             *(_cell(cov, row, index, t) for index in range(weeks)),
             html.Td(t.integer(row.total), className="num"),
             html.Td(t("outlets.silent_badge") if silent else t(f"outlets.status.{status}"),
                     className=f"cov-{'zero' if silent else status}")],
            className="problem" if silent else None, **{"data-source": row.source},
        ))
    return html.Table(id=table_id, className="sources-table coverage-table", children=[
        html.Thead(html.Tr([html.Th(label) for label in shown])),
        html.Tbody(body),
    ])


def _figure(cov: Coverage, t: Translator) -> Any:
    index = cov.latest_complete if cov.latest_complete is not None else len(cov.weeks) - 1
    rows = list(cov.rows)
    return outlet_target_figure([row.name for row in rows], [row.counts[index] for row in rows],
                                [row.target for row in rows], t.week_label(cov.weeks[index]), t)


def coverage_view(cov: Coverage, t: Translator, store_empty: bool = False,
                  prefix: str = "coverage") -> list[Any]:
    """The silent-outlets line, the chart and the table. ``prefix`` starts every id, so the
    weekly report can show the same view without sharing this page's ids."""
    children: list[Any] = []
    if cov.restricted:
        children.append(html.P(t("outlets.scope_press", count=len(cov.rows)), id=f"{prefix}-scope",
                               className="muted"))
    if not cov.rows:
        key = "outlets.empty_press" if cov.restricted else "outlets.empty"
        children.append(html.Div(t(key), id=f"{prefix}-empty", className="notice"))
        return children
    if store_empty:
        children.append(html.Div(t("outlets.store_empty"), id=f"{prefix}-empty",
                                 className="notice"))
    silent = cov.silent
    if silent:
        children.append(html.Div(
            t("outlets.silent", count=len(silent), weeks=cov.silent_weeks,
              outlets=", ".join(row.name for row in silent)),
            id=f"{prefix}-silent", className="notice notice-warning", role="status"))
    else:
        children.append(html.P(t("outlets.no_silent"), id=f"{prefix}-silent", className="muted"))
    index = cov.latest_complete if cov.latest_complete is not None else len(cov.weeks) - 1
    children += [
        html.Section(className="card", children=[
            html.H2(t("outlets.figure.title", week=t.week_label(cov.weeks[index]))),
            dcc.Graph(id=f"{prefix}-graph", figure=_figure(cov, t), config=_GRAPH_CONFIG),
        ]),
        html.Section(className="card", style={"overflowX": "auto"}, children=[
            html.H2(t("outlets.table.title")),
            _table(cov, t, f"{prefix}-table"),
            html.P(t("report.coverage.legend"), className="muted small"),
        ]),
    ]
    return children


def update(user: User | None, topic: str | None, weeks: int | str | None,
           services: Services) -> tuple[list[Any], str]:
    cov = load(user, topic, weeks, services)
    t = services.t
    period = " · ".join([
        t("overview.period", weeks=len(cov.weeks), start=t.day(cov.weeks[0]),
          end=t.day(cov.weeks[-1] + timedelta(days=6))),
        t("overview.updated", time=cov.as_of.strftime("%H:%M %d/%m/%Y")),
    ])
    return coverage_view(cov, t, services.data.store_empty()), period


# -- export ----------------------------------------------------------------------------------


def _csv_value(value: object) -> object:
    """A cell Excel will not read as a formula (a name starting with = + - @ stays text)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_csv(cov: Coverage, t: Translator) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark so Excel reads the Vietnamese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(text.coverage_header(cov, t))
    for row in cov.rows:
        writer.writerow([_csv_value(value) for value in text.coverage_cells(cov, row, t)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export(kind: str, user: User | None, topic: str | None, weeks: int | str | None,
           services: Services, progress: background.Progress | None = None
           ) -> dict[str, Any]:
    """The table as a download (``dcc.Download`` data), written to the audit log first."""
    if kind not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {kind!r}")
    t = services.t

    def step(number: int, key: str) -> None:
        if progress is not None:
            progress(number, background.step_label(t, number, EXPORT_STEPS, key))

    step(1, "job.step.data")
    cov = load(user, topic, weeks, services)
    filename = f"phuxanh-dua-tin-{cov.topic or 'tat-ca'}-{cov.weeks[-1]:%Y%m%d}.{kind}"
    assert user is not None  # load() refused anonymous callers
    step(2, "job.step.audit")
    record_export(services.data, user.username, filename, {
        "page": "coverage", "format": kind, "topic": cov.topic, "weeks": len(cov.weeks),
        "outlets": [row.source for row in cov.rows],
        "restricted": cov.restricted,
    })
    step(3, "job.step.file")
    content = table_csv(cov, t) if kind == "csv" else coverage_xlsx(cov, t)
    return dcc.send_bytes(content, filename)


# -- page ------------------------------------------------------------------------------------


def layout(**_query: Any) -> html.Div:
    services = current()
    t = services.t
    options = [{"label": name, "value": key} for key, name in services.topics] or [
        {"label": t("overview.all_topics"), "value": ""}]
    week_options = [{"label": t("outlets.weeks_option", weeks=n), "value": n}
                    for n in WEEK_CHOICES]
    return html.Div(className="page coverage-page", children=[
        html.Div(className="page-head", children=[
            html.Div([html.H1(t("outlets.heading")), html.P(id=PERIOD, className="muted")]),
            html.Div(className="page-controls", children=[
                html.Div(className="control", children=[
                    html.Label(t("overview.topic"), htmlFor=TOPIC, className="control-label"),
                    dcc.Dropdown(id=TOPIC, options=options, value=services.default_topic or "",
                                 clearable=False, searchable=False),
                ]),
                html.Div(className="control", children=[
                    html.Label(t("outlets.weeks"), htmlFor=WEEKS, className="control-label"),
                    dcc.Dropdown(id=WEEKS, options=week_options, value=DEFAULT_WEEKS,
                                 clearable=False, searchable=False),
                ]),
            ]),
        ]),
        html.P(t("outlets.explain"), className="muted small"),
        html.Div(className="export-buttons", children=[
            html.Button(t("outlets.export_csv"), id=EXPORT_CSV, className="button"),
            html.Button(t("outlets.export_xlsx"), id=EXPORT_XLSX, className="button"),
            dcc.Download(id=DOWNLOAD_CSV),
            dcc.Download(id=DOWNLOAD_XLSX),
            *background.indicator(CSV_JOB, EXPORT_STEPS),
            *background.indicator(XLSX_JOB, EXPORT_STEPS),
        ]),
        dcc.Loading(html.Div(id=CONTENT), type="circle", color="#2e7d32", delay_show=300),
    ])


@require_role(*ROLES)
def on_change(topic: str | None, weeks: int | None) -> tuple[list[Any], str]:
    return update(current_user(), topic, weeks, current())


# The exports run as background jobs (dashboard/background.py) for the user whose request
# started them; called directly (tests), they read the request's user the same way.


@require_role(*ROLES)
def on_csv(_clicks: Any, topic: str | None, weeks: int | None,
           progress: background.Progress | None = None) -> dict[str, Any]:
    return export("csv", current_user(), topic, weeks, current(), progress)


@require_role(*ROLES)
def on_xlsx(_clicks: Any, topic: str | None, weeks: int | None,
            progress: background.Progress | None = None) -> dict[str, Any]:
    return export("xlsx", current_user(), topic, weeks, current(), progress)


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=5, title_key="outlets.title",
                  description_key="outlets.heading", layout=layout)
    app.callback(Output(CONTENT, "children"), Output(PERIOD, "children"),
                 Input(TOPIC, "value"), Input(WEEKS, "value"))(on_change)
    working = app.server.extensions["phuxanh"].t("job.running.export")
    for button, download, job, handler in ((EXPORT_CSV, DOWNLOAD_CSV, CSV_JOB, on_csv),
                                           (EXPORT_XLSX, DOWNLOAD_XLSX, XLSX_JOB, on_xlsx)):
        app.callback(Output(download, "data"), Input(button, "n_clicks"),
                     State(TOPIC, "value"), State(WEEKS, "value"), prevent_initial_call=True,
                     **background.options(job, (button,), working),
                     )(background.with_progress(handler))
