"""Keeps items that mention a tracked topic and records which topics and terms matched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawlers.addon import config_from_settings
from crawlers.drops import Rejected
from crawlers.stats import DROPPED
from phuxanh.schema import Item
from phuxanh.topics import TopicMatcher

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class TopicPipeline:
    def __init__(self, matcher: TopicMatcher, stats: StatsCollector) -> None:
        self.matcher = matcher
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TopicPipeline:
        config = config_from_settings(crawler.settings)
        assert crawler.stats is not None
        return cls(TopicMatcher(config.topics), crawler.stats)

    def process_item(self, item: Item) -> Item:
        matches = self.matcher.match(item.title, item.text)
        if not matches:
            self.stats.inc_value(f"{DROPPED}off_topic")
            raise Rejected("off_topic", f"mentions no tracked topic: {item.url}")
        terms = [term for match in matches for term in match.terms]
        return item.model_copy(update={
            "topics": [match.topic for match in matches],
            "matched_terms": list(dict.fromkeys(terms)),
        })
