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

from dashboard.data import SENTIMENTS, WeekCounts
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
