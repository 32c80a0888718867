"""Nguồn: every configured source with how its crawls went, problems first.

A source with failed runs in a row, or that has given nothing new for more than
:data:`SILENT_DAYS` days, is listed first so the operator sees it at a glance. The page names
outlets, not people, so every role may open it. :func:`sources_view` is a plain function the
tests call directly; the page has no callback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.context import Services, current, register_page
from dashboard.i18n import Translator
from dashboard.pages.search import vn_time
from phuxanh.config import Source
from phuxanh.store.base import SourceHealth

PATH = "/sources"
SILENT_DAYS = 7


@dataclass(frozen=True)
class SourceRow:
    key: str
    source: Source | None  # None: crawled once but no longer in sources.yaml
    health: SourceHealth | None  # None: never crawled
    silent_days: int | None

    @property
    def error_streak(self) -> int:
        return self.health.error_streak if self.health else 0

    @property
    def failing(self) -> bool:
        return self.error_streak > 0

    @property
    def silent(self) -> bool:
        return self.silent_days is not None and self.silent_days > SILENT_DAYS

    @property
    def problem(self) -> bool:
        return self.failing or self.silent

    def order(self) -> tuple[Any, ...]:
        rank = 0 if self.failing else 1 if self.silent else 2
        enabled = self.source is None or self.source.enabled
        return (rank, not enabled, -self.error_streak, -(self.silent_days or 0),
                (self.source.name if self.source else self.key).casefold())


def source_rows(sources: list[Source], health: list[SourceHealth],
                now: datetime) -> list[SourceRow]:
    """Configured sources joined with their crawl health, problems first."""
    by_key = {entry.source: entry for entry in health}
    rows = [SourceRow(source.key, source, by_key.get(source.key),
                      by_key[source.key].silent_days(now) if source.key in by_key else None)
            for source in sources]
    configured = {source.key for source in sources}
    rows += [SourceRow(entry.source, None, entry, entry.silent_days(now))
             for entry in health if entry.source not in configured]
    return sorted(rows, key=SourceRow.order)


def _discovery(source: Source, t: Translator) -> str:
    parts = []
    for field in ("feeds", "sitemaps", "listings"):
        count = len(getattr(source, field))
        if count:
            parts.append(t(f"sources.discovery.{field}", count=count))
    if source.search_query:
        parts.append(t("sources.discovery.search"))
    return ", ".join(parts) or t("sources.discovery.none")


def _when(value: datetime | None, t: Translator) -> str:
    return vn_time(value) if value else t("sources.never")


def _row(row: SourceRow, t: Translator) -> html.Tr:
    source, health = row.source, row.health
    if source is not None:
        name: list[Any] = [html.Strong(source.name), html.Br(),
                           html.Span(source.key, className="muted small")]
        config_cells = [
            t(f"review.source_type.{source.type}"),
            t("sources.yes") if source.official else t("sources.no"),
            source.province or t("sources.national"),
            t("sources.yes") if source.enabled else t("sources.no"),
            _discovery(source, t),
        ]
    else:
        name = [html.Strong(row.key), html.Br(),
                html.Span(t("sources.not_configured"), className="muted small")]
        config_cells = ["–"] * 5
    if health is None:
        health_cells: list[Any] = ["0", t("sources.never"), t("sources.never"),
                                   t("sources.never"), "0", "–", ""]
    else:
        health_cells = [
            t.integer(health.runs),
            _when(health.last_run_at, t),
            _when(health.last_success_at, t),
            _when(health.last_new_item_at, t),
            t.integer(health.error_streak),
            "–" if row.silent_days is None else t.integer(row.silent_days),
            html.Td(health.last_error, className="error"),
        ]
    cells = [html.Td(name), *(html.Td(cell) for cell in config_cells),
             *(cell if isinstance(cell, html.Td) else html.Td(cell) for cell in health_cells)]
    return html.Tr(cells, className="problem" if row.problem else None,
                   **{"data-source": row.key})


HEADERS = ("name", "type", "official", "province", "enabled", "discovery", "runs", "last_run",
           "last_success", "last_new", "error_streak", "silent_days", "last_error")


def sources_view(services: Services) -> list[Any]:
    """The summary line and the table (or the empty state)."""
    t = services.t
    rows = source_rows(list(services.config.sources), services.data.source_health(),
                       services.data.now())
    if not rows:
        return [html.P(t("sources.empty"), id=ids.SOURCES_EMPTY, className="notice")]
    problems = sum(row.problem for row in rows)
    summary = (t("sources.summary_problems", problems=problems, total=len(rows)) if problems
               else t("sources.summary_ok", total=len(rows)))
    return [
        html.P(summary, id=ids.SOURCES_SUMMARY, role="status", className="sources-summary"),
        html.Div(className="card", style={"overflowX": "auto"}, children=html.Table(
            id=ids.SOURCES_TABLE, className="sources-table", children=[
                html.Thead(html.Tr([html.Th(t(f"sources.col.{key}")) for key in HEADERS])),
                html.Tbody([_row(row, t) for row in rows]),
            ])),
    ]


def layout(**_query: Any) -> html.Div:
    # The store is read by a callback, not here: Dash builds every page's layout on the first
    # request, and a store failure must reach the error banner, not break every page.
    t = current().t
    return html.Div(className="page sources-page", children=[
        dcc.Store(id=ids.SOURCES_LOAD, data=0),
        html.H1(t("sources.heading")),
        html.P(t("sources.explain", days=SILENT_DAYS), className="muted"),
        html.Div(id=ids.SOURCES_CONTENT),
    ])


def on_load(_load: Any) -> list[Any]:
    return sources_view(current())


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=4, title_key="sources.title",
                  description_key="sources.heading", layout=layout)
    app.callback(Output(ids.SOURCES_CONTENT, "children"),
                 Input(ids.SOURCES_LOAD, "data"))(on_load)
