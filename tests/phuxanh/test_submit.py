"""Submit a URL: a local site on 127.0.0.1 serving the crawler's article fixtures, robots.txt,
a 404, a PDF, a redirect; the stored item, the audit entry, and the clear errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from phuxanh.config import Config, CrawlConfig, Source, SubmitConfig, Topic
from phuxanh.page_fetch import FetchError, check_url, fetch_page
from phuxanh.schema import url_item_id
from phuxanh.store.sqlite import SQLiteStore
from phuxanh.submit import SubmitError, source_for, submit_url

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "html" / "site"
UA = "phuxanh-test/0.1 (+https://example.invalid/lien-he)"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    location: str | None = None


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str]] = []  # (path, user agent)
        self.base = ""


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("User-Agent", "")))
            missing = Route(404, b"<html><body>404</body></html>")
            route = state.routes.get(self.path.split("?", 1)[0], missing)
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            if route.location:
                self.send_header("Location", route.location)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    page = lambda name: (SITE / name).read_text(encoding="utf-8").replace(  # noqa: E731
        "{base}", state.base).encode()
    state.routes.update({
        "/robots.txt": Route(body=b"User-agent: *\nDisallow: /noi-bo/\n",
                             content_type="text/plain"),
        "/bai/chi-thi-57-an-ninh-mang.html": Route(body=page("chi-thi-57-an-ninh-mang.html")),
        "/bai/thoi-tiet.html": Route(body=page("thoi-tiet.html")),
        "/noi-bo/bai.html": Route(body=page("noi-bo.html")),
        "/tai-lieu.pdf": Route(body=b"%PDF-1.4 not a web page", content_type="application/pdf"),
        "/loi.html": Route(500, b"<html>error</html>"),
        "/cu.html": Route(301, location="/bai/chi-thi-57-an-ninh-mang.html"),
        "/sang-noi-bo.html": Route(302, location="/noi-bo/bai.html"),
    })
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class _Prediction:
    sentiment: str
    sentiment_score: float
    misinformation: str
    misinformation_score: float
    narrative_id: str | None
    reason: str
    model: str
    misinformation_reason: str = ""


class KeywordClassifier:
    """A real, tiny classifier (negative when the text says "lo ngại"), so most tests do not
    pay for loading the shipped model; one test uses the shipped one."""

    name_version = "keyword-test@1"

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, docs: Sequence[object]) -> list[_Prediction]:
        self.calls += 1
        out = []
        for doc in docs:
            negative = "lo ngại" in doc.text  # type: ignore[attr-defined]
            out.append(_Prediction("negative" if negative else "positive", 0.8, "unlikely",
                                   0.1, None, "từ khoá", self.name_version))
        return out


class BrokenClassifier:
    name_version = "broken@1"

    def predict(self, docs: Sequence[object]) -> list[_Prediction]:
        raise RuntimeError("model file damaged")


@pytest.fixture
def config(tmp_path: Path, site: Site) -> Config:
    return Config(
        data_dir=tmp_path,
        crawl=CrawlConfig(user_agent=UA, timeout_seconds=10, max_page_bytes=200_000),
        submit=SubmitConfig(allow_private_hosts=True),  # the test site is on 127.0.0.1
        topics=[Topic(key="chi-thi-57", name="Chỉ thị 57", terms=["Chỉ thị số 57-CT/TW"])],
        sources=[Source(key="bao-thu", name="Báo Thử Nghiệm", domain="127.0.0.1",
                        official=True)],
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "s.db")
    yield opened
    opened.close()


def test_a_submitted_article_is_extracted_classified_stored_and_audited(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    url = f"{site.base}/bai/chi-thi-57-an-ninh-mang.html?utm_source=zalo"
    result = submit_url(config, store, url, "hoa", classifier=KeywordClassifier())
    item = result.item
    assert item.id == url_item_id(f"{site.base}/bai/chi-thi-57-an-ninh-mang.html")
    assert store.get(item.id) == item
    assert item.title == "Triển khai Chỉ thị số 57-CT/TW về an ninh mạng"
    assert "quán triệt Chỉ thị số 57-CT/TW" in item.text
    assert item.published_at.isoformat() == "2026-03-10T08:15:00+07:00"
    assert (item.source, item.outlet, item.official) == ("bao-thu", "Báo Thử Nghiệm", True)
    assert item.topics == ["chi-thi-57"] and result.on_topic and result.known_source
    assert item.sentiment is not None and item.sentiment.model == "keyword-test@1"
    assert item.misinformation is not None and item.misinformation.label == "unlikely"
    assert result.new
    (entry,) = store.audit_log(action="submit")
    assert (entry.actor, entry.target) == ("hoa", item.id)
    assert entry.details["url"] == url and entry.details["topics"] == ["chi-thi-57"]
    # robots.txt was read first, every request carried our user agent
    assert site.requests[0][0] == "/robots.txt"
    assert {agent for _path, agent in site.requests} == {UA}


def test_submitting_again_is_idempotent_and_audited_again(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    url = f"{site.base}/bai/chi-thi-57-an-ninh-mang.html"
    first = submit_url(config, store, url, "hoa", classifier=KeywordClassifier())
    second = submit_url(config, store, url, "minh", classifier=KeywordClassifier())
    assert second.item.id == first.item.id and not second.new
    assert second.stored.unchanged == 1
    assert [e.actor for e in store.audit_log(action="submit")] == ["minh", "hoa"]


def test_a_redirect_is_followed_and_the_final_url_stored(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    result = submit_url(config, store, f"{site.base}/cu.html", "hoa",
                        classifier=KeywordClassifier())
    assert result.item.url == f"{site.base}/bai/chi-thi-57-an-ninh-mang.html"


def test_an_off_topic_page_is_stored_without_topics(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    result = submit_url(config, store, f"{site.base}/bai/thoi-tiet.html", "hoa",
                        classifier=KeywordClassifier())
    assert not result.on_topic
    assert result.item.topics == [] and store.get(result.item.id) is not None
    assert store.audit_log(action="submit")[0].details["topics"] == []


def test_an_unknown_domain_is_filed_as_submitted_and_its_author_never_stored_raw(
    config: Config, store: SQLiteStore, site: Site, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PHUXANH_AUTHOR_HASH_KEY", "khoa-bi-mat-thu-nghiem")
    config = config.model_copy(update={"sources": []})
    result = submit_url(config, store, f"{site.base}/bai/chi-thi-57-an-ninh-mang.html",
                        "hoa", classifier=KeywordClassifier())
    item = result.item
    assert (item.source, item.source_type, item.outlet) == ("submitted", "import", "127.0.0.1")
    assert not result.known_source and not item.official
    assert item.author is None and item.author_hash and item.author_hash.startswith("a:")
    with sqlite3.connect(tmp_path / "s.db") as db:
        (raw,) = db.execute("SELECT doc FROM items").fetchone()
    assert "Minh An" not in raw


def test_robots_disallow_is_refused_and_nothing_fetched_or_stored(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    with pytest.raises(SubmitError) as caught:
        submit_url(config, store, f"{site.base}/noi-bo/bai.html", "hoa",
                   classifier=KeywordClassifier())
    assert caught.value.reason == "robots"
    assert "robots.txt" in str(caught.value) and "/noi-bo/bai.html" in str(caught.value)
    assert [path for path, _ in site.requests] == ["/robots.txt"]
    assert store.count() == 0 and store.audit_log(action="submit") == []


def test_a_redirect_into_a_disallowed_path_is_refused(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    with pytest.raises(SubmitError) as caught:
        submit_url(config, store, f"{site.base}/sang-noi-bo.html", "hoa",
                   classifier=KeywordClassifier())
    assert caught.value.reason == "robots"
    assert "/noi-bo/bai.html" not in [path for path, _ in site.requests]


@pytest.mark.parametrize(("path", "reason", "status"), [
    ("/khong-co.html", "http_status", 404),
    ("/loi.html", "http_status", 500),
    ("/tai-lieu.pdf", "not_html", None),
])
def test_http_errors_and_non_html_are_clear_errors(
    config: Config, store: SQLiteStore, site: Site, path: str, reason: str, status: int | None
) -> None:
    url = f"{site.base}{path}"
    classifier = KeywordClassifier()
    with pytest.raises(SubmitError) as caught:
        submit_url(config, store, url, "hoa", classifier=classifier)
    assert caught.value.reason == reason and caught.value.status == status
    assert url in str(caught.value)
    if status:
        assert f"HTTP {status}" in str(caught.value)
    else:
        assert "application/pdf" in str(caught.value)
    assert store.count() == 0 and classifier.calls == 0


def test_a_page_without_article_text_is_a_clear_error(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    site.routes["/trong.html"] = Route(body=b"<html><body><nav>Menu</nav></body></html>")
    with pytest.raises(SubmitError) as caught:
        submit_url(config, store, f"{site.base}/trong.html", "hoa",
                   classifier=KeywordClassifier())
    assert caught.value.reason == "no_text"


def test_a_page_over_the_size_cap_is_refused(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    site.routes["/lon.html"] = Route(body=b"<html>" + b"a" * 300_000 + b"</html>")
    with pytest.raises(SubmitError) as caught:
        submit_url(config, store, f"{site.base}/lon.html", "hoa",
                   classifier=KeywordClassifier())
    assert caught.value.reason == "too_large"


def test_a_robots_txt_that_fails_means_do_not_fetch(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    site.routes["/robots.txt"] = Route(503, b"busy", content_type="text/plain")
    with pytest.raises(SubmitError) as caught:
        submit_url(config, store, f"{site.base}/bai/chi-thi-57-an-ninh-mang.html", "hoa",
                   classifier=KeywordClassifier())
    assert caught.value.reason == "robots" and "503" in str(caught.value)


def test_no_robots_txt_means_no_rules(config: Config, store: SQLiteStore, site: Site) -> None:
    del site.routes["/robots.txt"]  # 404
    result = submit_url(config, store, f"{site.base}/bai/chi-thi-57-an-ninh-mang.html",
                        "hoa", classifier=KeywordClassifier())
    assert result.new


def test_a_classifier_failure_still_stores_the_page_unlabelled(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    result = submit_url(config, store, f"{site.base}/bai/chi-thi-57-an-ninh-mang.html",
                        "hoa", classifier=BrokenClassifier())
    assert result.item.sentiment is None and "model file damaged" in result.classify_error
    assert store.get(result.item.id) is not None


def test_private_addresses_and_logins_are_refused_by_default() -> None:
    for url in ("http://127.0.0.1:8050/", "http://[::1]/", "http://169.254.169.254/latest",
                "http://10.1.2.3/x"):
        with pytest.raises(FetchError) as caught:
            check_url(url, allow_private=False)
        assert caught.value.reason == "private_host", url
    with pytest.raises(FetchError) as caught:
        check_url("https://user:secret@example.com/", allow_private=True)
    assert caught.value.reason == "bad_url"
    with pytest.raises(FetchError) as caught:
        fetch_page("file:///etc/passwd", CrawlConfig(), allow_private=True)
    assert caught.value.reason == "bad_url"


def test_the_default_classifier_labels_it(
    config: Config, store: SQLiteStore, site: Site
) -> None:
    result = submit_url(config, store, f"{site.base}/bai/chi-thi-57-an-ninh-mang.html", "hoa")
    assert result.item.sentiment is not None
    assert result.item.sentiment.model.startswith(_default_model_name() + "@")
    assert result.item.misinformation is not None
    assert result.classify_error == ""


def test_what_submit_imports_never_pulls_in_scrapy() -> None:
    """The dashboard calls submit_url: nothing it imports may load Scrapy (decisions §7)."""
    code = (
        "import sys, phuxanh.submit, phuxanh.page_fetch, crawlers.extract.article, "
        "crawlers.extract.item, crawlers.extract.gnews, crawlers.extract.encoding, "
        "classify.stage, protego\n"
        "assert 'scrapy' not in sys.modules, sorted(m for m in sys.modules if 'scrapy' in m)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr


def test_source_for_prefers_configured_domains(config: Config) -> None:
    assert source_for(config, "http://127.0.0.1:9/x")[0].key == "bao-thu"
    other = config.model_copy(update={"sources": [Source(key="submitted", name="Bạn đọc gửi",
                                                         type="forum")]})
    source, known = source_for(other, "https://blog.example.vn/x")
    assert (source.key, source.name, source.type, known) == ("submitted", "Bạn đọc gửi",
                                                             "forum", False)


def _default_model_name() -> str:
    from classify.base import DEFAULT_MODEL_DIR

    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    return str(config["name"])
