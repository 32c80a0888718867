"""Fixtures for the crawler tests.

- ``config``: the repo's config, data dir under tmp_path (the top-level conftest sets it).
- ``make_crawler``: a configured, never-started Scrapy crawler carrying that config.
- ``fixture_bytes`` / ``fixture_text``: files under tests/fixtures/ (the one way tests read them).
- ``cp1258``: text encoded as a windows-1258 page sends it.
- ``api``: the connectors' local API replay server.
- ``site``: a tiny offline news site (stdlib HTTP server on 127.0.0.1, ephemeral port) serving
  our own Vietnamese pages about Directive 57 with the faults real sites have (wrong charset,
  gzip without a header, 404, 500, a broken feed, robots.txt, a redirect). Every request path
  is recorded so tests can assert what was (not) fetched. The site also serves sitemaps
  (tests/fixtures/sitemaps), listing pages and a fake Google News search whose item links
  redirect to local articles; ``site.alt`` is the same server as ``localhost`` (another
  "publisher" host). A route with an ``ETag`` / ``Last-Modified`` header answers 304 to a
  matching conditional GET; ``Route.first`` serves a few other answers first (a flaky page),
  ``Route.delay`` answers late (a slow one); ``site.sent(path)`` has the request headers.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from crawlers.connectors.replay import ReplayServer
from crawlers.connectors.replay import serve as serve_replay
from phuxanh.config import Config, load_config

from .localserver import running

REPO = Path(__file__).resolve().parents[2]


def write_crawl_config(folder: Path, sources_yaml: str, *, retry_times: int = 1,
                       timeout: float = 10, max_page_bytes: int = 2_000_000,
                       parse_workers: int | None = None) -> Path:
    """A config folder for crawling the local test site: no politeness delay, robots.txt
    obeyed, a window that reaches back past the site's March 2026 articles but not to its
    February 2025 one, the shipped topics, and ``sources_yaml`` as sources.yaml."""
    import shutil
    from datetime import date

    folder.mkdir(parents=True)
    max_age = (date.today() - date(2025, 6, 1)).days
    (folder / "default.yaml").write_text(
        "data_dir: data\n"
        "crawl:\n"
        "  user_agent: phuxanh-test/0.1 (+https://example.invalid/lien-he)\n"
        "  obey_robots: true\n"
        "  download_delay: 0\n"
        "  autothrottle: false\n"
        "  concurrent_requests_per_domain: 4\n"
        f"  timeout_seconds: {timeout}\n"
        f"  retry_times: {retry_times}\n"
        f"  max_page_bytes: {max_page_bytes}\n"
        f"  max_age_days: {max_age}\n"
        + (f"  parse_workers: {parse_workers}\n" if parse_workers is not None else ""),
        encoding="utf-8",
    )
    shutil.copy(REPO / "config" / "topics.yaml", folder / "topics.yaml")
    (folder / "sources.yaml").write_text(sources_yaml, encoding="utf-8")
    return folder
FIXTURES = REPO / "tests" / "fixtures"
SITE_PAGES = FIXTURES / "html" / "site"
FEEDS = FIXTURES / "feeds"
SITEMAPS = FIXTURES / "sitemaps"

# windows-1258 spells a toned vowel as base letter + combining tone mark; only these five.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """``text`` as a windows-1258 web page would send it (Python's codec does not decompose
    precomposed letters like "ạ" itself)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        tones = "".join(c for c in parts if c in _TONES)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Answers to serve first, one per request, before the route itself (a flaky page).
    first: list[Route] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering (a slow page)

    def not_modified(self, request_headers: Any) -> bool:
        """Whether a conditional GET matches this route's ETag / Last-Modified."""
        etag, modified = self.headers.get("ETag"), self.headers.get("Last-Modified")
        asked_etag = request_headers.get("If-None-Match")
        asked_modified = request_headers.get("If-Modified-Since")
        if etag and asked_etag:
            return asked_etag == etag
        return bool(modified and asked_modified == modified)


class Site:
    """Routes by path; unknown paths are 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.headers: list[tuple[str, dict[str, str]]] = []  # (path, request headers)
        self.times: list[tuple[str, float]] = []  # (path, time.monotonic() on arrival)
        self._lock = threading.Lock()
        self.base = ""
        self.alt = ""  # the same server under another host name

    def record(self, path: str, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self.requests.append(path)
            self.headers.append((path, headers or {}))
            self.times.append((path, time.monotonic()))

    @staticmethod
    def route(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
              first: list[Route] | None = None, delay: float = 0.0) -> Route:
        """A new Route (for tests adding their own pages to ``routes``)."""
        return Route(status, body, dict(headers or {}), list(first or []), delay)

    def next_route(self, path: str) -> Route:
        with self._lock:
            route = self.routes.get(path, Route(404, b"Not Found"))
            return route.first.pop(0) if route.first else route

    def sent(self, path: str) -> list[dict[str, str]]:
        """The request headers of every request for ``path``, in order."""
        with self._lock:
            return [headers for seen, headers in self.headers if seen.split("?", 1)[0] == path]

    def fetched(self, path: str) -> int:
        with self._lock:
            return sum(1 for seen in self.requests if seen.split("?", 1)[0] == path)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.headers.clear()
            self.times.clear()

    def arrivals(self, path: str) -> list[float]:
        """When each request for ``path`` arrived (time.monotonic())."""
        with self._lock:
            return [at for seen, at in self.times if seen.split("?", 1)[0] == path]

    def page(self, name: str) -> str:
        return self.fill((SITE_PAGES / name).read_text(encoding="utf-8"))

    def fill(self, text: str) -> str:
        return text.replace("{base}", self.base).replace("{alt}", self.alt)

    def build(self) -> None:
        html = "text/html; charset=utf-8"
        rss = "application/rss+xml; charset=utf-8"
        feed = (FEEDS / "site_bao-thu-nghiem.rss").read_text(encoding="utf-8")
        self.routes = {
            "/robots.txt": Route(body=b"User-agent: *\nDisallow: /private/\n",
                                 headers={"Content-Type": "text/plain"}),
            "/feeds/thoi-su.rss": Route(body=feed.replace("{base}", self.base).encode(),
                                        headers={"Content-Type": rss}),
            "/feeds/hong.rss": Route(body=(FEEDS / "broken_not_xml.rss").read_bytes(),
                                     headers={"Content-Type": rss}),
            "/feeds/tat.rss": Route(body=feed.replace("{base}", self.base).encode(),
                                    headers={"Content-Type": rss}),
            "/bai/chi-thi-57-an-ninh-mang.html": Route(
                body=self.page("chi-thi-57-an-ninh-mang.html").encode(),
                headers={"Content-Type": html}),
            "/bai/chi-thi-57-khong-dau.html": Route(
                body=self.page("chi-thi-57-khong-dau.html").encode(),
                headers={"Content-Type": html}),
            "/bai/cp1258-khai-bao-dung.html": Route(
                body=to_cp1258(self.page("cp1258-khai-bao-dung.html")),
                headers={"Content-Type": "text/html; charset=windows-1258"}),
            "/bai/2026/03/12/cp1258-khai-bao-sai.html": Route(
                body=to_cp1258(self.page("cp1258-khai-bao-sai.html")),
                headers={"Content-Type": html}),
            "/bai/thoi-tiet.html": Route(body=self.page("thoi-tiet.html").encode(),
                                         headers={"Content-Type": html}),
            "/bai/loi-may-chu.html": Route(status=500, body=b"Internal Server Error",
                                           headers={"Content-Type": "text/plain"}),
            "/private/noi-bo.html": Route(body=self.page("noi-bo.html").encode(),
                                          headers={"Content-Type": html}),
            # gzip bytes, no Content-Encoding header: the crawler must notice by itself
            "/bai/nen-gzip.html": Route(body=gzip.compress(self.page("nen-gzip.html").encode()),
                                        headers={"Content-Type": "text/html"}),
            "/r/chuyen-huong": Route(status=301, headers={
                "Location": f"{self.base}/bai/chuyen-huong.html"}),
            "/bai/chuyen-huong.html": Route(body=self.page("chuyen-huong.html").encode(),
                                            headers={"Content-Type": html}),
            "/bai/bai-cu.html": Route(body=self.page("chi-thi-57-an-ninh-mang.html").encode(),
                                      headers={"Content-Type": html}),
        }
        self.routes.update(self._discovery_routes())

    def _discovery_routes(self) -> dict[str, Route]:
        """Sitemaps, listing pages and a fake Google News search, with their articles."""
        html = "text/html; charset=utf-8"
        xml = "application/xml; charset=utf-8"

        def sitemap(name: str) -> bytes:
            return self.fill((SITEMAPS / name).read_text(encoding="utf-8")).encode()

        def page(name: str) -> Route:
            return Route(body=self.page(name).encode(), headers={"Content-Type": html})

        def redirect(target: str) -> Route:
            return Route(status=302, headers={"Location": target})

        return {
            "/sitemap.xml": Route(body=sitemap("index.xml"), headers={"Content-Type": xml}),
            # gzip as a file, no Content-Encoding: the crawler inflates it itself
            "/sitemaps/bai-moi.xml.gz": Route(body=gzip.compress(sitemap("bai-moi.xml")),
                                              headers={"Content-Type": "application/gzip"}),
            "/sitemaps/2024-01.xml": Route(body=sitemap("bai-moi.xml"),
                                           headers={"Content-Type": xml}),
            "/sitemaps/google-news.xml": Route(body=sitemap("google-news.xml"),
                                               headers={"Content-Type": xml}),
            "/sitemaps/hong.xml": Route(body=(SITEMAPS / "broken.xml").read_bytes(),
                                        headers={"Content-Type": xml}),
            "/sm/chi-thi-57-ban-do-so.html": page("sm-ban-do-so.html"),
            "/sm/chi-thi-57-tap-huan.html": page("sm-tap-huan.html"),
            "/sm/bai-2024.html": page("sm-ban-do-so.html"),
            "/chuyen-muc/an-ninh-mang.html": page("chuyen-muc-an-ninh-mang.html"),
            "/chuyen-muc/an-ninh-mang-p2.html": page("chuyen-muc-an-ninh-mang-p2.html"),
            "/chuyen-muc/an-ninh-mang-p3.html": page("chuyen-muc-an-ninh-mang-p3.html"),
            "/chuyen-muc/an-ninh-mang-p4.html": page("chuyen-muc-an-ninh-mang-p3.html"),
            "/ds/dien-tap.html": page("ds-dien-tap.html"),
            "/ds/trang-2.html": page("ds-trang-2.html"),
            "/rss/search": Route(
                body=self.fill((FEEDS / "site_google-news.rss").read_text(encoding="utf-8"))
                .encode(), headers={"Content-Type": "application/xml; charset=UTF-8"}),
            "/rss/articles/CBMiQWh0dHBzOi8vYmFvLXRodS1uZ2hpZW0": redirect(
                f"{self.base}/gn/chinh-thong.html"),
            "/rss/articles/CBMiOWh0dHBzOi8vdHJhbmcta2hhYw": redirect(
                f"{self.alt}/gn/trang-khac.html"),
            "/gn/chinh-thong.html": page("gn-chinh-thong.html"),
            "/gn/trang-khac.html": page("gn-trang-khac.html"),
        }


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.record(self.path, dict(self.headers.items()))
            route = site.next_route(self.path.split("?", 1)[0])
            if route.delay:
                time.sleep(route.delay)
            # The crawler may have given up on a slow or oversized answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.answer(route)

        def answer(self, route: Route) -> None:
            if route.not_modified(self.headers):
                self.send_response(304)
                for name in ("ETag", "Last-Modified"):
                    if name in route.headers:
                        self.send_header(name, route.headers[name])
                self.end_headers()
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads site.requests instead

    return Handler


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site()
    with running(_handler(site)) as port:
        site.base = f"http://127.0.0.1:{port}"
        site.alt = f"http://localhost:{port}"
        site.build()
        yield site


def _fixture_bytes(relative: str) -> bytes:
    """A file under tests/fixtures/ (``"html/vnexpress_article.html"``)."""
    return (FIXTURES / relative).read_bytes()


def _fixture_text(relative: str) -> str:
    return _fixture_bytes(relative).decode("utf-8")


@pytest.fixture
def config() -> Config:
    return load_config(REPO / "config")


@pytest.fixture
def make_crawler(config: Config) -> Any:
    """A configured (not started) Scrapy crawler with our Config in its settings."""
    from scrapy.utils.test import get_crawler

    from crawlers.addon import PHUXANH_CONFIG

    def make(**settings: Any) -> Any:
        return get_crawler(settings_dict={PHUXANH_CONFIG: config, **settings})

    return make


@pytest.fixture
def fixture_bytes() -> Any:
    return _fixture_bytes


@pytest.fixture
def fixture_text() -> Any:
    return _fixture_text


@pytest.fixture
def cp1258() -> Any:
    return to_cp1258


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as served:
        yield served


@pytest.fixture
def api() -> Iterator[ReplayServer]:
    """The connectors' local API replay server (crawlers/connectors/replay.py)."""
    with serve_replay() as server:
        yield server
