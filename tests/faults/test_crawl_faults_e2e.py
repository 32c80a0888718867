"""Issue 8, faults, end to end: real crawls in child processes against a local site.

- A crawl whose store refuses every write spools the articles; the next crawl (store working
  again) stores each exactly once and does not fetch them again.
- A crawl killed with SIGKILL part-way and started again ends with every article stored exactly
  once, and the articles stored before the kill are not fetched a second time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from phuxanh.schema import url_item_id
from phuxanh.spool import pending_count, pending_files
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

from ..crawlers.conftest import SITE_PAGES, Route, serve_site, write_crawl_config

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SOURCES = """sources:
  - key: bao-thu-nghiem
    name: Báo Thử Nghiệm
    type: news
    official: true
    feeds:
      - {base}{feed}
"""

# A crawl with a store batch of ``BATCH`` (so a kill lands between batches) and, with
# FAIL_STORE=1, a store whose every write fails: what a locked or broken store does.
CRAWL_SCRIPT = """
import os
import sys
import crawlers.addon as addon
from phuxanh.errors import StoreError
from phuxanh.store.sqlite import SQLiteStore

settings = addon.scrapy_settings
batch = int(os.environ.get("BATCH", "100"))
addon.scrapy_settings = lambda config: {**settings(config), "PHUXANH_STORE_BATCH": batch}
if os.environ.get("FAIL_STORE") == "1":
    def upsert(self, items):
        raise StoreError(f"{self.path}: write failed (database is locked)")
    SQLiteStore.upsert = upsert

from crawlers.run import main
sys.exit(main(sys.argv[1:]))
"""


def _crawl_command(tmp_path: Path, config_dir: Path) -> list[str]:
    script = tmp_path / "crawl_script.py"
    script.write_text(CRAWL_SCRIPT, encoding="utf-8")
    return [sys.executable, str(script), "--config", str(config_dir)]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PHUXANH_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO), **extra}


def _report(process: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert process.returncode == 0, process.stderr[-4000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def _articles(site: Any, count: int, delay: float) -> list[str]:
    """``count`` on-topic articles behind one feed, each answered after ``delay`` s."""
    template = (SITE_PAGES / "chi-thi-57-an-ninh-mang.html").read_text(encoding="utf-8")
    entries, paths = [], []
    for n in range(count):
        path = f"/k/bai-{n}.html"
        paths.append(path)
        page = (template.replace("{base}/bai/chi-thi-57-an-ninh-mang.html", f"{site.base}{path}")
                .replace("về an ninh mạng</", f"về an ninh mạng, kỳ {n}</"))
        site.routes[path] = Route(body=page.encode(), delay=delay,
                                  headers={"Content-Type": "text/html; charset=utf-8"})
        entries.append(f"<item><title>Chỉ thị 57, kỳ {n}</title>"
                       f"<link>{site.base}{path}</link></item>")
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Thời sự</title><link>{site.base}/</link>{''.join(entries)}"
            "</channel></rss>")
    site.routes["/feeds/nhieu.rss"] = Route(
        body=feed.encode(), headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    return paths


def _stored(data_dir: Path) -> dict[str, int]:
    """canonical URL -> how many stored items have it (1 everywhere means no doubles)."""
    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        counts: dict[str, int] = {}
        for item in store.iter_items(ItemFilter(include_undated=True)):
            counts[item.canonical_url] = counts.get(item.canonical_url, 0) + 1
        return counts
    finally:
        store.close()


def test_a_store_failing_for_a_whole_crawl_loses_nothing(tmp_path: Path) -> None:
    with serve_site() as site:
        paths = _articles(site, 12, delay=0.0)
        config_dir = write_crawl_config(
            tmp_path / "config", SOURCES.format(base=site.base, feed="/feeds/nhieu.rss"))
        data_dir = tmp_path / "data"
        command = _crawl_command(tmp_path, config_dir)

        failed = subprocess.run(command, capture_output=True, text=True, cwd=REPO,
                                env=_env(data_dir, FAIL_STORE="1", BATCH="5"), timeout=180)
        assert failed.returncode == 1
        last = failed.stderr.strip().splitlines()[-1]
        assert "database is locked" in last and "12 items kept in" in last
        assert pending_count(data_dir) == 12

        site.reset_log()
        report = _report(subprocess.run(command, capture_output=True, text=True, cwd=REPO,
                                        env=_env(data_dir), timeout=180))
        assert report["items_stored"]["inserted"] == 12
        assert pending_files(data_dir) == []
        assert _stored(data_dir) == {f"{site.base}{path}": 1 for path in paths}
        # Replayed before the feed was read: known, so not fetched again.
        assert all(site.fetched(path) == 0 for path in paths)
        assert report["skipped"] == {"known": 12}


def test_a_crawl_killed_part_way_resumes_without_loss_or_doubles(tmp_path: Path) -> None:
    with serve_site() as site:
        paths = _articles(site, 40, delay=0.25)
        config_dir = write_crawl_config(
            tmp_path / "config", SOURCES.format(base=site.base, feed="/feeds/nhieu.rss"))
        data_dir = tmp_path / "data"
        command = _crawl_command(tmp_path, config_dir)

        child = subprocess.Popen(command, cwd=REPO, env=_env(data_dir, BATCH="4"),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stored_before = 0
        try:
            give_up = time.monotonic() + 120  # a guard against hanging, not a measurement
            while time.monotonic() < give_up and child.poll() is None:
                if (data_dir / "phuxanh.db").exists():
                    stored_before = sum(_stored(data_dir).values())
                    if stored_before >= 8:
                        break
                time.sleep(0.05)
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL  # it was killed, it did not finish
        stored_before = _stored(data_dir)
        assert 8 <= sum(stored_before.values()) < 40, "the kill did not land mid-crawl"
        fetched_before = {path: site.fetched(path) for path in paths}

        report = _report(subprocess.run(command, capture_output=True, text=True, cwd=REPO,
                                        env=_env(data_dir, BATCH="4"), timeout=180))

        after = _stored(data_dir)
        assert after == {f"{site.base}{path}": 1 for path in paths}  # all, each once
        assert report["items_stored"]["inserted"] == 40 - len(stored_before)
        assert report["items_stored"]["updated"] == 0
        for path in paths:
            if f"{site.base}{path}" in stored_before:
                # stored before the kill: known, not fetched again
                assert site.fetched(path) == fetched_before[path], path
        store = SQLiteStore(data_dir / "phuxanh.db")
        try:
            ids = [url_item_id(f"{site.base}{path}") for path in paths]
            assert store.existing_ids(ids) == set(ids)
        finally:
            store.close()
