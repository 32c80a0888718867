"""The shared connector parts: HTTP client (throttle, 429, 5xx, redaction), state file,
source config validation, and `phuxanh crawl` sending API sources to the connectors."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.connectors.base import ApiClient, ServerError, redact, retry_after_seconds
from crawlers.connectors.replay import ReplayServer, Reply
from crawlers.connectors.state import ConnectorState
from phuxanh.config import Config, Source, load_config
from phuxanh.errors import ConfigError, InputError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "api"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_retry_after_in_seconds_as_a_date_or_reddits_reset() -> None:
    assert retry_after_seconds({"Retry-After": "7"}) == 7.0
    now = datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds({"Retry-After": "Fri, 20 Nov 2026 08:00:30 GMT"}, now) == 30.0
    assert retry_after_seconds({"x-ratelimit-reset": "42"}) == 42.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_credentials_never_appear_in_a_url_we_show() -> None:
    shown = redact("https://graph.facebook.com/v21.0/1/posts?access_token=EAAsecret&after=X",
                   ["EAAsecret"])
    assert shown == "https://graph.facebook.com/v21.0/1/posts?access_token=***&after=X"
    assert "AIzaKEY" not in redact("https://x.test/search?q=a&key=AIzaKEY")


def test_requests_are_spaced_by_the_download_delay(api: ReplayServer) -> None:
    api.add("/a", {"ok": 1})
    clock = FakeClock()
    client = ApiClient("test", "ua/1", delay_s=2.0, sleep=clock.sleep, clock=clock)
    client.get_json(api.base + "/a")
    clock.now += 0.5  # half a second of work between the two requests
    client.get_json(api.base + "/a")
    client.get_json(api.base + "/a")
    assert clock.slept == [1.5, 2.0]
    assert client.log.requests == 3 and client.log.pages == 3


def test_5xx_backs_off_and_every_try_is_counted(api: ReplayServer) -> None:
    api.add("/a", Reply(503, "<html>Service Unavailable</html>"), times=2)
    api.add("/a", {"items": []})
    slept: list[float] = []
    client = ApiClient("test", "ua/1", delay_s=0, retries=3, sleep=slept.append)
    assert client.get_json(api.base + "/a", cost=100) == {"items": []}
    assert slept == [1.0, 2.0]
    assert client.log.quota_units == 300 and client.log.requests == 3


def test_no_answer_is_a_clear_error_without_the_key() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    slept: list[float] = []
    client = ApiClient("youtube", "ua/1", delay_s=0, retries=1, timeout_s=2,
                       secrets=["AIzaSECRET"], sleep=slept.append)
    with pytest.raises(ServerError) as caught:
        client.get_json(f"http://127.0.0.1:{port}/youtube/v3/search", {"key": "AIzaSECRET"})
    assert str(caught.value) == (
        f"youtube: http://127.0.0.1:{port}/youtube/v3/search?key=***: no answer "
        "(ConnectionError) after 2 tries")
    assert slept == [1.0]


def test_a_broken_state_file_is_named(config: Config) -> None:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    (config.data_dir / "connector_state.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"connector_state\.json: not valid JSON \(line 1\)"):
        ConnectorState(config.data_dir)


def test_state_survives_a_reload(config: Config) -> None:
    state = ConnectorState(config.data_dir)
    state.set_cursor("s", "search", "TOKEN")
    state.add_pending("s", ["v1", "v2", "v1"])
    state.add_quota("s", "2026-11-20", 101)
    state.add_quota("s", "2026-11-20", 1)
    again = ConnectorState(config.data_dir)
    assert again.cursor("s", "search") == "TOKEN"
    assert again.pending("s") == ["v1", "v2"]
    assert again.quota("s") == {"2026-11-20": 102}


@pytest.mark.parametrize(("entry", "message"), [
    ({"api": "facebook", "type": "social"}, "api: facebook needs page_ids"),
    ({"api": "youtube", "type": "news"}, "api: youtube needs type: social or video, not news"),
    ({"api": "reddit", "type": "social", "feeds": ["https://x.vn/rss"]},
     "api: reddit reads the API only; remove feeds"),
    ({"api": "reddit", "type": "social", "subreddits": ["r/VietNam"]},
     "not a page id or subreddit name: 'r/VietNam'"),
    ({"api": "youtube", "type": "video", "page_ids": ["1"]}, "page_ids are for api: facebook"),
    ({"type": "social", "subreddits": ["VietNam"]}, "need api: youtube, facebook or reddit"),
    ({"api": "twitter", "type": "social"}, "Input should be 'youtube', 'facebook' or 'reddit'"),
])
def test_api_source_mistakes_are_named(tmp_path: Path, entry: dict[str, object],
                                        message: str) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "default.yaml").write_text("data_dir: data\n", encoding="utf-8")
    (folder / "topics.yaml").write_text((REPO / "config" / "topics.yaml").read_text("utf-8"),
                                        encoding="utf-8")
    (folder / "sources.yaml").write_text(
        json.dumps({"sources": [{"key": "a", "name": "A", **entry}]}), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    assert str(caught.value).startswith(f"{folder / 'sources.yaml'}: sources[0]")
    assert message in str(caught.value)


def test_credentials_come_from_the_environment_only(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_YOUTUBE_API_KEY", "AIzaFROMENV")
    monkeypatch.setenv("PHUXANH_FACEBOOK_TOKEN", "EAAFROMENV")
    config = load_config(REPO / "config")  # not mistaken for config overrides
    assert Config.secret("youtube_api_key") == "AIzaFROMENV"
    assert Config.secret("facebook_token") == "EAAFROMENV"
    assert config.source("youtube-chi-thi-57").api == "youtube"
    bad = tmp_path / "bad.yaml"
    bad.write_text("youtube_api_key: AIzaINFILE\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="PHUXANH_YOUTUBE_API_KEY"):
        load_config(bad)


def test_phuxanh_crawl_sends_api_sources_to_the_connectors(
    config: Config, api: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crawlers.run
    from phuxanh import jobs

    def no_scrapy(*args: object) -> None:
        raise AssertionError("the Scrapy crawl was started for API sources only")

    monkeypatch.setattr(crawlers.run, "crawl", no_scrapy)

    def load(name: str) -> object:
        return json.loads((FIXTURES / "reddit" / name).read_text(encoding="utf-8"))

    api.add("/search.json", load("search_p1.json"), when={"after": None})
    api.add("/search.json", load("search_p2.json"), when={"after": "t3_1gx57b2"})
    sources = [
        Source(key="rd", name="Reddit", type="social", api="reddit", api_base_url=api.base),
        Source(key="rd-off", name="Reddit", type="social", api="reddit", enabled=False),
    ]
    crawl = config.crawl.model_copy(update={"download_delay": 0.0})
    config = config.model_copy(update={"sources": sources, "crawl": crawl})

    report = jobs.crawl(config)  # only API sources: Scrapy is not started
    assert report.items_stored.inserted == 2 and report.dropped == {"off_topic": 1}
    assert report.per_source["rd/api_pages"] == 2 and report.feeds_fetched == 0
    text = jobs.describe_crawl(report)
    assert "rd: 2 API pages in 2 requests, 2 new items" in text
    with pytest.raises(ConfigError, match="'rd-off' is disabled"):
        jobs.crawl(config, ["rd-off"])


def test_cli_crawl_and_status_for_an_api_source(tmp_path: Path, api: ReplayServer,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from click.testing import CliRunner

    from crawlers.connectors.__main__ import main as status_main
    from phuxanh.cli import main

    def load(name: str) -> object:
        return json.loads((FIXTURES / "reddit" / name).read_text(encoding="utf-8"))

    api.add("/search.json", load("search_p1.json"), when={"after": None})
    api.add("/search.json", load("search_p2.json"), when={"after": "t3_1gx57b2"})
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "default.yaml").write_text(
        f"data_dir: {tmp_path / 'data'}\ncrawl:\n  download_delay: 0\n", encoding="utf-8")
    (folder / "topics.yaml").write_text((REPO / "config" / "topics.yaml").read_text("utf-8"),
                                        encoding="utf-8")
    (folder / "sources.yaml").write_text(
        "sources:\n"
        "  - {key: rd, name: Reddit, type: social, api: reddit, api_base_url: "
        f"'{api.base}'}}\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["--config", str(folder), "crawl", "--source", "rd"])
    assert result.exit_code == 0, result.output
    assert "stored 2 new" in result.output
    assert "rd: 2 API pages in 2 requests, 2 new items" in result.output

    capsys.readouterr()
    assert status_main(["--config", str(folder), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["rd"]["resume_at"] == [] and status["rd"]["pending_comments"] == 0
    assert status["rd"]["last_run"]["requests"] == 2
    assert status["rd"]["last_run"]["stopped_by"] == ""


def test_api_and_web_sources_in_one_crawl_report(config: Config, api: ReplayServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import crawlers.run
    from crawlers.run import CrawlReport
    from phuxanh import jobs
    from phuxanh.store.base import UpsertResult

    asked: list[object] = []

    def fake_scrapy(config: Config, keys: object) -> CrawlReport:
        asked.append(keys)
        return CrawlReport(feeds_fetched=3, items_stored=UpsertResult(1, 0, 0),
                           dropped={"off_topic": 2}, finish_reason="finished")

    monkeypatch.setattr(crawlers.run, "crawl", fake_scrapy)
    body = json.loads((FIXTURES / "reddit" / "search_p2.json").read_text(encoding="utf-8"))
    api.add("/search.json", body)
    sources = [
        Source(key="news", name="Báo", feeds=["https://bao.example.vn/rss"]),
        Source(key="rd", name="Reddit", type="social", api="reddit", api_base_url=api.base),
    ]
    crawl = config.crawl.model_copy(update={"download_delay": 0.0})
    report = jobs.crawl(config.model_copy(update={"sources": sources, "crawl": crawl}))
    assert asked == [["news"]]  # the news source alone went to Scrapy
    assert report.feeds_fetched == 3 and report.items_stored.inserted == 2
    assert report.dropped == {"off_topic": 2}
    assert report.per_source["rd/new"] == 1
