"""Run the crawl in-process and report what happened.

Twisted's reactor can be started once per process and never restarted, so :func:`crawl` runs
once per process; a second call raises instead of hanging. Anything that needs several crawls
(tests, a scheduler) runs each in its own process, e.g.::

    python -m crawlers.run --config config/ [--source vnexpress ...]

which prints the report as one JSON object on its last line of stdout (logs go to stderr).

After every crawl, finished or failed part-way, one :class:`phuxanh.store.base.SourceRun` per
crawled source is written to the store (:func:`source_runs`): the source-health record that
``phuxanh sources check`` and the dashboard read (silent feeds, error streaks).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawlers.stats import (
    ARTICLES_FETCHED,
    DROPPED,
    DROPPED_DATE,
    FEEDS_FETCHED,
    LISTINGS_FETCHED,
    NOT_MODIFIED,
    SITEMAPS_FETCHED,
    SKIPPED,
    SOURCE,
    STORE_ERROR,
    STORED,
)
from phuxanh.config import Config, Source
from phuxanh.errors import PhuxanhError, StoreError
from phuxanh.schema import VN_TZ
from phuxanh.store.base import SourceRun, UpsertResult

logger = logging.getLogger(__name__)
_reactor_used = False
# Per-source counters that are pages fetched (see crawlers.stats).
_FETCHED = ("feeds", "sitemaps", "listings", "articles")


@dataclass(frozen=True)
class CrawlReport:
    feeds_fetched: int = 0
    articles_fetched: int = 0
    sitemaps_fetched: int = 0
    listings_fetched: int = 0
    not_modified: int = 0  # feeds and sitemaps that answered 304 to a conditional GET
    items_stored: UpsertResult = field(default_factory=UpsertResult)
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> count
    skipped: dict[str, int] = field(default_factory=dict)  # feed entries not requested
    # implausible date code ("future", "before_2025") -> articles with such a date refused
    dropped_dates: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    finish_reason: str = ""
    # "<source key>/<what>" -> count: feeds, sitemaps, listings, articles fetched; requested;
    # not_modified; dropped (by policy); errors
    per_source: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)


def _by_prefix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {
        key[len(prefix):]: int(value)
        for key, value in sorted(stats.items())
        if key.startswith(prefix)
    }


def report_from_stats(
    stats: Mapping[str, Any], errors: Sequence[tuple[str, str]]
) -> CrawlReport:
    stored = _by_prefix(stats, STORED)
    return CrawlReport(
        feeds_fetched=int(stats.get(FEEDS_FETCHED, 0)),
        articles_fetched=int(stats.get(ARTICLES_FETCHED, 0)),
        sitemaps_fetched=int(stats.get(SITEMAPS_FETCHED, 0)),
        listings_fetched=int(stats.get(LISTINGS_FETCHED, 0)),
        not_modified=int(stats.get(NOT_MODIFIED, 0)),
        items_stored=UpsertResult(
            stored.get("inserted", 0), stored.get("updated", 0), stored.get("unchanged", 0)
        ),
        dropped=_by_prefix(stats, DROPPED),
        skipped=_by_prefix(stats, SKIPPED),
        dropped_dates=_by_prefix(stats, DROPPED_DATE),
        errors=list(errors),
        finish_reason=str(stats.get("finish_reason", "")),
        per_source=_by_prefix(stats, SOURCE),
    )


def source_runs(
    stats: Mapping[str, Any], source_keys: Iterable[str], started_at: datetime,
    finished_at: datetime, error_samples: Mapping[str, str] | None = None,
) -> list[SourceRun]:
    """One run record per source from the crawl's per-source counters (a source with no
    counter at all still gets one: a crawl that got nothing from it is what health tracks)."""
    per_source = _by_prefix(stats, SOURCE)
    samples = error_samples or {}
    runs = []
    for key in dict.fromkeys(source_keys):
        def count(what: str, key: str = key) -> int:
            return per_source.get(f"{key}/{what}", 0)

        runs.append(SourceRun(
            source=key, started_at=started_at, finished_at=finished_at,
            fetched=sum(count(what) for what in _FETCHED), new=count("new"),
            not_modified=count("not_modified"), dropped=count("dropped"),
            errors=count("errors"), error_sample=samples.get(key, "")[:500],
        ))
    return runs


def record_source_runs(config: Config, runs: Sequence[SourceRun]) -> None:
    """Write the runs; a failure is logged, not raised: losing a health record must not turn
    a crawl whose items were stored into a failed one (nor hide the error that stopped it)."""
    from phuxanh.store import open_store

    if not runs:
        return
    try:
        store = open_store(config)
        try:
            store.record_source_runs(runs)
        finally:
            store.close()
    except PhuxanhError as exc:
        logger.warning("source health not recorded: %s", exc)


# -- which spider reads which source (forums and Telegram: crawlers/spiders/forum.py, telegram.py)


def spider_names(source: Source) -> list[str]:
    """The spiders a source needs: ``telegram`` for a channel, ``forum`` for forum searches,
    threads or thread lists, ``rss`` for feeds, sitemaps, listings and news searches (and for
    a source with nothing to crawl, which the news spider reports)."""
    names = []
    if source.feeds or source.sitemaps or source.listings or source.search_query:
        names.append("rss")
    if source.type == "forum" and (source.forum_search_url or source.threads
                                   or source.forum_pages):
        names.append("forum")
    if source.channel:
        names.append("telegram")
    if not names and getattr(source, "api", None):
        return []  # an API connector's source (crawlers/connectors), not a spider's
    return names or ["rss"]


def spider_plan(sources: Sequence[Source], source_keys: Sequence[str] | None
                ) -> list[tuple[type[Any], list[str] | None]]:
    """(spider class, the source keys it is given) for each spider the sources need; all run
    in one process, side by side. Only news sources: the news spider alone, exactly as
    before (given ``source_keys`` as asked)."""
    from crawlers.spiders.forum import ForumSpider
    from crawlers.spiders.rss import RssSpider
    from crawlers.spiders.telegram import TelegramSpider

    classes = {"rss": RssSpider, "forum": ForumSpider, "telegram": TelegramSpider}
    groups: dict[str, list[str]] = {name: [] for name in classes}
    for source in sources:
        for name in spider_names(source):
            groups[name].append(source.key)
    if not groups["forum"] and not groups["telegram"]:
        return [(RssSpider, list(source_keys) if source_keys else None)]
    return [(classes[name], keys) for name, keys in groups.items() if keys]


def merge_stats(all_stats: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One crawl's stats from several spiders': counters added up; otherwise the first value,
    except that a finish reason other than "finished" and a store error are never hidden."""
    merged: dict[str, Any] = {}
    for stats in all_stats:
        for key, value in stats.items():
            if key not in merged:
                merged[key] = value
            elif isinstance(value, int) and isinstance(merged[key], int):
                merged[key] += value
            elif (key == "finish_reason" and value != "finished") or (
                    key == STORE_ERROR and value and not merged[key]):
                merged[key] = value
    return merged


def crawl(config: Config, source_keys: Sequence[str] | None = None) -> CrawlReport:
    """Crawl the enabled sources (or the named ones) once and report.

    Raises ConfigError for an unknown or disabled source key, StoreError when the store
    cannot be opened or written, PhuxanhError when Scrapy itself fails, and RuntimeError when
    called twice in one process.
    """
    global _reactor_used
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawlers.addon import PHUXANH_CONFIG
    from crawlers.spiders.rss import select_sources
    from phuxanh.store import open_store

    # A bad source key or an unreachable store fails here with one clear error, before Scrapy
    # starts (the pipeline would fail too, but inside Scrapy's start-up noise).
    sources = select_sources(config, source_keys)
    open_store(config).close()
    if _reactor_used:
        raise RuntimeError(
            "crawl() runs once per process (the Twisted reactor cannot restart); run "
            "`python -m crawlers.run` in a new process for another crawl"
        )
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set(PHUXANH_CONFIG, config, priority="cmdline")
    # A caller that set up logging (the phuxanh CLI) keeps it, levels included; otherwise
    # Scrapy's handler logs to stderr at LOG_LEVEL. Both at once would print every line twice.
    # A caller that set up logging (the phuxanh CLI) keeps it; its handlers filter by level,
    # which Scrapy's logging set-up (it resets the "scrapy" logger to DEBUG) does not touch.
    # Otherwise Scrapy's handler logs to stderr at LOG_LEVEL. Both at once would print twice.
    caller_logging = bool(logging.getLogger().handlers)
    settings.set("LOG_INSTALL_ROOT_HANDLER", not caller_logging, priority="cmdline")
    process = CrawlerProcess(settings)
    failures: list[Any] = []
    crawlers = []
    for spider_class, keys in spider_plan(sources, source_keys):
        crawler = process.create_crawler(spider_class)
        process.crawl(crawler, source_keys=keys).addErrback(failures.append)
        crawlers.append(crawler)
    _reactor_used = True
    started_at = datetime.now(VN_TZ)
    # Signal handlers (Ctrl-C stops the crawl cleanly) can only be installed from the main
    # thread; a caller running us in a worker thread stops us by other means.
    try:
        process.start(
            install_signal_handlers=threading.current_thread() is threading.main_thread())
    finally:
        # Also when the crawl failed part-way: a failing source is what health is for.
        stats = merge_stats([crawler.stats.get_stats() for crawler in crawlers
                             if crawler.stats is not None])
        first_errors: dict[str, str] = {}
        for crawler in crawlers:
            for key, error in (getattr(crawler.spider, "source_errors", None) or {}).items():
                first_errors.setdefault(key, error)
        record_source_runs(config, source_runs(
            stats, [source.key for source in sources], started_at, datetime.now(VN_TZ),
            first_errors,
        ))
    if failures:
        error = failures[0].value
        if isinstance(error, PhuxanhError):
            raise error
        raise PhuxanhError(f"the crawl failed: {type(error).__name__}: {error}") from error
    report = report_from_stats(stats, [error for crawler in crawlers
                                       for error in getattr(crawler.spider, "errors", [])])
    if stats.get(STORE_ERROR):
        raise StoreError(
            f"crawl stopped: the store failed ({stats[STORE_ERROR]}); "
            f"{report.items_stored.written} items were written before that"
        )
    return report


def main(argv: Sequence[str] | None = None) -> int:
    from phuxanh.config import load_config

    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="config directory or YAML file (default: config/)")
    parser.add_argument("--source", action="append", dest="sources", metavar="KEY",
                        help="crawl only this source (repeatable)")
    args = parser.parse_args(argv)
    try:
        report = crawl(load_config(args.config), args.sources)
    except PhuxanhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
