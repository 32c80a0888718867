"""YouTube Data API v3: videos matching the topic, then the comment threads of the on-topic ones.

- ``search.list`` (part=snippet, type=video, order=date, publishedAfter = the crawl window)
  finds the videos, 50 a page, 100 quota units a page;
- ``videos.list`` (part=snippet,statistics) gives each page's videos their full description
  and counts, 1 unit for up to 50 videos;
- ``commentThreads.list`` (part=snippet,replies, order=time) gives the comments of each
  on-topic video, 100 threads a page, 1 unit a page. Replies included in a thread are kept too.

A video's channel is a named source (``outlet``); a commenter is a person: only a keyed hash
of their channel id (or display name when there is none) is stored, never the name, channel
id or URL. Quota costs are YouTube's documented ones (developers.google.com/youtube/v3/
determine_quota_cost); every request sent is counted, refused ones included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawlers.connectors.base import (
    ConnectorError,
    CredentialError,
    MalformedPayload,
    NotAvailable,
    QuotaExhausted,
    RateLimited,
    StaleCursor,
    expect,
)
from crawlers.connectors.context import Page, RunContext, as_list, count, walk
from phuxanh.schema import Engagement, Item, platform_item_id

NAME = "youtube"
API = "YouTube Data API v3"
BASE_URL = "https://www.googleapis.com/youtube/v3"
PLATFORM = "youtube"
# Quota units per request (YouTube's documented costs).
COSTS = {"search": 100, "videos": 1, "commentThreads": 1}
SEARCH_PAGE = 50
COMMENT_PAGE = 100

_CREDENTIAL_REASONS = {
    "keyInvalid", "API_KEY_INVALID", "keyExpired", "API_KEY_EXPIRED",
    "API_KEY_SERVICE_BLOCKED", "accessNotConfigured", "SERVICE_DISABLED", "ipRefererBlocked",
    "API_KEY_HTTP_REFERRER_BLOCKED", "API_KEY_IP_ADDRESS_BLOCKED",
}
_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "RATE_LIMIT_EXCEEDED"}
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_GONE_REASONS = {"commentsDisabled", "videoNotFound", "channelNotFound", "commentThreadNotFound"}


def _reasons(body: Any) -> tuple[set[str], str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return set(), ""
    reasons = {str(entry.get("reason")) for entry in error.get("errors") or []
               if isinstance(entry, dict)}
    reasons |= {str(entry.get("reason")) for entry in error.get("details") or []
                if isinstance(entry, dict) and entry.get("reason")}
    return reasons, str(error.get("message") or "")


def classify(connector: str, url: str, status: int, body: Any) -> ConnectorError | None:
    """YouTube's error body ({"error": {"code", "message", "errors": [{"reason"}], "details"}})
    -> our error. None: the generic handling by status."""
    reasons, message = _reasons(body)
    if reasons & _QUOTA_REASONS:
        return QuotaExhausted(connector, url, "the daily quota is spent (quotaExceeded); the "
                              "next run after midnight Pacific time resumes here")
    if reasons & _CREDENTIAL_REASONS or "API key not valid" in message:
        why = sorted(reasons & _CREDENTIAL_REASONS) or ["keyInvalid"]
        return CredentialError(connector, url, f"API key refused ({', '.join(why)}): set a "
                               "valid key in PHUXANH_YOUTUBE_API_KEY")
    if reasons & _RATE_REASONS:
        return RateLimited(connector, url, f"HTTP {status}: {', '.join(sorted(reasons))}")
    if "invalidPageToken" in reasons:
        return StaleCursor(connector, url, "the saved page token is no longer valid")
    if reasons & _GONE_REASONS:
        return NotAvailable(connector, url, ", ".join(sorted(reasons & _GONE_REASONS)))
    return None


def parse_time(value: Any, connector: str, url: str) -> datetime:
    """An RFC 3339 timestamp as the API gives it ("2026-03-10T08:15:30Z")."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise MalformedPayload(connector, url, f"not an RFC 3339 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run(ctx: RunContext, api_key: str, query: str) -> None:
    """Search, store the on-topic videos, then their comments (also those left pending)."""
    _search(ctx, api_key, query)
    ctx.drain_comments(lambda video_id: _comments(ctx, api_key, video_id))


def _search(ctx: RunContext, api_key: str, query: str) -> None:
    url = f"{ctx.base_url}/search"
    after = ctx.cutoff.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def fetch(cursor: str | None) -> Page:
        params = {"part": "snippet", "q": query, "type": "video", "order": "date",
                  "maxResults": SEARCH_PAGE, "publishedAfter": after,
                  "relevanceLanguage": "vi", "key": api_key}
        if cursor:
            params["pageToken"] = cursor
        body = ctx.client.get_json(url, params, cost=COSTS["search"])
        expect(isinstance(body, dict), NAME, url, "not a searchListResponse object")
        entries = as_list(body.get("items", []), NAME, url, "items")
        token = body.get("nextPageToken")
        return Page(entries, token if isinstance(token, str) and token else None)

    def handle(page: Page) -> bool:
        ids = []
        for entry in page.entries:
            video_id = (entry.get("id") or {}).get("videoId") if isinstance(entry, dict) else None
            if isinstance(video_id, str) and video_id:
                ids.append(video_id)
            else:
                ctx.sink.bad_item(url, f"{NAME}: search result without id.videoId")
        if not ids:
            return bool(page.entries)
        kept = []
        for video in _videos(ctx, api_key, ids):
            try:
                item = video_item(ctx, video)
            except (MalformedPayload, ValueError) as exc:
                ctx.sink.bad_item(f"{ctx.base_url}/videos", f"{NAME}: video skipped: {exc}")
                continue
            judged = ctx.sink.judge(item)
            if judged is not None:
                kept.append((judged, video))
        ctx.sink.put(item for item, _ in kept)
        if ctx.source.comments:
            ctx.state.add_pending(ctx.key, [
                item.id.split(":", 1)[1] for item, video in kept
                if count((video.get("statistics") or {}).get("commentCount")) != 0
            ])
        return True

    walk(ctx, "search", fetch, handle)


def _videos(ctx: RunContext, api_key: str, ids: list[str]) -> list[dict[str, Any]]:
    url = f"{ctx.base_url}/videos"
    body = ctx.client.get_json(url, {"part": "snippet,statistics", "id": ",".join(ids),
                                     "maxResults": SEARCH_PAGE, "key": api_key},
                               cost=COSTS["videos"])
    expect(isinstance(body, dict), NAME, url, "not a videoListResponse object")
    videos = as_list(body.get("items", []), NAME, url, "items")
    found = {video.get("id") for video in videos if isinstance(video, dict)}
    ctx.skipped["videos_gone"] += len(set(ids) - found)  # deleted between search and videos
    return [video for video in videos if isinstance(video, dict)]


def video_item(ctx: RunContext, video: dict[str, Any]) -> Item:
    url = f"{ctx.base_url}/videos"
    video_id = video.get("id")
    snippet = video.get("snippet")
    if not isinstance(video_id, str) or not video_id or not isinstance(snippet, dict):
        raise MalformedPayload(NAME, url, "video without id or snippet")
    stats = video.get("statistics") or {}
    language = str(snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage")
                   or "vi")[:2].lower()
    watch = f"https://www.youtube.com/watch?v={video_id}"
    return ctx.platform_item(
        PLATFORM, video_id, watch,
        # The channel is a named source, like an outlet.
        outlet=str(snippet.get("channelTitle") or ctx.source.name),
        title=str(snippet.get("title") or ""),
        text=str(snippet.get("description") or ""),
        lang=language,
        published_at=parse_time(snippet.get("publishedAt"), NAME, url),
        engagement=Engagement(views=count(stats.get("viewCount")),
                              likes=count(stats.get("likeCount")),
                              comments=count(stats.get("commentCount"))),
    )


def _comments(ctx: RunContext, api_key: str, video_id: str) -> None:
    url = f"{ctx.base_url}/commentThreads"
    parent = ctx.parent(platform_item_id(PLATFORM, video_id))

    def fetch(cursor: str | None) -> Page:
        params = {"part": "snippet,replies", "videoId": video_id, "order": "time",
                  "maxResults": COMMENT_PAGE, "textFormat": "plainText", "key": api_key}
        if cursor:
            params["pageToken"] = cursor
        body = ctx.client.get_json(url, params, cost=COSTS["commentThreads"])
        expect(isinstance(body, dict), NAME, url, "not a commentThreadListResponse object")
        entries = as_list(body.get("items", []), NAME, url, "items")
        token = body.get("nextPageToken")
        return Page(entries, token if isinstance(token, str) and token else None)

    def handle(page: Page) -> bool:
        # Threads come newest first: older pages are older still.
        _kept, more = ctx.sink.take_page(
            url, page.entries, lambda thread: thread_items(ctx, video_id, thread),
            f"{NAME}: comment thread", parent)
        return more

    walk(ctx, f"comments:{video_id}", fetch, handle)


def thread_items(ctx: RunContext, video_id: str, thread: Any) -> list[Item]:
    """A commentThread -> its top-level comment and the replies it carries."""
    url = f"{ctx.base_url}/commentThreads"
    snippet = thread.get("snippet") if isinstance(thread, dict) else None
    top = snippet.get("topLevelComment") if isinstance(snippet, dict) else None
    if not isinstance(top, dict):
        raise MalformedPayload(NAME, url, "thread without snippet.topLevelComment")
    first = comment_item(ctx, video_id, top, platform_item_id(PLATFORM, video_id),
                         replies=count(snippet.get("totalReplyCount")))
    replies = (thread.get("replies") or {}).get("comments") or []
    return [first] + [comment_item(ctx, video_id, reply, first.id)
                      for reply in replies if isinstance(reply, dict)]


def comment_item(ctx: RunContext, video_id: str, comment: dict[str, Any], parent_id: str,
                 replies: int | None = None) -> Item:
    url = f"{ctx.base_url}/commentThreads"
    comment_id = comment.get("id")
    snippet = comment.get("snippet")
    if not isinstance(comment_id, str) or not comment_id or not isinstance(snippet, dict):
        raise MalformedPayload(NAME, url, "comment without id or snippet")
    channel = snippet.get("authorChannelId")
    person = (channel.get("value") if isinstance(channel, dict) else None) or snippet.get(
        "authorDisplayName")
    link = f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}"
    return ctx.platform_item(
        PLATFORM, comment_id, link,
        official=False,  # a viewer's comment, whoever's channel it is under
        text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
        lang="vi",
        published_at=parse_time(snippet.get("publishedAt"), NAME, url),
        author_hash=ctx.pseudonym(str(person) if person else None, PLATFORM),
        engagement=Engagement(likes=count(snippet.get("likeCount")), comments=replies),
        parent_id=parent_id,
    )
