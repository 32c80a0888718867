"""Our config -> Scrapy settings, as a Scrapy add-on, so ``scrapy crawl rss`` and
``phuxanh crawl`` crawl the same way.

The typed :class:`phuxanh.config.Config` itself travels in the ``PHUXANH_CONFIG`` setting;
pipelines and the spider read it in ``from_crawler`` (never from a global). Precedence is the
project's (defaults < config file < environment) with Scrapy's on top: the add-on sets values at
"addon" priority, so ``scrapy crawl ... -s DOWNLOAD_DELAY=5`` still wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from phuxanh.config import Config
from phuxanh.errors import ConfigError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

PHUXANH_CONFIG = "PHUXANH_CONFIG"
# One job each, in this order: refuse old items, keep on-topic ones, store what is left.
ITEM_PIPELINES = {
    "crawlers.pipelines.age.AgePipeline": 100,
    "crawlers.pipelines.topic.TopicPipeline": 200,
    "crawlers.pipelines.store.StorePipeline": 900,
}

# Scrapy's robots.txt middleware, replaced at its own position (DOWNLOADER_MIDDLEWARES_BASE).
ROBOTS_SCRAPY = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
ROBOTS_POSITION = 100


def scrapy_settings(config: Config) -> dict[str, Any]:
    """The Scrapy settings our config decides."""
    crawl = config.crawl
    return {
        PHUXANH_CONFIG: config,
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        # Scrapy's 5 s default start is slower than our own delay asks for.
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 1.0),
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_TIMEOUT": crawl.timeout_seconds,
        "DNS_TIMEOUT": min(crawl.timeout_seconds, 60),
        "RETRY_TIMES": crawl.retry_times,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_page_bytes // 2,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "ITEM_PIPELINES": dict(ITEM_PIPELINES),
        # robots.txt also for requests sent while it downloads (crawlers/robots.py).
        "DOWNLOADER_MIDDLEWARES": {
            ROBOTS_SCRAPY: None, "crawlers.robots.WaitingRobotsTxtMiddleware": ROBOTS_POSITION,
        },
    }


def config_from_settings(settings: BaseSettings) -> Config:
    """The Config a component runs with (set by :class:`PhuxanhAddon`)."""
    config = settings.get(PHUXANH_CONFIG)
    if not isinstance(config, Config):
        raise ConfigError(
            f"Scrapy setting {PHUXANH_CONFIG} holds no phuxanh Config; enable the add-on "
            "crawlers.addon.PhuxanhAddon (crawlers/settings.py does)"
        )
    return config


class PhuxanhAddon:
    """Applies :func:`scrapy_settings`. Uses the Config already in ``PHUXANH_CONFIG`` (what
    :func:`crawlers.run.crawl` passes) or loads it the way the CLI does."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PhuxanhAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        from scrapy.utils.misc import load_object

        config = settings.get(PHUXANH_CONFIG)
        if config is None:
            from phuxanh.config import load_config

            config = load_config()
        for name, value in scrapy_settings(config).items():
            if name in ("ITEM_PIPELINES", "DOWNLOADER_MIDDLEWARES"):
                # Merge into what the project set instead of replacing it.
                for path, order in value.items():
                    settings.setdefault_in_component_priority_dict(
                        name, load_object(path), order
                    )
            else:
                settings.set(name, value, priority="addon")
