"""Writes items to the store in batches.

The store is opened in ``open_spider`` with :func:`phuxanh.store.open_store`; if it cannot be
opened the crawl fails to start with the store's own error. Items an earlier crawl spooled
(:mod:`phuxanh.spool`) are replayed into the store right after it opens, before any new item.

A failed write never loses the batch: it is appended to this crawl's spool file (fsync'd) and
every later item of the crawl goes to the spool too (a store that just failed is not hammered
batch after batch). At the end of the crawl the spool is replayed once (a lock that was
released, a store that came back); if that fails too, the message, with the spool file, goes to
the ``phuxanh/store_error`` stat, and :func:`crawlers.run.crawl` turns it into a StoreError for
the caller; the next crawl replays the file. Only when the spool itself cannot be written
(full disk) is the crawl stopped (reason ``store_error``) and the exception re-raised.

Writes run on the reactor thread: a batch of ~100 items is a few milliseconds of SQLite, and a
single writer keeps the embedded store's one-writer rule trivially true.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawlers.addon import config_from_settings
from crawlers.stats import DROPPED, SOURCE, STORE_ERROR, STORED
from phuxanh.errors import StoreError
from phuxanh.schema import Item
from phuxanh.spool import SpoolError, SpoolWriter, describe, replay
from phuxanh.store import open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from phuxanh.config import Config
    from phuxanh.store.base import Store

logger = logging.getLogger(__name__)
# Items written to the spool because the store refused them, and items replayed from it.
SPOOLED = "phuxanh/spool/written"
REPLAYED = "phuxanh/spool/replayed"


class StorePipeline:
    def __init__(self, config: Config, crawler: Crawler, batch_size: int = 100) -> None:
        self.config = config
        self.crawler = crawler
        self.batch_size = max(1, batch_size)
        self.store: Store | None = None
        self.buffer: list[Item] = []
        self._closing: Any = None
        self.spool = SpoolWriter(config.data_dir)
        self.store_failure: str | None = None  # set once a write failed: spool from then on

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(
            config_from_settings(crawler.settings),
            crawler,
            crawler.settings.getint("PHUXANH_STORE_BATCH", 100),
        )

    def open_spider(self) -> None:
        self.store = open_store(self.config)
        # What an earlier crawl could not store goes in first, before anything newer.
        result = replay(self.store, self.config.data_dir)
        if result.items:
            logger.warning("%s", describe(result))
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(REPLAYED, result.items)
            self._count_stored(result.stored)

    def process_item(self, item: Item) -> Item:
        if self._closing is not None:
            # The store already failed and the crawl is closing: items still in flight are
            # counted, not written into a store we know is broken.
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"{DROPPED}store_error")
            raise DropItem(f"not stored, the spool failed earlier: {item.url}")
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        try:
            self.flush()
            self._replay_own_spool()
        finally:
            self.spool.close()
            if self.store is not None:
                self.store.close()
                self.store = None

    def _replay_own_spool(self) -> None:
        """One more try at the end of the crawl for what this crawl spooled."""
        if self.store_failure is None or self.store is None or not self.spool.count:
            return
        self.spool.close()
        stats = self.crawler.stats
        assert stats is not None
        try:
            result = replay(self.store, self.config.data_dir)
        except Exception as exc:  # any store failure, as in flush: the file stays for later
            stats.set_value(STORE_ERROR, (
                f"{self.store_failure}; {self.spool.count} items kept in {self.spool.path}, "
                f"stored by the next crawl (replay failed too: {exc})"))
            return
        logger.warning("the store recovered: %s", describe(result))
        stats.inc_value(REPLAYED, result.items)
        self._count_stored(result.stored)
        stats.set_value(STORE_ERROR, "")  # nothing left unstored: the crawl did not fail

    def flush(self) -> None:
        if not self.buffer or self.store is None:
            return
        batch, self.buffer = self.buffer, []
        stats = self.crawler.stats
        assert stats is not None
        if self.store_failure is not None:
            self._spool(batch)
            return
        try:
            # Which items are new, per source, for the source-health record (one indexed
            # lookup per batch; the upsert result only has totals).
            known = self.store.existing_ids([item.id for item in batch])
            result = self.store.upsert(batch)
        except Exception as exc:  # any store failure (locked, I/O error, ES down): spool
            self.store_failure = f"{type(exc).__name__}: {exc}" if not isinstance(
                exc, StoreError) else str(exc)
            logger.error("store write failed, spooling to %s: %s", self.spool.path, exc)
            stats.set_value(STORE_ERROR, self.store_failure)
            self._spool(batch)
            return
        self._count_stored(result)
        new_by_id = {item.id: item.source for item in batch if item.id not in known}
        for source in new_by_id.values():
            stats.inc_value(f"{SOURCE}{source}/new")

    def _count_stored(self, result: Any) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"{STORED}inserted", result.inserted)
        stats.inc_value(f"{STORED}updated", result.updated)
        stats.inc_value(f"{STORED}unchanged", result.unchanged)

    def _spool(self, batch: list[Item]) -> None:
        stats = self.crawler.stats
        assert stats is not None
        try:
            self.spool.append(batch)
        except SpoolError as exc:
            # Nowhere left to keep them: stop, and say why (these items are not in the store,
            # so the next crawl fetches them again).
            stats.set_value(STORE_ERROR, f"{self.store_failure}; {exc}")
            stats.inc_value(f"{DROPPED}store_error", len(batch))
            self._stop_crawl()
            raise
        stats.inc_value(SPOOLED, len(batch))
        stats.set_value(STORE_ERROR, (
            f"{self.store_failure}; {self.spool.count} items kept in {self.spool.path}, "
            f"stored by the next crawl"))

    def _stop_crawl(self) -> None:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # the crawl has not started (or this is not a crawl)
            return
        if engine is None or engine.spider is None or self._closing is not None:
            return
        # Scheduled, not awaited: closing waits for the item being processed, i.e. for us.
        self._closing = deferred_from_coro(engine.close_spider_async(reason="store_error"))
