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


if __name__ == "__main__":  # pragma: no cover
    main()
