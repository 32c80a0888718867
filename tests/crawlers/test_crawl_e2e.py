"""The real spider, pipelines and SQLite store against the local test site.

Each crawl runs in its own process (``python -m crawlers.run``): Twisted's reactor starts once
per process. The report is the JSON object on the last line of stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from phuxanh.schema import VN_TZ, DateSource, url_item_id
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

from .conftest import write_crawl_config

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# Paths the site serves with a 200 and an article the crawl must keep (path -> expectations).
STORED = {
    "/bai/chi-thi-57-an-ninh-mang.html": {
        "title": "Triển khai Chỉ thị số 57-CT/TW về an ninh mạng",
        "published": "2026-03-10T08:15:00+07:00", "source": DateSource.PAGE_METADATA,
        "author": "Minh An", "term": "Chỉ thị số 57-CT/TW",
        "fetched_as": "/bai/chi-thi-57-an-ninh-mang.html?utm_source=rss&utm_medium=feed",
    },
    "/bai/chi-thi-57-khong-dau.html": {
        "title": "Hoi nghi quan triet chi thi 57 ve an ninh du lieu",
        "published": "2026-03-10T09:30:00+07:00", "source": DateSource.PAGE_TEXT,
        "author": None, "term": "Chỉ thị 57",
    },
    "/bai/cp1258-khai-bao-dung.html": {
        "title": "Bảo đảm an ninh dữ liệu theo Chỉ thị 57-CT/TW",
        "published": "2026-03-11T14:30:00+07:00", "source": DateSource.FEED,
        "author": None, "term": "Chỉ thị 57-CT/TW",
    },
    "/bai/2026/03/12/cp1258-khai-bao-sai.html": {
        "title": "An toàn thông tin ở cơ sở: thực hiện Chỉ thị 57",
        "published": "2026-03-12T00:00:00+07:00", "source": DateSource.URL,
        "author": None, "term": "Chỉ thị 57",
    },
    "/bai/nen-gzip.html": {
        "title": "Báo chí đồng hành cùng Chỉ thị 57 trong chuyển đổi số",
        "published": "2026-03-09T07:00:00+07:00", "source": DateSource.PAGE_METADATA,
        "author": "Thu Hà", "term": "Chỉ thị 57",
    },
    "/bai/chuyen-huong.html": {  # reached through the feed link /r/chuyen-huong
        "title": "Đường dây nóng tiếp nhận phản ánh về an ninh mạng",
        "published": None, "source": DateSource.CRAWL_TIME, "author": None, "term": "57-CT/TW",
    },
}
# Paths that must never be requested: robots.txt forbids one, one is too old by its feed
# date, one belongs to a disabled source.
NEVER = ["/private/noi-bo.html", "/bai/bai-cu.html", "/feeds/tat.rss"]


def write_config(folder: Path, base: str, parse_workers: int | None = None) -> Path:
    return write_crawl_config(
        folder,
        "sources:\n"
        "  - key: bao-thu-nghiem\n"
        "    name: Báo Thử Nghiệm\n"
        "    type: news\n"
        "    official: true\n"
        "    province: Lào Cai\n"
        "    feeds:\n"
        f"      - {base}/feeds/thoi-su.rss\n"
        f"      - {base}/feeds/hong.rss\n"
        f"      - {base}/feeds/khong-co.rss\n"
        "  - key: bao-tat\n"
        "    name: Báo Đã Tắt\n"
        "    enabled: false\n"
        "    feeds:\n"
        f"      - {base}/feeds/tat.rss\n",
        retry_times=1, parse_workers=parse_workers,
    )


def run_crawl(config_dir: Path, data_dir: Path, script: list[str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PHUXANH_DATA_DIR": str(data_dir)}
    command = script or ["-m", "crawlers.run"]
    return subprocess.run(
        [sys.executable, *command, "--config", str(config_dir)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180,
    )


def report_of(process: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert process.returncode == 0, process.stderr[-4000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


# Pages parsed in the crawl process, and in two worker processes (crawlers/parse_pool.py;
# the default on this machine may be either): the same items either way.
@pytest.mark.parametrize("parse_workers", [0, 2])
def test_crawl_stores_directive_57_articles_and_reruns_cheaply(
    site: Any, tmp_path: Path, parse_workers: int
) -> None:
    config_dir = write_config(tmp_path / "config", site.base, parse_workers)
    data_dir = tmp_path / "data"
    started = datetime.now(VN_TZ)

    first = report_of(run_crawl(config_dir, data_dir))

    assert first["items_stored"] == {"inserted": 6, "updated": 0, "unchanged": 0}
    assert first["feeds_fetched"] == 2  # thoi-su.rss and the broken hong.rss
    assert first["articles_fetched"] == 7  # the six stored and the off-topic one
    assert first["dropped"] == {
        "feed_http_404": 1, "feed_unreadable": 1, "http_404": 1, "http_500": 1,
        "off_topic": 1, "robots_forbidden": 1,
    }
    assert first["skipped"] == {"too_old": 1}
    errors = dict(first["errors"])
    assert errors == {
        f"{site.base}/feeds/hong.rss": errors[f"{site.base}/feeds/hong.rss"],
        f"{site.base}/feeds/khong-co.rss": "feed_http_404",
        f"{site.base}/bai/khong-ton-tai.html": "http_404",
        f"{site.base}/bai/loi-may-chu.html": "http_500",
    }
    assert errors[f"{site.base}/feeds/hong.rss"].startswith("feed_unreadable: ")
    assert "not a readable RSS/Atom feed" in errors[f"{site.base}/feeds/hong.rss"]
    assert first["finish_reason"] == "finished"
    for path in NEVER:
        assert site.fetched(path) == 0, path
    assert site.fetched("/bai/loi-may-chu.html") == 2  # one retry, then reported

    assert first["per_source"]["bao-thu-nghiem/new"] == 6
    assert first["per_source"]["bao-thu-nghiem/errors"] == 4
    assert first["per_source"]["bao-thu-nghiem/dropped"] == 2  # off topic, robots.txt

    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        (health,) = store.source_health()  # the disabled source was not crawled
        assert (health.source, health.runs, health.error_streak) == ("bao-thu-nghiem", 1, 0)
        assert health.last_new_item_at is not None
        assert started <= health.last_new_item_at <= datetime.now(VN_TZ)
        items = {item.canonical_url: item for item in
                 store.iter_items(ItemFilter(include_undated=True))}
        assert set(items) == {f"{site.base}{path}" for path in STORED}
        for path, want in STORED.items():
            item = items[f"{site.base}{path}"]
            assert item.id == url_item_id(f"{site.base}{path}")
            assert item.url == f"{site.base}{want.get('fetched_as', path)}"
            assert item.title == want["title"], path
            assert item.date_source == want["source"], path
            if want["published"]:
                assert item.published_at.isoformat() == want["published"], path
            else:
                assert started <= item.published_at <= datetime.now(VN_TZ)
            assert item.author == want["author"], path
            assert item.topics == ["chi-thi-57"]
            assert want["term"] in item.matched_terms, path
            assert (item.source, item.outlet, item.official, item.province) == (
                "bao-thu-nghiem", "Báo Thử Nghiệm", True, "Lào Cai"
            )
            assert (item.source_type, item.platform, item.lang) == ("news", "web", "vi")
            assert item.fetched_at.tzinfo is not None
            assert len(item.text) > 200
            assert "\ufffd" not in item.text + item.title
        # windows-1258, declared or not, comes out as proper Vietnamese
        assert "bảng mã windows-1258" in items[
            f"{site.base}/bai/cp1258-khai-bao-dung.html"].text
        assert "máy chủ lại gửi các byte" in items[
            f"{site.base}/bai/2026/03/12/cp1258-khai-bao-sai.html"].text
    finally:
        store.close()

    site.reset_log()
    second = report_of(run_crawl(config_dir, data_dir))

    assert second["items_stored"] == {"inserted": 0, "updated": 0, "unchanged": 0}
    assert second["articles_fetched"] == 0
    assert second["skipped"] == {"known": 6, "dropped_before/off_topic": 1, "too_old": 1}
    for path in [*STORED, "/r/chuyen-huong", "/bai/thoi-tiet.html", *NEVER]:
        assert site.fetched(path) == 0, path
    # failures are not remembered: they are tried again
    assert site.fetched("/bai/khong-ton-tai.html") == 1
    assert {url for url, _ in second["errors"]} == set(errors)


def test_only_named_sources_are_crawled(site: Any, tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", site.base)
    process = run_crawl(config_dir, tmp_path / "data", ["-m", "crawlers.run", "--source",
                                                        "bao-tat"])
    assert process.returncode == 1
    assert "'bao-tat' is disabled" in process.stderr
    assert site.requests == []


def test_an_unreachable_store_is_one_clear_error(site: Any, tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", site.base)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    process = run_crawl(config_dir, blocker / "data")
    assert process.returncode == 1
    assert process.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "a-file" in process.stderr
    assert site.requests == []


FAILING_STORE = """
import sys
import crawlers.addon as addon
from phuxanh.errors import StoreError
from phuxanh.store.sqlite import SQLiteStore

settings = addon.scrapy_settings
addon.scrapy_settings = lambda config: {**settings(config), "PHUXANH_STORE_BATCH": 1}
def upsert(self, items):
    raise StoreError(f"{self.path}: database or disk is full")
SQLiteStore.upsert = upsert

from crawlers.run import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_store_failure_mid_crawl_spools_and_surfaces(site: Any, tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", site.base)
    script = tmp_path / "failing_store.py"
    script.write_text(FAILING_STORE, encoding="utf-8")
    process = run_crawl(config_dir, tmp_path / "data", [str(script)])
    assert process.returncode == 1
    last = process.stderr.strip().splitlines()[-1]
    assert last.startswith("error: crawl stopped: the store failed")
    assert "database or disk is full" in last
    # Nothing lost: the six articles wait in the spool (tests/faults replays them).
    assert "6 items kept in " in last and "/spool/" in last
    # The run is still recorded for source health, with the failure.
    store = SQLiteStore(tmp_path / "data" / "phuxanh.db")
    try:
        (health,) = store.source_health()
        assert (health.source, health.runs, health.last_new_item_at) == (
            "bao-thu-nghiem", 1, None)
    finally:
        store.close()


def test_scrapy_crawl_uses_the_same_config_through_the_addon(site: Any, tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", site.base)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings",
           "PHUXANH_CONFIG": str(config_dir), "PHUXANH_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "rss", "-a", "source_keys=bao-thu-nghiem"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180,
    )
    assert process.returncode == 0, process.stderr[-4000:]
    assert "'phuxanh/stored/inserted': 6" in process.stderr
    assert site.fetched("/private/noi-bo.html") == 0
    store = SQLiteStore(tmp_path / "data" / "phuxanh.db")
    try:
        assert store.count(ItemFilter(include_undated=True)) == 6
    finally:
        store.close()
