"""``phuxanh run``: crawl, cluster and classify on a schedule, one run at a time.

Each cycle runs the crawl in a child process (Scrapy's reactor runs once per process, and a
crash in one crawl must not stop the schedule), then clusters near-duplicates and classifies
in this process. A lock file in the data directory makes a second ``phuxanh run`` (or a cron
job started while the previous one is still going) exit at once with a clear message instead
of crawling the same sources twice.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from phuxanh.errors import PhuxanhError
from phuxanh.schema import VN_TZ

log = logging.getLogger(__name__)
LOCK_NAME = "run.lock"


class AlreadyRunning(PhuxanhError):
    """Another run holds the lock on this data directory."""


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``<data_dir>/run.lock`` exclusively for the duration (released if we crash: the
    kernel drops a dead process's flock)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    handle: IO[str] = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise AlreadyRunning(
                f"{path}: a run is already in progress ({holder}); wait for it or stop it"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(VN_TZ):%Y-%m-%d %H:%M:%S%z}")
        handle.flush()
        yield
    finally:
        handle.close()


@dataclass(frozen=True)
class CycleResult:
    started: datetime
    crawl_ok: bool
    crawl_output: str  # the crawl's last lines, for the log
    clustered: int
    classified: int
    seconds: float


def crawl_in_child(cli_args: Sequence[str], timeout_s: float) -> tuple[bool, str]:
    """Run ``phuxanh <cli_args> crawl`` in a child process; (succeeded, last lines of output)."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and CLI, arguments are ours
            [sys.executable, "-m", "phuxanh.cli", *cli_args, "crawl"],
            capture_output=True, text=True, timeout=timeout_s, check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"crawl stopped after {timeout_s:.0f} s"
    output = "\n".join((done.stdout + done.stderr).strip().splitlines()[-12:])
    return done.returncode == 0, output


def run_cycle(
    crawl: Callable[[], tuple[bool, str]],
    cluster: Callable[[], int],
    classify: Callable[[], int],
) -> CycleResult:
    """One cycle. Clustering and classification run even when the crawl failed: whatever was
    stored before the failure still gets labelled."""
    started, clock = datetime.now(VN_TZ), time.monotonic()
    crawl_ok, output = crawl()
    if not crawl_ok:
        log.error("crawl failed: %s", output)
    clustered = cluster()
    classified = classify()
    return CycleResult(started, crawl_ok, output, clustered, classified,
                       time.monotonic() - clock)


def run_forever(
    cycle: Callable[[], CycleResult],
    interval_s: float,
    cycles: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    report: Callable[[CycleResult], None] = lambda result: None,
) -> int:
    """Run ``cycle`` every ``interval_s`` seconds (start to start), ``cycles`` times or until
    interrupted; returns how many cycles ran. A cycle longer than the interval is followed by
    the next one at once, never by two at a time."""
    done = 0
    while cycles is None or done < cycles:
        result = cycle()
        done += 1
        report(result)
        if cycles is not None and done >= cycles:
            break
        sleep(max(0.0, interval_s - result.seconds))
    return done
