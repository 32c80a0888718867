"""Tổng quan: weekly volume by sentiment and the "phủ xanh" balance for one topic.

The layout holds no data, only the controls and an empty content area; one callback, fired by
the topic selector (and on page load), reads the store through :mod:`dashboard.data` and fills
it. A store failure therefore surfaces through the app's error banner instead of a blank page.
"""

from __future__ import annotations

import re
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.context import Services, current, register_page
from dashboard.data import Overview, coverage_index, coverage_ratio
from dashboard.figures import coverage_figure, volume_figure
from dashboard.i18n import Translator
from phuxanh.users import ROLES

PATH = "/"
_GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Only "download as PNG": units paste these charts into their reports.
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"filename": "phuxanh-tong-quan", "scale": 2},
}


def layout(**_query: Any) -> html.Div:
    services = current()
    t = services.t
    options = [{"label": name, "value": key} for key, name in services.topics] or [
        {"label": t("overview.all_topics"), "value": ""}
    ]
    return html.Div(
        className="page",
        children=[
            html.Div(
                className="page-head",
                children=[
                    html.Div([
                        html.H1(t("overview.heading")),
                        html.P(id=ids.OVERVIEW_PERIOD, className="muted"),
                    ]),
                    html.Div(
                        className="control",
                        children=[
                            html.Label(t("overview.topic"), htmlFor=ids.OVERVIEW_TOPIC,
                                       className="control-label"),
                            dcc.Dropdown(
                                id=ids.OVERVIEW_TOPIC,
                                options=options,
                                value=services.default_topic or "",
                                clearable=False,
                                searchable=False,
                            ),
                        ],
                    ),
                ],
            ),
            dcc.Loading(
                html.Div(id=ids.OVERVIEW_CONTENT), type="circle", color="#2e7d32", delay_show=300
            ),
        ],
    )


def update(topic: str | None, services: Services) -> tuple[list[Any], str]:
    """The overview content and the period line for ``topic`` (the callback, minus Dash)."""
    weeks = services.config.dashboard.weeks
    overview = services.data.overview(topic or None, weeks)
    t = services.t
    period = " · ".join([
        t("overview.period", weeks=weeks, start=t.day(overview.start), end=t.day(overview.end)),
        t("overview.updated", time=overview.as_of.strftime("%H:%M %d/%m/%Y")),
    ])
    return render(overview, t), period


def render(overview: Overview, t: Translator) -> list[Any]:
    if overview.store_empty:
        return [_empty_state(t)]
    weeks = len(overview.weeks)
    children: list[Any] = [_kpis(overview, t)]
    if overview.total == 0:
        children.append(html.Div(
            t("overview.no_items_in_period", weeks=weeks),
            id=ids.OVERVIEW_NO_ITEMS, className="notice",
        ))
    children += [
        _card(
            t("overview.volume.title"),
            dcc.Graph(
                id=ids.OVERVIEW_VOLUME_GRAPH,
                figure=volume_figure(overview.weeks, t),
                config=_GRAPH_CONFIG,
            ),
        ),
        _card(
            t("overview.coverage.title"),
            html.P(_coverage_sentence(overview, t), id=ids.OVERVIEW_COVERAGE_TEXT,
                   className="lead"),
            dcc.Graph(
                id=ids.OVERVIEW_COVERAGE_GRAPH,
                figure=coverage_figure(overview.weeks, t),
                config=_GRAPH_CONFIG,
            ),
            html.P(t("overview.coverage.explain"), className="muted small"),
        ),
    ]
    return children


def _with_code(text: str) -> list[Any]:
    """Text with `backticked` commands shown as code."""
    parts = re.split(r"`([^`]+)`", text)
    return [html.Code(part) if i % 2 else part for i, part in enumerate(parts) if part]


def _empty_state(t: Translator) -> html.Div:
    return html.Div(
        id=ids.OVERVIEW_EMPTY,
        className="empty-state",
        children=[
            html.P(_with_code(t("overview.empty.body")), className="empty-message"),
            html.P(t("overview.empty.hint"), className="muted"),
        ],
    )


def _kpi(label: str, value: str, note: str, kpi_id: str, accent: str) -> html.Div:
    return html.Div(
        className=f"kpi kpi-{accent}",
        children=[
            html.Div(label, className="kpi-label"),
            html.Div(value, id=kpi_id, className="kpi-value"),
            html.Div(note, className="kpi-note"),
        ],
    )


def _kpis(overview: Overview, t: Translator) -> html.Div:
    weeks = len(overview.weeks)
    latest = overview.latest
    total_note = (
        t("overview.kpi.total_note_unclassified", weeks=weeks,
          count=t.integer(overview.unclassified))
        if overview.unclassified else t("overview.kpi.total_note", weeks=weeks)
    )
    return html.Div(
        className="kpis",
        children=[
            _kpi(t("overview.kpi.total"), t.integer(overview.total), total_note,
                 ids.OVERVIEW_KPI_TOTAL, "total"),
            _kpi(t("overview.kpi.positive"), t.percent(overview.share_positive),
                 t("overview.kpi.share_note", count=t.integer(overview.positive)),
                 ids.OVERVIEW_KPI_POSITIVE, "positive"),
            _kpi(t("overview.kpi.negative"), t.percent(overview.share_negative),
                 t("overview.kpi.share_note", count=t.integer(overview.negative)),
                 ids.OVERVIEW_KPI_NEGATIVE, "negative"),
            _kpi(t("overview.kpi.coverage"),
                 t.percent(coverage_index(latest.official_positive, latest.negative), 0),
                 t("overview.kpi.coverage_note", positive=t.integer(latest.official_positive),
                   negative=t.integer(latest.negative)),
                 ids.OVERVIEW_KPI_COVERAGE, "coverage"),
        ],
    )


def _coverage_sentence(overview: Overview, t: Translator) -> str:
    latest = overview.latest
    values = {
        "week": t.week_label(latest.week),
        "positive": t.integer(latest.official_positive),
        "negative": t.integer(latest.negative),
        "index": t.percent(coverage_index(latest.official_positive, latest.negative), 0),
    }
    ratio = coverage_ratio(latest.official_positive, latest.negative)
    if latest.official_positive == 0 and latest.negative == 0:
        return t("overview.coverage.latest_nothing", **values)
    if ratio is None:
        return t("overview.coverage.latest_no_negative", **values)
    return t("overview.coverage.latest", ratio=t("overview.ratio", value=t.decimal(ratio)),
             **values)


def _card(title: str, *body: Any) -> html.Section:
    return html.Section(className="card", children=[html.H2(title), *body])


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=0, title_key="app.title",
                  description_key="app.tagline", layout=layout)

    @app.callback(
        Output(ids.OVERVIEW_CONTENT, "children"),
        Output(ids.OVERVIEW_PERIOD, "children"),
        Input(ids.OVERVIEW_TOPIC, "value"),
    )
    @require_role(*ROLES)  # every role sees the overview; later pages narrow this
    def _on_topic(topic: str | None) -> tuple[list[Any], str]:
        return update(topic, current())
