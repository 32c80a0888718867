"""Drops items published before the crawl window (crawl.max_age_days).

The spider already skips feed entries by their feed date; this catches articles whose feed
gave no date (or a wrong one) but whose page does. Items dated only by our crawl time pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from crawlers.addon import config_from_settings
from crawlers.drops import Rejected
from crawlers.stats import DROPPED
from phuxanh.schema import VN_TZ, DateSource, Item

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class AgePipeline:
    def __init__(self, max_age: timedelta, stats: StatsCollector) -> None:
        self.max_age = max_age
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AgePipeline:
        config = config_from_settings(crawler.settings)
        assert crawler.stats is not None
        return cls(timedelta(days=config.crawl.max_age_days), crawler.stats)

    def process_item(self, item: Item) -> Item:
        cutoff = datetime.now(VN_TZ) - self.max_age
        if item.date_source != DateSource.CRAWL_TIME and item.published_at < cutoff:
            self.stats.inc_value(f"{DROPPED}too_old")
            raise Rejected(
                "too_old",
                f"published {item.published_at.isoformat()}, before the crawl window: {item.url}",
            )
        return item
