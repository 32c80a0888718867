"""Article pages decoded, extracted and made into items in worker processes, beside the crawl.

Decoding, extraction (trafilatura, lxml, date parsing) and building the item (cleaning and
hashing its text) are more than half the CPU of a crawl, and Scrapy's networking, the item
pipelines and the store writes run on one thread. With worker processes doing the parsing, a
crawl uses more than one core (bench/crawl.py; decision 20).

``crawl.parse_workers`` sets the number of workers; 0 parses in the crawl process (as before),
and the default (``None``) uses one worker per core, at most four (none on a single core).

Workers are forked when the spider starts, before it opens the store or any connection and
before Twisted's thread pool runs, so they inherit no socket, database handle or lock held by
another thread. (``spawn`` would avoid the question, but it re-runs the caller's ``__main__``
in every worker: a wrapper script without an ``if __name__ == "__main__"`` guard would start
a crawl in each.) A worker that dies (killed, out of memory, a crash inside a C extension)
breaks the pool: the pages it had are parsed again in a new pool, once; a page that breaks
that one too is reported as ``parser_crashed`` by the spider, never dropped silently. (The new
pool is forked mid-crawl, so its workers hold copies of the open connections until the crawl
ends; they never use them.)
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from crawlers.extract.article import extract_article
from crawlers.extract.encoding import decode_html
from crawlers.extract.feed import FeedEntry
from crawlers.extract.item import build_item
from phuxanh.config import Source
from phuxanh.errors import InputError
from phuxanh.schema import Item

logger = logging.getLogger(__name__)

MAX_AUTO_WORKERS = 4
T = TypeVar("T")


class ParserCrashed(InputError):
    """The worker process parsing a page or feed died on it twice; names the URL."""


def _subject(args: tuple[Any, ...]) -> str:
    """The URL a parse call is about, for messages."""
    for arg in args:
        if isinstance(arg, PageJob):
            return arg.url
    return next((arg for arg in args if isinstance(arg, str) and "://" in arg), "a page")


@dataclass(frozen=True)
class PageJob:
    """Everything :func:`parse_page` needs about one fetched page (sent to a worker)."""

    body: bytes
    content_type: str | None
    url: str  # after redirects
    fetched_at: datetime
    source: Source
    max_bytes: int
    entry: FeedEntry | None = None
    author_key: str | None = None  # PHUXANH_AUTHOR_HASH_KEY, for non-news authors


@dataclass(frozen=True)
class ParsedPage:
    """The page's item, and the dates found on it but refused (for the log and counters)."""

    item: Item
    date_notes: tuple[str, ...] = ()
    date_rejections: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParseFailure:
    """A page that holds no article we can read; ``reason`` is a crawl-log drop reason."""

    reason: str  # "undecodable" | "no_text" | "parser_crashed"
    detail: str


def parse_page(job: PageJob) -> ParsedPage | ParseFailure:
    """Bytes of an article page -> its item, or why there is none. Pure, so it can run in any
    process; a bug (any exception but InputError) propagates to the caller. Building the item
    (cleaning its text, hashing its content) happens here too: it is a quarter of what is
    left of the crawl process's work otherwise."""
    try:
        html = decode_html(job.body, job.content_type, job.url, job.max_bytes)
    except InputError as exc:
        return ParseFailure("undecodable", str(exc))
    try:
        article = extract_article(html, job.url, job.fetched_at, job.entry,
                                  job.source.selectors)
    except InputError as exc:
        return ParseFailure("no_text", str(exc))
    item = build_item(article, job.source, job.url, job.fetched_at, job.author_key)
    return ParsedPage(item, article.date_notes, article.date_rejections)


def auto_workers(cpu_count: int | None = None) -> int:
    """One worker per core, at most four; none on one core (nothing would run in parallel).
    Not one fewer than the cores: the crawl process waits on the network and on its workers
    part of the time (bench/crawl.py on 2 cores: 96 pages/s with no worker, 112 with one,
    125 with two)."""
    cores = cpu_count if cpu_count is not None else (os.cpu_count() or 1)
    return 0 if cores < 2 else min(cores, MAX_AUTO_WORKERS)


def _ready() -> bool:
    return True


class ParsePool:
    """Parses pages in ``workers`` processes (0: in this process). Use from the asyncio loop
    Scrapy runs on (its default reactor); call :meth:`close` when the crawl ends."""

    def __init__(self, workers: int) -> None:
        if workers < 0:
            raise ValueError(f"workers must be >= 0, not {workers}")
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0

    def start(self) -> None:
        """Fork the workers now (see the module docstring for why early); idempotent."""
        if self.workers and self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("fork"))
            # With "fork" the executor starts every worker at the first submit.
            self._executor.submit(_ready).result()

    def _pool(self) -> ProcessPoolExecutor:
        self.start()
        assert self._executor is not None
        return self._executor

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker (here with no workers). ``function`` must be a
        module-level function and its arguments and result picklable. Raises what it raises,
        and ParserCrashed when the worker running it died twice."""
        if self.workers == 0:
            return function(*args)
        for attempt in (1, 2):
            executor = self._pool()
            try:
                return await asyncio.wrap_future(executor.submit(function, *args))
            except BrokenProcessPool:
                self._replace(executor)
                if attempt == 1:
                    logger.warning("a parser process died; %s is parsed again in a new one",
                                   _subject(args))
        raise ParserCrashed(
            f"{_subject(args)}: the parser process died twice on it (out of memory, killed, "
            "or a crash in a C extension)")

    async def parse(self, job: PageJob) -> ParsedPage | ParseFailure:
        try:
            return await self.call(parse_page, job)
        except ParserCrashed as exc:
            return ParseFailure("parser_crashed", str(exc))

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # Several pages in flight see the same broken pool: only the first replaces it. Its
        # queued pages have already failed with BrokenProcessPool (and will be resubmitted by
        # their callers); cancelling them instead would lose them to a CancelledError.
        if self._executor is broken:
            self.restarts += 1
            self._executor = None
            broken.shutdown(wait=False)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
