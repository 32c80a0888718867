"""Chi tiết: one item with where it came from, how its date was found, what the model said
(and every earlier classification: the history ``set_labels`` keeps), its near-duplicate
cluster (every copy linked, the original marked) and every review decision on it, with the
time from first seeing it to the official response when it was handled.

The page is built by :func:`item_view` (a plain function the tests call), from one callback
that checks the user's role. Crawled text is never rendered as HTML: plain strings and
``html.Mark``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import dash
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.auth import require_role
from dashboard.context import Services, current, register_page
from dashboard.data import response_delay
from dashboard.highlight import highlight
from dashboard.i18n import Translator
from dashboard.pages.review import format_delay
from dashboard.pages.search import PATH as SEARCH_PATH
from dashboard.pages.search import item_href, sentiment_badge, user_sources, vn_time
from phuxanh.schema import Item
from phuxanh.store.base import AuditEntry, LabelRecord
from phuxanh.users import ROLES

PATH = "/item"
CLUSTER_LIMIT = 50  # copies listed; a story syndicated more widely says "and more"
# Component ids added with the cluster list (kept with the page that owns them).
ITEM_CLUSTER_MEMBERS = "item-cluster-members"
ITEM_RESPONSE_DELAY = "item-response-delay"
ITEM_LABEL_HISTORY = "item-label-history"
HISTORY_LIMIT = 20  # classifications listed, newest first
_SENTIMENTS = {"positive", "neutral", "negative"}
_MISINFO = {"likely", "unlikely"}


def _is_http(url: str) -> bool:
    return urlsplit(url).scheme in {"http", "https"}


def _row(label: str, value: Any, row_id: str | None = None) -> list[Any]:
    extra = {"id": row_id} if row_id else {}
    return [html.Dt(label), html.Dd(value, **extra)]


def _meta(item: Item, services: Services) -> html.Dl:
    t = services.t
    topic_names = dict(services.topics)
    source: list[Any] = [item.outlet or item.source, f" ({item.source} · "
                         f"{t(f'review.source_type.{item.source_type}')})"]
    if item.official:
        source += [" ", html.Span(t("review.official_badge"), className="badge")]
    link: Any = (html.A(item.url, href=item.url, target="_blank", rel="noopener noreferrer",
                        id=ids.ITEM_LINK) if _is_http(item.url) else item.url)
    rows = [
        *_row(t("item.source"), source),
        *_row(t("item.url"), link),
        *_row(t("item.published"), t("item.published_value", time=vn_time(item.published_at),
                                      source=t(f"review.date_source.{item.date_source.value}")),
              ids.ITEM_PROVENANCE),
        *_row(t("item.fetched"), vn_time(item.fetched_at)),
        *_response_rows(item, t),
        *_row(t("item.topics"), ", ".join(topic_names.get(key, key) for key in item.topics)
              or t("item.none")),
        *_row(t("item.matched_terms"), ", ".join(item.matched_terms) or t("item.none")),
    ]
    if item.author:
        rows += _row(t("item.author"), item.author)
    return html.Dl(rows, id=ids.ITEM_META, className="item-meta")


def _model(item: Item, t: Translator) -> html.Section:
    rows: list[Any] = [html.P([t("item.effective"), " ", sentiment_badge(item, t)])]
    sentiment = item.sentiment
    if sentiment is not None:
        rows.append(html.P(t("review.sentiment", label=t(f"sentiment.{sentiment.label}"),
                             score=t.decimal(sentiment.score, 2))))
        if sentiment.reason:
            rows.append(html.P(t("review.reason", reason=sentiment.reason),
                               className="muted small"))
        rows.append(html.P(t("item.model", model=sentiment.model), className="muted small"))
    else:
        rows.append(html.P(t("review.sentiment.none")))
    misinfo = item.misinformation
    if misinfo is not None:
        rows.append(html.P(t("review.misinfo", label=t(f"review.misinfo.{misinfo.label}"),
                             score=t.decimal(misinfo.score, 2))))
        if misinfo.reason:
            rows.append(html.P(t("review.reason", reason=misinfo.reason),
                               className="muted small"))
        if misinfo.narrative_id:
            rows.append(html.P(t("item.narrative", id=misinfo.narrative_id),
                               className="muted small"))
        rows.append(html.P(t("item.model", model=misinfo.model), className="muted small"))
    return html.Section(className="card", id=ids.ITEM_MODEL,
                        children=[html.H2(t("item.model_heading")), *rows])


def _history_entry(record: LabelRecord, t: Translator) -> html.Li:
    """One classification: when (Vietnam time), which model, its sentiment and misinformation
    labels with their scores, and the matched narrative."""
    if record.sentiment is None:
        sentiment = t("item.history_no_sentiment")
    else:
        label = (t(f"sentiment.{record.sentiment}") if record.sentiment in _SENTIMENTS
                 else record.sentiment)
        sentiment = t("item.history_sentiment", label=label,
                      score=t.decimal(record.sentiment_score or 0.0, 2))
    parts: list[Any] = [html.Strong(vn_time(record.at)), " · ", record.model, " · ", sentiment]
    if record.misinformation is not None:
        label = (t(f"review.misinfo.{record.misinformation}")
                 if record.misinformation in _MISINFO else record.misinformation)
        parts += [" · ", t("item.history_misinfo", label=label,
                           score=t.decimal(record.misinformation_score or 0.0, 2))]
    if record.narrative_id:
        parts += [" · ", t("item.history_narrative", id=record.narrative_id)]
    return html.Li(parts)


def _history(records: list[LabelRecord], t: Translator, labelled: bool = False
             ) -> html.Section:
    # An item labelled before histories were kept (or imported with its labels) has labels
    # but no record yet: say so rather than "not classified".
    empty = t("item.history_before") if labelled else t("item.history_empty")
    body: Any = (html.Ul([_history_entry(record, t) for record in records],
                         className="item-trail")
                 if records else html.P(empty, className="muted"))
    return html.Section(className="card", children=[
        html.H2(t("item.history_heading")), html.Div(body, id=ITEM_LABEL_HISTORY),
    ])


def _response_rows(item: Item, t: Translator) -> list[Any]:
    """The official response of a handled item and how long after first seeing it."""
    delay = response_delay(item)
    if delay is None:
        return []
    url = item.review.response_url or ""
    link: Any = (html.A(url, href=url, target="_blank", rel="noopener noreferrer")
                 if _is_http(url) else url or t("item.none"))
    return [*_row(t("item.response"), link),
            *_row(t("item.response_delay"), format_delay(delay, t), ITEM_RESPONSE_DELAY)]


def _member(member: Item, current_id: str, t: Translator) -> html.Li:
    parts: list[Any] = [
        dcc.Link(member.title or t("search.untitled"), href=item_href(member.id))
        if member.id != current_id else html.Strong(member.title or t("search.untitled")),
        " — ", member.outlet or member.source, " · ", vn_time(member.published_at),
    ]
    if member.is_original:
        parts += [" ", html.Span(t("item.cluster.original_badge"), className="badge")]
    if member.id == current_id:
        parts += [" ", html.Span(t("item.cluster.this"), className="badge badge-muted")]
    return html.Li(parts, className="original" if member.is_original else None)


def _cluster(item: Item, members: list[Item], t: Translator) -> html.Section:
    if not item.cluster_id:
        body: Any = t("item.cluster.none")
    else:
        body = t("item.cluster.original" if item.is_original else "item.cluster.copy",
                 cluster=item.cluster_id)
    children: list[Any] = [html.H2(t("item.cluster_heading")),
                           html.P(body, id=ids.ITEM_CLUSTER)]
    if item.cluster_id and members:
        # members holds one more than is shown when the cluster is bigger than the list
        children.append(html.Ul([_member(member, item.id, t)
                                 for member in members[:CLUSTER_LIMIT]],
                                 id=ITEM_CLUSTER_MEMBERS, className="item-cluster"))
        if len(members) > CLUSTER_LIMIT:
            children.append(html.P(t("item.cluster.more", count=CLUSTER_LIMIT),
                                   className="muted small"))
    return html.Section(className="card", children=children)


def _trail_entry(entry: AuditEntry, t: Translator,
                 first_seen: datetime | None = None) -> html.Li:
    details = entry.details or {}
    status = str(details.get("status") or "unreviewed")
    parts: list[Any] = [
        html.Strong(t(f"review.status.{status}") if status in {
            "unreviewed", "confirmed", "corrected", "dismissed", "handled"} else status),
        " · ", t("item.trail_by", actor=entry.actor, time=vn_time(entry.at)),
    ]
    if details.get("sentiment"):
        parts += [" · ", t("item.trail_sentiment",
                           label=t(f"sentiment.{details['sentiment']}"))]
    url = details.get("response_url")
    if url and _is_http(str(url)):
        parts += [" · ", html.A(t("item.trail_response"), href=str(url), target="_blank",
                                rel="noopener noreferrer")]
    if status == "handled" and first_seen is not None:
        delay = max(entry.at - first_seen, timedelta(0))
        parts += [" · ", t("item.trail_delay", delay=format_delay(delay, t))]
    return html.Li(parts)


def _trail(entries: list[AuditEntry], t: Translator,
           first_seen: datetime | None = None) -> html.Section:
    body: Any = (html.Ul([_trail_entry(entry, t, first_seen) for entry in entries],
                         className="item-trail")
                 if entries else html.P(t("item.trail_empty"), className="muted"))
    return html.Section(className="card", children=[
        html.H2(t("item.trail_heading")), html.Div(body, id=ids.ITEM_TRAIL),
    ])


def item_view(item_id: str | None, services: Services) -> html.Div:
    t = services.t
    sources = user_sources()
    item = services.data.item(item_id, sources=sources) if item_id else None
    if item is None:
        return html.Div(className="page item-page", children=[
            html.H1(t("item.heading")),
            html.P(t("item.missing"), id=ids.ITEM_MISSING, className="notice", role="alert"),
            dcc.Link(t("item.back"), href=SEARCH_PATH),
        ])
    paragraphs = [html.P(highlight(line, item.matched_terms))
                  for line in (item.text or "").split("\n") if line.strip()]
    return html.Div(className="page item-page", children=[
        dcc.Link(t("item.back"), href=SEARCH_PATH, className="small"),
        html.H1(highlight(item.title or t("search.untitled"), item.matched_terms),
                id=ids.ITEM_TITLE),
        html.Div(className="item-grid", children=[
            html.Section(className="card", children=[
                _meta(item, services),
                html.Div(paragraphs or html.P(t("item.no_text"), className="muted"),
                         id=ids.ITEM_TEXT, className="item-text"),
            ]),
            html.Div(children=[
                _model(item, t),
                _history(services.data.label_history(item.id, limit=HISTORY_LIMIT), t,
                         labelled=item.sentiment is not None or item.misinformation is not None),
                _cluster(item, [member for member in (
                    services.data.cluster_members(item.cluster_id, limit=CLUSTER_LIMIT + 1)
                    if item.cluster_id else []) if sources is None or member.source in sources],
                    t),
                _trail(services.data.review_trail(item.id), t, item.fetched_at),
            ]),
        ]),
    ])


def layout(id: str | None = None, **_query: Any) -> html.Div:
    # Read by a callback, not here: Dash builds every page's layout on the first request, and
    # a store failure must reach the error banner, not break every page.
    return html.Div(children=[dcc.Store(id=ids.ITEM_ID, data=id),
                              html.Div(id=ids.ITEM_CONTENT)])


@require_role(*ROLES)  # every role may read an item; the check refuses a lapsed session
def on_load(item_id: str | None) -> html.Div:
    return item_view(item_id, current())


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=3, title_key="item.title",
                  description_key="item.heading", layout=layout)
    app.callback(Output(ids.ITEM_CONTENT, "children"), Input(ids.ITEM_ID, "data"))(on_load)
