"""Pure figure builders: plain data in, a plotly Figure out. No store, no Dash, no clock, so
each one is tested by looking at the traces it returns.

Weeks are a categorical x axis labelled "Tuần 45 (03/11)": every week of the window is one
category, so a quiet week shows as a zero rather than disappearing from a date axis.

Each figure is built in one constructor call from plain dicts, with no named template: plotly
validates every ``update_*`` call and deep-copies a named template, which made building the two
overview figures take ~25 ms instead of a few.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from dashboard.data import SENTIMENTS, WeekCounts, WeekSignals
from dashboard.i18n import Translator

# One colour per sentiment everywhere in the product (charts, cards, badges in later screens).
SENTIMENT_COLORS: dict[str, str] = {
    "positive": "#2e7d32",  # green: tích cực
    "neutral": "#9e9e9e",  # grey: trung lập
    "negative": "#c62828",  # red: tiêu cực
    "unclassified": "#cfd8dc",  # pale blue-grey: not yet labelled, deliberately quiet
}
COVERAGE_COLORS: dict[str, str] = {
    "official_positive": SENTIMENT_COLORS["positive"],
    "negative": SENTIMENT_COLORS["negative"],
}
FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Noto Sans", "DejaVu Sans", sans-serif'
)


def week_labels(weeks: Sequence[WeekCounts], t: Translator) -> list[str]:
    return [t.week_label(week.week) for week in weeks]


def _layout(t: Translator, peak: int, weeks: int, **extra: Any) -> dict[str, Any]:
    yaxis: dict[str, Any] = {
        "title": {"text": t("figure.items")},
        "rangemode": "tozero",
        "fixedrange": True,
        "tickformat": ",d",
        "gridcolor": "#eceff1",
        "zeroline": False,
        "ticks": "",
    }
    if peak < 8:
        # Counts are whole numbers: with small peaks plotly would pick 0.5 steps, and ",d"
        # would print them as repeated integers.
        yaxis["dtick"] = 1
    if peak == 0:
        yaxis["range"] = [0, 1]
    return {
        "template": "none",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": t.separators,
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#263238"},
        "margin": {"l": 56, "r": 16, "t": 16, "b": 64},
        "legend": {
            "orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0,
            "title": {"text": ""},
        },
        "hovermode": "x unified",
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "height": 360,
        "xaxis": {
            "type": "category",
            # The same slot for each week in every chart, so bars and lines line up on screen.
            "range": [-0.5, weeks - 0.5],
            "tickangle": -40,
            "automargin": True,  # rotated labels must not be clipped at the left edge
            "showgrid": False,
            "showline": True,
            "linecolor": "#b0bec5",
            "ticks": "",
            "fixedrange": True,
        },
        "yaxis": yaxis,
        **extra,
    }


def volume_figure(weeks: Sequence[WeekCounts], t: Translator) -> go.Figure:
    """Stacked weekly bars, one trace per sentiment, unclassified on top."""
    labels = week_labels(weeks, t)
    traces = []
    for sentiment in SENTIMENTS:
        name = t(f"sentiment.{sentiment}")
        traces.append(go.Bar(
            name=name,
            x=labels,
            y=[week.count(sentiment) for week in weeks],
            marker={"color": SENTIMENT_COLORS[sentiment]},
            hovertemplate=f"{name}: %{{y:,d}}<extra></extra>",
            meta=sentiment,  # lets tests and later callbacks find a trace without its label
        ))
    peak = max((week.total for week in weeks), default=0)
    return go.Figure(
        data=traces,
        layout=_layout(
            t, peak, len(weeks),
            barmode="stack",
            bargap=0.25,
            # Plotly lists stacked traces top-down by default; read them left to right.
            legend_traceorder="normal",
        ),
    )


def coverage_figure(weeks: Sequence[WeekCounts], t: Translator) -> go.Figure:
    """Two lines per week: positive items from official channels, and negative items."""
    labels = week_labels(weeks, t)
    series = {
        "official_positive": [week.official_positive for week in weeks],
        "negative": [week.negative for week in weeks],
    }
    traces = []
    for key, values in series.items():
        name = t(f"coverage.{key}")
        traces.append(go.Scatter(
            name=name,
            x=labels,
            y=values,
            mode="lines+markers",
            line={"color": COVERAGE_COLORS[key], "width": 3},
            marker={"size": 7},
            hovertemplate=f"{name}: %{{y:,d}}<extra></extra>",
            meta=key,
        ))
    peak = max((max(values, default=0) for values in series.values()), default=0)
    return go.Figure(data=traces, layout=_layout(t, peak, len(weeks)))


# -- coverage (Đưa tin) and the weekly report ------------------------------------------------

# An outlet's week against its target: reached, below, nothing at all, no target given.
TARGET_COLORS: dict[str, str] = {
    "met": SENTIMENT_COLORS["positive"],
    "under": "#ef6c00",  # orange: some coverage, not enough
    "zero": SENTIMENT_COLORS["negative"],
    "none": "#90a4ae",
}


def target_status(count: int, target: int | None) -> str:
    """``met``, ``under``, ``zero`` (a target and no item) or ``none`` (no target)."""
    if target is None:
        return "none"
    if count >= target:
        return "met"
    return "zero" if count == 0 else "under"


def outlet_target_figure(names: Sequence[str], counts: Sequence[int],
                         targets: Sequence[int | None], week: str, t: Translator) -> go.Figure:
    """One horizontal bar per outlet (its items in ``week``), coloured by how it stands
    against its target, and the target as a tick mark. First outlet on top."""
    statuses = [target_status(count, target) for count, target in zip(counts, targets,
                                                                     strict=True)]
    bar_name = t("outlets.figure.items", week=week)
    target_name = t("outlets.figure.target")
    traces: list[Any] = [go.Bar(
        name=bar_name,
        orientation="h",
        y=list(names),
        x=list(counts),
        marker={"color": [TARGET_COLORS[status] for status in statuses]},
        customdata=[t(f"outlets.status.{status}") for status in statuses],
        hovertemplate=f"{bar_name}: %{{x:,d}} · %{{customdata}}<extra></extra>",
        meta="items",
    )]
    with_target = [(name, target) for name, target in zip(names, targets, strict=True)
                   if target is not None]
    if with_target:
        traces.append(go.Scatter(
            name=target_name,
            y=[name for name, _ in with_target],
            x=[target for _, target in with_target],
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 22, "color": "#263238",
                    "line": {"width": 3}},
            hovertemplate=f"{target_name}: %{{x:,d}}<extra></extra>",
            meta="target",
        ))
    peak = max([*counts, *(target for target in targets if target is not None), 0])
    xaxis: dict[str, Any] = {
        "title": {"text": t("figure.items")}, "rangemode": "tozero", "fixedrange": True,
        "tickformat": ",d", "gridcolor": "#eceff1", "zeroline": False,
    }
    if peak < 8:
        xaxis["dtick"] = 1
    if peak == 0:
        xaxis["range"] = [0, 1]
    return go.Figure(data=traces, layout={
        "template": "none",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": t.separators,
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#263238"},
        "margin": {"l": 16, "r": 16, "t": 16, "b": 48},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left",
                   "x": 0},
        "height": max(220, 40 + 34 * len(names)),
        "bargap": 0.35,
        "xaxis": xaxis,
        # Reversed so the first outlet (the table's first row) is on top.
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True,
                  "fixedrange": True, "ticks": ""},
    })


def balance_figure(labels: Sequence[str], official_positive: Sequence[int],
                   against: Sequence[int], t: Translator) -> go.Figure:
    """The weekly report's "phủ xanh" lines over the weeks ``labels`` (see ``week_labels``):
    official positive items against negative plus suspected-misinformation items."""
    series = {"official_positive": list(official_positive), "against": list(against)}
    colors = {"official_positive": SENTIMENT_COLORS["positive"],
              "against": SENTIMENT_COLORS["negative"]}
    traces = []
    for key, values in series.items():
        name = t(f"report.series.{key}")
        traces.append(go.Scatter(
            name=name, x=labels, y=values, mode="lines+markers",
            line={"color": colors[key], "width": 3}, marker={"size": 7},
            hovertemplate=f"{name}: %{{y:,d}}<extra></extra>", meta=key,
        ))
    peak = max([*official_positive, *against, 0])
    return go.Figure(data=traces, layout=_layout(t, peak, len(labels)))


# -- overview: the phủ xanh index and unique stories (issue 5, screen 1) ----------------------

INDEX_COLOR = "#1b5e20"  # dark green: the index itself
TREND_COLOR = "#66bb6a"
INDEX_TARGET_COLOR = "#ef6c00"  # orange: apart from every sentiment colour
STORY_COLORS = {"total": "#90a4ae", "originals": "#1565c0"}


def _percent_axis(t: Translator) -> dict[str, Any]:
    return {
        "title": {"text": t("figure.index")},
        "range": [0, 1.05],  # the target line at 100% must not sit on the frame
        "tickformat": ".0%",
        "fixedrange": True,
        "gridcolor": "#eceff1",
        "zeroline": False,
        "ticks": "",
    }


def phu_xanh_figure(signals: Sequence[WeekSignals], target: float,
                    trend: Sequence[float] | None, t: Translator) -> go.Figure:
    """The index per week (a gap where a week had neither official positive nor flagged
    items), its least-squares trend (dashed) and the configured target (a flat line)."""
    labels = [t.week_label(week.week) for week in signals]
    index_name = t("figure.phu_xanh.index")
    traces = [go.Scatter(
        name=index_name,
        x=labels,
        y=[week.phu_xanh for week in signals],
        mode="lines+markers",
        connectgaps=False,
        line={"color": INDEX_COLOR, "width": 3},
        marker={"size": 7},
        customdata=[[week.official_positive, week.flagged] for week in signals],
        hovertemplate=(f"{index_name}: %{{y:.0%}} "
                       f"({t('figure.phu_xanh.hover')})<extra></extra>"),
        meta="index",
    )]
    if trend is not None:
        name = t("figure.phu_xanh.trend")
        traces.append(go.Scatter(
            name=name, x=labels, y=[min(1.0, max(0.0, value)) for value in trend],
            mode="lines", line={"color": TREND_COLOR, "width": 2, "dash": "dash"},
            hovertemplate=f"{name}: %{{y:.0%}}<extra></extra>", meta="trend",
        ))
    name = t("figure.phu_xanh.target")
    traces.append(go.Scatter(
        name=name, x=labels, y=[target] * len(labels), mode="lines",
        line={"color": INDEX_TARGET_COLOR, "width": 2, "dash": "dot"},
        hovertemplate=f"{name}: %{{y:.0%}}<extra></extra>", meta="target",
    ))
    return go.Figure(data=traces,
                     layout=_layout(t, 1, len(signals), yaxis=_percent_axis(t)))


def stories_figure(signals: Sequence[WeekSignals], t: Translator) -> go.Figure:
    """Per week, all items (copies included) as bars and unique stories as a line: the gap
    between them is how much one story was re-published."""
    labels = [t.week_label(week.week) for week in signals]
    total_name, stories_name = t("figure.stories.total"), t("figure.stories.originals")
    traces = [
        go.Bar(name=total_name, x=labels, y=[week.total for week in signals],
               marker={"color": STORY_COLORS["total"]},
               hovertemplate=f"{total_name}: %{{y:,d}}<extra></extra>", meta="total"),
        go.Scatter(name=stories_name, x=labels, y=[week.originals for week in signals],
                   mode="lines+markers", line={"color": STORY_COLORS["originals"], "width": 3},
                   marker={"size": 7},
                   hovertemplate=f"{stories_name}: %{{y:,d}}<extra></extra>", meta="originals"),
    ]
    peak = max((week.total for week in signals), default=0)
    return go.Figure(data=traces, layout=_layout(t, peak, len(signals), bargap=0.35))
