"""The news spider (Scrapy name ``rss``, kept for ``scrapy crawl rss``): routes requests only.
Parsing is in :mod:`crawlers.extract`, judging items in :mod:`crawlers.pipelines`.

For each enabled source (or the ones named) it reads every way the source lists articles:

- ``feeds``: RSS/Atom feeds;
- ``sitemaps``: sitemaps and sitemap indexes (Google News sitemaps too); a child sitemap whose
  ``lastmod`` is before the window is not fetched, and an entry's date (``news:publication_date``
  or ``lastmod``) counts like a feed date;
- ``listings``: category pages, their links chosen by ``listing_selector`` / ``link_pattern``,
  following "next page" up to :data:`MAX_LISTING_PAGES` pages;
- ``search_query``: a Google News RSS search (:mod:`crawlers.extract.gnews`); each result is
  fetched through its redirect and attributed to its publisher.

Feeds and sitemaps are fetched with a conditional GET when an earlier run saw their ``ETag`` /
``Last-Modified`` (:mod:`crawlers.seen`); a ``304 Not Modified`` is counted under
``phuxanh/not_modified`` and yields nothing. New validators are saved when the crawl finishes,
and only for feeds none of whose requested articles failed: a 304 would otherwise hide those
articles (and sitemap entries left for a later run) until the feed changes.

All of them end in the same routing: skip entries older than crawl.max_age_days, entries whose
item id is already in the store (one ``existing_ids`` call per feed, sitemap or listing page,
which is what makes a re-run cheap) and entries an earlier run dropped or stored under another
id (:mod:`crawlers.seen`); fetch the rest and turn each page into an Item.

A failure never ends the run: a 404 or 5xx article, a broken feed or an unreadable page is
logged with its URL, counted under ``phuxanh/dropped/<reason>`` and listed in
:attr:`RssSpider.errors`. Only an unreachable store stops the crawl (CloseSpider).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import AsyncIterator, Generator, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CloseSpider,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError

from crawlers.addon import config_from_settings
from crawlers.extract import gnews
from crawlers.extract.encoding import decode_html
from crawlers.extract.feed import FeedEntry, parse_feed
from crawlers.extract.listing import extract_listing
from crawlers.extract.sitemap import parse_sitemap
from crawlers.parse_pool import PageJob, ParseFailure, ParsePool, auto_workers
from crawlers.seen import FILENAME, SeenUrls, Validators, topics_fingerprint
from crawlers.stats import (
    ARTICLES_FETCHED,
    DROPPED,
    DROPPED_DATE,
    FEEDS_FETCHED,
    LISTINGS_FETCHED,
    NOT_MODIFIED,
    POLICY_DROPS,
    SITEMAPS_FETCHED,
    SKIPPED,
    SOURCE,
)
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
# request.meta key: the feed/sitemap URLs (as configured, before redirects) that led to this
# request; a failure here keeps their validators from being saved.
ORIGINS = "phuxanh_origins"
_PAGE_TYPES = ("html", "xml", "text/plain")
# Pages of one listing read per run, the first included. New articles appear on page 1; a few
# more pages cover a run missed for a day or two without walking a whole archive. A module
# constant, not config: crawl settings are not this module's to extend.
MAX_LISTING_PAGES = 3
# Undated entries of one sitemap requested per run. A sitemap without lastmod (an archive) gives
# no way to skip old articles before fetching them; the age pipeline drops them afterwards and
# crawlers.seen remembers that, so the cap only spreads a first crawl over several runs.
MAX_UNDATED_SITEMAP_ENTRIES = 500


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


def _origins(request: Any) -> tuple[str, ...]:
    return tuple(request.meta.get(ORIGINS, ())) if request is not None else ()


def response_validators(response: Response) -> Validators:
    """The ETag and Last-Modified a response carries (empty when it has neither)."""
    def header(name: bytes) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1").strip() or None if value else None

    return Validators(header(b"ETag"), header(b"Last-Modified"))


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
        self.source_errors: dict[str, str] = {}  # source key -> its first error, for health
        self.store: Store | None = None
        self.seen: SeenUrls | None = None
        self.parse_pool: ParsePool | None = None
        # Conditional GET: validators from earlier runs, those learned in this one (saved
        # when the crawl finishes) and the URLs whose articles did not all arrive.
        self.known_validators: dict[str, Validators] = {}
        self.new_validators: dict[str, Validators] = {}
        self.tainted_origins: set[str] = set()

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
        # Read once; forum and social authors are stored only as hashes keyed with it.
        self._author_key = self.config.secret("author_hash_key")
        self.sources = select_sources(self.config, self.source_keys)

    # -- bookkeeping --------------------------------------------------------------------

    def _count(self, key: str, by: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, by)

    def _drop(self, url: str, reason: str, detail: str = "", source: Source | None = None,
              request: Any = None) -> None:
        """Count a feed or page that yields nothing; list it as an error unless it is policy.
        ``source`` gets it in its own counts; ``request`` (the failed one) keeps the feeds it
        came from out of conditional GET next time, so the page is tried again."""
        self._count(f"{DROPPED}{reason}")
        if reason in POLICY_DROPS:
            if source is not None:
                self._count(f"{SOURCE}{source.key}/dropped")
            logger.info("%s: %s", reason, url)
            return
        detail = detail.removeprefix(f"{url}: ")  # InputError messages start with the URL
        message = f"{reason}: {detail}" if detail else reason
        logger.warning("%s: %s", url, message)
        if request is not None:
            self._taint(request)
        if source is not None:
            self._count(f"{SOURCE}{source.key}/errors")
            self.source_errors.setdefault(source.key, f"{url}: {message}")
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
                self.known_validators = self.seen.validators()
        except PhuxanhError as exc:
            self._drop(str(self.config.data_dir), "store_unreachable", str(exc))
            raise CloseSpider("store_unreachable") from None
        return self.store, self.seen

    def closed(self, reason: str) -> None:
        if reason == "finished" and self.seen is not None:
            self._save_validators(self.seen)
        for resource in (self.store, self.seen, self.parse_pool):
            if resource is not None:
                resource.close()
        self.store = self.seen = self.parse_pool = None

    def _save_validators(self, seen: SeenUrls) -> None:
        # Only a finished crawl: one stopped early left articles of these feeds unfetched.
        keep = {url: validators for url, validators in self.new_validators.items()
                if url not in self.tainted_origins}
        keep.update({url: Validators() for url in self.tainted_origins
                     if url in self.known_validators})
        try:
            seen.remember_validators(keep)
        except PhuxanhError as exc:  # costs the next run a full fetch, nothing more
            logger.warning("%s", exc)

    def item_scraped(self, item: Item, response: Response | None) -> None:
        """The item passed every pipeline: remember the feed link if it is stored under
        another id (a redirect or a canonical URL), so the next run does not fetch it."""
        feed_id = _feed_id(response)
        if feed_id and feed_id != item.id and self.seen is not None:
            self.seen.remember_alias(feed_id, item.id)

    def item_dropped(self, item: Item, response: Response | None,
                     exception: BaseException) -> None:
        reason = getattr(exception, "reason", "")
        if isinstance(item, Item):
            self._count(f"{SOURCE}{item.source}/dropped")
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
        # Before the store and any connection are opened: the workers are forked.
        self._parser().start()
        self._open()  # fail before any request when the store cannot be reached
        for source in self.sources:
            for request in self.source_requests(source):
                yield request

    def source_requests(self, source: Source) -> list[scrapy.Request]:
        """The first requests for a source: its feeds, sitemaps, listings and search."""
        requests = [
            self._conditional(url, self.parse_feed, self.feed_failed, {"source": source})
            for url in source.feeds
        ]
        requests += [
            self._conditional(url, self.parse_sitemap, self.sitemap_failed, {"source": source})
            for url in source.sitemaps
        ]
        requests += [
            scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                           cb_kwargs={"source": source, "page": 1})
            for url in source.listings
        ]
        if source.search_query:
            # Read at call time: tests point the endpoint at the local test site.
            url = gnews.search_url(source.search_query, gnews.SEARCH_ENDPOINT)
            requests.append(self._conditional(
                url, self.parse_feed, self.feed_failed, {"source": source, "aggregated": True},
            ))
        if not requests:
            logger.info("source %s has no feeds, sitemaps, listings or search; nothing to "
                        "crawl", source.key)
        return requests

    def _conditional(self, url: str, callback: Any, errback: Any, cb_kwargs: dict[str, Any],
                     origins: tuple[str, ...] = ()) -> scrapy.Request:
        """A feed or sitemap request, conditional when an earlier run saw its validators;
        a 304 reaches the callback (not the errback: it is no error)."""
        validators = self.known_validators.get(url, Validators())
        return scrapy.Request(
            url, callback=callback, errback=errback, cb_kwargs=cb_kwargs,
            headers=validators.request_headers() or None,
            meta={"handle_httpstatus_list": [304], ORIGINS: (*origins, url)},
        )

    def _not_modified(self, response: Response, source: Source) -> bool:
        """Count a 304 (True), or note the validators of a fresh copy (False)."""
        if response.status == 304:
            self._count(NOT_MODIFIED)
            self._count(f"{SOURCE}{source.key}/not_modified")
            logger.debug("not modified: %s", response.url)
            return True
        origins = _origins(response.request)
        validators = response_validators(response)
        if origins and validators:
            self.new_validators[origins[-1]] = validators
        return False

    def _taint(self, request: Any) -> None:
        """Articles (or child sitemaps) of these feeds were not all fetched: fetch the feeds
        in full next time."""
        self.tainted_origins.update(_origins(request))

    def _cutoff(self) -> datetime:
        return datetime.now(VN_TZ) - timedelta(days=self.config.crawl.max_age_days)

    async def parse_feed(self, response: Response, source: Source, aggregated: bool = False
                         ) -> list[scrapy.Request]:
        if self._not_modified(response, source):
            return []
        self._count(FEEDS_FETCHED)
        self._count(f"{SOURCE}{source.key}/feeds")
        try:
            # In a worker too: feedparser takes ~0.4 ms per entry, a long feed a good while.
            entries = await self._parser().call(
                parse_feed, response.body, response.url, _content_type(response),
                self.config.crawl.max_page_bytes)
        except InputError as exc:
            self._drop(response.url, "feed_unreadable", str(exc), source, response.request)
            return []
        if aggregated:
            entries = [dataclasses.replace(entry, url=gnews.article_url(entry))
                       for entry in entries]
        return list(self._route(entries, source, aggregated=aggregated,
                                origins=_origins(response.request)))

    def parse_sitemap(self, response: Response, source: Source) -> Iterable[scrapy.Request]:
        if self._not_modified(response, source):
            return
        self._count(SITEMAPS_FETCHED)
        self._count(f"{SOURCE}{source.key}/sitemaps")
        origins = _origins(response.request)
        try:
            sitemap = parse_sitemap(response.body, response.url, self.config.crawl.max_page_bytes)
        except InputError as exc:
            self._drop(response.url, "sitemap_unreadable", str(exc), source, response.request)
            return
        if sitemap.kind == "index":
            cutoff = self._cutoff()
            for child in sitemap.entries:
                if child.published_at is not None and child.published_at < cutoff:
                    self._count(f"{SKIPPED}sitemap_too_old")
                    continue
                yield self._conditional(child.url, self.parse_sitemap, self.sitemap_failed,
                                        {"source": source}, origins)
            return
        entries = self._matching(
            [FeedEntry(url=entry.url, title=entry.title, published_at=entry.published_at,
                       summary="") for entry in sitemap.entries], source)
        left_for_later = yield from self._route(
            entries, source, max_undated=MAX_UNDATED_SITEMAP_ENTRIES, origins=origins)
        if left_for_later:
            self._taint(response.request)

    def parse_listing(self, response: Response, source: Source, page: int = 1
                      ) -> Iterable[scrapy.Request]:
        self._count(LISTINGS_FETCHED)
        self._count(f"{SOURCE}{source.key}/listings")
        try:
            html = decode_html(response.body, _content_type(response), response.url,
                               self.config.crawl.max_page_bytes)
            listing = extract_listing(html, response.url, source.listing_selector,
                                      source.link_pattern)
        except InputError as exc:
            self._drop(response.url, "listing_unreadable", str(exc), source, response.request)
            return
        entries = [FeedEntry(url=link.url, title=link.title, published_at=None, summary="")
                   for link in listing.links]
        yield from self._route(entries, source)
        if listing.next_url and page < MAX_LISTING_PAGES:
            yield scrapy.Request(listing.next_url, callback=self.parse_listing,
                                 errback=self.listing_failed,
                                 cb_kwargs={"source": source, "page": page + 1})

    def _matching(self, entries: list[FeedEntry], source: Source) -> list[FeedEntry]:
        """Entries whose URL matches the source's link_pattern (all when it has none)."""
        if not source.link_pattern:
            return entries
        pattern = re.compile(source.link_pattern)
        kept = [entry for entry in entries if pattern.search(entry.url)]
        if len(kept) < len(entries):
            self._count(f"{SKIPPED}off_pattern", len(entries) - len(kept))
        return kept

    def _route(self, entries: Iterable[FeedEntry], source: Source, aggregated: bool = False,
               max_undated: int | None = None, origins: tuple[str, ...] = ()
               ) -> Generator[scrapy.Request, None, int]:
        """Requests for the entries worth fetching: not too old by their listed date, not
        stored already, not dropped by policy in an earlier run; at most ``max_undated`` of
        those without a date (the rest wait for a later run; returns how many)."""
        cutoff = self._cutoff()
        left_for_later = 0
        fresh: dict[str, FeedEntry] = {}
        for entry in entries:
            if entry.published_at is not None and entry.published_at < cutoff:
                self._count(f"{SKIPPED}too_old")
                continue
            try:
                fresh.setdefault(url_item_id(entry.url), entry)
            except ValueError:
                self._count(f"{SKIPPED}bad_url")
        if not fresh:
            return 0
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
            elif entry.published_at is None and max_undated is not None and max_undated <= 0:
                self._count(f"{SKIPPED}undated_limit")
                left_for_later += 1
            else:
                if entry.published_at is None and max_undated is not None:
                    max_undated -= 1
                self._count(f"{SOURCE}{source.key}/requested")
                yield scrapy.Request(
                    entry.url, callback=self.parse_article, errback=self.article_failed,
                    cb_kwargs={"source": source, "entry": entry, "aggregated": aggregated},
                    meta={FEED_ID: feed_id, ORIGINS: origins},
                )
        return left_for_later

    async def parse_article(
        self, response: Response, source: Source, entry: FeedEntry | None = None,
        aggregated: bool = False,
    ) -> list[Item]:
        fetched_at = datetime.now(VN_TZ)
        self._count(ARTICLES_FETCHED)
        self._count(f"{SOURCE}{source.key}/articles")
        if aggregated and gnews.is_aggregator(response.url):
            # The redirect did not lead off the aggregator (an interstitial page, a consent
            # wall): there is no article here to read.
            self._drop(response.url, "aggregator_unresolved", "", source, response.request)
            return []
        if not _is_page(response):
            self._drop(response.url, "not_html", _content_type(response) or "", source,
                       response.request)
            return []
        # Decoding, extraction and building the item run in a worker process
        # (crawlers.parse_pool) while this one goes on with the network and the pipelines.
        parsed = await self._parser().parse(PageJob(
            response.body, _content_type(response), response.url, fetched_at, source,
            self.config.crawl.max_page_bytes, entry, self._author_key,
        ))
        if isinstance(parsed, ParseFailure):
            self._drop(response.url, parsed.reason, parsed.detail, source, response.request)
            return []
        if parsed.date_notes:
            logger.info("%s: dates refused: %s", response.url, "; ".join(parsed.date_notes))
        for code in parsed.date_rejections:
            self._count(f"{DROPPED_DATE}{code}")
        item = parsed.item
        if aggregated:
            attributed = self._attribute(item, entry, response)
            if attributed is None:
                return []
            item = attributed
        return [item]

    def _parser(self) -> ParsePool:
        if self.parse_pool is None:
            workers = self.config.crawl.parse_workers
            self.parse_pool = ParsePool(auto_workers() if workers is None else workers)
        return self.parse_pool

    def _attribute(self, item: Item, entry: FeedEntry | None, response: Response
                   ) -> Item | None:
        """A search result's item, credited to its publisher: the outlet named by the feed's
        <source>, official (and its province) only when the page's domain is an official
        source's. None when the article is already stored, from the outlet's own feed most
        likely: that item keeps its own attribution, and the result is not fetched again."""
        store, seen = self._open()
        try:
            known = item.id in store.existing_ids([item.id])
        except PhuxanhError as exc:
            self._drop(str(self.config.sqlite_path), "store_unreachable", str(exc))
            raise CloseSpider("store_unreachable") from None
        if known:
            feed_id = _feed_id(response)
            if feed_id:
                seen.remember_alias(feed_id, item.id)
            self._drop(response.url, "already_stored")
            self._count(f"{SOURCE}{item.source}/dropped")
            return None
        publisher = gnews.publisher_source(self.config.sources, response.url)
        if publisher is None and entry is not None and entry.source_url:
            publisher = gnews.publisher_source(self.config.sources, entry.source_url)
        outlet = (entry.source_name if entry is not None else "") or (
            publisher.name if publisher is not None else "")
        return item.model_copy(update={
            "outlet": outlet or (response.url.split("/")[2] if "//" in response.url else ""),
            "official": bool(publisher and publisher.official),
            "province": publisher.province if publisher and publisher.official else None,
        })

    # -- failures -----------------------------------------------------------------------

    def feed_failed(self, failure: Failure) -> None:
        self._failed(failure, "feed_")

    def sitemap_failed(self, failure: Failure) -> None:
        self._failed(failure, "sitemap_")

    def listing_failed(self, failure: Failure) -> None:
        self._failed(failure, "listing_")

    def article_failed(self, failure: Failure) -> None:
        self._failed(failure, "")

    def _failed(self, failure: Failure, prefix: str) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.cb_kwargs.get("source")
        if failure.check(HttpError):
            response = failure.value.response  # type: ignore[union-attr]
            self._drop(response.url, f"{prefix}http_{response.status}", "", source, request)
        elif failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            # An article behind robots.txt is policy; a configured feed, sitemap or listing
            # behind it is a sources.yaml entry that can never work: reported as an error.
            self._drop(request.url, f"{prefix}robots_forbidden", "", source, request)
        elif failure.check(DownloadTimeoutError):
            self._drop(request.url, f"{prefix}timeout", str(failure.value), source, request)
        elif failure.check(DownloadCancelledError) and "max size" in str(failure.value):
            # Bigger than crawl.max_page_bytes (DOWNLOAD_MAXSIZE): Scrapy stopped reading it.
            self._drop(request.url, f"{prefix}too_large", str(failure.value), source, request)
        else:
            self._drop(request.url, f"{prefix}download_error",
                       f"{type(failure.value).__name__}: {failure.value}", source, request)
