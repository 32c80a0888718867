"""Background callbacks: the slow work (the weekly report, its PDF/XLSX, the coverage exports)
runs off the request while the browser polls for its progress.

Dash's own ``DiskcacheManager`` runs each job in a forked process. Not here: the dashboard is
served by a multi-threaded server (waitress) that holds open SQLite connections and locks, and
a process forked from it inherits them mid-use (SQLite forbids carrying a connection across a
fork; a lock held by another thread at fork time is never released in the child). So
:class:`JobManager` keeps Dash's protocol and its diskcache result store (under
``<data_dir>/dash-background/``) but runs each job on a small pool of worker threads of the
server process (:data:`MAX_RUNNING`; a fixed pool, not a thread per job, because the SQLite
store keeps one connection per thread for the life of the process).

Who a job runs for is decided in the request that starts it, from the login session the guard
has just checked (:func:`dashboard.auth.current_user`), never from anything the browser sends:

* the callback's roles (``@require_role``) are checked there, before any work starts;
* the job runs as that user (:func:`dashboard.auth.run_as`), so ``visible_sources`` limits a
  press user to their outlets and the audit log names them, exactly as in a request;
* each job gets its own cache key (the user and a random nonce are hashed in), so two users
  asking for the same week never share a result, and only the user who started a job can read
  its progress or result, or cancel it (Dash also signs the handles per page load).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_all
from contextvars import Context, copy_context
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

import diskcache
import flask
from dash import Output, html, set_props
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.background_callback._proxy_set_props import ProxySetProps
from dash.background_callback.managers import BaseBackgroundCallbackManager
from dash.exceptions import PreventUpdate

from dashboard import auth, ids
from dashboard.i18n import Translator
from phuxanh.errors import PhuxanhError

log = logging.getLogger(__name__)

DIRECTORY = "dash-background"  # under the configured data_dir
MAX_RUNNING = 2  # jobs building at once: the dashboard host has few cores
KEEP = 3600.0  # seconds a finished, never-collected job's result is kept
POLL_MS = 250  # how often the browser asks for progress (each poll is a guarded request)

# (step number, label) -> None: what a job's code calls to report progress.
Progress = Callable[[int, str], None]


@dataclass
class _Job:
    owner: str
    key: str
    future: Future[None] = field(default_factory=Future)
    finished_at: float | None = None
    cancelled: bool = False
    collected: bool = False  # its result was handed over (forgotten after its set_props)


@dataclass(frozen=True)
class _Registered:
    """Dash's job function for ``fn``, with ``fn`` kept for its declared roles."""

    fn: Callable[..., Any]
    run: Callable[..., Any]

    def __call__(self, *args: Any) -> Any:
        return self.run(*args)


class JobManager(BaseBackgroundCallbackManager):  # type: ignore[misc]
    """Dash background-callback manager: diskcache results, jobs in threads, bound to the user
    who started them."""

    def __init__(self, directory: Path, max_running: int = MAX_RUNNING) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.handle = diskcache.Cache(str(directory))
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_running, thread_name_prefix="phuxanh-job")
        super().__init__(None)  # cache_by None: results are read once, never reused

    # -- starting a job (in the request) --------------------------------------------------

    def make_job_fn(self, fn: Callable[..., Any], progress: bool, key: Any = None) -> Any:
        return _Registered(fn, _job_runner(fn, self.handle, progress))

    def build_cache_key(self, fn: Any, args: Any, cache_args_to_ignore: Any,
                        triggered: Any) -> str:
        base = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)
        user = auth.current_user()
        owner = user.username if user else "-"
        return hashlib.sha256(f"{base}|{owner}|{secrets.token_hex(16)}".encode()).hexdigest()

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> str:
        user = auth.current_user()  # the guard's user of this very request
        fn = job_fn.fn if isinstance(job_fn, _Registered) else job_fn
        auth.check_role(user, getattr(fn, "phuxanh_roles", None), getattr(fn, "__name__", "?"))
        assert user is not None  # check_role refused anonymous callers
        app = flask.current_app._get_current_object()  # type: ignore[attr-defined]
        job_id = secrets.token_hex(16)
        progress_key = self._make_progress_key(key)

        def work() -> None:
            try:
                with app.app_context(), auth.run_as(user):
                    job_fn(key, progress_key, args, context)
            finally:
                with self._lock:
                    job.finished_at = time.monotonic()
                    if job.cancelled:
                        self._forget(job_id)

        job = _Job(user.username, key)
        with self._lock:
            self._prune()
            self._jobs[job_id] = job
            # A fresh context: nothing of this request's (flask's request context) leaks in.
            job.future = self._pool.submit(Context().run, work)
        log.info("background job %s started for %s: %s", job_id[:8], user.username,
                 getattr(fn, "__name__", "?"))
        return job_id

    # -- polling (in later requests of the same user) --------------------------------------

    def _mine(self, key: str | None = None, job_id: str | None = None) -> _Job | None:
        """The job (by cache key or id) if the current request's user started it."""
        user = auth.current_user()
        with self._lock:
            if job_id is not None:
                job = self._jobs.get(str(job_id))
            else:
                job = next((j for j in self._jobs.values() if j.key == key), None)
        if job is None or user is None or job.owner != user.username:
            return None
        return job

    def job_running(self, job: Any) -> bool:
        found = self._mine(job_id=job)
        return bool(found and not found.future.done()
                    and not (found.cancelled or found.collected))

    def terminate_job(self, job: Any) -> None:
        # A waiting job is dropped; a running thread cannot be killed: it finishes and its
        # result is dropped.
        if job is None or self._mine(job_id=job) is None:
            return
        with self._lock:
            found = self._jobs.get(str(job))
            if found is None:
                return
            if found.future.cancel() or found.future.done():
                self._forget(str(job))
            else:
                found.cancelled = True

    def terminate_unhealthy_job(self, job: Any) -> bool:
        return False

    def get_progress(self, key: str) -> Any:
        if self._mine(key=key) is None:
            return None
        progress_key = self._make_progress_key(key)
        value = self.handle.get(progress_key)
        if value:
            self.handle.delete(progress_key)
        return value

    def result_ready(self, key: str) -> bool:
        return self._mine(key=key) is not None and self.handle.get(key) is not None

    def get_result(self, key: str, job: Any) -> Any:
        if self._mine(key=key) is None:
            return self.UNDEFINED  # not this user's job: nothing to see
        result = self.handle.get(key, self.UNDEFINED)
        if result is self.UNDEFINED:
            return self.UNDEFINED
        self.handle.delete(key)
        self.handle.delete(self._make_progress_key(key))
        with self._lock:
            for found in self._jobs.values():
                if found.key == key:
                    found.collected = True  # Dash reads its set_props next, then it goes
        return result

    def get_updated_props(self, key: str) -> Any:
        job = self._mine(key=key)
        if job is None:
            return {}
        props_key = self._make_set_props_key(key)
        result = self.handle.get(props_key, {})
        self.handle.delete(props_key)
        if job.collected:
            with self._lock:
                for job_id, found in list(self._jobs.items()):
                    if found is job:
                        self._forget(job_id)
        return result

    def clear_cache_entry(self, key: str) -> None:
        self.handle.delete(key)

    def get_or_create_signing_secret(self, generate: Callable[[], bytes]) -> Any:
        # Only used when the server has no secret_key; the dashboard always sets one.
        self.handle.add(self.SIGNING_SECRET_KEY, generate())
        return self.handle.get(self.SIGNING_SECRET_KEY)

    # -- housekeeping (under self._lock) ---------------------------------------------------

    def _forget(self, job_id: str) -> None:
        job = self._jobs.pop(job_id, None)
        if job is not None:
            for key in (job.key, self._make_progress_key(job.key),
                        self._make_set_props_key(job.key)):
                self.handle.delete(key)

    def _prune(self) -> None:
        """Drop the results nobody came back for (the tab was closed)."""
        now = time.monotonic()
        for job_id, job in list(self._jobs.items()):
            if job.finished_at is not None and now - job.finished_at > KEEP:
                self._forget(job_id)

    def running_jobs(self) -> int:
        """How many jobs are still building (for tests and the health of the server)."""
        with self._lock:
            return sum(not job.future.done() for job in self._jobs.values())

    def shutdown(self) -> None:
        """Drop the queued jobs, wait for the running ones; no job starts after this."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for every job to finish (tests; a clean shutdown)."""
        with self._lock:
            futures = [job.future for job in self._jobs.values()]
        wait_for_all(futures, timeout)


def _job_runner(fn: Callable[..., Any], handle: diskcache.Cache,
                progress: bool) -> Callable[..., None]:
    """What runs in the job's thread: ``fn`` with Dash's callback context, its progress,
    ``set_props`` and result written to the cache (like Dash's own runner, except that every
    ``set_props`` call is kept, not only the last one, and entries expire)."""

    def run(result_key: str, progress_key: str, args: Any, context: Any) -> None:
        props: dict[str, dict[str, Any]] = {}

        def set_progress(value: Any) -> None:
            handle.set(progress_key, list(value) if isinstance(value, (list, tuple))
                       else [value], expire=KEEP)

        def on_set_props(component_id: str, values: dict[str, Any]) -> None:
            props.setdefault(component_id, {}).update(values)
            handle.set(f"{result_key}-set_props", props, expire=KEEP)

        callback_context = AttributeDict(**context)
        callback_context.ignore_register_page = False
        callback_context.updated_props = ProxySetProps(on_set_props)
        context_value.set(callback_context)
        leading = [set_progress] if progress else []
        try:
            if isinstance(args, dict):
                output = fn(*leading, **args)
            elif isinstance(args, (list, tuple)):
                output = fn(*leading, *args)
            else:
                output = fn(*leading, args)
        except PreventUpdate:
            output = {"_dash_no_update": "_dash_no_update"}
        except Exception as error:  # the request side shows it (the app's on_error)
            log.exception("background job failed")
            output = {"background_callback_error": {"msg": str(error),
                                                    "tb": traceback.format_exc()}}
        handle.set(result_key, output, expire=KEEP)

    def in_own_context(*args: Any) -> None:
        copy_context().run(run, *args)

    return in_own_context


def create_manager(data_dir: Path, store: Any) -> JobManager:
    """The manager of one app, its results under ``<data_dir>/dash-background/``.

    ``store.close()`` is made to stop the jobs first (queued ones dropped, running ones
    awaited): closing a SQLite connection while a job's thread is reading through it crashes
    the interpreter, and a store is closed while the app lives on shutdown and in tests."""
    manager = JobManager(Path(data_dir) / DIRECTORY)
    close = getattr(store, "close", None)
    if close is None:  # a store with nothing to close (test doubles)
        return manager

    @wraps(close)
    def close_after_jobs(*args: Any, **kwargs: Any) -> Any:
        manager.shutdown()
        return close(*args, **kwargs)

    store.close = close_after_jobs
    return manager


# -- the page side ---------------------------------------------------------------------------


def with_progress(func: Callable[..., Any]) -> Callable[..., Any]:
    """The background form of a page callback: Dash passes ``set_progress`` first; ``func``
    gets it as ``progress=`` (step, label). Known errors (a bad week...) reach the error banner
    with their own words, as in a request. ``wraps`` keeps ``func``'s declared roles."""

    @wraps(func)
    def job(set_progress: Callable[[list[Any]], None], *args: Any) -> Any:
        def progress(step: int, label: str) -> None:
            set_progress([step, label])

        try:
            return func(*args, progress=progress)
        except PhuxanhError as error:
            log.warning("background job refused: %s", error)
            set_props(ids.ERROR_MESSAGE, {"children": str(error)})
            set_props(ids.ERROR_BANNER, {"hidden": False})
            raise PreventUpdate from error

    return job


def indicator(prefix: str, steps: int) -> list[Any]:
    """What shows a job is running: a status line and a progress bar with the current step,
    hidden while idle (ids start with ``prefix``)."""
    return [
        html.Span(id=f"{prefix}-running", className="job-running", role="status",
                  **{"aria-live": "polite"}),
        html.Progress(id=f"{prefix}-bar", max=str(steps), value="0", hidden=True,
                      className="job-progress"),
        html.Span(id=f"{prefix}-step", className="job-step muted small"),
    ]


def options(prefix: str, buttons: tuple[str, ...], running_text: str) -> dict[str, Any]:
    """``app.callback`` keyword arguments for a background callback shown by
    :func:`indicator`: ``buttons`` disabled while it runs."""
    running: list[tuple[Output, Any, Any]] = [
        (Output(button, "disabled"), True, False) for button in buttons]
    running += [(Output(f"{prefix}-running", "children"), running_text, ""),
                (Output(f"{prefix}-bar", "hidden"), False, True)]
    return {
        "background": True,
        "running": running,
        "progress": [Output(f"{prefix}-bar", "value"), Output(f"{prefix}-step", "children")],
        "progress_default": ["0", ""],
        "interval": POLL_MS,
    }


def step_label(t: Translator, step: int, steps: int, key: str) -> str:
    return t("job.step", step=step, steps=steps, label=t(key))

