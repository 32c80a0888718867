"""The ``phuxanh`` command: thin verbs over the stages.

Heavy imports (Scrapy, underthesea, scikit-learn, Dash) happen inside the command that needs
them, so ``phuxanh --help`` and ``phuxanh stats`` start fast. Domain errors arrive as typed
exceptions and leave as one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from phuxanh.config import Config, load_config
from phuxanh.errors import ConfigError, PhuxanhError
from phuxanh.users import ROLES  # stdlib only: cheap to import for --help

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_UNEXPECTED = 3


def _fail(message: str, code: int) -> None:
    click.echo(f"phuxanh: error: {message}", err=True)
    sys.exit(code)


def _full_disk_message(exc: BaseException) -> str | None:
    """A clear line naming the file when ``exc`` (or what caused it) is a full disk."""
    import errno

    seen: BaseException | None = exc
    for _ in range(5):  # the error itself or a few causes down; never loops on a cycle
        if seen is None:
            return None
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            from phuxanh.spool import disk_error_message

            return disk_error_message(seen.filename or "(file not named)", seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _friendly_errors(func: F) -> F:
    """Turn our typed errors into one line and an exit code; keep tracebacks for --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().obj.get("debug"))
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            _fail(str(exc), EXIT_CONFIG)
        except PhuxanhError as exc:
            _fail(str(exc), EXIT_ERROR)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_ERROR)
        except BrokenPipeError:  # `phuxanh stats | head`: the reader left, nothing to report
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:
            full_disk = _full_disk_message(exc)
            if full_disk:  # not a bug: say which file could not be written, and why
                _fail(full_disk, EXIT_ERROR)
            if debug:
                raise
            _fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)",
                  EXIT_UNEXPECTED)

    return wrapper  # type: ignore[return-value]


def _config(ctx: click.Context) -> Config:
    root = ctx.find_root().obj
    if "config" not in root:
        try:
            root["config"] = load_config(root.get("config_path"), overrides=root["overrides"])
        except ConfigError as exc:
            _fail(str(exc), EXIT_CONFIG)
    config: Config = root["config"]
    return config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file or folder (default: config/default.yaml; env PHUXANH_CONFIG).")
@click.option("--data-dir", type=click.Path(path_type=Path),
              help="Where the store and all state live (env PHUXANH_DATA_DIR; default ./var).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug logs).")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, data_dir: Path | None, verbose: int,
         debug: bool) -> None:
    """phuxanh: follow how a topic (Directive 57-CT/TW first) is discussed in Vietnamese media."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        # Libraries (Scrapy) reset their loggers' levels; a handler level still holds.
        handler.setLevel(level)
    overrides = {"data_dir": str(data_dir)} if data_dir else {}
    ctx.obj = {"config_path": config_path, "overrides": overrides, "debug": debug}


@main.command()
@click.option("--source", "sources", multiple=True, help="Only this source key (repeatable).")
@click.pass_context
@_friendly_errors
def crawl(ctx: click.Context, sources: tuple[str, ...]) -> None:
    """Fetch the configured feeds and store new articles that mention a tracked topic."""
    from phuxanh import jobs

    report = jobs.crawl(_config(ctx), list(sources) or None)
    click.echo(jobs.describe_crawl(report))


@main.command()
@click.argument("input_path", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_path", type=click.Path(path_type=Path),
              help="With INPUT: where to write the labelled JSONL ('-' for stdout).")
@click.option("--reclassify", is_flag=True,
              help="Also relabel stored items labelled by another model version.")
@click.option("--model", "model_dir", type=click.Path(path_type=Path, exists=True),
              help="Model directory (default: the shipped model or classify.model_dir).")
@click.pass_context
@_friendly_errors
def classify(ctx: click.Context, input_path: Path | None, output_path: Path | None,
             reclassify: bool, model_dir: Path | None) -> None:
    """Label stored items (no INPUT), or label a JSONL file: INPUT -o OUTPUT.

    Each input line needs "text" (and may have "title"); each output line is the input plus
    "sentiment" {label, score, reason}, "misinformation" {label, score, narrative_id, reason}
    and "model".
    """
    from phuxanh import jobs

    config = _config(ctx)
    if input_path is not None:
        count = jobs.classify_file(config, input_path, output_path or Path("-"), model_dir)
        click.echo(f"labelled {count} records", err=True)
        return
    if output_path is not None:
        raise click.UsageError("-o/--output goes with an INPUT file")
    counts = jobs.classify_store(config, reclassify=reclassify, model_dir=model_dir)
    click.echo(", ".join(f"{key}: {value}" for key, value in counts.items()))


# -- models: train, evaluate, export reviews (classify/retrain.py, evaluate.py,
# phuxanh/review_export.py) ------------------------------------------------------------------

@main.command()
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Model directory to write (point classify.model_dir at it to use it).")
@click.option("--backend", type=click.Choice(["ensemble", "linear", "transformers"]),
              default="ensemble", show_default=True,
              help="ensemble: the default's recipe (word model + e5 head); linear: the word "
                   "model alone; transformers: fine-tune --base.")
@click.option("--extra-data", "extra_data", multiple=True, type=click.Path(path_type=Path),
              help="More labelled JSONL for training only, e.g. from export-reviews "
                   "(repeatable).")
@click.option("--base", help="transformers: checkpoint directory to fine-tune.")
@click.option("--epochs", type=int, default=2, show_default=True, help="transformers only.")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--version", "model_version", default="0.0.0", show_default=True,
              help="Version recorded with every prediction.")
@click.pass_context
@_friendly_errors
def train(ctx: click.Context, out_dir: Path, backend: str, extra_data: tuple[Path, ...],
          base: str | None, epochs: int, seed: int, model_version: str) -> None:
    """Train a sentiment model on the in-domain data (and reviewers' labels), deterministic
    for a seed; the scores on held-out real texts are printed and kept in metrics.json."""
    from classify.retrain import train_model

    metrics = train_model(out_dir, backend=backend, extra_data=extra_data,  # type: ignore[arg-type]
                          seed=seed, version=model_version, base=base, epochs=epochs)
    real = metrics.get("real_test") or {}
    score = (real.get("ensemble") or real.get("test") or {}).get("macro_f1")
    click.echo(f"{out_dir}: {metrics.get('model')}"
               + (f", real-text test macro-F1 {score:.3f}" if score is not None else ""))


@main.command()
@click.argument("data", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--model", "model_dir", type=click.Path(path_type=Path),
              help="Model directory (default: the shipped model or classify.model_dir).")
@click.option("--by", help="Also report per value of this field (e.g. register).")
@click.pass_context
@_friendly_errors
def evaluate(ctx: click.Context, data: Path, model_dir: Path | None, by: str | None) -> None:
    """Score a model on labelled JSONL (text, label): accuracy, macro-F1, per-class
    precision/recall, confusion matrix, calibration error; one JSON object."""
    import json

    from classify.evaluate import evaluate as run_evaluation

    configured = _config(ctx).classify.model_dir
    chosen = model_dir or (Path(configured) if configured else None)
    click.echo(json.dumps(run_evaluation(chosen, data, by), ensure_ascii=False))


@main.command(name="export-reviews")
@click.option("-o", "--output", "output_path", required=True, type=click.Path(path_type=Path),
              help="JSONL to write (rows for `phuxanh train --extra-data`).")
@click.pass_context
@_friendly_errors
def export_reviews(ctx: click.Context, output_path: Path) -> None:
    """Reviewers' decided labels as training rows; recorded in the audit log as an export."""
    from phuxanh.review_export import export_reviews as run_export
    from phuxanh.store import open_store

    store = open_store(_config(ctx))
    try:
        summary = run_export(store, output_path)
    finally:
        store.close()
    labels = ", ".join(f"{k} {v}" for k, v in sorted(summary.labels.items())) or "none"
    click.echo(f"{output_path}: {summary.rows} reviewed items ({labels})")


@main.command()
@click.pass_context
@_friendly_errors
def dedup(ctx: click.Context) -> None:
    """Cluster near-duplicates (syndicated copies, reposts) among stored items not yet checked."""
    from phuxanh import jobs

    click.echo(jobs.describe_dedup(jobs.dedup(_config(ctx))))


@main.command(name="run")
@click.option("--every", "interval", type=float, default=60.0, show_default=True,
              help="Minutes from the start of one cycle to the start of the next.")
@click.option("--cycles", type=int, default=None, help="Stop after this many cycles.")
@click.pass_context
@_friendly_errors
def run_command(ctx: click.Context, interval: float, cycles: int | None) -> None:
    """Crawl, cluster and classify on a schedule; one run per data directory at a time."""
    from phuxanh import jobs

    root = ctx.find_root().obj
    config = _config(ctx)
    # The crawl runs in a child process with the same config and data directory.
    cli_args = [*(["--config", str(root["config_path"])] if root.get("config_path") else []),
                "--data-dir", str(config.data_dir)]
    jobs.run_schedule(config, cli_args, interval, cycles, echo=click.echo)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
@_friendly_errors
def ingest(ctx: click.Context, path: Path) -> None:
    """Store the items of a JSONL file (one Item object per line; validated first, all or none)."""
    from phuxanh import jobs

    result = jobs.ingest(_config(ctx), path)
    click.echo(f"{path}: {result.inserted} new, {result.updated} updated, "
               f"{result.unchanged} unchanged")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for scripts.")
@click.pass_context
@_friendly_errors
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of stored items: total, classified, and per ISO week x sentiment x official."""
    from phuxanh import jobs

    summary = jobs.stats(_config(ctx))
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(f"items: {summary['total']} (classified {summary['classified']}, "
               f"reviewed {summary['reviewed']}, dated only by crawl time {summary['undated']})")
    for row in summary["weekly"]:
        official = "official" if row["official"] else "other"
        click.echo(f"  {row['week']}  {row['sentiment'] or 'unclassified':<12} "
                   f"{official:<8} {row['count']:>6}")
    for source, days in summary.get("api_quota", {}).items():
        used = ", ".join(f"{day} {units}" for day, units in sorted(days.items()))
        click.echo(f"API quota units, {source}: {used}")


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True)
@click.option("--newest", is_flag=True, help="Newest first instead of best match first.")
@click.pass_context
@_friendly_errors
def search(ctx: click.Context, query: str, limit: int, newest: bool) -> None:
    """Full-text search, diacritic-insensitive ("chi thi 57" finds "Chỉ thị 57")."""
    from phuxanh.store import open_store

    store = open_store(_config(ctx))
    page = store.search(query, sort="newest" if newest else "relevance", limit=limit)
    click.echo(f"{page.total}{'+' if page.total_capped else ''} matches")
    for hit in page.hits:
        day = hit.item.published_at.strftime("%d/%m/%Y")
        click.echo(f"  {day}  {hit.item.outlet}: {hit.item.title}  <{hit.item.url}>")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@main.group()
def users() -> None:
    """Dashboard accounts (stored in <data_dir>/users.db)."""


@users.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="viewer: read; reviewer: also review labels; press: only its outlets; "
                   "admin: everything.")
@click.option("--outlet", "outlets", multiple=True,
              help="Press users: a source key they may see (repeatable).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin instead of a prompt.")
@click.pass_context
@_friendly_errors
def users_add(ctx: click.Context, username: str, role: str, outlets: tuple[str, ...],
              password_stdin: bool) -> None:
    """Add a dashboard user; the password is asked twice (never an argument: shell history)."""
    from phuxanh.users import UserStore

    config = _config(ctx)
    for key in outlets:
        config.source(key)  # a typo would silently show a press user nothing
    password = _read_password(password_stdin)
    user = UserStore.for_config(config).add_user(username, password, role, outlets)
    click.echo(f"added {user.username} ({user.role}"
               + (f": {', '.join(user.outlets)}" if user.outlets else "") + ")")


@users.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin instead of a prompt.")
@click.pass_context
@_friendly_errors
def users_passwd(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a user's password (also clears a lockout)."""
    from phuxanh.errors import UserError
    from phuxanh.users import UserStore

    store = UserStore.for_config(_config(ctx))
    if store.get(username) is None:  # say so before asking for a password
        raise UserError(f"no user {username!r}")
    store.set_password(username, _read_password(password_stdin))
    click.echo(f"password set for {username}")


@users.command("disable")
@click.argument("username")
@click.pass_context
@_friendly_errors
def users_disable(ctx: click.Context, username: str) -> None:
    """Stop a user from logging in (sessions end at their next request)."""
    from phuxanh.users import UserStore

    UserStore.for_config(_config(ctx)).disable(username)
    click.echo(f"disabled {username}")


@users.command("enable")
@click.argument("username")
@click.pass_context
@_friendly_errors
def users_enable(ctx: click.Context, username: str) -> None:
    """Let a disabled user log in again (also clears a lockout)."""
    from phuxanh.users import UserStore

    UserStore.for_config(_config(ctx)).enable(username)
    click.echo(f"enabled {username}")


@users.command("list")
@click.pass_context
@_friendly_errors
def users_list(ctx: click.Context) -> None:
    """Every user: name, role, outlets, state, last login."""
    from phuxanh.users import UserStore

    for user in UserStore.for_config(_config(ctx)).list_users():
        state = "disabled" if user.disabled else "active"
        last = user.last_login.strftime("%Y-%m-%d %H:%M UTC") if user.last_login else "never"
        outlets = ",".join(user.outlets) or "-"
        click.echo(f"{user.username:<20} {user.role:<9} {state:<8} {outlets:<20} "
                   f"last login: {last}")


@main.group()
def sources() -> None:
    """The sources in sources.yaml: validation and crawl health."""


@sources.command("check")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for scripts.")
@click.pass_context
@_friendly_errors
def sources_check(ctx: click.Context, as_json: bool) -> None:
    """Validate sources.yaml and show each source's last run, last success, last new item,
    error streak and silent days. Exits 1 when a source has an error."""
    from phuxanh.sources_check import check, describe

    result = check(_config(ctx))
    click.echo(result.to_json() if as_json else describe(result))
    if not result.ok:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--host", help="Default: dashboard.host.")
@click.option("--port", type=int, help="Default: dashboard.port.")
@click.pass_context
@_friendly_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the dashboard."""
    from phuxanh import jobs

    config = _config(ctx)
    jobs.check_serve_ready(config)  # before printing a URL nobody could log in to
    click.echo(f"Dashboard: http://{host or config.dashboard.host}:"
               f"{port or config.dashboard.port}  (Ctrl+C to stop)")
    jobs.serve(config, host=host, port=port)


@main.command()
@click.option("--no-serve", is_flag=True, help="Stop after the pipeline; do not serve.")
@click.option("--port", type=int, help="Dashboard port (default: dashboard.port, 8050).")
@click.option("--site-port", type=int, default=8049, show_default=True,
              help="Port of the local sample site on 127.0.0.1.")
@click.pass_context
@_friendly_errors
def demo(ctx: click.Context, no_serve: bool, port: int | None, site_port: int) -> None:
    """Run the whole pipeline offline on the bundled sample site, then serve the dashboard."""
    from phuxanh import jobs

    jobs.demo(_config(ctx), serve_dashboard=not no_serve, port=port, echo=click.echo,
              site_port=site_port)


# -- spool (issue 8: items a failing store refused, kept on disk) ---------------------------

@main.command()
@click.option("--replay", is_flag=True, help="Store the spooled items now.")
@click.pass_context
@_friendly_errors
def spool(ctx: click.Context, replay: bool) -> None:
    """Items a crawl could not store (store down, locked): list them, or --replay them.
    Every crawl and `phuxanh run` cycle also replays them first."""
    from phuxanh import jobs
    from phuxanh.spool import describe, pending_count, pending_files

    config = _config(ctx)
    if replay:
        click.echo(describe(jobs.replay_spool(config)))
        return
    files = pending_files(config.data_dir)
    click.echo(f"{pending_count(config.data_dir)} items waiting in {len(files)} spool files")
    for path in files:
        click.echo(f"  {path}")


# -- operations: backup, restore, retention, audit export (phuxanh/backup.py, retention.py,
# audit_export.py) ---------------------------------------------------------------------------

@main.command()
@click.argument("dest", type=click.Path(path_type=Path))
@click.pass_context
@_friendly_errors
def backup(ctx: click.Context, dest: Path) -> None:
    """Back up the embedded store, accounts and crawl state to DEST (a new directory, or a
    .tar.gz), consistently, while other processes keep writing."""
    from phuxanh.backup import backup as make_backup

    manifest = make_backup(_config(ctx), dest)
    click.echo(f"{dest}: {manifest.items} items, {len(manifest.files)} files "
               f"({', '.join(f.name for f in manifest.files)})")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a store that holds items (or existing accounts).")
@click.pass_context
@_friendly_errors
def restore(ctx: click.Context, source: Path, force: bool) -> None:
    """Restore a backup made by `phuxanh backup` (checked against its manifest first)."""
    from phuxanh.backup import restore as restore_backup

    result = restore_backup(_config(ctx), source, force=force)
    click.echo(f"restored {result.manifest.items} items from the backup of "
               f"{result.manifest.created_at:%d/%m/%Y %H:%M} ({', '.join(result.restored)})")
    if result.spool_skipped:
        click.echo(f"kept the spool files already present: {', '.join(result.spool_skipped)}")


@main.command()
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; change nothing.")
@click.pass_context
@_friendly_errors
def retention(ctx: click.Context, dry_run: bool) -> None:
    """Delete items older than the retention limits (config `retention`) and old audit
    entries; what was deleted goes to the audit log and an id list file."""
    from phuxanh.retention import describe, run_retention
    from phuxanh.store import open_store

    config = _config(ctx)
    store = open_store(config)
    try:
        report = run_retention(store, config.retention, config.data_dir, dry_run=dry_run)
    finally:
        store.close()
    click.echo(describe(report))


@main.group()
def audit() -> None:
    """The audit log (reviews, logins, imports, exports, deletions)."""


@audit.command("export")
@click.option("-o", "--output", "output_path", required=True, type=click.Path(path_type=Path),
              help="FILE.csv or FILE.jsonl.")
@click.option("--since", help="Only entries from this day (dd/mm/yyyy or yyyy-mm-dd, Vietnam "
                              "time) or ISO time on.")
@click.pass_context
@_friendly_errors
def audit_export(ctx: click.Context, output_path: Path, since: str | None) -> None:
    """Export the audit log, oldest first; the export is itself recorded in the log."""
    from phuxanh.audit_export import export_audit, parse_since
    from phuxanh.store import open_store

    start = parse_since(since) if since else None
    store = open_store(_config(ctx))
    try:
        rows = export_audit(store, output_path, start)
    finally:
        store.close()
    click.echo(f"{output_path}: {rows} audit entries")


# -- import and submit (phuxanh/importer.py, phuxanh/submit.py) ------------------------------


@main.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--profile", help="Column mapping in imports.profiles (default: 'default' if "
                                "configured, else columns named like our fields).")
@click.option("--dry-run", is_flag=True, help="Validate and report; store nothing.")
@click.option("--strict", is_flag=True, help="Store nothing if any row is rejected (exit 1).")
@click.option("--keep-off-topic", is_flag=True, default=None,
              help="Keep rows that mention no tracked topic (default: the profile's setting).")
@click.pass_context
@_friendly_errors
def import_command(ctx: click.Context, path: Path, profile: str | None, dry_run: bool,
                   strict: bool, keep_off_topic: bool | None) -> None:
    """Store the rows of a CSV, JSONL or XLSX export from another monitoring tool.

    Every row is validated first; rejected rows are listed with their row number and reason
    (also as a CSV under imports.reports_dir), then all accepted rows are stored in one write."""
    from phuxanh.importer import import_file
    from phuxanh.store import open_store

    config = _config(ctx)
    store = open_store(config)
    try:
        report = import_file(config, path, store, profile, dry_run=dry_run, strict=strict,
                             keep_off_topic=keep_off_topic)
    finally:
        store.close()
    click.echo(report.describe())
    if strict and report.rejected:
        _fail(f"{path}: {len(report.rejected)} rows rejected; nothing stored (--strict)",
              EXIT_ERROR)


@main.command()
@click.argument("url")
@click.option("--by", "submitted_by", help="Who submitted it, for the audit log "
                                           "(default: cli:<login name>).")
@click.option("--json", "as_json", is_flag=True, help="The stored item as JSON, for scripts.")
@click.pass_context
@_friendly_errors
def submit(ctx: click.Context, url: str, submitted_by: str | None, as_json: bool) -> None:
    """Fetch one public page, extract, classify and store it (robots.txt obeyed)."""
    import getpass

    from phuxanh.schema import VN_TZ
    from phuxanh.store import open_store
    from phuxanh.submit import submit_url

    if not submitted_by:
        try:
            submitted_by = f"cli:{getpass.getuser()}"
        except (OSError, KeyError):
            submitted_by = "cli"
    config = _config(ctx)
    store = open_store(config)
    try:
        result = submit_url(config, store, url, submitted_by)
    finally:
        store.close()
    item = result.item
    if as_json:
        click.echo(item.model_dump_json())
        return
    label = item.sentiment.label if item.sentiment else "unclassified"
    click.echo(f"{'stored' if result.new else 'already stored, updated'}: {item.id}")
    click.echo(f"  {item.published_at.astimezone(VN_TZ).strftime('%d/%m/%Y %H:%M')}  "
               f"{item.outlet}: {item.title}")
    click.echo(f"  source {item.source}{'' if result.known_source else ' (not in sources.yaml)'}"
               f", sentiment {label}, topics {', '.join(item.topics) or 'none (off-topic)'}")
    if result.classify_error:
        click.echo(f"  not classified: {result.classify_error}")



# -- weekly report (issue 5, screen 7) --------------------------------------------------------


@main.command()
@click.option("--week", help="ISO week, e.g. 2026-W12 (default: the last complete week).")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Folder to write the files into.")
@click.option("--format", "file_format", type=click.Choice(["pdf", "xlsx", "both"]),
              default="both", show_default=True)
@click.option("--topic", help="Topic key in topics.yaml (default: the first topic).")
@click.pass_context
@_friendly_errors
def report(ctx: click.Context, week: str | None, out_dir: Path, file_format: str,
           topic: str | None) -> None:
    """Write the weekly report (A4 PDF and/or XLSX), the same as the dashboard's download;
    each file is recorded in the audit log as an export."""
    import getpass

    from dashboard.report.files import write_report
    from phuxanh.store import open_store

    try:
        actor = f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        actor = "cli"
    config = _config(ctx)
    store = open_store(config)
    try:
        formats = ["pdf", "xlsx"] if file_format == "both" else [file_format]
        for path in write_report(config, store, week, out_dir, formats, topic, actor=actor):
            click.echo(str(path))
    finally:
        store.close()


# -- moving the embedded store into Elasticsearch (phuxanh/migrate.py) -----------------------

@main.command()
@click.option("--to", "target", type=click.Choice(["elasticsearch", "sqlite"]), required=True,
              help="elasticsearch: the cluster in store.elasticsearch_url; sqlite: --path.")
@click.option("--url", help="Cluster URL (default: store.elasticsearch_url).")
@click.option("--index", help="Index name prefix (default: store.elasticsearch_index).")
@click.option("--path", "target_path", type=click.Path(path_type=Path),
              help="With --to sqlite: the SQLite file to copy into.")
@click.option("--batch-size", type=click.IntRange(1, 5000), default=500, show_default=True)
@click.option("--restart", is_flag=True, help="Ignore the checkpoint and copy from the start.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
@_friendly_errors
def migrate(ctx: click.Context, target: str, url: str | None, index: str | None,
            target_path: Path | None, batch_size: int, restart: bool, as_json: bool) -> None:
    """Copy items (with labels and reviews), the audit log and source runs from the embedded
    store into another store; resumable, counts checked at the end."""
    import hashlib

    from phuxanh.migrate import describe
    from phuxanh.migrate import migrate as run_migration
    from phuxanh.store.base import Store
    from phuxanh.store.sqlite import SQLiteStore

    config = _config(ctx)
    into: Store
    if target == "elasticsearch":
        from phuxanh.store.elastic import ElasticStore

        es_url = url or config.store.elasticsearch_url
        if not es_url:
            raise ConfigError("migrate --to elasticsearch needs --url or store.elasticsearch_url")
        es_index = index or config.store.elasticsearch_index
        into = ElasticStore(es_url, es_index, username=config.store.elasticsearch_username,
                            ca_certs=config.store.elasticsearch_ca_certs)
        key = f"elasticsearch-{es_index}"
    else:
        if target_path is None:
            raise ConfigError("migrate --to sqlite needs --path FILE")
        if target_path.resolve() == config.sqlite_path.resolve():
            raise ConfigError(f"{target_path}: that is the embedded store itself")
        into = SQLiteStore(target_path)
        digest = hashlib.blake2b(str(target_path.resolve()).encode(), digest_size=6).hexdigest()
        key = f"sqlite-{digest}"
    source = SQLiteStore(config.sqlite_path)
    checkpoint = config.data_dir / "migrate" / f"{key}.json"
    try:
        report = run_migration(
            source, into, checkpoint, batch_size=batch_size, restart=restart,
            progress=None if as_json else lambda part, n: click.echo(f"{part}: {n}", err=True),
        )
    finally:
        source.close()
        into.close()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False) if as_json
               else describe(report))
    if not report.ok:
        raise PhuxanhError("the counts differ between the stores (see above); "
                           "run `phuxanh migrate` again to resume, or --restart")


if __name__ == "__main__":  # pragma: no cover
    main()
