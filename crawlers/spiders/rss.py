"""The RSS spider: routes requests only. Parsing is in :mod:`crawlers.extract`, judging items
in :mod:`crawlers.pipelines`.

For each enabled source (or the ones named): fetch its feeds; skip entries older than
crawl.max_age_days, entries whose item id is already in the store (one ``existing_ids`` call
per feed, which is what makes a re-run cheap) and entries an earlier run dropped or stored
under another id (:mod:`crawlers.seen`); fetch the rest and turn each page into an Item.

A failure never ends the run: a 404 or 5xx article, a broken feed or an unreadable page is
logged with its URL, counted under ``phuxanh/dropped/<reason>`` and listed in
:attr:`RssSpider.errors`. Only an unreachable store stops the crawl (CloseSpider).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawlers.addon import config_from_settings
from crawlers.extract.article import extract_article
from crawlers.extract.encoding import decode_html
from crawlers.extract.feed import FeedEntry, parse_feed
from crawlers.extract.item import build_item
from crawlers.seen import FILENAME, SeenUrls, topics_fingerprint
from crawlers.stats import ARTICLES_FETCHED, DROPPED, FEEDS_FETCHED, POLICY_DROPS, SKIPPED
from phuxanh.errors import ConfigError, InputError, PhuxanhError
from phuxanh.schema import VN_TZ, Item, url_item_id
from phuxanh.store import open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from phuxanh.config import Config, Source
    from phuxanh.store.base import Store

logger = logging.getLogger(__name__)

# The errors list is for people to read; the counters hold the totals.
MAX_ERRORS_KEPT = 1000
# request.meta key: the item id of the link as the feed gave it (before redirects).
FEED_ID = "phuxanh_feed_id"
_PAGE_TYPES = ("html", "xml", "text/plain")


def select_sources(config: Config, source_keys: Iterable[str] | None = None) -> list[Source]:
    """The sources to crawl: every enabled one, or exactly the named ones (ConfigError for an
    unknown or disabled key, so a typo never crawls nothing in silence)."""
    if not source_keys:
        return [source for source in config.sources if source.enabled]
    chosen = []
    for key in dict.fromkeys(source_keys):
        source = config.source(key)
        if not source.enabled:
            raise ConfigError(
                f"{config.config_dir / 'sources.yaml'}: source {key!r} is disabled "
                "(enabled: false)"
            )
        chosen.append(source)
    return chosen


def _keys(value: Sequence[str] | str | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):  # scrapy crawl rss -a source_keys=vnexpress,tuoitre
        value = value.split(",")
    return [key.strip() for key in value if key.strip()] or None


def _is_page(response: Response) -> bool:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    return not content_type or any(kind in content_type for kind in _PAGE_TYPES)


def _feed_id(response: Any) -> str | None:
    request = getattr(response, "request", None)
    return request.meta.get(FEED_ID) if request is not None else None


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


class RssSpider(scrapy.Spider):
    name = "rss"

    config: Config
    sources: list[Source]

    def __init__(self, *args: Any, source_keys: Sequence[str] | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_keys = _keys(source_keys)
        self.errors: list[tuple[str, str]] = []
        self.store: Store | None = None
        self.seen: SeenUrls | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RssSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    def configure(self) -> None:
        """Read our Config and choose the sources. Not in from_crawler: Scrapy creates the
        spider before add-ons have run, so ``scrapy crawl`` has no config yet at that point."""
        self.config = config_from_settings(self.crawler.settings)
        self.sources = select_sources(self.config, self.source_keys)

    # -- bookkeeping --------------------------------------------------------------------

    def _count(self, key: str, by: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, by)

    def _drop(self, url: str, reason: str, detail: str = "") -> None:
        """Count a feed or page that yields nothing; list it as an error unless it is policy."""
        self._count(f"{DROPPED}{reason}")
        if reason in POLICY_DROPS:
            logger.info("%s: %s", reason, url)
            return
        detail = detail.removeprefix(f"{url}: ")  # InputError messages start with the URL
        message = f"{reason}: {detail}" if detail else reason
        logger.warning("%s: %s", url, message)
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((url, message))

    def _open(self) -> tuple[Store, SeenUrls]:
        try:
            if self.store is None:
                self.store = open_store(self.config)
            if self.seen is None:
                self.seen = SeenUrls(
                    self.config.data_dir / FILENAME, topics_fingerprint(self.config.topics),
                    self.config.crawl.max_age_days,
                )
        except PhuxanhError as exc:
            self._drop(str(self.config.data_dir), "store_unreachable", str(exc))
            raise CloseSpider("store_unreachable") from None
        return self.store, self.seen

    def closed(self, reason: str) -> None:
        for resource in (self.store, self.seen):
            if resource is not None:
                resource.close()
        self.store = self.seen = None

    def item_scraped(self, item: Item, response: Response | None) -> None:
        """The item passed every pipeline: remember the feed link if it is stored under
        another id (a redirect or a canonical URL), so the next run does not fetch it."""
        feed_id = _feed_id(response)
        if feed_id and feed_id != item.id and self.seen is not None:
            self.seen.remember_alias(feed_id, item.id)

    def item_dropped(self, item: Item, response: Response | None,
                     exception: BaseException) -> None:
        reason = getattr(exception, "reason", "")
        feed_id = _feed_id(response)
        if reason in POLICY_DROPS and feed_id and self.seen is not None:
            self.seen.remember_drop(feed_id, reason)

    # -- routing ------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        try:
            self.configure()
        except ConfigError as exc:
            logger.error("%s", exc)
            raise CloseSpider("config_error") from None
        self._open()  # fail before any request when the store cannot be reached
        for source in self.sources:
            if not source.feeds:
                logger.info("source %s has no feeds; nothing to crawl", source.key)
            for feed_url in source.feeds:
                yield scrapy.Request(
                    feed_url, callback=self.parse_feed, errback=self.feed_failed,
                    cb_kwargs={"source": source},
                )

    def parse_feed(self, response: Response, source: Source) -> Iterable[scrapy.Request]:
        self._count(FEEDS_FETCHED)
        try:
            entries = parse_feed(response.body, response.url, _content_type(response),
                                 self.config.crawl.max_page_bytes)
        except InputError as exc:
            self._drop(response.url, "feed_unreadable", str(exc))
            return
        cutoff = datetime.now(VN_TZ) - timedelta(days=self.config.crawl.max_age_days)
        fresh: dict[str, FeedEntry] = {}
        for entry in entries:
            if entry.published_at is not None and entry.published_at < cutoff:
                self._count(f"{SKIPPED}too_old")
                continue
            try:
                fresh.setdefault(url_item_id(entry.url), entry)
            except ValueError:
                self._count(f"{SKIPPED}bad_url")
        store, seen = self._open()
        try:
            before = seen.lookup(fresh)
            stored = store.existing_ids([*fresh, *before.aliases.values()])
        except PhuxanhError as exc:
            self._drop(str(self.config.sqlite_path), "store_unreachable", str(exc))
            raise CloseSpider("store_unreachable") from None
        for feed_id, entry in fresh.items():
            if feed_id in stored or before.aliases.get(feed_id) in stored:
                self._count(f"{SKIPPED}known")
            elif feed_id in before.dropped:
                self._count(f"{SKIPPED}dropped_before/{before.dropped[feed_id]}")
            else:
                yield scrapy.Request(
                    entry.url, callback=self.parse_article, errback=self.article_failed,
                    cb_kwargs={"source": source, "entry": entry}, meta={FEED_ID: feed_id},
                )

    def parse_article(
        self, response: Response, source: Source, entry: FeedEntry | None = None
    ) -> Iterable[Item]:
        fetched_at = datetime.now(VN_TZ)
        self._count(ARTICLES_FETCHED)
        if not _is_page(response):
            self._drop(response.url, "not_html", _content_type(response) or "")
            return
        try:
            html = decode_html(response.body, _content_type(response), response.url,
                               self.config.crawl.max_page_bytes)
        except InputError as exc:
            self._drop(response.url, "undecodable", str(exc))
            return
        try:
            article = extract_article(html, response.url, fetched_at, entry)
        except InputError as exc:
            self._drop(response.url, "no_text", str(exc))
            return
        if article.date_notes:
            logger.info("%s: dates refused: %s", response.url, "; ".join(article.date_notes))
        yield build_item(article, source, response.url, fetched_at)

    # -- failures -----------------------------------------------------------------------

    def feed_failed(self, failure: Failure) -> None:
        self._failed(failure, "feed_")

    def article_failed(self, failure: Failure) -> None:
        self._failed(failure, "")

    def _failed(self, failure: Failure, prefix: str) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            response = failure.value.response  # type: ignore[union-attr]
            self._drop(response.url, f"{prefix}http_{response.status}")
        elif failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            # An article behind robots.txt is policy; a configured feed behind it is a
            # sources.yaml entry that can never work, so it is reported as an error.
            self._drop(request.url, f"{prefix}robots_forbidden")
        else:
            self._drop(request.url, f"{prefix}download_error",
                       f"{type(failure.value).__name__}: {failure.value}")
