"""Work that spans stages: what the CLI commands and the demo run.

The stages (crawlers, classify, dashboard) never import each other; this module wires them
together, importing each lazily so a command pays only for the stage it uses.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phuxanh.config import SECRET_ENV, Config, Source
from phuxanh.errors import ConfigError, PhuxanhError
from phuxanh.schema import VN_TZ
from phuxanh.store import open_store
from phuxanh.users import USERS_DB, UserStore

if TYPE_CHECKING:
    from phuxanh.dedup import DedupReport
    from phuxanh.spool import ReplayResult
    from phuxanh.store.base import UpsertResult


def crawl(config: Config, source_keys: Sequence[str] | None = None) -> Any:
    """Run the crawlers once. Scrapy's reactor runs once per process: call this once."""
    for key in source_keys or ():
        config.source(key)  # raises ConfigError naming sources.yaml for an unknown key
    # Sources with `api:` go to the official-API connectors (no Scrapy), the rest to Scrapy.
    from crawlers.connectors import crawl_api_sources, merge_into_crawl_report, split_sources
    from crawlers.run import crawl as run_crawl

    api_sources, other_keys = split_sources(config, source_keys)
    if not api_sources:
        return run_crawl(config, source_keys)
    api = crawl_api_sources(config, api_sources)
    if other_keys:
        report = run_crawl(config, other_keys)
    else:
        from crawlers.run import CrawlReport

        report = CrawlReport(finish_reason="finished")
    return merge_into_crawl_report(report, api)


def describe_crawl(report: Any) -> str:
    """A few readable lines from a crawlers.run.CrawlReport."""
    stored = report.items_stored

    def counts(mapping: dict[str, int]) -> str:
        return ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in mapping.items())

    discovery = [f"{report.feeds_fetched} feeds"]
    if report.sitemaps_fetched:
        discovery.append(f"{report.sitemaps_fetched} sitemaps")
    if report.listings_fetched:
        discovery.append(f"{report.listings_fetched} listing pages")
    lines = [
        f"{', '.join(discovery)} and {report.articles_fetched} articles fetched; "
        f"stored {stored.inserted} new, {stored.updated} updated, {stored.unchanged} unchanged "
        f"(finished: {report.finish_reason or 'unknown'})",
    ]
    if report.dropped:
        lines.append(f"dropped: {counts(report.dropped)}")
    if report.skipped:
        lines.append(f"not fetched again: {counts(report.skipped)}")
    if report.not_modified:
        lines.append(f"unchanged since the last run (HTTP 304): {report.not_modified}")
    if report.dropped_dates:
        lines.append(f"implausible dates replaced: {counts(report.dropped_dates)}")
    if any(key.endswith("/api_pages") for key in report.per_source):
        from crawlers.connectors import describe_api_usage

        lines += describe_api_usage(report.per_source)
    lines += [f"error: {url}: {reason}" for url, reason in report.errors[:20]]
    if len(report.errors) > 20:
        lines.append(f"... and {len(report.errors) - 20} more errors")
    return "\n".join(lines)


def _classifier(config: Config, model_dir: Path | None) -> Any:
    from classify.base import load_classifier
    from phuxanh.narrative_additions import added_narratives_path

    chosen = model_dir or (Path(config.classify.model_dir) if config.classify.model_dir else None)
    return load_classifier(chosen, added_narratives=added_narratives_path(config.data_dir))


def classify_file(config: Config, input_path: Path, output_path: Path,
                  model_dir: Path | None = None) -> int:
    from classify.stage import classify_jsonl

    return int(classify_jsonl(input_path, output_path, _classifier(config, model_dir),
                              config.classify.batch_size))


# Items the classifier raised on (JSONL, appended; see classify.stage.classify_store).
CLASSIFY_FAILURES = "classify_failures.jsonl"


def classify_store(config: Config, reclassify: bool = False,
                   model_dir: Path | None = None) -> dict[str, int]:
    from classify.stage import classify_store as run

    store = open_store(config)
    try:
        return dict(run(store, _classifier(config, model_dir), reclassify=reclassify,
                        batch_size=config.classify.batch_size,
                        failures_path=config.data_dir / CLASSIFY_FAILURES))
    finally:
        store.close()


def dedup(config: Config) -> DedupReport:
    """Cluster the stored items not yet clustered (re-runnable)."""
    from phuxanh.dedup import cluster_pending

    store = open_store(config)
    try:
        return cluster_pending(store)
    finally:
        store.close()


def describe_dedup(report: DedupReport) -> str:
    return (f"{report.processed} items checked: {report.copies} copies of another story, "
            f"{report.clusters} new stories, {report.too_short} too short to compare")


def run_schedule(config: Config, cli_args: Sequence[str], interval_minutes: float,
                 cycles: int | None, echo: Callable[[str], None] = print) -> int:
    """Crawl, cluster and classify every ``interval_minutes`` under the data directory's lock."""
    from phuxanh.schedule import CycleResult, crawl_in_child, run_cycle, run_forever, run_lock

    def cluster() -> int:
        # A crawl child that died before its store opened leaves the spool unreplayed.
        replay_spool(config, quiet=True)
        retention_if_due(config, echo=echo)
        return dedup(config).processed

    def cycle() -> CycleResult:
        return run_cycle(
            crawl=lambda: crawl_in_child(cli_args, timeout_s=max(60.0, interval_minutes * 60)),
            cluster=cluster,
            classify=lambda: int(classify_store(config).get("labelled", 0)),
        )

    def report(result: CycleResult) -> None:
        status = "ok" if result.crawl_ok else "CRAWL FAILED"
        echo(f"{result.started:%d/%m/%Y %H:%M} crawl {status}; clustered {result.clustered}, "
             f"classified {result.classified} ({result.seconds:.0f} s)")
        if not result.crawl_ok:
            echo("  " + result.crawl_output.replace("\n", "\n  "))

    with run_lock(config.data_dir):
        return run_forever(cycle, interval_minutes * 60, cycles, report=report)


RETENTION_EVERY = timedelta(days=1)
RETENTION_MARKER = "retention/last-run"


def retention_if_due(config: Config, now: datetime | None = None,
                     echo: Callable[[str], None] = print) -> bool:
    """Apply the retention limits at most once a day from `phuxanh run` (a marker file in the
    data dir remembers the last run), so limits hold without a separate cron job. Nothing to
    do when no limit is configured. A failure is logged and retried next cycle."""
    import logging

    from phuxanh.retention import describe, run_retention

    retention = config.retention
    if not any(days is not None for days in retention.days.values()) \
            and retention.audit_log_days is None:
        return False
    now = now or datetime.now(UTC)
    marker = config.data_dir / RETENTION_MARKER
    try:
        last = datetime.fromisoformat(marker.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        last = None
    if last is not None and now - last < RETENTION_EVERY:
        return False
    try:
        store = open_store(config)
        try:
            report = run_retention(store, retention, config.data_dir, now=now,
                                   actor="phuxanh run")
        finally:
            store.close()
    except PhuxanhError as exc:
        logging.getLogger(__name__).error("retention not applied (retried next cycle): %s", exc)
        return False
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(now.isoformat(), encoding="utf-8")
    echo(describe(report))
    return True


def replay_spool(config: Config, quiet: bool = False) -> ReplayResult:
    """Store what crawls spooled when the store failed (see phuxanh.spool). With ``quiet``, a
    store that fails again is logged, not raised: the files stay for the next try."""
    import logging

    from phuxanh.spool import ReplayResult, pending_files, replay

    if not pending_files(config.data_dir):
        return ReplayResult()
    try:
        store = open_store(config)
        try:
            return replay(store, config.data_dir)
        finally:
            store.close()
    except PhuxanhError as exc:
        if not quiet:
            raise
        logging.getLogger(__name__).error("spool not replayed (kept for later): %s", exc)
        return ReplayResult()


def ingest(config: Config, path: Path) -> UpsertResult:
    from phuxanh.ingest import read_items

    items = read_items(path, config)  # validates the whole file before any write
    store = open_store(config)
    try:
        result = store.upsert(items)
        store.audit("cli", "ingest", str(path), dataclasses.asdict(result))
        return result
    finally:
        store.close()


def stats(config: Config) -> dict[str, Any]:
    from phuxanh.store.base import ItemFilter

    store = open_store(config)
    try:
        summary = store.stats()
        unique = store.count(ItemFilter(originals_only=True, include_undated=True))
    finally:
        store.close()
    result = {
        "total": summary.total,
        "unique_stories": unique,  # one per near-duplicate cluster
        "classified": summary.classified,
        "reviewed": summary.reviewed,
        "undated": summary.undated,
        "weekly": [
            {"week": week, "sentiment": sentiment, "official": official, "count": count}
            for (week, sentiment, official), count in sorted(summary.weekly.items())
        ],
    }
    quota = _api_quota(config)
    if quota:  # YouTube quota units per source and (Pacific) day, from crawlers/connectors
        result["api_quota"] = quota
    return result


def _api_quota(config: Config) -> dict[str, dict[str, int]]:
    if not (config.data_dir / "connector_state.json").exists():
        return {}  # no API source ever ran: skip importing the connectors
    from crawlers.connectors import quota_usage

    return quota_usage(config)


def check_serve_ready(config: Config) -> None:
    """Refuse to serve a dashboard nobody can log in to, or whose sessions could be forged."""
    if not Config.secret("secret_key"):
        raise ConfigError(
            "PHUXANH_SECRET_KEY is not set: the dashboard signs login sessions with it. Set it "
            "to a long random value, e.g. export PHUXANH_SECRET_KEY=\"$(python -c 'import "
            "secrets; print(secrets.token_urlsafe(32))')\""
        )
    if UserStore.for_config(config).count() == 0:
        raise ConfigError(
            f"no dashboard users in {config.data_dir / USERS_DB}: add one with "
            f"`phuxanh users add NAME --role admin`"
        )


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    from dashboard.app import run

    check_serve_ready(config)

    dashboard = config.dashboard.model_copy(
        update={"host": host or config.dashboard.host, "port": port or config.dashboard.port}
    )
    config = config.model_copy(update={"dashboard": dashboard})
    run(config, open_store(config))


def demo_config(config: Config, base_url: str) -> Config:
    """The config for crawling the local sample site: its sources, and no politeness delay
    (the site is ours, on 127.0.0.1; robots.txt is still obeyed)."""
    from demo.site import demo_sources

    sources = [Source.model_validate(entry) for entry in demo_sources(base_url)]
    crawl_settings = config.crawl.model_copy(update={"download_delay": 0.0, "autothrottle": False})
    return config.model_copy(update={"sources": sources, "crawl": crawl_settings})


# The sample site is served on a fixed port: item ids hash the URL, port included, so a
# second demo run must see the same URLs to add nothing twice.
DEMO_SITE_PORT = 8049


DEMO_USER = "demo"


def ensure_demo_login(config: Config, echo: Callable[[str], None] = print) -> str | None:
    """Make the demo one command: an admin ``demo`` (random password, printed once) and, when
    PHUXANH_SECRET_KEY is unset, a throwaway key for this process only. Dev/demo only:
    ``phuxanh serve`` never invents a key. Returns the new password, or None if the user
    already existed."""
    if not Config.secret("secret_key"):
        os.environ[SECRET_ENV["secret_key"]] = secrets.token_urlsafe(32)
        echo("      PHUXANH_SECRET_KEY is not set: using a temporary key for this demo "
             "(logins end when it stops)")
    users = UserStore.for_config(config)
    if users.get(DEMO_USER) is not None:
        echo(f"      Đăng nhập: {DEMO_USER} (mật khẩu đã in ở lần chạy đầu; đặt lại: "
             f"phuxanh users passwd {DEMO_USER})")
        return None
    password = secrets.token_urlsafe(12)
    users.add_user(DEMO_USER, password, "admin")
    echo(f"Đăng nhập: {DEMO_USER} / {password}")
    return password


def demo(config: Config, serve_dashboard: bool = True, port: int | None = None,
         echo: Callable[[str], None] = print, site_port: int = DEMO_SITE_PORT) -> dict[str, Any]:
    """Build and serve the sample site, crawl it, classify, report, and serve the dashboard."""
    from demo.server import serve_directory
    from demo.site import build_site

    started = time.monotonic()
    today = datetime.now(VN_TZ).date()
    site_dir = config.data_dir / "demo-site"
    echo(f"[1/5] Sample site: building for {today:%d/%m/%Y} in {site_dir}")
    with ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve_directory(site_dir, port=site_port))
        except OSError as exc:
            raise PhuxanhError(
                f"cannot serve the sample site on 127.0.0.1:{site_port} "
                f"({exc.strerror or exc}); free the port or pass --site-port"
            ) from None
        manifest = build_site(site_dir, today, base_url)
        echo(f"      serving {len(manifest.articles)} sample articles at {base_url}")
        echo("[2/5] Crawling the sample feeds with the RSS spider")
        report = crawl(demo_config(config, base_url))
        echo("      " + describe_crawl(report).replace("\n", "\n      "))
    echo("[3/5] Clustering near-duplicates (syndicated copies count once)")
    echo("      " + describe_dedup(dedup(config)))
    echo("[4/5] Classifying stored items")
    counts = classify_store(config)
    echo("      " + ", ".join(f"{key}: {value}" for key, value in counts.items()))
    summary = stats(config)
    echo(f"[5/5] Store {config.sqlite_path}: {summary['total']} items, "
         f"{summary['classified']} classified, in {len(summary['weekly'])} week x sentiment "
         f"x official buckets ({time.monotonic() - started:.0f} s)")
    ensure_demo_login(config, echo)
    if serve_dashboard:
        shown_port = port or config.dashboard.port
        echo(f"Dashboard: http://{config.dashboard.host}:{shown_port}  (Ctrl+C to stop)")
        serve(config, port=port)
    return summary
