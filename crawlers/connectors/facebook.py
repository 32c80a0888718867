"""Facebook Graph API: the posts of the pages the unit may read, and their comments.

- ``GET /{page-id}/posts`` (since = the crawl window, 100 a page) with the post's message,
  time, permalink and counts (reactions, comments, shares summaries);
- ``GET /{post-id}/comments`` (filter=stream: replies too, each with its ``parent``; newest
  first) for each on-topic post.

Pages are read only through the API with the unit's own token (PHUXANH_FACEBOOK_TOKEN) and
only the pages named in ``page_ids``; nothing is scraped. Paging follows ``paging.cursors.after``
while ``paging.next`` is present; the cursor, never the ``next`` URL (it carries the token), is
what is saved. A page is a named source (``outlet``); a commenter is a person, stored only as a
keyed hash of their id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawlers.connectors.base import (
    AccessDenied,
    ConnectorError,
    CredentialError,
    MalformedPayload,
    NotAvailable,
    RateLimited,
    StaleCursor,
    expect,
)
from crawlers.connectors.context import Page, RunContext, as_list, count, walk
from phuxanh.schema import Engagement, Item, platform_item_id

NAME = "facebook"
API = "Facebook Graph API"
BASE_URL = "https://graph.facebook.com/v21.0"
PLATFORM = "facebook"
PAGE_SIZE = 100
POST_FIELDS = ("id,message,created_time,permalink_url,from,shares,"
               "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)")
COMMENT_FIELDS = "id,message,created_time,from,like_count,comment_count,parent{id},permalink_url"
# Graph API throttling codes: app, user, page and business-use-case rate limits.
_RATE_CODES = {4, 17, 32, 613, *range(80001, 80015)}


def classify(connector: str, url: str, status: int, body: Any) -> ConnectorError | None:
    """Graph API's error body ({"error": {"message", "type", "code", "error_subcode",
    "fbtrace_id"}}) -> our error. None: the generic handling by status."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code, subcode = error.get("code"), error.get("error_subcode")
    kind = str(error.get("type") or "")
    message = str(error.get("message") or "")[:200]
    detail = f"{kind or 'error'} {code}" + (f"/{subcode}" if subcode else "")
    if code in (190, 102) or (kind == "OAuthException" and code is None):
        return CredentialError(connector, url, f"access token expired or invalid ({detail}): "
                               "set a new page or system-user token in PHUXANH_FACEBOOK_TOKEN")
    if code in _RATE_CODES:
        return RateLimited(connector, url, f"rate limited ({detail})")
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return AccessDenied(connector, url, f"the token may not read this ({detail}: {message})")
    if code == 100 and ("after" in message or "cursor" in message.lower()):
        return StaleCursor(connector, url, f"the saved cursor is no longer valid ({detail})")
    if code == 100 and subcode == 33:
        return NotAvailable(connector, url, f"object gone or not readable ({detail})")
    return None


def parse_time(value: Any, url: str) -> datetime:
    """Graph API times: ISO 8601 with a +0000 offset ("2026-03-10T08:15:30+0000")."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise MalformedPayload(NAME, url, f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _page(body: Any, url: str) -> Page:
    expect(isinstance(body, dict), NAME, url, "not an object with 'data'")
    entries = as_list(body.get("data"), NAME, url, "data")
    paging = body.get("paging") or {}
    expect(isinstance(paging, dict), NAME, url, "paging is not an object")
    cursor = (paging.get("cursors") or {}).get("after")
    # Per Graph API: no "next" means this is the last page, whatever the cursors say.
    more = bool(paging.get("next")) and isinstance(cursor, str) and bool(cursor)
    return Page(entries, cursor if more else None)


def run(ctx: RunContext, token: str) -> None:
    for page_id in ctx.source.page_ids:
        _posts(ctx, token, page_id)
    ctx.drain_comments(lambda post_id: _comments(ctx, token, post_id))


def _posts(ctx: RunContext, token: str, page_id: str) -> None:
    url = f"{ctx.base_url}/{page_id}/posts"
    since = int(ctx.cutoff.timestamp())

    def fetch(cursor: str | None) -> Page:
        params: dict[str, Any] = {"fields": POST_FIELDS, "limit": PAGE_SIZE, "since": since,
                                  "access_token": token}
        if cursor:
            params["after"] = cursor
        return _page(ctx.client.get_json(url, params), url)

    def handle(page: Page) -> bool:
        kept, more = ctx.sink.take_page(url, page.entries, lambda post: [post_item(ctx, post)],
                                        f"{NAME}: post")
        if ctx.source.comments:
            ctx.state.add_pending(ctx.key, [
                item.id.split(":", 1)[1] for item, post in kept
                if _summary_total(post, "comments") != 0
            ])
        return more

    walk(ctx, f"posts:{page_id}", fetch, handle)


def _summary_total(post: dict[str, Any], edge: str) -> int | None:
    summary = (post.get(edge) or {}).get("summary") if isinstance(post.get(edge), dict) else None
    return count(summary.get("total_count")) if isinstance(summary, dict) else None


def post_item(ctx: RunContext, post: Any) -> Item:
    url = f"{ctx.base_url}/posts"
    if not isinstance(post, dict) or not isinstance(post.get("id"), str) or not post["id"]:
        raise MalformedPayload(NAME, url, "post without id")
    post_id = post["id"]
    author = post.get("from") if isinstance(post.get("from"), dict) else {}
    link = str(post.get("permalink_url") or f"https://www.facebook.com/{post_id}")
    shares = post.get("shares") if isinstance(post.get("shares"), dict) else {}
    return ctx.platform_item(
        PLATFORM, post_id, link,
        outlet=str(author.get("name") or ctx.source.name),  # the page: a named source
        text=str(post.get("message") or ""),
        published_at=parse_time(post.get("created_time"), url),
        engagement=Engagement(likes=_summary_total(post, "reactions"),
                              comments=_summary_total(post, "comments"),
                              shares=count(shares.get("count"))),
    )


def _comments(ctx: RunContext, token: str, post_id: str) -> None:
    url = f"{ctx.base_url}/{post_id}/comments"
    parent = ctx.parent(platform_item_id(PLATFORM, post_id))

    def fetch(cursor: str | None) -> Page:
        params: dict[str, Any] = {"fields": COMMENT_FIELDS, "filter": "stream",
                                  "order": "reverse_chronological", "limit": PAGE_SIZE,
                                  "access_token": token}
        if cursor:
            params["after"] = cursor
        return _page(ctx.client.get_json(url, params), url)

    def handle(page: Page) -> bool:
        _kept, more = ctx.sink.take_page(
            url, page.entries, lambda comment: [comment_item(ctx, post_id, comment)],
            f"{NAME}: comment", parent)
        return more

    walk(ctx, f"comments:{post_id}", fetch, handle)


def comment_item(ctx: RunContext, post_id: str, comment: Any) -> Item:
    url = f"{ctx.base_url}/{post_id}/comments"
    if not isinstance(comment, dict) or not isinstance(comment.get("id"), str) \
            or not comment["id"]:
        raise MalformedPayload(NAME, url, "comment without id")
    comment_id = comment["id"]
    person = comment.get("from") if isinstance(comment.get("from"), dict) else {}
    replied = comment.get("parent") if isinstance(comment.get("parent"), dict) else {}
    parent_native = replied.get("id") or post_id
    link = str(comment.get("permalink_url") or f"https://www.facebook.com/{comment_id}")
    return ctx.platform_item(
        PLATFORM, comment_id, link,
        official=False,  # a reader's comment, even on an official page
        text=str(comment.get("message") or ""),
        published_at=parse_time(comment.get("created_time"), url),
        author_hash=ctx.pseudonym(str(person.get("id") or person.get("name") or "") or None,
                                  PLATFORM),
        engagement=Engagement(likes=count(comment.get("like_count")),
                              comments=count(comment.get("comment_count"))),
        parent_id=platform_item_id(PLATFORM, str(parent_native)),
    )
