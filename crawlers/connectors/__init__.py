"""Official-API connectors: sources read through a platform's own API instead of web pages.

- :mod:`crawlers.connectors.youtube`: YouTube Data API v3 (search, videos, comment threads);
  key from ``PHUXANH_YOUTUBE_API_KEY``; quota units counted at YouTube's documented costs.
- :mod:`crawlers.connectors.facebook`: Facebook Graph API, the posts and comments of the pages
  in ``page_ids``; token from ``PHUXANH_FACEBOOK_TOKEN``. No scraping.
- :mod:`crawlers.connectors.reddit`: Reddit's public JSON search.

A source is an API source when it has ``api:`` in sources.yaml; ``phuxanh crawl`` sends those
here (:func:`crawl_api_sources`) and the rest to the Scrapy crawl. Shared parts:
:mod:`~crawlers.connectors.base` (HTTP client: throttle, 429/5xx, clear errors),
:mod:`~crawlers.connectors.state` (cursors, pending comment lists, quota per day),
:mod:`~crawlers.connectors.context` (window and topic match, page-by-page storing).
Nothing here imports Scrapy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from crawlers.connectors.base import ConnectorError
from crawlers.connectors.runner import (
    ApiCrawl,
    ConnectorReport,
    crawl_api_sources,
    default_query,
    is_api_source,
    quota_day,
    run_connector,
)
from phuxanh.config import Config, Source
from phuxanh.errors import ConfigError

__all__ = [
    "ApiCrawl", "ConnectorError", "ConnectorReport", "crawl_api_sources", "default_query",
    "describe_api_usage", "is_api_source", "merge_into_crawl_report", "quota_day",
    "quota_usage", "run_connector", "split_sources",
]


def split_sources(config: Config, source_keys: Sequence[str] | None
                  ) -> tuple[list[Source], list[str]]:
    """(API sources to run, keys of the other sources) for a crawl of ``source_keys`` (None:
    every enabled source). A named source that is disabled is a ConfigError, as for feeds."""
    if not source_keys:
        chosen = [source for source in config.sources if source.enabled]
    else:
        chosen = []
        for key in dict.fromkeys(source_keys):
            source = config.source(key)
            if not source.enabled:
                raise ConfigError(f"{config.config_dir / 'sources.yaml'}: source {key!r} is "
                                  "disabled (enabled: false)")
            chosen.append(source)
    api = [source for source in chosen if is_api_source(source)]
    return api, [source.key for source in chosen if not is_api_source(source)]


def merge_into_crawl_report(report: Any, api: ApiCrawl) -> Any:
    """A ``crawlers.run.CrawlReport`` with the API sources' results added: stored counts,
    drops, errors, and per-source counters ``<key>/api_pages``, ``<key>/new``,
    ``<key>/quota_units``, ``<key>/quota_today``."""
    stored = report.items_stored
    dropped = dict(report.dropped)
    errors = list(report.errors)
    per_source = dict(report.per_source)
    for run in api.reports:
        stored = stored + run.stored
        for reason, value in run.dropped.items():
            dropped[reason] = dropped.get(reason, 0) + value
        if run.stopped_by:
            errors.append((run.source, run.stopped_by))
        errors += run.errors
        per_source[f"{run.source}/api_pages"] = run.pages
        per_source[f"{run.source}/api_requests"] = run.requests
        per_source[f"{run.source}/new"] = run.stored.inserted
        if run.api == "youtube":
            per_source[f"{run.source}/quota_units"] = run.quota_units
            per_source[f"{run.source}/quota_today"] = run.quota_today
    return dataclasses.replace(report, items_stored=stored, dropped=dropped, errors=errors,
                               per_source=per_source)


def describe_api_usage(per_source: dict[str, int]) -> list[str]:
    """One line per API source of a crawl report's per-source counters (see
    :func:`merge_into_crawl_report`), for ``phuxanh crawl``."""
    lines = []
    for key in sorted(k[: -len("/api_pages")] for k in per_source if k.endswith("/api_pages")):
        quota = (f", {per_source[key + '/quota_units']} YouTube quota units (today "
                 f"{per_source.get(key + '/quota_today', 0)})"
                 if f"{key}/quota_units" in per_source else "")
        lines.append(f"{key}: {per_source[key + '/api_pages']} API pages in "
                     f"{per_source.get(key + '/api_requests', 0)} requests{quota}, "
                     f"{per_source.get(key + '/new', 0)} new items")
    return lines


def quota_usage(config: Config) -> dict[str, dict[str, int]]:
    """source key -> {Pacific day: YouTube quota units}, from the connector state file."""
    from crawlers.connectors.state import ConnectorState

    state = ConnectorState(config.data_dir)
    usage = {key: state.quota(key) for key in state.sources()}
    return {key: days for key, days in usage.items() if days}
