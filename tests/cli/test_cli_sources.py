"""``phuxanh sources check``: sources.yaml findings and each source's crawl health."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from phuxanh.cli import EXIT_ERROR, main
from phuxanh.config import Source, load_config
from phuxanh.schema import VN_TZ
from phuxanh.sources_check import find_problems
from phuxanh.store import open_store
from phuxanh.store.base import SourceRun

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.now(VN_TZ)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_config(folder: Path, sources: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "default.yaml").write_text("data_dir: data\n", encoding="utf-8")
    shutil.copy(REPO / "config" / "topics.yaml", folder / "topics.yaml")
    (folder / "sources.yaml").write_text("sources:\n" + sources, encoding="utf-8")
    return folder


GOOD = (
    "  - key: bao-a\n"
    "    name: Báo A\n"
    "    official: true\n"
    "    province: Thanh Hóa\n"
    "    domain: baoa.vn\n"
    "    feeds: [https://baoa.vn/rss/thoi-su.rss]\n"
    "    sitemaps: [https://www.baoa.vn/sitemap.xml]\n"
    "  - key: bao-b\n"
    "    name: Báo B\n"
    "    domain: baob.vn\n"
    "    link_pattern: '/tin/'\n"
    "    listings: [https://baob.vn/chuyen-muc/]\n"
    "  - key: bao-tat\n"
    "    name: Báo Tắt\n"
    "    enabled: false\n"
    "    feeds: [https://baotat.vn/rss]\n"
)


def test_sound_sources_with_their_health(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", GOOD)
    config = load_config(config_dir, overrides={"data_dir": str(tmp_path / "data")})
    store = open_store(config)
    day = timedelta(days=1)
    try:
        store.record_source_runs([
            SourceRun("bao-a", NOW - 3 * day, NOW - 3 * day, fetched=5, new=2),
            SourceRun("bao-a", NOW - 2 * day, NOW - 2 * day, errors=1,
                      error_sample="https://baoa.vn/rss/thoi-su.rss: feed_http_500"),
            SourceRun("bao-a", NOW - day, NOW - day, errors=1,
                      error_sample="https://baoa.vn/rss/thoi-su.rss: feed_http_503"),
            SourceRun("bao-b", NOW - day, NOW - day, fetched=3, not_modified=0),
            SourceRun("bao-cu", NOW - day, NOW - day, fetched=1),  # no longer configured
        ])
    finally:
        store.close()

    result = run("--config", str(config_dir), "--data-dir", str(tmp_path / "data"),
                 "sources", "check", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True
    rows = {row["key"]: row for row in report["sources"]}
    assert list(rows) == ["bao-a", "bao-b", "bao-tat"]
    a, b, off = rows["bao-a"], rows["bao-b"], rows["bao-tat"]
    assert (a["enabled"], a["discovery"], a["official"]) == (True, ["feeds", "sitemaps"], True)
    assert (a["runs"], a["error_streak"], a["silent_days"]) == (3, 2, 3)
    assert datetime.fromisoformat(a["last_run_at"]) == NOW - day
    assert datetime.fromisoformat(a["last_success_at"]) == NOW - 3 * day
    assert datetime.fromisoformat(a["last_new_item_at"]) == NOW - 3 * day
    assert a["last_error"].endswith("feed_http_503")
    assert (b["discovery"], b["runs"], b["error_streak"]) == (["listings"], 1, 0)
    assert b["last_new_item_at"] is None and b["silent_days"] is None
    assert (off["enabled"], off["runs"], off["last_run_at"]) == (False, 0, None)
    assert {(f["level"], f["source"]) for f in report["findings"]} == {
        ("info", "bao-tat"), ("info", "bao-cu")}

    text = run("--config", str(config_dir), "--data-dir", str(tmp_path / "data"),
               "sources", "check")
    assert text.exit_code == 0
    assert "bao-a" in text.output and "error streak 2" in text.output
    assert "last error: https://baoa.vn/rss/thoi-su.rss: feed_http_503" in text.output
    assert "info: bao-tat: disabled (enabled: false)" in text.output
    assert "3 sources, 0 errors, 0 warnings" in text.output


def test_problems_are_reported_and_a_duplicate_feed_fails(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", GOOD + (
        "  - key: bao-chep\n"
        "    name: Báo Chép\n"
        "    domain: baochep.vn\n"
        "    feeds: [https://BAOA.vn/rss/thoi-su.rss, https://cdn.example.com/chep.rss]\n"
        "  - key: bao-rong\n"
        "    name: Báo Rỗng\n"
    ))
    result = run("--config", str(config_dir), "sources", "check", "--json")
    assert result.exit_code == EXIT_ERROR
    report = json.loads(result.output)
    assert report["ok"] is False
    findings = {(f["level"], f["source"]): f["message"] for f in report["findings"]}
    assert "also listed by bao-chep" in findings[("error", "bao-a")]
    assert "nothing to crawl" in findings[("warning", "bao-rong")]
    assert "cdn.example.com does not match" in findings[("warning", "bao-chep")]
    assert findings[("info", "bao-tat")] == "disabled (enabled: false)"


def test_an_invalid_sources_file_is_a_config_error(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", "  - key: Bad Key\n    name: X\n")
    result = run("--config", str(config_dir), "sources", "check")
    assert result.exit_code == 2
    assert "sources.yaml" in result.output


def test_find_problems_is_pure_and_lenient_on_www_and_subdomains() -> None:
    sources = [
        Source(key="a", name="A", domain="www.baoa.vn",
               feeds=["https://rss.baoa.vn/tin.rss", "https://baoa.vn/x.rss"]),
        Source(key="b", name="B", domain="baob.vn", feeds=["https://baob.vn/x.rss"]),
    ]
    assert find_problems(sources) == []


def test_forum_telegram_and_api_sources_count_as_reachable() -> None:
    from phuxanh.sources_check import discovery

    sources = [
        Source(key="voz", name="VOZ", type="forum", domain="voz.vn",
               forum_search_url="https://voz.vn/search/?q={query}"),
        Source(key="kenh", name="Kênh", type="social", channel="kenhmau"),
        Source(key="yt", name="YouTube", type="video", api="youtube"),
    ]
    assert [discovery(s) for s in sources] == [["forum"], ["telegram"], ["api"]]
    assert not [f for f in find_problems(sources) if "nothing to crawl" in f.message]


def test_a_declared_feed_host_is_not_a_domain_mismatch() -> None:
    feed = "https://feeds.bbci.co.uk/vietnamese/rss.xml"
    mismatched = Source(key="bbc", name="BBC", domain="bbc.com", feeds=[feed])
    declared = Source(key="bbc", name="BBC", domain="bbc.com", feeds=[feed],
                      feed_hosts=["feeds.bbci.co.uk"])
    assert [f.message for f in find_problems([mismatched])] == [
        f"{feed}: host feeds.bbci.co.uk does not match the source's domain bbc.com"]
    assert find_problems([declared]) == []
