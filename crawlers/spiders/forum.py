"""The forum spider (Scrapy name ``forum``): XenForo 2 boards such as voz.vn. Routes requests
only; parsing is :mod:`crawlers.extract.xenforo`, judging items the pipelines'.

For each source of type ``forum``:

- ``forum_search_url``: one search per query (``forum_queries``, else each topic's first
  term), results sorted newest first (``o=date``); each result's post page is fetched unless
  the post is already stored or was dropped by an earlier run; result pages are followed while
  they are in the window, up to :data:`MAX_SEARCH_PAGES`. Only the page holding a result is
  read (its other posts become items too: the pipelines keep the on-topic ones).
- ``threads``: page 1 (the opening post, and the thread's last page number), then the last
  page and back, page by page, until a page's oldest post is already known or older than
  crawl.max_age_days, or :data:`MAX_THREAD_PAGES` pages. New replies are at the end: a re-run
  reads one or two pages.
- ``forum_pages``: thread lists; threads active in the window whose title names a tracked topic
  are read as above (a board's other threads are not fetched at all), following "next" up to
  :data:`MAX_FORUM_PAGES` pages.

Every post of a page read becomes an item (``voz.vn:post-123``; the poster only as a keyed
hash), except those older than the window, those dropped before and those with no text. A
stored post is yielded again: its reactions count is updated.

Failures are the news spider's: a configured page that fails is an error naming its URL
(``search_http_403``, ``thread_robots_forbidden``, ``forum_unreadable``, ...); a post that
cannot be read is one too (``post_unreadable``) and the page's other posts are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import scrapy
from twisted.python.failure import Failure

from crawlers.extract.encoding import decode_html
from crawlers.extract.xenforo import (
    ThreadPage,
    build_post_item,
    forum_platform,
    page_of,
    parse_forum_page,
    parse_search_page,
    parse_thread_page,
    post_item_id,
    thread_root,
)
from crawlers.spiders.posts import PostSpider
from crawlers.stats import ARTICLES_FETCHED, LISTINGS_FETCHED, SKIPPED, SOURCE
from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ, Item
from phuxanh.topics import TopicMatcher

if TYPE_CHECKING:
    from scrapy.http import Response

    from phuxanh.config import Source

# Per run: result pages per search, thread-list pages per forum page, and thread pages read
# per thread (page 1 included). New posts are on the first result page and the last thread
# page; the rest covers a run missed for a few days without walking a whole archive.
MAX_SEARCH_PAGES = 5
MAX_FORUM_PAGES = 3
MAX_THREAD_PAGES = 10

# How a thread page was reached: from a search result (that page alone), or as a thread to
# read (page 1, then the last page and back).
POST_PAGE, THREAD_START, THREAD_BACK = "post", "start", "back"


class ForumSpider(PostSpider):
    name = "forum"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (platform, thread id) -> the thread's opening post id, learned from page 1.
        self.first_posts: dict[tuple[str, str], str] = {}
        self._matcher: TopicMatcher | None = None

    # -- starting points ----------------------------------------------------------------

    def source_requests(self, source: Source) -> list[Any]:
        if source.type != "forum":
            return []
        requests: list[Any] = []
        if source.forum_search_url:
            for query in self._queries(source):
                url = source.forum_search_url.replace("{query}", quote_plus(query))
                requests.append(scrapy.Request(
                    url, callback=self.parse_search, errback=self.search_failed,
                    cb_kwargs={"source": source, "page": 1}))
        requests += [
            scrapy.Request(url, callback=self.parse_forum, errback=self.forum_failed,
                           cb_kwargs={"source": source, "page": 1})
            for url in source.forum_pages
        ]
        requests += [self._thread(url, source, THREAD_START, configured=True)
                     for url in source.threads]
        return requests

    def _queries(self, source: Source) -> list[str]:
        if source.forum_queries:
            return list(source.forum_queries)
        return list(dict.fromkeys(topic.terms[0] for topic in self.config.topics
                                  if topic.terms))

    def _thread(self, url: str, source: Source, mode: str, first_post_id: str | None = None,
                pages_read: int = 0, configured: bool = False) -> scrapy.Request:
        """A thread page request. A configured thread failing is an error of sources.yaml's
        (``thread_`` reasons); a page reached from a result fails like an article."""
        if mode == THREAD_START:
            url = thread_root(url)
        return scrapy.Request(
            url, callback=self.parse_thread,
            errback=self.thread_failed if configured else self.article_failed,
            cb_kwargs={"source": source, "mode": mode, "first_post_id": first_post_id,
                       "pages_read": pages_read + 1, "configured": configured},
        )

    # -- search results and thread lists ------------------------------------------------

    def parse_search(self, response: Response, source: Source, page: int = 1
                     ) -> Iterable[scrapy.Request]:
        self._count(LISTINGS_FETCHED)
        self._count(f"{SOURCE}{source.key}/listings")
        try:
            results = parse_search_page(self._html(response), response.url)
        except InputError as exc:
            self._drop(response.url, "search_unreadable", str(exc), source, response.request)
            return
        platform = forum_platform(response.url)
        cutoff = self._cutoff()
        fresh = []
        reached_old = False
        for hit in results.hits:
            if hit.published_at is not None and hit.published_at < cutoff:
                self._count(f"{SKIPPED}too_old")
                reached_old = True
            else:
                fresh.append(hit)
        ids = {hit.url: post_item_id(platform, hit.post_id) for hit in fresh if hit.post_id}
        stored, dropped = self.known(ids.values())
        for hit in fresh:
            item_id = ids.get(hit.url)
            if item_id in stored:
                self._count(f"{SKIPPED}known")
            elif item_id in dropped:
                self._count(f"{SKIPPED}dropped_before/{dropped[item_id]}")
            elif hit.post_id or hit.thread_id:
                self._count(f"{SOURCE}{source.key}/requested")
                yield self._thread(hit.url, source, POST_PAGE)
            else:
                self._count(f"{SKIPPED}bad_url")
        if results.next_url and fresh and not reached_old and page < MAX_SEARCH_PAGES:
            yield scrapy.Request(results.next_url, callback=self.parse_search,
                                 errback=self.search_failed,
                                 cb_kwargs={"source": source, "page": page + 1})

    def parse_forum(self, response: Response, source: Source, page: int = 1
                    ) -> Iterable[scrapy.Request]:
        self._count(LISTINGS_FETCHED)
        self._count(f"{SOURCE}{source.key}/listings")
        try:
            forum = parse_forum_page(self._html(response), response.url)
        except InputError as exc:
            self._drop(response.url, "forum_unreadable", str(exc), source, response.request)
            return
        if self._matcher is None:
            self._matcher = TopicMatcher(self.config.topics)
        cutoff = self._cutoff()
        active = False
        for thread in forum.threads:
            if thread.last_post_at is not None and thread.last_post_at < cutoff:
                self._count(f"{SKIPPED}too_old")
                continue
            active = True
            if not self._matcher.match(thread.title):
                self._count(f"{SKIPPED}off_topic_thread")
                continue
            self._count(f"{SOURCE}{source.key}/requested")
            yield self._thread(thread.url, source, THREAD_START)
        if forum.next_url and active and page < MAX_FORUM_PAGES:
            yield scrapy.Request(forum.next_url, callback=self.parse_forum,
                                 errback=self.forum_failed,
                                 cb_kwargs={"source": source, "page": page + 1})

    # -- thread pages -------------------------------------------------------------------

    def parse_thread(self, response: Response, source: Source, mode: str = POST_PAGE,
                     first_post_id: str | None = None, pages_read: int = 1,
                     configured: bool = False) -> Iterable[Item | scrapy.Request]:
        fetched_at = datetime.now(VN_TZ)
        self._count(ARTICLES_FETCHED)
        self._count(f"{SOURCE}{source.key}/articles")
        try:
            thread = parse_thread_page(self._html(response), response.url)
        except InputError as exc:
            self._drop(response.url, "thread_unreadable", str(exc), source, response.request)
            return
        self.page_problems(response.url, thread.problems, "post_unreadable", source)
        platform = forum_platform(thread.url)
        key = (platform, thread.thread_id or thread.url)
        first = thread.first_post_id or first_post_id or self.first_posts.get(key)
        if first and thread.page == 1:
            self.first_posts[key] = first
        ids = [post_item_id(platform, post.post_id) for post in thread.posts]
        stored, dropped = self.known(ids)
        for post in self.worth_an_item(thread.posts, ids, dropped):
            yield build_post_item(post, thread, source, fetched_at, self._author_key, first)
        next_page = self._walk(thread, mode, ids, stored, dropped, pages_read)
        if next_page:
            yield self._thread(next_page, source, THREAD_BACK, first, pages_read, configured)

    def _walk(self, thread: ThreadPage, mode: str, ids: list[str], stored: set[str],
              dropped: dict[str, str], pages_read: int) -> str | None:
        """The next thread page to read, if any: from page 1 the last page, then back."""
        if mode == POST_PAGE or pages_read >= MAX_THREAD_PAGES:
            return None
        if mode == THREAD_START:
            last = thread.last_url
            return last if last and page_of(last) > thread.page else None
        prev = thread.prev_url
        if not prev or page_of(prev) <= 1 or not thread.posts:  # page 1 was read first
            return None
        oldest, oldest_id = thread.posts[0], ids[0]
        assert oldest.published_at is not None
        if oldest.published_at < self._cutoff() or oldest_id in stored or oldest_id in dropped:
            return None  # earlier pages are out of the window or read by an earlier run
        return prev

    def _html(self, response: Response) -> str:
        value = response.headers.get(b"Content-Type")
        return decode_html(response.body, value.decode("latin-1") if value else None,
                           response.url, self.config.crawl.max_page_bytes)

    # -- failures -----------------------------------------------------------------------

    def search_failed(self, failure: Failure) -> None:
        self._failed(failure, "search_")

    def forum_failed(self, failure: Failure) -> None:
        self._failed(failure, "forum_")

    def thread_failed(self, failure: Failure) -> None:
        self._failed(failure, "thread_")
