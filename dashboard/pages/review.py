"""Hàng chờ duyệt: flagged items for a reviewer to confirm, correct, dismiss or mark handled.

Four callbacks, each a thin Dash wrapper around a plain function the tests call directly:

* :func:`next_page` moves through the queue a page at a time (back to the first page when a
  filter changes);
* :func:`queue_page` fills the list (filters, order, the page, and the filters an overview
  alert linked with) and chooses which item is selected;
* :func:`item_view` renders the selected item with its near-duplicate cluster and remembers
  the review version of the item and of each unreviewed copy it showed;
* :func:`review_action` records the decision against those versions, on the item and (when
  asked) on every unreviewed copy of its cluster, each checked on its own. On
  :class:`~phuxanh.errors.ReviewConflict` nothing is written for that item: the message says
  someone else was first (for copies: which ones were left as they were); on success the
  queue is reloaded and the next item shown.

Marking an item handled records the URL of the official response; the time from first seeing
the item (``fetched_at``) to that response is derived from the review's own time
(:func:`dashboard.data.response_delay`) and shown, without a new store field.

Crawled text is never rendered as HTML: it goes into Dash components as plain strings, with
the matched terms wrapped in ``html.Mark`` (React escapes strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import dash
from dash import Input, Output, State, ctx, dcc, html

from dashboard import ids
from dashboard.auth import current_user, require_role
from dashboard.context import Services, current, register_page
from dashboard.data import load_narratives, queue_filter, response_delay
from dashboard.highlight import highlight
from dashboard.i18n import Translator
from dashboard.pages import review_narrative
from dashboard.pages.review_narrative import narrative_form
from phuxanh.errors import ItemNotFound, ReviewConflict
from phuxanh.schema import SENTIMENT_LABELS, VN_TZ, Item, Review
from phuxanh.store.base import ItemFilter

PATH = "/review"
ITEM_PATH = "/item"  # dashboard.pages.item.PATH (search imports this module: no cycle)
ROLES = ("reviewer", "admin")
QUEUE_LIMIT = 50  # items per page of the queue
CLUSTER_LIMIT = 50  # members of a near-duplicate cluster shown and decided on at once
FLAGS = ("negative", "misinfo")  # what an overview alert narrows the queue to

# Component ids added with paging, bulk decisions and alert links (kept with their page).
REVIEW_PAGE = "review-page"
REVIEW_PREV = "review-prev"
REVIEW_NEXT = "review-next"
REVIEW_PAGE_LABEL = "review-page-label"
REVIEW_PRESET = "review-preset"
REVIEW_BULK = "review-bulk"
REVIEW_CLUSTER = "review-cluster"
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


def preset_from(query: dict[str, Any], services: Services) -> dict[str, str]:
    """The filters an overview alert linked with (?topic=&province=&flag=&source_type=),
    keeping only values the dashboard knows."""
    known_topics = {key for key, _name in services.topics}
    known_provinces = {s.province for s in services.config.sources if s.province}
    preset: dict[str, str] = {}
    for key, allowed_values in (("topic", known_topics), ("province", known_provinces),
                                ("flag", set(FLAGS)), ("source_type", set(SOURCE_TYPES))):
        value = query.get(key)
        if isinstance(value, str) and value in allowed_values:
            preset[key] = value
    return preset


def _preset_note(preset: dict[str, str], services: Services) -> Any:
    if not any(preset.get(key) for key in ("topic", "province", "flag")):
        return None
    t = services.t
    parts = []
    if preset.get("flag"):
        parts.append(t(f"review.preset.flag.{preset['flag']}"))
    if preset.get("province"):
        parts.append(t("review.preset.province", province=preset["province"]))
    if preset.get("topic"):
        parts.append(dict(services.topics).get(preset["topic"], preset["topic"]))
    return html.P(className="notice review-preset", children=[
        t("review.preset", filters=" · ".join(parts)), " ",
        dcc.Link(t("review.preset.clear"), href=PATH),
    ])


def layout(**query: Any) -> html.Div:
    services = current()
    t = services.t
    user = current_user()
    if user is not None and not allowed(user.role):
        return _forbidden(t)
    preset = preset_from(query, services)
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
        dcc.Store(id=REVIEW_PAGE, data=0),
        dcc.Store(id=REVIEW_PRESET, data=preset),
        html.Div(className="page-head", children=[
            html.Div([html.H1(t("review.heading")),
                      html.P(t("review.subtitle"), className="muted")]),
        ]),
        _preset_note(preset, services),
        html.Div(className="review-filters", children=[
            _control(t("review.source_type"), ids.REVIEW_SOURCE_TYPE, dcc.Dropdown(
                id=ids.REVIEW_SOURCE_TYPE, options=source_options,
                value=preset.get("source_type", ""), clearable=False, searchable=False,
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
                    options=[{"label": t("review.misinfo_only"), "value": "only"}],
                    value=["only"] if preset.get("flag") == "misinfo" else [],
                ),
            ]),
        ]),
        html.Div(id=ids.REVIEW_MESSAGE, className="review-message", role="status"),
        html.Div(className="review-grid", children=[
            html.Section(className="card review-list", children=[
                html.P(id=ids.REVIEW_QUEUE_COUNT, className="muted small"),
                dcc.RadioItems(id=ids.REVIEW_QUEUE, options=[], value=None,
                               className="review-queue"),
                html.Div(className="search-pager review-pager", children=[
                    html.Button(t("review.prev"), id=REVIEW_PREV, className="button",
                                disabled=True),
                    html.Span(id=REVIEW_PAGE_LABEL, className="muted small"),
                    html.Button(t("review.next"), id=REVIEW_NEXT, className="button",
                                disabled=True),
                ]),
            ]),
            html.Section(className="card review-item", children=[
                html.Div(id=ids.REVIEW_DETAIL, children=html.P(t("review.pick"),
                                                                className="muted")),
                html.Div(id=ids.REVIEW_ACTIONS, className="review-actions", children=[
                    html.H2(t("review.actions")),
                    dcc.Checklist(id=REVIEW_BULK, className="review-check review-bulk",
                                  options=[], value=[]),
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
                    narrative_form(t),
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


@dataclass(frozen=True)
class QueuePage:
    options: list[dict[str, str]]
    selected: str | None
    count: Any  # the line above the list
    page: int  # 0-based, after falling back from a page that emptied
    has_prev: bool
    has_next: bool
    label: str  # "Trang 2"


def review_filter(source_type: str | None, official: str | None,
                  misinfo_only: list[str] | None, preset: dict[str, Any] | None) -> ItemFilter:
    """The queue's store filter: the controls, narrowed by an alert's preset."""
    preset = preset or {}
    chosen = queue_filter(source_type or None, {"yes": True, "no": False}.get(official or ""),
                          bool(misinfo_only) or preset.get("flag") == "misinfo")
    return replace(
        chosen,
        topics=[preset["topic"]] if preset.get("topic") else None,
        provinces=[preset["province"]] if preset.get("province") else None,
        sentiments=["negative"] if preset.get("flag") == "negative" else None,
    )


def queue_page(order: str | list[str] | None, source_type: str | None, official: str | None,
               misinfo_only: list[str] | None, current_value: str | None,
               current_options: list[dict[str, Any]] | None, services: Services, *,
               page: int = 0, preset: dict[str, Any] | None = None) -> QueuePage:
    """One page of the queue. The selection stays on the current item while it is still
    waiting; when it left (reviewed), the item now at its place is chosen. A page emptied by
    reviews falls back to the last page that still has items."""
    t = services.t
    # the toggle gives ["newest"] or []; tests and callers may pass the word itself
    chosen_order = ("newest" if order == "newest"
                    or (isinstance(order, list) and "newest" in order) else "priority")
    filters = review_filter(source_type, official, misinfo_only, preset)
    page = max(0, int(page or 0))
    while True:
        # One more than a page tells whether a next page exists, without counting the queue.
        entries = services.data.review_queue(filters, order=chosen_order,
                                             limit=QUEUE_LIMIT + 1,
                                             offset=page * QUEUE_LIMIT)
        if entries or page == 0:
            break
        page -= 1
    has_next = len(entries) > QUEUE_LIMIT
    entries = entries[:QUEUE_LIMIT]
    label = t("review.page", page=page + 1)
    options = [{"label": _entry_label(entry, t), "value": entry.item.id} for entry in entries]
    if not options:
        return QueuePage([], None, _with_code(t("review.empty")), 0, False, False, "")
    values = [option["value"] for option in options]
    if current_value in values:
        selected = current_value
    else:
        old = [option["value"] for option in current_options or []]
        position = old.index(current_value) if current_value in old else 0
        selected = values[min(position, len(values) - 1)]
    if page == 0 and not has_next:
        count: Any = t("review.count", count=len(options), limit=QUEUE_LIMIT)
    else:
        first = page * QUEUE_LIMIT + 1
        count = t("review.count_page", first=first, last=first + len(options) - 1,
                  more=t("review.count_more") if has_next else "")
    return QueuePage(options, selected, count, page, page > 0, has_next, label)


def queue_view(order: str | list[str] | None, source_type: str | None, official: str | None,
               misinfo_only: list[str] | None, current_value: str | None,
               current_options: list[dict[str, Any]] | None,
               services: Services, *, page: int = 0, preset: dict[str, Any] | None = None,
               ) -> tuple[list[dict[str, str]], str | None, Any]:
    """(options, selected id, count line) of :func:`queue_page`."""
    found = queue_page(order, source_type, official, misinfo_only, current_value,
                       current_options, services, page=page, preset=preset)
    return found.options, found.selected, found.count


def next_page(trigger: str | None, page: int | None) -> int:
    """The page after a click on prev/next; any other trigger (a filter) goes to the first."""
    page = max(0, int(page or 0))
    if trigger == REVIEW_NEXT:
        return page + 1
    if trigger == REVIEW_PREV:
        return max(0, page - 1)
    return 0


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


def format_delay(delay: timedelta, t: Translator) -> str:
    """A duration the way a person says it: "2 ngày 3 giờ", "4 giờ 10 phút", "25 phút"."""
    minutes = int(delay.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return t("duration.days_hours", days=days, hours=hours)
    if hours:
        return t("duration.hours_minutes", hours=hours, minutes=minutes)
    if minutes:
        return t("duration.minutes", minutes=minutes)
    return t("duration.under_minute")


def response_line(item: Item, t: Translator) -> str | None:
    """"Phản hồi chính thức sau 2 ngày 3 giờ kể từ lúc phát hiện" for a handled item."""
    delay = response_delay(item)
    if delay is None:
        return None
    return t("review.response_delay", delay=format_delay(delay, t),
             seen=item.fetched_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M"))


def _status_line(item: Item, t: Translator) -> str:
    review = item.review
    status = t(f"review.status.{review.status}")
    if review.status != "unreviewed" and review.reviewer:
        when = (review.reviewed_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
                if review.reviewed_at else "")
        line = t("review.status_by", status=status, reviewer=review.reviewer, time=when)
        response = response_line(item, t)
        return f"{line} · {response}" if response else line
    return t("review.status", status=status)


def item_href(item_id: str) -> str:
    return f"{ITEM_PATH}?id={quote(item_id, safe='')}"


def _cluster_block(item: Item, members: list[tuple[Item, int]], t: Translator) -> html.Div:
    """The item's near-duplicate cluster: every member linked, the original and this item
    marked, each copy's review status, so a bulk decision is made knowing what it covers."""
    rows = []
    for member, _version in members:
        tags = []
        if member.is_original:
            tags.append(html.Span(t("review.cluster.original"), className="badge"))
        if member.id == item.id:
            tags.append(html.Span(t("review.cluster.this"), className="badge badge-muted"))
        rows.append(html.Li([
            dcc.Link(member.title or t("review.untitled"), href=item_href(member.id)),
            " — ", member.outlet or member.source, " · ",
            member.published_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M"), " · ",
            t(f"review.status.{member.review.status}"), *[part for tag in tags
                                                          for part in (" ", tag)],
        ]))
    return html.Div(id=REVIEW_CLUSTER, className="review-cluster", children=[
        html.H3(t("review.cluster.heading", count=len(members))),
        html.Ul(rows, className="cluster-list"),
    ])


def render_item(item: Item, services: Services,
                members: list[tuple[Item, int]] | None = None) -> list[Any]:
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
        html.P(t("review.first_seen",
                 time=item.fetched_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")),
               className="muted small"),
        html.P(_status_line(item, t), id=ids.REVIEW_ITEM_STATUS, className="small"),
        # Only an http(s) link: an imported item's url could be "javascript:..." (the
        # canonical URL is always http(s), checked by the schema).
        html.A(t("review.open_original"), target="_blank", rel="noopener noreferrer",
               href=item.url if _is_http(item.url) else item.canonical_url,
               className="review-original"),
        " · ",
        dcc.Link(t("review.open_detail"), href=item_href(item.id), className="review-original"),
    ]
    if item.matched_terms:
        children.append(html.P(t("review.matched_terms", terms=", ".join(item.matched_terms)),
                               className="muted small"))
    if item.cluster_id and members and len(members) > 1:
        children.append(_cluster_block(item, members, t))
    elif item.cluster_id:
        children.append(html.P(t("review.cluster", cluster=item.cluster_id),
                               className="muted small"))
    children += [
        html.Div(paragraphs, id=ids.REVIEW_ITEM_TEXT, className="review-text"),
        _model_block(item, services),
    ]
    return children


def item_view(item_id: str | None, services: Services) -> tuple[list[Any], dict[str, Any] | None]:
    """(the item rendered, what it was rendered at): {"id", "version", "copies"}, where copies
    are the other unreviewed members of its cluster as [{"id", "version"}], so a bulk decision
    checks each against the version the reviewer saw."""
    t = services.t
    if not item_id:
        return [html.P(t("review.pick"), className="muted")], None
    found = services.data.review_item(item_id)
    if found is None:
        return [html.P(t("review.gone"), className="muted")], None
    item, version = found
    members = (services.data.cluster_versions(item.cluster_id, limit=CLUSTER_LIMIT)
               if item.cluster_id else [])
    copies = [{"id": member.id, "version": member_version}
              for member, member_version in members
              if member.id != item.id and member.review.status == "unreviewed"]
    return (render_item(item, services, members),
            {"id": item.id, "version": version, "copies": copies})


def bulk_options(loaded: dict[str, Any] | None, t: Translator) -> list[dict[str, Any]]:
    """The "apply to the whole cluster" checkbox, only when there are copies to apply to."""
    copies = (loaded or {}).get("copies") or []
    if not copies:
        return []
    return [{"label": t("review.bulk", count=len(copies)), "value": "all"}]


# -- decisions -------------------------------------------------------------------------------

MAX_URL_LENGTH = 2048


def valid_response_url(url: str | None) -> str | None:
    """``url`` stripped when it is an absolute http(s) URL to a named host (the official
    response someone can open), else None."""
    if not url:
        return None
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host or parts.username or parts.password:
        return None
    return url if "." in host or host == "localhost" else None


def _is_http(url: str) -> bool:
    return valid_response_url(url) is not None


def _decision(action: str, item: Item, sentiment: str | None,
              response_url: str | None, t: Translator) -> tuple[dict[str, Any] | None, str]:
    """(Review fields, message) for ``action`` on ``item``; (None, why) when incomplete."""
    model_sentiment = item.sentiment.label if item.sentiment else None
    misinfo = item.misinformation
    fields: dict[str, Any] = {"status": action}
    if action == "corrected":
        if sentiment not in SENTIMENT_LABELS:
            return None, t("review.need_sentiment")
        fields["sentiment"] = sentiment
        message = t("review.done.corrected", label=t(f"sentiment.{sentiment}"))
    else:
        fields["sentiment"] = model_sentiment
        message = t(f"review.done.{action}")
    if action == "handled":
        url = valid_response_url(response_url)
        if url is None:
            return None, t("review.need_url")
        fields["response_url"] = url
    if misinfo is not None and action in {"confirmed", "handled"}:
        fields["misinformation"] = misinfo.label
        fields["narrative_id"] = misinfo.narrative_id
    return fields, message


def _apply_to_copies(loaded: dict[str, Any], fields: dict[str, Any], services: Services,
                     actor: str) -> tuple[int, list[str], list[str]]:
    """The decision on every copy the reviewer saw, each against its own version: (applied,
    titles of copies someone else decided first, ids of copies gone). A conflict leaves that
    copy as the other reviewer left it."""
    applied, conflicts, gone = 0, [], []
    note = f"cluster:{loaded['id']}"  # the trail says which decision this one followed
    for copy in loaded.get("copies") or []:
        copy_id, version = str(copy["id"]), int(copy["version"])
        try:
            services.data.submit_review(copy_id, Review(**fields, note=note), version,
                                        actor=actor)
            applied += 1
        except ReviewConflict:
            found = services.data.item(copy_id)
            conflicts.append((found.title if found else "") or copy_id)
        except ItemNotFound:
            gone.append(copy_id)
    return applied, conflicts, gone


def review_action(action: str, loaded: dict[str, Any] | None, sentiment: str | None,
                  response_url: str | None, services: Services, actor: str,
                  bulk: bool = False) -> tuple[Any, bool, bool]:
    """Record ``action`` ("confirmed", "corrected", "dismissed", "handled") on the loaded item
    and, with ``bulk``, on every unreviewed copy of its cluster shown with it.

    Returns (message, saved, conflict): saved means the queue should move on; conflict means
    the item must be reloaded. Nothing is written when the input is incomplete, and no copy is
    touched when the item itself was decided by someone else first."""
    t = services.t
    if not loaded or not loaded.get("id"):
        return html.Span(t("review.no_item"), className="warn"), False, False
    item_id, version = str(loaded["id"]), int(loaded["version"])
    found = services.data.review_item(item_id)
    if found is None:
        return html.Span(t("review.gone"), className="warn"), False, False
    item = found[0]
    fields, message = _decision(action, item, sentiment, response_url, t)
    if fields is None:
        return html.Span(message, className="warn"), False, False
    # The time of the decision, from the dashboard's clock: for "handled" it is the moment of
    # the official response, from which the delay since first seen is derived.
    fields["reviewed_at"] = services.data.now()
    try:
        services.data.submit_review(item_id, Review(**fields), version, actor=actor)
    except ReviewConflict:
        return html.Span(t("review.conflict"), className="warn"), False, True
    parts: list[Any] = [message]
    if action == "handled":
        delay = max(fields["reviewed_at"] - item.fetched_at, timedelta(0))
        parts.append(" " + t("review.done.delay", delay=format_delay(delay, t)))
    if bulk and loaded.get("copies"):
        applied, conflicts, gone = _apply_to_copies(loaded, fields, services, actor)
        parts.append(" " + t("review.bulk.done", applied=applied,
                             total=len(loaded["copies"])))
        if conflicts:
            parts.append(" " + t("review.bulk.conflicts", count=len(conflicts),
                                 titles="; ".join(conflicts)))
        if gone:
            parts.append(" " + t("review.bulk.gone", count=len(gone)))
        if conflicts or gone:
            return html.Span(parts, className="warn"), True, False
    return html.Span(parts, className="ok"), True, False


# -- Dash wiring -----------------------------------------------------------------------------


@require_role(*ROLES)
def on_page(_prev: Any, _next: Any, _order: Any, _source_type: Any, _official: Any,
            _misinfo_only: Any, page: int | None) -> int:
    return next_page(str(ctx.triggered_id) if ctx.triggered_id else None, page)


@require_role(*ROLES)
def on_filters(order: list[str] | None, source_type: str | None, official: str | None,
               misinfo_only: list[str] | None, _refresh: Any, page: int | None,
               current_value: str | None, current_options: list[dict[str, Any]] | None,
               preset: dict[str, Any] | None = None) -> tuple[Any, ...]:
    found = queue_page(order, source_type, official, misinfo_only, current_value,
                       current_options, current(), page=page or 0, preset=preset)
    return (found.options, found.selected, found.count, not found.has_prev,
            not found.has_next, found.label)


@require_role(*ROLES)
def on_select(item_id: str | None, reload: dict[str, Any] | None) -> tuple[Any, Any, Any, Any]:
    if ctx.triggered_id == ids.REVIEW_RELOAD and reload:
        item_id = reload.get("id")
    services = current()
    detail, loaded = item_view(item_id, services)
    return detail, loaded, bulk_options(loaded, services.t), []


@require_role(*ROLES)
def on_action(_confirm: Any, _correct: Any, _dismiss: Any, _handled: Any,
              loaded: dict[str, Any] | None, sentiment: str | None, response_url: str | None,
              refresh: int | None, bulk: list[str] | None = None) -> tuple[Any, Any, Any, Any]:
    action = ACTIONS.get(str(ctx.triggered_id))
    if action is None:
        raise dash.exceptions.PreventUpdate
    user = current_user()
    assert user is not None  # require_role let us in
    message, saved, conflict = review_action(action, loaded, sentiment, response_url,
                                             current(), user.username, bulk=bool(bulk))
    reload = ({"id": (loaded or {}).get("id"), "n": (refresh or 0) + 1} if conflict
              else dash.no_update)
    return (message, (refresh or 0) + 1 if saved else dash.no_update, reload,
            "" if saved else dash.no_update)


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=1, title_key="review.title",
                  description_key="review.subtitle", layout=layout)
    review_narrative.register(app)
    app.callback(
        Output(REVIEW_PAGE, "data"),
        Input(REVIEW_PREV, "n_clicks"),
        Input(REVIEW_NEXT, "n_clicks"),
        Input(ids.REVIEW_ORDER, "value"),
        Input(ids.REVIEW_SOURCE_TYPE, "value"),
        Input(ids.REVIEW_OFFICIAL, "value"),
        Input(ids.REVIEW_MISINFO_ONLY, "value"),
        State(REVIEW_PAGE, "data"),
        prevent_initial_call=True,
    )(on_page)
    app.callback(
        Output(ids.REVIEW_QUEUE, "options"),
        Output(ids.REVIEW_QUEUE, "value"),
        Output(ids.REVIEW_QUEUE_COUNT, "children"),
        Output(REVIEW_PREV, "disabled"),
        Output(REVIEW_NEXT, "disabled"),
        Output(REVIEW_PAGE_LABEL, "children"),
        Input(ids.REVIEW_ORDER, "value"),
        Input(ids.REVIEW_SOURCE_TYPE, "value"),
        Input(ids.REVIEW_OFFICIAL, "value"),
        Input(ids.REVIEW_MISINFO_ONLY, "value"),
        Input(ids.REVIEW_REFRESH, "data"),
        Input(REVIEW_PAGE, "data"),
        State(ids.REVIEW_QUEUE, "value"),
        State(ids.REVIEW_QUEUE, "options"),
        State(REVIEW_PRESET, "data"),
    )(on_filters)
    app.callback(
        Output(ids.REVIEW_DETAIL, "children"),
        Output(ids.REVIEW_LOADED, "data"),
        Output(REVIEW_BULK, "options"),
        Output(REVIEW_BULK, "value"),
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
        State(REVIEW_BULK, "value"),
        prevent_initial_call=True,
    )(on_action)
