from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phuxanh.schedule import AlreadyRunning, CycleResult, run_cycle, run_forever, run_lock


def test_a_second_run_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    with (
        run_lock(tmp_path),
        pytest.raises(AlreadyRunning, match="already in progress"),
        run_lock(tmp_path),
    ):
        pass
    with run_lock(tmp_path):  # released after the first run ends
        pass


def test_the_lock_holds_across_processes(tmp_path: Path) -> None:
    child = (
        "import sys, pathlib\n"
        "from phuxanh.schedule import run_lock, AlreadyRunning\n"
        "try:\n"
        "    with run_lock(pathlib.Path(sys.argv[1])):\n"
        "        print('got it')\n"
        "except AlreadyRunning as exc:\n"
        "    print('refused:', exc)\n"
    )
    with run_lock(tmp_path):
        out = subprocess.run([sys.executable, "-c", child, str(tmp_path)],
                             capture_output=True, text=True, check=True).stdout
    assert out.startswith("refused:")
    assert "pid" in out
    out = subprocess.run([sys.executable, "-c", child, str(tmp_path)],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "got it"


def test_a_failed_crawl_still_clusters_and_classifies() -> None:
    calls: list[str] = []
    result = run_cycle(
        crawl=lambda: (calls.append("crawl"), (False, "store unreachable"))[1],
        cluster=lambda: (calls.append("cluster"), 3)[1],
        classify=lambda: (calls.append("classify"), 5)[1],
    )
    assert calls == ["crawl", "cluster", "classify"]
    assert not result.crawl_ok
    assert (result.clustered, result.classified) == (3, 5)


def test_cycles_are_spaced_start_to_start() -> None:
    slept: list[float] = []
    durations = iter([10.0, 70.0, 5.0])

    def cycle() -> CycleResult:
        from datetime import datetime

        return CycleResult(datetime.now(), True, "", 0, 0, next(durations))

    assert run_forever(cycle, interval_s=60, cycles=3, sleep=slept.append) == 3
    assert slept == [50.0, 0.0]  # a cycle longer than the interval is followed at once
