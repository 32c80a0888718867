"""The Telegram spider (Scrapy name ``telegram``): public channels through their web preview,
``https://t.me/s/NAME``. Routes requests only; parsing is :mod:`crawlers.extract.telegram`.

For each source with a ``channel``: the preview (the latest ~20 messages), then older pages
(``?before=ID``) until a page reaches messages older than crawl.max_age_days, or messages an
earlier run already stored or dropped, or :data:`MAX_CHANNEL_PAGES` pages. Every message of a
page read becomes an item (the pipelines keep the on-topic ones; a stored one is updated, its
view count with it), except those older than the window, those an earlier run dropped by policy
and those with no text (a photo or sticker alone: nothing to read).

Failures are the news spider's: a page that fails or is no channel preview is an error naming
its URL (``channel_http_404``, ``channel_robots_forbidden``, ``channel_unreadable``); a message
that cannot be read is one too (``message_unreadable``) and the page's other messages are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import scrapy
from twisted.python.failure import Failure

from crawlers.extract.encoding import decode_html
from crawlers.extract.telegram import (
    build_message_item,
    message_item_id,
    parse_channel_page,
    preview_url,
)
from crawlers.spiders.posts import PostSpider
from crawlers.stats import LISTINGS_FETCHED, SOURCE
from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ, Item

if TYPE_CHECKING:
    from scrapy.http import Response

    from phuxanh.config import Source

# Preview pages read per channel per run, the first included (~20 messages each). A busy
# channel's window is covered over a few runs; later runs stop at what is already known.
MAX_CHANNEL_PAGES = 30


class TelegramSpider(PostSpider):
    name = "telegram"

    def source_requests(self, source: Source) -> list[Any]:
        if not source.channel:
            return []
        return [self._page(source, None, 1)]

    def _page(self, source: Source, before: int | None, page: int) -> scrapy.Request:
        assert source.channel is not None
        return scrapy.Request(preview_url(source.channel, before), callback=self.parse_channel,
                              errback=self.channel_failed,
                              cb_kwargs={"source": source, "page": page})

    def parse_channel(self, response: Response, source: Source, page: int = 1
                      ) -> Iterable[Item | scrapy.Request]:
        fetched_at = datetime.now(VN_TZ)
        self._count(LISTINGS_FETCHED)
        self._count(f"{SOURCE}{source.key}/listings")
        try:
            html = decode_html(response.body, _content_type(response), response.url,
                               self.config.crawl.max_page_bytes)
            channel_page = parse_channel_page(html, response.url)
        except InputError as exc:
            self._drop(response.url, "channel_unreadable", str(exc), source, response.request)
            return
        self.page_problems(response.url, channel_page.problems, "message_unreadable", source)
        messages = channel_page.messages
        ids = [message_item_id(m.channel, m.message_id) for m in messages]
        stored, dropped = self.known(ids)
        for message in self.worth_an_item(messages, ids, dropped):
            yield build_message_item(message, source, fetched_at, self._author_key)
        if not messages or channel_page.before is None or page >= MAX_CHANNEL_PAGES:
            return
        oldest, oldest_id = min(zip(messages, ids, strict=True), key=lambda m: m[0].message_id)
        assert oldest.published_at is not None
        if oldest.published_at < self._cutoff() or oldest_id in stored or oldest_id in dropped:
            return  # older pages are out of the window or were read by an earlier run
        yield self._page(source, channel_page.before, page + 1)

    def channel_failed(self, failure: Failure) -> None:
        self._failed(failure, "channel_")


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None
