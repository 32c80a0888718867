"""Hàng chờ duyệt: flagged items for a reviewer to confirm, correct, dismiss or mark handled.

Three callbacks, each a thin Dash wrapper around a plain function the tests call directly:

* :func:`queue_view` fills the list (filters, order) and chooses which item is selected;
* :func:`item_view` renders the selected item and remembers the review version it showed;
* :func:`review_action` records the decision against that version. On
  :class:`~phuxanh.errors.ReviewConflict` nothing is written: the message says someone else
  was first and the item is reloaded; on success the queue is reloaded and the next item shown.

Crawled text is never rendered as HTML: it goes into Dash components as plain strings, with
the matched terms wrapped in ``html.Mark`` (React escapes strings).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import dash
from dash import Input, Output, State, ctx, dcc, html

from dashboard import ids
from dashboard.auth import current_user, require_role
from dashboard.context import Services, current, register_page
from dashboard.data import load_narratives, queue_filter
from dashboard.highlight import highlight
from dashboard.i18n import Translator
from phuxanh.errors import ReviewConflict
from phuxanh.schema import SENTIMENT_LABELS, VN_TZ, Item, Review

PATH = "/review"
ROLES = ("reviewer", "admin")
QUEUE_LIMIT = 50
SOURCE_TYPES = ("news", "forum", "social", "video", "import")
ACTIONS = {
    ids.REVIEW_CONFIRM: "confirmed",
    ids.REVIEW_CORRECT: "corrected",
    ids.REVIEW_DISMISS: "dismissed",
    ids.REVIEW_HANDLED: "handled",
}


def allowed(role: str | None) -> bool:
    return role in ROLES


# -- layout ----------------------------------------------------------------------------------


def _forbidden(t: Translator) -> html.Div:
    return html.Div(className="page", children=[
        html.H1(t("review.heading")),
        html.Div(t("review.forbidden"), id=ids.REVIEW_FORBIDDEN, className="notice",
                 role="alert"),
    ])


def _control(label: str, control_id: str, component: Any) -> html.Div:
    return html.Div(className="control", children=[
        html.Label(label, htmlFor=control_id, className="control-label"), component,
    ])


def layout(**_query: Any) -> html.Div:
    services = current()
    t = services.t
    user = current_user()
    if user is not None and not allowed(user.role):
        return _forbidden(t)
    source_options = [{"label": t("review.source_type.all"), "value": ""}] + [
        {"label": t(f"review.source_type.{kind}"), "value": kind} for kind in SOURCE_TYPES
    ]
    official_options = [
        {"label": t("review.official.all"), "value": ""},
        {"label": t("review.official.yes"), "value": "yes"},
        {"label": t("review.official.no"), "value": "no"},
    ]
    sentiment_options = [{"label": t(f"sentiment.{label}"), "value": label}
                         for label in SENTIMENT_LABELS]
    return html.Div(className="page review-page", children=[
        dcc.Store(id=ids.REVIEW_LOADED),
        dcc.Store(id=ids.REVIEW_REFRESH, data=0),
        dcc.Store(id=ids.REVIEW_RELOAD),
        html.Div(className="page-head", children=[
            html.Div([html.H1(t("review.heading")),
                      html.P(t("review.subtitle"), className="muted")]),
        ]),
        html.Div(className="review-filters", children=[
            _control(t("review.source_type"), ids.REVIEW_SOURCE_TYPE, dcc.Dropdown(
                id=ids.REVIEW_SOURCE_TYPE, options=source_options, value="", clearable=False,
                searchable=False,
            )),
            _control(t("review.official"), ids.REVIEW_OFFICIAL, dcc.Dropdown(
                id=ids.REVIEW_OFFICIAL, options=official_options, value="", clearable=False,
                searchable=False,
            )),
            html.Div(className="review-toggles", children=[
                dcc.Checklist(
                    id=ids.REVIEW_ORDER, className="review-check",
                    options=[{"label": t("review.order.newest"), "value": "newest"}], value=[],
                ),
                dcc.Checklist(
                    id=ids.REVIEW_MISINFO_ONLY, className="review-check",
                    options=[{"label": t("review.misinfo_only"), "value": "only"}], value=[],
                ),
            ]),
        ]),
        html.Div(id=ids.REVIEW_MESSAGE, className="review-message", role="status"),
        html.Div(className="review-grid", children=[
            html.Section(className="card review-list", children=[
                html.P(id=ids.REVIEW_QUEUE_COUNT, className="muted small"),
                dcc.RadioItems(id=ids.REVIEW_QUEUE, options=[], value=None,
                               className="review-queue"),
            ]),
            html.Section(className="card review-item", children=[
                html.Div(id=ids.REVIEW_DETAIL, children=html.P(t("review.pick"),
                                                                className="muted")),
                html.Div(id=ids.REVIEW_ACTIONS, className="review-actions", children=[
                    html.H2(t("review.actions")),
                    html.Div(className="review-buttons", children=[
                        html.Button(t("review.confirm"), id=ids.REVIEW_CONFIRM,
                                    className="button primary"),
                        html.Button(t("review.dismiss"), id=ids.REVIEW_DISMISS,
                                    className="button"),
                    ]),
                    html.Div(className="review-row", children=[
                        _control(t("review.correct_to"), ids.REVIEW_CORRECT_SENTIMENT,
                                 dcc.Dropdown(id=ids.REVIEW_CORRECT_SENTIMENT,
                                              options=sentiment_options, value=None,
                                              placeholder=t("review.correct_placeholder"),
                                              searchable=False)),
                        html.Button(t("review.correct"), id=ids.REVIEW_CORRECT,
                                    className="button"),
                    ]),
                    html.Div(className="review-row", children=[
                        _control(t("review.response_url"), ids.REVIEW_RESPONSE_URL,
                                 dcc.Input(id=ids.REVIEW_RESPONSE_URL, type="url",
                                           placeholder=t("review.response_placeholder"),
                                           debounce=False,
                                           className="review-url")),
                        html.Button(t("review.handled"), id=ids.REVIEW_HANDLED,
                                    className="button"),
                    ]),
                    html.P(t("review.shortcuts"), className="muted small"),
                ]),
            ]),
        ]),
    ])


# -- the queue -------------------------------------------------------------------------------


def _entry_label(entry: Any, t: Translator) -> str:
    item = entry.item
    misinfo = item.misinformation is not None and item.misinformation.label == "likely"
    flag = t("review.flag.misinfo") if misinfo else t("review.flag.negative")
    when = item.published_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    title = t("review.entry", title=item.title or t("review.untitled"), outlet=item.outlet)
    return f"[{flag}] {title} · {when}"


def queue_view(order: str | list[str] | None, source_type: str | None, official: str | None,
               misinfo_only: list[str] | None, current_value: str | None,
               current_options: list[dict[str, Any]] | None,
               services: Services) -> tuple[list[dict[str, str]], str | None, Any]:
    """(options, selected id, count line). The selection stays on the current item while it
    is still waiting; when it left (reviewed), the item now at its place is chosen."""
    t = services.t
    entries = services.data.review_queue(
        queue_filter(source_type or None,
                     {"yes": True, "no": False}.get(official or ""),
                     bool(misinfo_only)),
        # the toggle gives ["newest"] or []; tests and callers may pass the word itself
        order="newest" if order == "newest" or (isinstance(order, list) and "newest" in order)
        else "priority",
        limit=QUEUE_LIMIT,
    )
    options = [{"label": _entry_label(entry, t), "value": entry.item.id} for entry in entries]
    if not options:
        return [], None, _with_code(t("review.empty"))
    values = [option["value"] for option in options]
    if current_value in values:
        selected = current_value
    else:
        old = [option["value"] for option in current_options or []]
        position = old.index(current_value) if current_value in old else 0
        selected = values[min(position, len(values) - 1)]
    return options, selected, t("review.count", count=len(options), limit=QUEUE_LIMIT)


def _with_code(text: str) -> list[Any]:
    parts = re.split(r"`([^`]+)`", text)
    return [html.Code(part) if i % 2 else part for i, part in enumerate(parts) if part]


# -- the item --------------------------------------------------------------------------------


def _score(value: float, t: Translator) -> str:
    return t.decimal(value, 2)


def _model_block(item: Item, services: Services) -> html.Div:
    t = services.t
    rows: list[Any] = []
    if item.sentiment is not None:
        rows.append(html.P(t("review.sentiment", label=t(f"sentiment.{item.sentiment.label}"),
                             score=_score(item.sentiment.score, t)), className="review-label"))
        if item.sentiment.reason:
            rows.append(html.P(t("review.reason", reason=item.sentiment.reason),
                               className="muted small"))
    else:
        rows.append(html.P(t("review.sentiment.none")))
    misinfo = item.misinformation
    if misinfo is not None:
        rows.append(html.P(t("review.misinfo", label=t(f"review.misinfo.{misinfo.label}"),
                             score=_score(misinfo.score, t)), className="review-label"))
        if misinfo.reason:
            rows.append(html.P(t("review.reason", reason=misinfo.reason),
                               className="muted small"))
        if misinfo.narrative_id:
            rows.append(_narrative_block(misinfo.narrative_id, services))
    return html.Div(className="review-model", children=[html.H2(t("review.model")), *rows])


def _narrative_block(narrative_id: str, services: Services) -> html.Div:
    t = services.t
    narrative = load_narratives(services.config.config_dir / "narratives.yaml").get(narrative_id)
    if narrative is None:
        return html.Div(t("review.narrative_unknown", id=narrative_id), className="muted")
    link: Any = (
        html.A(t("review.rebuttal_link"), href=narrative.rebuttal_url, target="_blank",
               rel="noopener noreferrer")
        if narrative.rebuttal_url and _is_http(narrative.rebuttal_url)
        else html.Span(t("review.rebuttal_missing"), className="muted small")
    )
    return html.Div(className="review-narrative", children=[
        html.H3(t("review.narrative")),
        html.P(t("review.claim", claim=narrative.claim)),
        html.P(t("review.rebuttal", rebuttal=narrative.rebuttal)),
        link,
    ])


def _status_line(item: Item, t: Translator) -> str:
    review = item.review
    status = t(f"review.status.{review.status}")
    if review.status != "unreviewed" and review.reviewer:
        when = (review.reviewed_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
                if review.reviewed_at else "")
        return t("review.status_by", status=status, reviewer=review.reviewer, time=when)
    return t("review.status", status=status)


def render_item(item: Item, services: Services) -> list[Any]:
    t = services.t
    published = item.published_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    meta: list[Any] = [t("review.outlet", outlet=item.outlet or item.source)]
    if item.official:
        meta += [" ", html.Span(t("review.official_badge"), className="badge")]
    paragraphs = [html.P(highlight(line, item.matched_terms))
                  for line in (item.text or "").split("\n") if line.strip()]
    children: list[Any] = [
        html.H2(highlight(item.title or t("review.untitled"), item.matched_terms),
                id=ids.REVIEW_ITEM_TITLE, className="review-title"),
        html.P(meta, className="muted"),
        html.P(t("review.published", time=published,
                 source=t(f"review.date_source.{item.date_source.value}")),
               className="muted small"),
        html.P(_status_line(item, t), id=ids.REVIEW_ITEM_STATUS, className="small"),
        html.A(t("review.open_original"), href=item.url, target="_blank",
               rel="noopener noreferrer", className="review-original"),
    ]
    if item.matched_terms:
        children.append(html.P(t("review.matched_terms", terms=", ".join(item.matched_terms)),
                               className="muted small"))
    if item.cluster_id:
        children.append(html.P(t("review.cluster", cluster=item.cluster_id),
                               className="muted small"))
    children += [
        html.Div(paragraphs, id=ids.REVIEW_ITEM_TEXT, className="review-text"),
        _model_block(item, services),
    ]
    return children


def item_view(item_id: str | None, services: Services) -> tuple[list[Any], dict[str, Any] | None]:
    """(the item rendered, {"id", "version"} it was rendered at)."""
    t = services.t
    if not item_id:
        return [html.P(t("review.pick"), className="muted")], None
    found = services.data.review_item(item_id)
    if found is None:
        return [html.P(t("review.gone"), className="muted")], None
    item, version = found
    return render_item(item, services), {"id": item.id, "version": version}


# -- decisions -------------------------------------------------------------------------------


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and " " not in url.strip()


def review_action(action: str, loaded: dict[str, Any] | None, sentiment: str | None,
                  response_url: str | None, services: Services, actor: str,
                  ) -> tuple[Any, bool, bool]:
    """Record ``action`` ("confirmed", "corrected", "dismissed", "handled") on the loaded item.

    Returns (message, saved, conflict): saved means the queue should move on; conflict means
    the item must be reloaded. Nothing is written when the input is incomplete."""
    t = services.t
    if not loaded or not loaded.get("id"):
        return html.Span(t("review.no_item"), className="warn"), False, False
    item_id, version = str(loaded["id"]), int(loaded["version"])
    found = services.data.review_item(item_id)
    if found is None:
        return html.Span(t("review.gone"), className="warn"), False, False
    item = found[0]
    model_sentiment = item.sentiment.label if item.sentiment else None
    misinfo = item.misinformation
    fields: dict[str, Any] = {"status": action}
    if action == "corrected":
        if sentiment not in SENTIMENT_LABELS:
            return html.Span(t("review.need_sentiment"), className="warn"), False, False
        fields["sentiment"] = sentiment
        message = t("review.done.corrected", label=t(f"sentiment.{sentiment}"))
    else:
        fields["sentiment"] = model_sentiment
        message = t(f"review.done.{action}")
    if action == "handled":
        if not response_url or not _is_http(response_url):
            return html.Span(t("review.need_url"), className="warn"), False, False
        fields["response_url"] = response_url.strip()
    if misinfo is not None and action in {"confirmed", "handled"}:
        fields["misinformation"] = misinfo.label
        fields["narrative_id"] = misinfo.narrative_id
    try:
        services.data.submit_review(item_id, Review(**fields), version, actor=actor)
    except ReviewConflict:
        return html.Span(t("review.conflict"), className="warn"), False, True
    return html.Span(message, className="ok"), True, False


# -- Dash wiring -----------------------------------------------------------------------------


@require_role(*ROLES)
def on_filters(order: list[str] | None, source_type: str | None, official: str | None,
               misinfo_only: list[str] | None, _refresh: Any, current_value: str | None,
               current_options: list[dict[str, Any]] | None) -> tuple[Any, Any, Any]:
    return queue_view(order, source_type, official, misinfo_only, current_value,
                      current_options, current())


@require_role(*ROLES)
def on_select(item_id: str | None, reload: dict[str, Any] | None) -> tuple[Any, Any]:
    if ctx.triggered_id == ids.REVIEW_RELOAD and reload:
        item_id = reload.get("id")
    return item_view(item_id, current())


@require_role(*ROLES)
def on_action(_confirm: Any, _correct: Any, _dismiss: Any, _handled: Any,
              loaded: dict[str, Any] | None, sentiment: str | None, response_url: str | None,
              refresh: int | None) -> tuple[Any, Any, Any, Any]:
    action = ACTIONS.get(str(ctx.triggered_id))
    if action is None:
        raise dash.exceptions.PreventUpdate
    user = current_user()
    assert user is not None  # require_role let us in
    message, saved, conflict = review_action(action, loaded, sentiment, response_url,
                                             current(), user.username)
    reload = ({"id": (loaded or {}).get("id"), "n": (refresh or 0) + 1} if conflict
              else dash.no_update)
    return (message, (refresh or 0) + 1 if saved else dash.no_update, reload,
            "" if saved else dash.no_update)


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=1, title_key="review.title",
                  description_key="review.subtitle", layout=layout)
    app.callback(
        Output(ids.REVIEW_QUEUE, "options"),
        Output(ids.REVIEW_QUEUE, "value"),
        Output(ids.REVIEW_QUEUE_COUNT, "children"),
        Input(ids.REVIEW_ORDER, "value"),
        Input(ids.REVIEW_SOURCE_TYPE, "value"),
        Input(ids.REVIEW_OFFICIAL, "value"),
        Input(ids.REVIEW_MISINFO_ONLY, "value"),
        Input(ids.REVIEW_REFRESH, "data"),
        State(ids.REVIEW_QUEUE, "value"),
        State(ids.REVIEW_QUEUE, "options"),
    )(on_filters)
    app.callback(
        Output(ids.REVIEW_DETAIL, "children"),
        Output(ids.REVIEW_LOADED, "data"),
        Input(ids.REVIEW_QUEUE, "value"),
        Input(ids.REVIEW_RELOAD, "data"),
    )(on_select)
    app.callback(
        Output(ids.REVIEW_MESSAGE, "children"),
        Output(ids.REVIEW_REFRESH, "data"),
        Output(ids.REVIEW_RELOAD, "data"),
        Output(ids.REVIEW_RESPONSE_URL, "value"),
        Input(ids.REVIEW_CONFIRM, "n_clicks"),
        Input(ids.REVIEW_CORRECT, "n_clicks"),
        Input(ids.REVIEW_DISMISS, "n_clicks"),
        Input(ids.REVIEW_HANDLED, "n_clicks"),
        State(ids.REVIEW_LOADED, "data"),
        State(ids.REVIEW_CORRECT_SENTIMENT, "value"),
        State(ids.REVIEW_RESPONSE_URL, "value"),
        State(ids.REVIEW_REFRESH, "data"),
        prevent_initial_call=True,
    )(on_action)
