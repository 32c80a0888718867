"""``phuxanh sources check``: is sources.yaml sound, and how has each source been crawling?

Loading the config already validates every field (bad keys, regexes, selectors, listings
without a filter fail there with a ConfigError). This adds what needs all sources at once or
some judgement, as findings:

- error: the same feed or sitemap URL in two sources (its articles would be credited to
  whichever source happened to be crawled first);
- warning: an enabled source with nothing to crawl; a feed, sitemap or listing whose host is
  not the source's ``domain`` (often a CDN or feed service, sometimes a copy-paste slip);
- info: disabled sources; sources with crawl history that sources.yaml no longer lists.

and, per source, its crawl health from ``store.source_health()``: last run, last success, last
new item, error streak, silent days. :func:`find_problems` and :func:`statuses` are pure; only
:func:`check` reads the store.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from phuxanh.config import Config, Source
from phuxanh.schema import VN_TZ
from phuxanh.store import open_store
from phuxanh.store.base import SourceHealth

Level = Literal["error", "warning", "info"]
# How a source is reached: web discovery (news spider), forum and Telegram spiders, or an
# official API connector (crawlers/connectors/).
DISCOVERY = ("feeds", "sitemaps", "listings", "search", "forum", "telegram", "api")


@dataclass(frozen=True)
class Finding:
    level: Level
    source: str  # key ("" for the file as a whole)
    message: str


@dataclass(frozen=True)
class SourceStatus:
    key: str
    name: str
    enabled: bool
    official: bool
    province: str | None
    discovery: list[str]  # how it finds articles: feeds, sitemaps, listings, search
    runs: int = 0
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_item_at: datetime | None = None
    error_streak: int = 0
    silent_days: int | None = None  # days since its last new item; None: never had one
    last_error: str = ""


@dataclass(frozen=True)
class SourcesCheck:
    findings: list[Finding]
    sources: list[SourceStatus]

    @property
    def ok(self) -> bool:
        return not any(finding.level == "error" for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, datetime) else value

        return {
            "ok": self.ok,
            "findings": [dataclasses.asdict(finding) for finding in self.findings],
            "sources": [{name: plain(value) for name, value in dataclasses.asdict(status).items()}
                        for status in self.sources],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def discovery(source: Source) -> list[str]:
    kinds = {"feeds": source.feeds, "sitemaps": source.sitemaps, "listings": source.listings,
             "search": source.search_query,
             "forum": source.forum_search_url or source.threads or source.forum_pages,
             "telegram": source.channel, "api": source.api}
    return [kind for kind in DISCOVERY if kinds[kind]]


def _host(url: str) -> str:
    return (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.")


def _normalised(url: str) -> str:
    # Scheme and host are case-insensitive and "www." is the same site; a trailing slash on
    # the path is not the same resource in general, so it stays.
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{parts.path or '/'}{query}"


def _same_site(host: str, domain: str) -> bool:
    return host == domain or host.endswith(f".{domain}") or domain.endswith(f".{host}")


def find_problems(sources: Sequence[Source]) -> list[Finding]:
    """The findings about sources.yaml as a whole (see the module doc)."""
    findings: list[Finding] = []
    owners: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        for url in [*source.feeds, *source.sitemaps]:
            owners[_normalised(url)].append(source.key)
    seen_urls: set[str] = set()
    for source in sources:
        for url in [*source.feeds, *source.sitemaps]:
            keys = list(dict.fromkeys(owners[_normalised(url)]))
            if len(keys) > 1 and _normalised(url) not in seen_urls:
                seen_urls.add(_normalised(url))
                findings.append(Finding(
                    "error", source.key, f"{url} is also listed by {', '.join(keys[1:])}: "
                    "each feed or sitemap belongs to one source"))
        if not source.enabled:
            findings.append(Finding("info", source.key, "disabled (enabled: false)"))
            continue
        if not discovery(source):
            findings.append(Finding(
                "warning", source.key,
                "nothing to crawl: no feeds, sitemaps, listings, search_query, forum, "
                "channel or api"))
        domain = (source.domain or "").lower().removeprefix("www.")
        feed_hosts = [h.lower().removeprefix("www.") for h in source.feed_hosts]
        if domain:
            for url in [*source.feeds, *source.sitemaps, *source.listings]:
                host = _host(url)
                if host and not _same_site(host, domain) and not any(
                        _same_site(host, allowed) for allowed in feed_hosts):
                    findings.append(Finding(
                        "warning", source.key,
                        f"{url}: host {host} does not match the source's domain {domain}"))
    return findings


def statuses(sources: Sequence[Source], health: Iterable[SourceHealth], now: datetime
             ) -> tuple[list[SourceStatus], list[Finding]]:
    """Each configured source with its crawl health, and findings about health records of
    sources sources.yaml no longer lists."""
    by_key = {entry.source: entry for entry in health}
    rows = []
    for source in sources:
        entry = by_key.pop(source.key, None)
        status = SourceStatus(
            key=source.key, name=source.name, enabled=source.enabled, official=source.official,
            province=source.province, discovery=discovery(source),
        )
        if entry is not None:
            status = dataclasses.replace(
                status, runs=entry.runs, last_run_at=entry.last_run_at,
                last_success_at=entry.last_success_at, last_new_item_at=entry.last_new_item_at,
                error_streak=entry.error_streak, silent_days=entry.silent_days(now),
                last_error=entry.last_error,
            )
        rows.append(status)
    orphans = [Finding("info", key, "has crawl history but is not in sources.yaml")
               for key in sorted(by_key)]
    return rows, orphans


def check(config: Config, now: datetime | None = None) -> SourcesCheck:
    """Validate the configured sources and read their health from the store."""
    store = open_store(config)
    try:
        health = store.source_health()
    finally:
        store.close()
    rows, orphans = statuses(config.sources, health, now or datetime.now(VN_TZ))
    return SourcesCheck(find_problems(config.sources) + orphans, rows)


def _when(value: datetime | None) -> str:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if value else "never"


def describe(result: SourcesCheck) -> str:
    """The check for people: one block per source, then the findings."""
    lines = []
    for status in result.sources:
        state = "enabled" if status.enabled else "disabled"
        silent = "-" if status.silent_days is None else f"{status.silent_days} d"
        lines.append(f"{status.key:<24} {state:<8} {','.join(status.discovery) or '-'}")
        lines.append(
            f"    last run {_when(status.last_run_at)}, last success "
            f"{_when(status.last_success_at)}, last new item {_when(status.last_new_item_at)}, "
            f"error streak {status.error_streak}, silent {silent}")
        if status.error_streak and status.last_error:
            lines.append(f"    last error: {status.last_error}")
    for finding in result.findings:
        where = f"{finding.source}: " if finding.source else ""
        lines.append(f"{finding.level}: {where}{finding.message}")
    errors = sum(finding.level == "error" for finding in result.findings)
    warnings = sum(finding.level == "warning" for finding in result.findings)
    lines.append(f"{len(result.sources)} sources, {errors} errors, {warnings} warnings")
    return "\n".join(lines)
