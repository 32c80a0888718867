"""Writes items to the store in batches.

The store is opened in ``open_spider`` with :func:`phuxanh.store.open_store`; if it cannot be
opened the crawl fails to start with the store's own error. A failed write is never swallowed:
the message goes to the ``phuxanh/store_error`` stat, the spider is closed with reason
``store_error`` and the exception is re-raised (Scrapy logs it); :func:`crawlers.run.crawl`
turns that into a StoreError for the caller.

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
from phuxanh.schema import Item
from phuxanh.store import open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from phuxanh.config import Config
    from phuxanh.store.base import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, config: Config, crawler: Crawler, batch_size: int = 100) -> None:
        self.config = config
        self.crawler = crawler
        self.batch_size = max(1, batch_size)
        self.store: Store | None = None
        self.buffer: list[Item] = []
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(
            config_from_settings(crawler.settings),
            crawler,
            crawler.settings.getint("PHUXANH_STORE_BATCH", 100),
        )

    def open_spider(self) -> None:
        self.store = open_store(self.config)

    def process_item(self, item: Item) -> Item:
        if self._closing is not None:
            # The store already failed and the crawl is closing: items still in flight are
            # counted, not written into a store we know is broken.
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"{DROPPED}store_error")
            raise DropItem(f"not stored, the store failed earlier: {item.url}")
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        try:
            self.flush()
        finally:
            if self.store is not None:
                self.store.close()
                self.store = None

    def flush(self) -> None:
        if not self.buffer or self.store is None:
            return
        batch, self.buffer = self.buffer, []
        stats = self.crawler.stats
        assert stats is not None
        try:
            # Which items are new, per source, for the source-health record (one indexed
            # lookup per batch; the upsert result only has totals).
            known = self.store.existing_ids([item.id for item in batch])
            result = self.store.upsert(batch)
        except Exception as exc:
            stats.set_value(STORE_ERROR, str(exc))
            stats.inc_value(f"{DROPPED}store_error", len(batch))
            self._stop_crawl()
            raise
        stats.inc_value(f"{STORED}inserted", result.inserted)
        stats.inc_value(f"{STORED}updated", result.updated)
        stats.inc_value(f"{STORED}unchanged", result.unchanged)
        new_by_id = {item.id: item.source for item in batch if item.id not in known}
        for source in new_by_id.values():
            stats.inc_value(f"{SOURCE}{source}/new")

    def _stop_crawl(self) -> None:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # the crawl has not started (or this is not a crawl)
            return
        if engine is None or engine.spider is None or self._closing is not None:
            return
        # Scheduled, not awaited: closing waits for the item being processed, i.e. for us.
        self._closing = deferred_from_coro(engine.close_spider_async(reason="store_error"))
