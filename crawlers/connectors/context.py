"""What a platform connector works with during one run, and the page walk they all share.

:class:`ItemSink` judges items the way the news crawl's pipelines do (crawl window, then topic
match: crawlers/pipelines/age.py and topic.py) and stores each page's items as the page
arrives. A comment is judged with the video or post it answers as context: it is part of that
discussion even when it does not name the topic itself (the parent's matched terms are kept
after the comment's own).

:func:`walk` reads one paged list: from the saved cursor (or the newest page), up to
``source.max_pages`` pages, saving the next cursor after each page's items are stored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crawlers.connectors.base import ApiClient, MalformedPayload, NotAvailable, StaleCursor
from crawlers.connectors.state import ConnectorState
from phuxanh.config import Config, Source
from phuxanh.pseudonym import author_hash
from phuxanh.schema import DateSource, Item, platform_item_id
from phuxanh.store.base import Store, UpsertResult
from phuxanh.topics import TopicMatcher

logger = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 200


@dataclass
class ItemSink:
    """Window, topic match, store; counts what it kept and dropped and why."""

    store: Store
    matcher: TopicMatcher
    cutoff: datetime  # items published before it are too old (the crawl window)
    stored: UpsertResult = field(default_factory=UpsertResult)
    dropped: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)
    error_count: int = 0

    def too_old(self, item: Item) -> bool:
        return item.date_source != DateSource.CRAWL_TIME and item.published_at < self.cutoff

    def judge(self, item: Item, context: Item | None = None) -> Item | None:
        """The item with its topics, or None (counted) when it is too old or off-topic."""
        if self.too_old(item):
            self.dropped["too_old"] += 1
            return None
        own = self.matcher.match(item.title, item.text)
        topics = [match.topic for match in own]
        terms = [term for match in own for term in match.terms]
        if context is not None:
            topics += context.topics
            terms += context.matched_terms
        if not topics:
            self.dropped["off_topic"] += 1
            return None
        return item.model_copy(update={
            "topics": list(dict.fromkeys(topics)),
            "matched_terms": list(dict.fromkeys(terms)),
        })

    def put(self, items: Iterable[Item]) -> UpsertResult:
        """Store ``items`` now (one upsert per page). A store failure propagates: the page's
        cursor is then not advanced, so the next run reads the page again."""
        batch = list(items)
        if not batch:
            return UpsertResult()
        result = self.store.upsert(batch)
        self.stored = self.stored + result
        return result

    def take_page(
        self,
        url: str,
        entries: Sequence[Any],
        to_items: Callable[[Any], Sequence[Item]],
        what: str,
        context: Item | None = None,
    ) -> tuple[list[tuple[Item, Any]], bool]:
        """One page of API entries into the store: an entry that cannot be read is counted and
        skipped (``what`` names it in the error), every item is judged (window, topic; a
        comment with its parent as ``context``) and the kept ones stored in one upsert.
        Returns the kept (item, entry) pairs and whether an older page may still hold items in
        the window (lists come newest first: a page entirely too old ends them)."""
        kept: list[tuple[Item, Any]] = []
        all_old = bool(entries)
        for entry in entries:
            try:
                items = to_items(entry)
            except (MalformedPayload, ValueError) as exc:
                self.bad_item(url, f"{what} skipped: {exc}")
                all_old = False
                continue
            if not items:
                continue
            all_old = all_old and self.too_old(items[0])
            for item in items:
                judged = self.judge(item, context)
                if judged is not None:
                    kept.append((judged, entry))
        self.put(item for item, _ in kept)
        return kept, not all_old

    def bad_item(self, url: str, reason: str) -> None:
        """An entry of a good page that cannot be read: counted and named, the rest is kept."""
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((url, reason))
        logger.warning("%s: %s", url, reason)


@dataclass
class RunContext:
    config: Config
    source: Source
    store: Store
    client: ApiClient
    state: ConnectorState
    sink: ItemSink
    base_url: str
    fetched_at: datetime
    author_key: str | None = None  # PHUXANH_AUTHOR_HASH_KEY; None: no author is stored
    skipped: Counter[str] = field(default_factory=Counter)  # objects skipped, not errors

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def cutoff(self) -> datetime:
        return self.sink.cutoff

    def pseudonym(self, raw: str | None, platform: str) -> str | None:
        """A person's keyed hash (phuxanh.pseudonym); None without a key or an author."""
        if not raw or not self.author_key:
            return None
        return author_hash(raw, self.author_key, platform)

    def platform_item(self, platform: str, native_id: str, link: str, **fields: Any) -> Item:
        """An item of this source from a platform's API, with what every such item shares
        filled in: its id and address, the source, its province, the platform as date source
        and the fetch time. ``outlet`` and ``official`` default to the source's; callers
        override them where the platform names the publisher (a page, a channel, a community)
        or where the author is a member of the public (a comment is never official)."""
        return Item(**{
            "id": platform_item_id(platform, native_id), "url": link, "canonical_url": link,
            "source": self.source.key, "source_type": self.source.type, "platform": platform,
            "outlet": self.source.name, "official": self.source.official,
            "province": self.source.province, "date_source": DateSource.PLATFORM,
            "fetched_at": self.fetched_at, **fields,
        })

    def parent(self, item_id: str) -> Item | None:
        return self.store.get(item_id)

    def drain_comments(self, fetch_comments: Callable[[str], None]) -> None:
        """Fetch the comments of every parent left pending (this run's and earlier runs'
        unfinished ones) when the source wants comments; a parent that is gone or unreadable
        is counted and dropped from the pending list, other errors keep it for the next run."""
        if not self.source.comments:
            return
        for parent_id in self.state.pending(self.key):
            try:
                fetch_comments(parent_id)
            except NotAvailable:
                self.skipped["comments_unavailable"] += 1
            self.state.done_pending(self.key, parent_id)


def window_cutoff(config: Config, now: datetime) -> datetime:
    return now - timedelta(days=config.crawl.max_age_days)


@dataclass(frozen=True)
class Page:
    entries: list[Any]
    next_cursor: str | None  # None: the last page


def walk(
    ctx: RunContext,
    list_name: str,
    fetch: Callable[[str | None], Page],
    handle: Callable[[Page], bool],
) -> int:
    """Read a paged list; ``handle`` stores a page's items and says whether older pages are
    still worth reading (False once a page is entirely before the crawl window). Returns the
    number of pages read."""
    cursor = ctx.state.cursor(ctx.key, list_name)
    resumed = cursor is not None
    if resumed:
        logger.info("%s: %s: resuming at a saved cursor", ctx.key, list_name)
    pages = 0
    while pages < ctx.source.max_pages:
        try:
            page = fetch(cursor)
        except StaleCursor as exc:
            if not resumed:
                raise
            # A cursor the platform no longer accepts (Graph API cursors expire): start over.
            logger.warning("%s; reading %s from its newest page", exc, list_name)
            ctx.state.set_cursor(ctx.key, list_name, None)
            cursor, resumed = None, False
            continue
        pages += 1
        more = handle(page)
        cursor = page.next_cursor if more else None
        ctx.state.set_cursor(ctx.key, list_name, cursor)
        if cursor is None:
            break
    else:
        # Enough for this run; the next starts from the newest again (new items first).
        ctx.state.set_cursor(ctx.key, list_name, None)
    return pages


def as_list(value: Any, connector: str, url: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedPayload(connector, url, f"unexpected answer: {what} is not a list")
    return value


def count(value: Any) -> int | None:
    """A public count as the APIs give it (YouTube sends strings): None when absent or bad."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return max(number, 0)
