"""Tổng quan: for leaders. Spike alerts first, then the weekly volume by sentiment, the "phủ xanh"
index against its target with its trend, official positive vs negative items, and unique
stories vs copies; filtered by topic, province, source type and date range.

The layout holds no data, only the controls and an empty content area; one callback, fired by
the filters (and on page load), reads the store through :mod:`dashboard.data` and fills it. A
store failure therefore surfaces through the app's error banner instead of a blank page.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.alerts import AlertRule, Assessment, assess_signals, linear_trend, spikes
from dashboard.auth import current_user, require_role
from dashboard.context import Services, current, register_page
from dashboard.data import OverviewDetail, OverviewFilters, coverage_ratio
from dashboard.figures import coverage_figure, phu_xanh_figure, stories_figure, volume_figure
from dashboard.i18n import Translator
from phuxanh.users import ROLES

PATH = "/"
REVIEW_PATH = "/review"  # dashboard.pages.review.PATH (kept here to avoid an import cycle)
REVIEW_ROLES = ("reviewer", "admin")  # who can open the queue an alert links to
SOURCE_TYPES = ("news", "forum", "social", "video", "import")
ALERT_RULE = AlertRule()
_GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Only "download as PNG": units paste these charts into their reports.
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"filename": "phuxanh-tong-quan", "scale": 2},
}

# Component ids of the filters added with the alerts (kept with the page that owns them).
OVERVIEW_PROVINCE = "overview-province"
OVERVIEW_SOURCE_TYPE = "overview-source-type"
OVERVIEW_DATES = "overview-dates"
OVERVIEW_ALERTS = "overview-alerts"
OVERVIEW_INDEX_GRAPH = "overview-index-graph"
OVERVIEW_INDEX_TEXT = "overview-index-text"
OVERVIEW_STORIES_GRAPH = "overview-stories-graph"
OVERVIEW_STORIES_TEXT = "overview-stories-text"


def provinces(services: Services) -> list[str]:
    """The provinces of the configured sources, in Vietnamese alphabetical order."""
    from phuxanh.text import fold

    return sorted({s.province for s in services.config.sources if s.province}, key=fold)


def _control(label: str, control_id: str, component: Any, extra: str = "") -> html.Div:
    return html.Div(className=f"control {extra}".strip(), children=[
        html.Label(label, htmlFor=control_id, className="control-label"), component,
    ])


def layout(**_query: Any) -> html.Div:
    services = current()
    t = services.t
    topic_options = [{"label": name, "value": key} for key, name in services.topics] or [
        {"label": t("overview.all_topics"), "value": ""}
    ]
    province_options = [{"label": t("overview.province.all"), "value": ""}] + [
        {"label": name, "value": name} for name in provinces(services)
    ]
    source_options = [{"label": t("review.source_type.all"), "value": ""}] + [
        {"label": t(f"review.source_type.{kind}"), "value": kind} for kind in SOURCE_TYPES
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
                    _control(t("overview.topic"), ids.OVERVIEW_TOPIC, dcc.Dropdown(
                        id=ids.OVERVIEW_TOPIC, options=topic_options,
                        value=services.default_topic or "", clearable=False,
                        searchable=False,
                    )),
                ],
            ),
            html.Div(className="review-filters overview-filters", children=[
                _control(t("overview.province"), OVERVIEW_PROVINCE, dcc.Dropdown(
                    id=OVERVIEW_PROVINCE, options=province_options, value="",
                    clearable=False, searchable=True,
                )),
                _control(t("review.source_type"), OVERVIEW_SOURCE_TYPE, dcc.Dropdown(
                    id=OVERVIEW_SOURCE_TYPE, options=source_options, value="",
                    clearable=False, searchable=False,
                )),
                _control(t("overview.dates"), OVERVIEW_DATES, dcc.DatePickerRange(
                    id=OVERVIEW_DATES, display_format="DD/MM/YYYY", first_day_of_week=1,
                    clearable=True, start_date_placeholder_text="dd/mm/yyyy",
                    end_date_placeholder_text="dd/mm/yyyy",
                ), "overview-dates"),
            ]),
            dcc.Loading(
                html.Div(id=ids.OVERVIEW_CONTENT), type="circle", color="#2e7d32", delay_show=300
            ),
        ],
    )


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def filters_from(topic: str | None, province: str | None = None,
                 source_type: str | None = None, start_date: str | None = None,
                 end_date: str | None = None) -> OverviewFilters:
    """The controls' values as OverviewFilters (dates arrive as ISO strings from the picker)."""
    return OverviewFilters(
        topic=topic or None,
        province=province or None,
        source_type=source_type if source_type in SOURCE_TYPES else None,
        date_from=_day(start_date),
        date_to=_day(end_date),
    )


def update(topic: str | None, services: Services, province: str | None = None,
           source_type: str | None = None, start_date: str | None = None,
           end_date: str | None = None, *, can_review: bool = False
           ) -> tuple[list[Any], str]:
    """The overview content and the period line (the callback, minus Dash). ``can_review``:
    the user may open the review queue, so alerts link to it."""
    filters = filters_from(topic, province, source_type, start_date, end_date)
    weeks = services.config.dashboard.weeks
    detail = services.data.overview_detail(filters, weeks)
    overview = detail.overview
    t = services.t
    if filters.date_from or filters.date_to:
        chosen = filters.item_filter(overview.start, overview.end)
        span = t("overview.period_dates", start=t.day(chosen.date_from or overview.start),
                 end=t.day(chosen.date_to or overview.end))
    else:
        span = t("overview.period", weeks=weeks, start=t.day(overview.start),
                 end=t.day(overview.end))
    period = " · ".join([
        span, t("overview.updated", time=overview.as_of.strftime("%H:%M %d/%m/%Y")),
    ])
    return render(detail, services, can_review=can_review), period


def _filtered(filters: OverviewFilters) -> bool:
    return bool(filters.province or filters.source_type or filters.date_from
                or filters.date_to)


def render(detail: OverviewDetail, services: Services, *, can_review: bool = False
           ) -> list[Any]:
    t = services.t
    overview = detail.overview
    if overview.store_empty:
        return [_empty_state(t)]
    weeks = len(overview.weeks)
    children: list[Any] = [_alerts(detail, t, can_review), _kpis(detail, t)]
    if overview.total == 0:
        key = ("overview.no_items_filtered" if _filtered(detail.filters)
               else "overview.no_items_in_period")
        children.append(html.Div(
            t(key, weeks=weeks), id=ids.OVERVIEW_NO_ITEMS, className="notice",
        ))
    target = services.config.dashboard.phu_xanh_target
    children += [
        _card(
            t("overview.volume.title"),
            dcc.Graph(id=ids.OVERVIEW_VOLUME_GRAPH, figure=volume_figure(overview.weeks, t),
                      config=_GRAPH_CONFIG),
        ),
        _card(
            t("overview.index.title"),
            html.P(_index_sentence(detail, target, t), id=OVERVIEW_INDEX_TEXT,
                   className="lead"),
            dcc.Graph(
                id=OVERVIEW_INDEX_GRAPH,
                figure=phu_xanh_figure(
                    detail.signals, target,
                    linear_trend([week.phu_xanh for week in detail.signals]), t),
                config=_GRAPH_CONFIG,
            ),
            html.P(t("overview.index.explain"), className="muted small"),
        ),
        _card(
            t("overview.coverage.title"),
            html.P(_coverage_sentence(detail, t), id=ids.OVERVIEW_COVERAGE_TEXT,
                   className="lead"),
            dcc.Graph(id=ids.OVERVIEW_COVERAGE_GRAPH,
                      figure=coverage_figure(overview.weeks, t), config=_GRAPH_CONFIG),
            html.P(t("overview.coverage.explain"), className="muted small"),
        ),
        _card(
            t("overview.stories.title"),
            html.P(_stories_sentence(detail, t), id=OVERVIEW_STORIES_TEXT, className="lead"),
            dcc.Graph(id=OVERVIEW_STORIES_GRAPH, figure=stories_figure(detail.signals, t),
                      config=_GRAPH_CONFIG),
            html.P(_with_code(t("overview.stories.explain")), className="muted small"),
        ),
    ]
    return children


# -- alerts ----------------------------------------------------------------------------------


def review_href(detail: OverviewDetail, alert: Assessment) -> str:
    """The review queue narrowed to what the alert is about."""
    query = {
        "topic": detail.filters.topic or "",
        "province": alert.scope or detail.filters.province or "",
        "source_type": detail.filters.source_type or "",
        "flag": "misinfo" if alert.metric == "misinformation" else "negative",
    }
    return f"{REVIEW_PATH}?{urlencode({k: v for k, v in query.items() if v})}"


def alert_text(alert: Assessment, t: Translator) -> str:
    """What rose, by how much, against what baseline."""
    return t(
        "overview.alert.spike",
        metric=t(f"overview.alert.metric.{alert.metric}"),
        scope=t("overview.alert.scope", province=alert.scope) if alert.scope else "",
        week=t.week_label(alert.week),
        share=t.percent(alert.share),
        count=t.integer(alert.count),
        total=t.integer(alert.total),
        rise=t.decimal((alert.rise or 0.0) * 100),
        baseline=t.percent(alert.baseline_share),
        baseline_count=t.integer(alert.baseline_count),
        baseline_total=t.integer(alert.baseline_total),
        baseline_weeks=alert.baseline_weeks,
    )


def _alert_item(detail: OverviewDetail, alert: Assessment, t: Translator,
                can_review: bool) -> html.Li:
    parts: list[Any] = [html.Strong(t(f"overview.alert.metric.{alert.metric}").capitalize()
                                    + (f" · {alert.scope}" if alert.scope else "")),
                        html.Br(), alert_text(alert, t)]
    if can_review:
        parts += [" ", dcc.Link(t("overview.alert.open_queue"), href=review_href(detail, alert),
                                className="alert-link")]
    return html.Li(parts, className=f"alert alert-{alert.metric}")


def _calm_line(assessments: list[Assessment], t: Translator) -> str:
    """Why nothing alerts, for the whole selection."""
    if any(a.status == "no_baseline" for a in assessments):
        first = assessments[0]
        return t("overview.alert.no_baseline", weeks=ALERT_RULE.min_baseline_weeks,
                 items=ALERT_RULE.min_baseline_items, have_weeks=first.baseline_weeks,
                 have_items=t.integer(first.baseline_total))
    parts = [t("overview.alert.now_vs_baseline",
               metric=t(f"overview.alert.metric.{a.metric}"), share=t.percent(a.share),
               baseline=t.percent(a.baseline_share)) for a in assessments]
    return t("overview.alert.none", details="; ".join(parts), count=ALERT_RULE.min_count)


def _alerts(detail: OverviewDetail, t: Translator, can_review: bool) -> html.Section:
    found = spikes(detail, ALERT_RULE)
    if found:
        body: Any = html.Ul([_alert_item(detail, alert, t, can_review) for alert in found],
                            className="alert-list")
    else:
        body = html.P(_with_code(_calm_line(assess_signals(detail.signals, ALERT_RULE), t)),
                      className="muted")
    return html.Section(
        id=OVERVIEW_ALERTS,
        className="card alerts" + (" alerts-raised" if found else ""),
        role="alert" if found else None,
        children=[html.H2(t("overview.alert.title")), body,
                  html.P(t("overview.alert.method", count=ALERT_RULE.min_count,
                           rise=t.decimal(ALERT_RULE.min_rise * 100, 0),
                           weeks=ALERT_RULE.baseline_weeks),
                         className="muted small")],
    )


# -- headline numbers and sentences ----------------------------------------------------------


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


def _kpis(detail: OverviewDetail, t: Translator) -> html.Div:
    overview = detail.overview
    weeks = len(overview.weeks)
    latest = detail.signals[-1]
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
            _kpi(t("overview.kpi.coverage"), t.percent(latest.phu_xanh, 0),
                 t("overview.kpi.index_note", positive=t.integer(latest.official_positive),
                   against=t.integer(latest.flagged)),
                 ids.OVERVIEW_KPI_COVERAGE, "coverage"),
        ],
    )


def _index_sentence(detail: OverviewDetail, target: float, t: Translator) -> str:
    latest = detail.signals[-1]
    values = {"week": t.week_label(latest.week), "target": t.percent(target, 0)}
    trend = linear_trend([week.phu_xanh for week in detail.signals])
    slope = (trend[1] - trend[0]) if trend is not None and len(trend) > 1 else None
    trend_text = (t("overview.index.trend", value=t.decimal(slope * 100))
                  if slope is not None else t("overview.index.no_trend"))
    if latest.phu_xanh is None:
        return t("overview.index.latest_nothing", trend=trend_text, **values)
    key = ("overview.index.latest_above" if latest.phu_xanh >= target
           else "overview.index.latest_below")
    return t(key, index=t.percent(latest.phu_xanh, 0), trend=trend_text, **values)


def _coverage_sentence(detail: OverviewDetail, t: Translator) -> str:
    latest = detail.overview.latest
    values = {
        "week": t.week_label(latest.week),
        "positive": t.integer(latest.official_positive),
        "negative": t.integer(latest.negative),
        # the one index of the page (suspected misinformation counted), as in the KPI
        "index": t.percent(detail.signals[-1].phu_xanh, 0),
    }
    ratio = coverage_ratio(latest.official_positive, latest.negative)
    if latest.official_positive == 0 and latest.negative == 0:
        return t("overview.coverage.latest_nothing", **values)
    if ratio is None:
        return t("overview.coverage.latest_no_negative", **values)
    return t("overview.coverage.latest", ratio=t("overview.ratio", value=t.decimal(ratio)),
             **values)


def _stories_sentence(detail: OverviewDetail, t: Translator) -> str:
    total = sum(week.total for week in detail.signals)
    originals = sum(week.originals for week in detail.signals)
    if total == 0:
        return t("overview.stories.nothing")
    return t("overview.stories.summary", total=t.integer(total),
             originals=t.integer(originals), copies=t.integer(total - originals),
             per_story=t.decimal(total / originals if originals else 0.0))


def _card(title: str, *body: Any) -> html.Section:
    return html.Section(className="card", children=[html.H2(title), *body])


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=0, title_key="app.title",
                  description_key="app.tagline", layout=layout)

    @app.callback(
        Output(ids.OVERVIEW_CONTENT, "children"),
        Output(ids.OVERVIEW_PERIOD, "children"),
        Input(ids.OVERVIEW_TOPIC, "value"),
        Input(OVERVIEW_PROVINCE, "value"),
        Input(OVERVIEW_SOURCE_TYPE, "value"),
        Input(OVERVIEW_DATES, "start_date"),
        Input(OVERVIEW_DATES, "end_date"),
    )
    @require_role(*ROLES)  # every role sees the overview; later pages narrow this
    def _on_filters(topic: str | None, province: str | None = None,
                    source_type: str | None = None, start_date: str | None = None,
                    end_date: str | None = None) -> tuple[list[Any], str]:
        user = current_user()
        return update(topic, current(), province, source_type, start_date, end_date,
                      can_review=user is not None and user.role in REVIEW_ROLES)
