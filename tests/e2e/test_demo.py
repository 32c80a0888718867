"""The demo end to end, as a newcomer runs it: `phuxanh demo --no-serve`, then `phuxanh stats`.

Runs the real pipeline in a child process (Scrapy's reactor runs once per process): the sample
site on 127.0.0.1, the RSS spider, the shipped classifier, the SQLite store.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from phuxanh.schema import VN_TZ

pytestmark = pytest.mark.slow


def phuxanh(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PHUXANH_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "phuxanh.cli", *args],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# One sample-site port for every demo run in this module (item ids include it), chosen free so
# a second test session or a running `make demo` does not collide with this one.
SITE_PORT = str(free_port())


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("demo") / "var"
    result = phuxanh("demo", "--no-serve", "--site-port", SITE_PORT, data_dir=data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    return data_dir, result.stdout


def test_demo_reports_each_stage(demo_run: tuple[Path, str]) -> None:
    _, output = demo_run
    for stage in ("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"):
        assert stage in output


def test_demo_stores_classified_items_over_recent_weeks(demo_run: tuple[Path, str]) -> None:
    data_dir, _ = demo_run
    result = phuxanh("stats", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["total"] >= 60
    # The sample republishes one official release with small edits: one story, two copies.
    assert stats["unique_stories"] == stats["total"] - 1
    assert stats["classified"] == stats["total"]
    assert stats["undated"] == 0  # every sample page carries its date
    weeks = {row["week"] for row in stats["weekly"]}
    today = datetime.now(VN_TZ).date()
    recent = {
        "{}-W{:02d}".format(*(today - timedelta(weeks=back)).isocalendar()[:2])
        for back in range(1, 8)
    }
    assert recent <= weeks  # every one of the last weeks has items, so no chart is empty
    sentiments = {row["sentiment"] for row in stats["weekly"]}
    assert {"positive", "negative"} <= sentiments
    assert {True, False} == {row["official"] for row in stats["weekly"]}
    assert sum(row["count"] for row in stats["weekly"]) == stats["total"]


def test_running_the_demo_again_adds_nothing(demo_run: tuple[Path, str]) -> None:
    data_dir, _ = demo_run
    before = json.loads(phuxanh("stats", "--json", data_dir=data_dir).stdout)
    again = phuxanh("demo", "--no-serve", "--site-port", SITE_PORT, data_dir=data_dir)
    assert again.returncode == 0, again.stdout + again.stderr
    after = json.loads(phuxanh("stats", "--json", data_dir=data_dir).stdout)
    assert after == before


def test_demo_items_are_searchable_without_diacritics(demo_run: tuple[Path, str]) -> None:
    data_dir, _ = demo_run
    result = phuxanh("search", "chi thi 57 an ninh mang", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[0]) > 0
