"""The static part of the Scrapy settings; everything our config decides is set by
:class:`crawlers.addon.PhuxanhAddon` (see :func:`crawlers.addon.scrapy_settings`).

``scrapy crawl`` works from the repository root with
``SCRAPY_SETTINGS_MODULE=crawlers.settings scrapy crawl rss [-a source_keys=vnexpress,tuoitre]``;
the add-on then loads the config as the CLI does (``PHUXANH_CONFIG``, ``PHUXANH_DATA_DIR``, ...).
"""

from __future__ import annotations

BOT_NAME = "phuxanh"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

ADDONS = {"crawlers.addon.PhuxanhAddon": 0}

DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi,en;q=0.5",
}
# Public pages only: no sessions, no logins.
COOKIES_ENABLED = False
# Neither a telnet shell nor the HTTP code-execution endpoint has any place in a monitoring job.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
# Drops are logged by URL, not with the whole article text.
LOG_FORMATTER = "crawlers.drops.QuietLogFormatter"
LOG_LEVEL = "INFO"
# A URL that still fails after its retries is reported by the spider (a warning and the
# crawl report); Scrapy's own message need not be an ERROR as well.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# Retries wait, doubling each time (crawlers.middlewares); same rules as Scrapy's, at 550.
# Its PHUXANH_RETRY_BACKOFF (1 s) and PHUXANH_RETRY_BACKOFF_MAX (60 s) are not set here:
# project-level values would outrank the add-on and `-s`-less overrides in tests.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
}

# An article page yields at most one item; Scrapy's default of 100 starts 100 asyncio tasks per
# response for nothing (11% of the crawl's CPU in bench/crawl.py).
CONCURRENT_ITEMS = 1
