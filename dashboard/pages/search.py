"""Tìm kiếm: full-text search over every collected item, diacritic-insensitive.

:func:`search_view` is a plain function the tests call directly; the Dash callback only works
out which page to show. Crawled text is never rendered as HTML: titles and snippets are plain
strings with the query's words wrapped in ``html.Mark`` (see :mod:`dashboard.highlight`).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import dash
from dash import Input, Output, State, ctx, dcc, html

from dashboard import ids
from dashboard.auth import current_user
from dashboard.context import Services, current, register_page
from dashboard.data import visible_sources
from dashboard.highlight import highlight, snippet
from dashboard.i18n import Translator
from dashboard.pages.review import SOURCE_TYPES
from phuxanh.schema import SENTIMENT_LABELS, VN_TZ, Item
from phuxanh.store.base import ItemFilter
from phuxanh.store.merge import effective_sentiment

PATH = "/search"
PAGE_SIZE = 20
ITEM_PATH = "/item"  # dashboard.pages.item.PATH (kept here to avoid an import cycle)


def item_href(item_id: str) -> str:
    return f"{ITEM_PATH}?id={quote(item_id, safe='')}"


def vn_time(value: Any) -> str:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def query_terms(query: str | None) -> list[str]:
    """The words to mark in results: every word of the query."""
    return [word for word in (query or "").split() if word.strip('"*')]


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def search_filter(source_type: str | None, official: str | None, sentiment: str | None,
                  date_from: str | None, date_to: str | None) -> ItemFilter:
    start, end = _day(date_from), _day(date_to)
    return ItemFilter(
        source_types=[source_type] if source_type else None,
        official={"yes": True, "no": False}.get(official or ""),
        sentiments=[sentiment] if sentiment else None,
        date_from=start,
        date_to=end,
        # undated items (dated only by our crawl) are found too, unless a date range is asked
        include_undated=start is None and end is None,
    )


# -- layout ----------------------------------------------------------------------------------


def _control(label: str, control_id: str, component: Any, extra: str = "") -> html.Div:
    return html.Div(className=f"control {extra}".strip(), children=[
        html.Label(label, htmlFor=control_id, className="control-label"), component,
    ])


def layout(q: str | None = None, **_query: Any) -> html.Div:
    t = current().t
    source_options = [{"label": t("review.source_type.all"), "value": ""}] + [
        {"label": t(f"review.source_type.{kind}"), "value": kind} for kind in SOURCE_TYPES
    ]
    official_options = [
        {"label": t("review.official.all"), "value": ""},
        {"label": t("review.official.yes"), "value": "yes"},
        {"label": t("review.official.no"), "value": "no"},
    ]
    sentiment_options = [{"label": t("search.sentiment.all"), "value": ""}] + [
        {"label": t(f"sentiment.{label}"), "value": label} for label in SENTIMENT_LABELS
    ]
    sort_options = [{"label": t(f"search.sort.{key}"), "value": key}
                    for key in ("relevance", "newest")]
    return html.Div(className="page search-page", children=[
        dcc.Store(id=ids.SEARCH_PAGE, data=0),
        html.Div(className="page-head", children=[
            html.Div([html.H1(t("search.heading")),
                      html.P(t("search.subtitle"), className="muted")]),
        ]),
        html.Div(className="search-box", children=[
            html.Label(t("search.query"), htmlFor=ids.SEARCH_QUERY, className="control-label"),
            dcc.Input(id=ids.SEARCH_QUERY, type="search", value=q or "", debounce=True,
                      placeholder=t("search.placeholder"), className="search-input",
                      autoComplete="off"),
        ]),
        html.Div(className="review-filters search-filters", children=[
            _control(t("search.source_type"), ids.SEARCH_SOURCE_TYPE, dcc.Dropdown(
                id=ids.SEARCH_SOURCE_TYPE, options=source_options, value="", clearable=False,
                searchable=False)),
            _control(t("search.official"), ids.SEARCH_OFFICIAL, dcc.Dropdown(
                id=ids.SEARCH_OFFICIAL, options=official_options, value="", clearable=False,
                searchable=False)),
            _control(t("search.sentiment"), ids.SEARCH_SENTIMENT, dcc.Dropdown(
                id=ids.SEARCH_SENTIMENT, options=sentiment_options, value="", clearable=False,
                searchable=False)),
            _control(t("search.dates"), ids.SEARCH_DATES, dcc.DatePickerRange(
                id=ids.SEARCH_DATES, display_format="DD/MM/YYYY", first_day_of_week=1,
                clearable=True, start_date_placeholder_text="dd/mm/yyyy",
                end_date_placeholder_text="dd/mm/yyyy"), "search-dates"),
            _control(t("search.sort"), ids.SEARCH_SORT, dcc.Dropdown(
                id=ids.SEARCH_SORT, options=sort_options, value="relevance", clearable=False,
                searchable=False)),
        ]),
        html.P(id=ids.SEARCH_TOTAL, className="muted search-total", role="status"),
        html.Div(id=ids.SEARCH_RESULTS, className="search-results"),
        html.Div(className="search-pager", children=[
            html.Button(t("search.prev"), id=ids.SEARCH_PREV, className="button",
                        disabled=True),
            html.Span(id=ids.SEARCH_PAGE_LABEL, className="muted small"),
            html.Button(t("search.next"), id=ids.SEARCH_NEXT, className="button",
                        disabled=True),
        ]),
    ])


# -- results ---------------------------------------------------------------------------------


def total_text(total: int, capped: bool, t: Translator) -> str:
    shown = t.integer(total).replace(".", " ").replace(",", " ") if capped else t.integer(total)
    return t("search.total", total=f"{shown}+" if capped else shown)


def sentiment_badge(item: Item, t: Translator) -> html.Span:
    label = effective_sentiment(item) or "unclassified"
    return html.Span(t(f"sentiment.{label}"), className=f"badge sentiment-{label}")


def result_card(item: Item, terms: list[str], t: Translator) -> html.Article:
    title = item.title or t("search.untitled")
    return html.Article(className="search-hit", children=[
        html.H2(dcc.Link(highlight(title, terms), href=item_href(item.id)),
                className="search-hit-title"),
        html.P(className="muted small search-hit-meta", children=[
            item.outlet or item.source, " · ", vn_time(item.published_at), " ",
            sentiment_badge(item, t),
        ]),
        html.P(highlight(snippet(item.text or "", terms), terms), className="search-snippet"),
    ])


def user_sources() -> tuple[str, ...] | None:
    """The sources the logged-in user may read (a press user: their outlets; None: all)."""
    user = current_user()
    return None if user is None else visible_sources(user)


def search_view(query: str | None, source_type: str | None, official: str | None,
                sentiment: str | None, date_from: str | None, date_to: str | None,
                sort: str | None, page: int | None,
                services: Services) -> tuple[Any, Any, bool, bool, str]:
    """(results, total line, previous disabled, next disabled, page label) for one page of
    results (``page`` counts from 0)."""
    t = services.t
    query = (query or "").strip()
    if not query:
        return html.P(t("search.empty"), className="notice"), "", True, True, ""
    page = max(0, int(page or 0))
    found = services.data.search(
        query, search_filter(source_type, official, sentiment, date_from, date_to),
        sort="newest" if sort == "newest" else "relevance",
        limit=PAGE_SIZE, offset=page * PAGE_SIZE, sources=user_sources(),
    )
    if found.total == 0:
        return (html.P(t("search.none", query=query), className="notice"), t("search.total",
                total=0), True, True, "")
    terms = query_terms(query)
    cards = [result_card(hit.item, terms, t) for hit in found.hits]
    pages = max(1, -(-found.total // PAGE_SIZE))
    # a capped total is only a lower bound: a full page means there may be more
    has_next = ((page + 1) * PAGE_SIZE < found.total
                or (found.total_capped and len(found.hits) == PAGE_SIZE))
    label = t("search.page", page=page + 1,
              pages=f"{pages}+" if found.total_capped else pages)
    return cards, total_text(found.total, found.total_capped, t), page == 0, not has_next, label


# -- Dash wiring -----------------------------------------------------------------------------


def on_search(query: str | None, source_type: str | None, official: str | None,
              sentiment: str | None, date_from: str | None, date_to: str | None,
              sort: str | None, _prev: Any, _next: Any,
              page: int | None) -> tuple[Any, ...]:
    trigger = ctx.triggered_id
    page = int(page or 0)
    if trigger == ids.SEARCH_NEXT:
        page += 1
    elif trigger == ids.SEARCH_PREV:
        page = max(0, page - 1)
    else:
        page = 0  # a new query or filter starts again at the first page
    return (*search_view(query, source_type, official, sentiment, date_from, date_to, sort,
                         page, current()), page)


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=2, title_key="search.title",
                  description_key="search.subtitle", layout=layout)
    app.callback(
        Output(ids.SEARCH_RESULTS, "children"),
        Output(ids.SEARCH_TOTAL, "children"),
        Output(ids.SEARCH_PREV, "disabled"),
        Output(ids.SEARCH_NEXT, "disabled"),
        Output(ids.SEARCH_PAGE_LABEL, "children"),
        Output(ids.SEARCH_PAGE, "data"),
        Input(ids.SEARCH_QUERY, "value"),
        Input(ids.SEARCH_SOURCE_TYPE, "value"),
        Input(ids.SEARCH_OFFICIAL, "value"),
        Input(ids.SEARCH_SENTIMENT, "value"),
        Input(ids.SEARCH_DATES, "start_date"),
        Input(ids.SEARCH_DATES, "end_date"),
        Input(ids.SEARCH_SORT, "value"),
        Input(ids.SEARCH_PREV, "n_clicks"),
        Input(ids.SEARCH_NEXT, "n_clicks"),
        State(ids.SEARCH_PAGE, "data"),
    )(on_search)
