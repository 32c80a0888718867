"""Reddit's public JSON search: ``/search.json?q=...&sort=new`` (or ``/r/NAME/search.json``
with ``restrict_sr=1`` for each configured subreddit), 100 posts a page, ``after`` paging.

No login: these are the public listings anyone can read, fetched with our user agent
(crawl.user_agent; Reddit refuses generic ones) and throttled. A 429 waits its Retry-After (or
``x-ratelimit-reset``). The subreddit is a named community (``outlet``); the poster is a
person, stored only as a keyed hash of the username.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawlers.connectors.base import (
    AccessDenied,
    ConnectorError,
    MalformedPayload,
    NotAvailable,
    expect,
)
from crawlers.connectors.context import Page, RunContext, as_list, count, walk
from phuxanh.schema import Engagement, Item

NAME = "reddit"
API = "Reddit public JSON"
BASE_URL = "https://www.reddit.com"
PLATFORM = "reddit"
PAGE_SIZE = 100
_NO_PERSON = {"[deleted]", "[removed]", ""}


def classify(connector: str, url: str, status: int, body: Any) -> ConnectorError | None:
    """Reddit answers errors as {"message", "error": <status>, "reason"?}."""
    reason = str(body.get("reason") or "") if isinstance(body, dict) else ""
    if status == 403:
        return AccessDenied(connector, url, f"HTTP 403 ({reason or 'forbidden'})")
    if status == 404:
        return NotAvailable(connector, url, f"HTTP 404 ({reason or 'not found'})")
    return None


def run(ctx: RunContext, query: str) -> None:
    if not ctx.source.subreddits:
        _search(ctx, query, None)
        return
    for name in ctx.source.subreddits:
        try:
            _search(ctx, query, name)
        except (AccessDenied, NotAvailable) as exc:
            # One private or banned community must not hide the others.
            ctx.sink.bad_item(exc.url, exc.reason)


def _search(ctx: RunContext, query: str, subreddit: str | None) -> None:
    url = f"{ctx.base_url}/r/{subreddit}/search.json" if subreddit else (
        f"{ctx.base_url}/search.json")

    def fetch(cursor: str | None) -> Page:
        params: dict[str, Any] = {"q": query, "sort": "new", "t": "all", "type": "link",
                                  "limit": PAGE_SIZE, "raw_json": 1}
        if subreddit:
            params["restrict_sr"] = 1
        if cursor:
            params["after"] = cursor
        body = ctx.client.get_json(url, params)
        expect(isinstance(body, dict) and isinstance(body.get("data"), dict), NAME, url,
               "not a Listing with 'data'")
        data = body["data"]
        entries = as_list(data.get("children"), NAME, url, "data.children")
        after = data.get("after")
        return Page(entries, after if isinstance(after, str) and after else None)

    def handle(page: Page) -> bool:
        def items_of(child: Any) -> list[Item]:
            item = post_item(ctx, child, url)
            return [] if item is None else [item]

        # sort=new: a page entirely before the window ends the list.
        _kept, more = ctx.sink.take_page(url, page.entries, items_of, f"{NAME}: post")
        return more

    walk(ctx, f"search:{subreddit}" if subreddit else "search", fetch, handle)


def post_item(ctx: RunContext, child: Any, url: str) -> Item | None:
    """A ``t3`` listing child -> an item (None for other kinds, which search does not send)."""
    if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
        raise MalformedPayload(NAME, url, "listing child without data")
    if child.get("kind") != "t3":
        return None
    post = child["data"]
    fullname = post.get("name") or (f"t3_{post['id']}" if post.get("id") else None)
    permalink = post.get("permalink")
    created = post.get("created_utc")
    if not fullname or not isinstance(permalink, str) or not isinstance(created, int | float):
        raise MalformedPayload(NAME, url, "post without name, permalink or created_utc")
    link = f"https://www.reddit.com{permalink}" if permalink.startswith("/") else permalink
    person = str(post.get("author") or "")
    community = post.get("subreddit_name_prefixed") or (
        f"r/{post['subreddit']}" if post.get("subreddit") else ctx.source.name)
    return ctx.platform_item(
        PLATFORM, str(fullname), link,
        outlet=str(community),  # the community is named; its members are not
        title=str(post.get("title") or ""),
        text=str(post.get("selftext") or ""),
        published_at=datetime.fromtimestamp(float(created), UTC),
        author_hash=None if person in _NO_PERSON else ctx.pseudonym(person, PLATFORM),
        engagement=Engagement(likes=count(post.get("ups", post.get("score"))),
                              comments=count(post.get("num_comments"))),
    )
