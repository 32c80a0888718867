"""Run one API source: credentials from the environment, a polite client, the platform's
connector, and afterwards one :class:`SourceRun` in the store and a run summary (with the
quota units spent) in ``<data_dir>/connector_state.json``.

Items are stored page by page as they arrive; when a run stops on an error (expired token,
spent quota, a malformed answer, rate limits that do not lift), what was stored stays stored,
the cursor of the page that failed stays saved, and the error is raised with the run's
:class:`ConnectorReport` attached (``exc.report``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import requests

from crawlers.connectors import facebook, reddit, youtube
from crawlers.connectors.base import ApiClient, ConnectorError, CredentialError
from crawlers.connectors.context import ItemSink, RunContext, window_cutoff
from crawlers.connectors.state import ConnectorState
from phuxanh.config import Config, Source
from phuxanh.errors import ConfigError, PhuxanhError
from phuxanh.schema import VN_TZ
from phuxanh.store.base import SourceRun, Store, UpsertResult
from phuxanh.text import fold
from phuxanh.topics import TopicMatcher

logger = logging.getLogger(__name__)

MODULES: dict[str, ModuleType] = {"youtube": youtube, "facebook": facebook, "reddit": reddit}
# The environment variable holding each platform's credential (None: no credential needed).
CREDENTIALS: dict[str, str | None] = {"youtube": "youtube_api_key",
                                      "facebook": "facebook_token", "reddit": None}
# YouTube's quota day ends at midnight Pacific time.
QUOTA_TZ = ZoneInfo("America/Los_Angeles")


def is_api_source(source: Source) -> bool:
    return source.api is not None


def quota_day(now: datetime) -> str:
    return now.astimezone(QUOTA_TZ).date().isoformat()


@dataclass
class ConnectorReport:
    source: str
    api: str  # "youtube", "facebook", "reddit"
    started_at: datetime
    finished_at: datetime
    pages: int = 0  # answers that carried data
    requests: int = 0  # requests sent, retries included
    quota_units: int = 0  # YouTube quota units this run spent (0 for the others)
    quota_today: int = 0  # YouTube units spent by this source today (Pacific day)
    stored: UpsertResult = field(default_factory=UpsertResult)
    dropped: dict[str, int] = field(default_factory=dict)  # off_topic, too_old
    skipped: dict[str, int] = field(default_factory=dict)  # comments turned off, videos gone
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    error_count: int = 0
    stopped_by: str = ""  # the error that ended the run early ("" when it finished)
    resume_at: list[str] = field(default_factory=list)  # lists the next run resumes

    def source_run(self) -> SourceRun:
        errors = self.error_count + (1 if self.stopped_by else 0)
        sample = self.stopped_by or (f"{self.errors[0][0]}: {self.errors[0][1]}"
                                     if self.errors else "")
        return SourceRun(source=self.source, started_at=self.started_at,
                         finished_at=self.finished_at, fetched=self.pages,
                         new=self.stored.inserted, dropped=sum(self.dropped.values()),
                         errors=errors, error_sample=sample[:500])

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat()
        data["errors"] = [list(error) for error in self.errors[:5]]
        return data


def default_query(config: Config, api: str) -> str:
    """The search words when a source gives none: every topic's terms, OR-ed in the
    platform's syntax (YouTube ``"a"|"b"``, Reddit ``"a" OR "b"``). Recall only: every result
    is matched against the topics afterwards. A topic with no terms contributes its query."""
    seen: dict[str, str] = {}
    for topic in config.topics:
        for term in topic.terms:
            seen.setdefault(fold(term), term)
    phrases = [f'"{term}"' for term in seen.values()]
    if not phrases:
        phrases = [f"({topic.query})" for topic in config.topics if topic.query]
    return ("|" if api == "youtube" else " OR ").join(phrases)


def run_connector(
    config: Config,
    source: Source,
    store: Store,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    session: requests.Session | None = None,
    now: datetime | None = None,
) -> ConnectorReport:
    """Read one API source once (see the module docstring). Raises ConfigError for a source
    that is not an API source, a ConnectorError (with ``.report``) when the run stopped early,
    and StoreError when the store failed (the page being stored is read again next run)."""
    if source.api not in MODULES:
        raise ConfigError(f"{config.config_dir / 'sources.yaml'}: source {source.key!r} has no "
                          "api (youtube, facebook or reddit)")
    module = MODULES[source.api]
    base_url = (source.api_base_url or module.BASE_URL).rstrip("/")
    started = now or datetime.now(VN_TZ)
    state = ConnectorState(config.data_dir)
    report = ConnectorReport(source.key, source.api, started, started)
    credential_name = CREDENTIALS[source.api]
    credential = Config.secret(credential_name) if credential_name else None

    def count_quota(units: int) -> None:
        # Written at once: a run that dies still leaves its quota use on record.
        state.add_quota(source.key, quota_day(datetime.now(VN_TZ)), units)

    client = ApiClient(
        module.NAME, config.crawl.user_agent, delay_s=config.crawl.download_delay,
        timeout_s=config.crawl.timeout_seconds, retries=config.crawl.retry_times,
        secrets=[credential or ""], classify=module.classify, sleep=sleep, clock=clock,
        session=session, on_request=count_quota,
    )
    sink = ItemSink(store, TopicMatcher(config.topics), window_cutoff(config, started))
    ctx = RunContext(config, source, store, client, state, sink, base_url, started,
                     Config.secret("author_hash_key"))
    failure: BaseException | None = None
    try:
        if credential_name and not credential:
            from phuxanh.config import SECRET_ENV

            raise CredentialError(module.NAME, base_url,
                                  f"{SECRET_ENV[credential_name]} is not set: source "
                                  f"{source.key!r} needs the unit's own {module.API} credential")
        query = source.query or default_query(config, source.api)
        if source.api == "youtube":
            youtube.run(ctx, credential or "", query)
        elif source.api == "facebook":
            facebook.run(ctx, credential or "")
        else:
            reddit.run(ctx, query)
    except ConnectorError as exc:
        failure = exc
        report.stopped_by = str(exc)
    except BaseException as exc:  # a store failure or a bug: still record what happened
        failure = exc
        report.stopped_by = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        client.close()
        _finish(report, ctx, state, store, module.NAME)
    if isinstance(failure, ConnectorError):
        failure.report = report  # type: ignore[attr-defined]
        logger.error("%s", failure)
        raise failure
    return report


def _finish(report: ConnectorReport, ctx: RunContext, state: ConnectorState, store: Store,
            name: str) -> None:
    report.finished_at = datetime.now(VN_TZ)
    report.pages = ctx.client.log.pages
    report.requests = ctx.client.log.requests
    report.quota_units = ctx.client.log.quota_units
    report.quota_today = state.quota(report.source).get(quota_day(report.finished_at), 0)
    report.stored = ctx.sink.stored
    report.dropped = dict(ctx.sink.dropped)
    report.skipped = {key: value for key, value in ctx.skipped.items() if value}
    report.errors = list(ctx.sink.errors)
    report.error_count = ctx.sink.error_count
    report.resume_at = sorted(state.cursors(report.source))
    state.add_run(report.source, report.summary())
    try:
        store.record_source_runs([report.source_run()])
    except PhuxanhError as exc:
        # Losing a health record must not hide the items stored or the error that stopped us.
        logger.warning("source health not recorded for %s: %s", report.source, exc)
    logger.info("%s (%s): %d requests, %d quota units, stored %d new, %d updated; dropped %s",
                report.source, name, report.requests, report.quota_units,
                report.stored.inserted, report.stored.updated, report.dropped or "none")


@dataclass
class ApiCrawl:
    """Every API source of one crawl: their reports, and the errors that stopped any."""

    reports: list[ConnectorReport] = field(default_factory=list)
    failures: list[ConnectorError] = field(default_factory=list)

    @property
    def needs_person(self) -> list[ConnectorError]:
        """Failures a new run cannot fix (a missing, expired or refused credential)."""
        return [failure for failure in self.failures if failure.needs_person]


def crawl_api_sources(config: Config, sources: Sequence[Source], store: Store | None = None,
                      **options: Any) -> ApiCrawl:
    """Run each API source in turn; one that fails does not stop the others. A store failure
    does (StoreError)."""
    from phuxanh.store import open_store

    result = ApiCrawl()
    own = store is None
    active = open_store(config) if store is None else store
    try:
        for source in sources:
            try:
                result.reports.append(run_connector(config, source, active, **options))
            except ConnectorError as exc:
                result.failures.append(exc)
                report = getattr(exc, "report", None)
                if report is not None:
                    result.reports.append(report)
    finally:
        if own:
            active.close()
    return result
