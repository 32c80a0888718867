"""A local forum (XenForo 2 markup) and Telegram channel preview for the forum and Telegram
crawler tests: a stdlib HTTP server on 127.0.0.1 (ephemeral port) serving
tests/crawlers/fixtures/forum and telegram. Unlike the news test site it routes on the path
*with* its query string first (Telegram pages differ only by ``?before=``), then on the path
alone; every request is recorded with its query so tests can assert what was (not) fetched.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from phuxanh.schema import Item
from phuxanh.store.sqlite import SQLiteStore

from .localserver import running

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEY = "khoa-bi-mat-thu-nghiem"  # PHUXANH_AUTHOR_HASH_KEY for the crawls
HTML = "text/html; charset=utf-8"
THREAD_50 = "/threads/chi-thi-57-dien-dan-ban-gi.50/"
THREAD_60 = "/threads/hoi-ve-bao-mat-tai-khoan-ngan-hang.60/"
CHANNEL = "/s/kenhthunghiem"
# Names of the people on the fixture pages (posters, reactors, quoted and mentioned members,
# a private user whose message was forwarded, an admin's signature): none may be stored or
# logged.
PEOPLE = ("Hoàng Minh Tuấn", "Phạm Thu Trang", "tuan_hoang88", "Lê Quang Vinh",
          "Đỗ Khánh Linh", "Trần Thị Hoa", "Ngô Bảo Châu Anh", "hoang-minh-tuan")


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class PostsSite:
    base: str = ""
    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)  # path?query of every request
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fetched(self, path: str, exact: bool = False) -> int:
        """Requests for ``path``: with any query, or (``exact``, or ``path`` has a query) for
        exactly that path and query."""
        exact = exact or "?" in path
        with self._lock:
            return sum(1 for seen in self.requests
                       if seen == path or (not exact and seen.split("?", 1)[0] == path))

    def answer(self, path: str) -> Answer:
        with self._lock:
            self.requests.append(path)
        return self.routes.get(path) or self.routes.get(path.split("?", 1)[0]) or Answer(
            404, b"Not Found", {"Content-Type": "text/plain"})

    def page(self, folder: str, name: str) -> Answer:
        return Answer(body=(FIXTURES / folder / name).read_bytes(), headers={"Content-Type": HTML})

    def redirect(self, target: str) -> Answer:
        return Answer(status=302, headers={"Location": f"{self.base}{target}"})

    def build(self) -> None:
        forum = "forum"
        self.routes = {
            "/robots.txt": Answer(
                body=b"User-agent: *\nDisallow: /private/\nDisallow: /s/kenhcam\n",
                headers={"Content-Type": "text/plain"}),
            "/search/search": self.page(forum, "search-p1.html"),
            "/search/77/page-2": self.page(forum, "search-p2.html"),
            "/search/77/page-3": self.page(forum, "search-p2.html"),
            f"{THREAD_60}post-6001": self.redirect(THREAD_60),
            THREAD_60: self.page(forum, "thread-60.html"),
            f"{THREAD_50}post-1013": self.redirect(f"{THREAD_50}page-2"),
            "/posts/1001/": self.redirect(THREAD_50),
            THREAD_50: self.page(forum, "thread-50-p1.html"),
            f"{THREAD_50}page-2": self.page(forum, "thread-50-p2.html"),
            "/forums/chinh-tri-xa-hoi.5/": self.page(forum, "forum-5.html"),
            "/threads/gia-vang-hom-nay.80/": self.page(forum, "thread-60.html"),
            "/threads/ban-ve-chi-thi-57-nam-ngoai.90/": self.page(forum, "thread-60.html"),
            "/threads/hong.100/": self.page(forum, "not-a-thread.html"),
            "/private/threads/noi-bo.99/": self.page(forum, "thread-60.html"),
            CHANNEL: self.page("telegram", "kenh-p1.html"),
            f"{CHANNEL}?before=120": self.page("telegram", "kenh-p2.html"),
            f"{CHANNEL}?before=100": self.page("telegram", "kenh-p2.html"),
            "/s/kenhrieng": self.page("telegram", "khong-phai-kenh.html"),
            "/s/kenhcam": self.page("telegram", "kenh-p1.html"),  # robots.txt forbids it
        }


def _handler(site: PostsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = site.answer(self.path)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # tests read site.requests

    return Handler


@contextmanager
def serve_posts_site() -> Iterator[PostsSite]:
    site = PostsSite()
    with running(_handler(site)) as port:
        site.base = f"http://127.0.0.1:{port}"
        site.build()
        yield site


def forum_source(base: str) -> str:
    """sources.yaml lines for the local forum: a search, a thread list, a thread robots.txt
    forbids and one that is no thread page."""
    return (
        "  - key: dien-dan-thu-nghiem\n"
        "    name: Diễn đàn Thử Nghiệm\n"
        "    type: forum\n"
        f"    forum_search_url: '{base}/search/search?keywords={{query}}&o=date'\n"
        "    forum_queries: ['Chỉ thị 57']\n"
        f"    forum_pages: ['{base}/forums/chinh-tri-xa-hoi.5/']\n"
        "    threads:\n"
        f"      - {base}/private/threads/noi-bo.99/\n"
        f"      - {base}/threads/hong.100/\n"
    )


def channel_source(key: str, channel: str) -> str:
    return (f"  - key: {key}\n"
            "    name: Kênh Thử Nghiệm\n"
            "    type: social\n"
            f"    channel: '{channel}'\n")


def run_crawl(config_dir: Path, data_dir: Path, key: str | None = KEY,
              debug_log: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PHUXANH_DATA_DIR": str(data_dir)}
    env.pop("PHUXANH_AUTHOR_HASH_KEY", None)
    if key:
        env["PHUXANH_AUTHOR_HASH_KEY"] = key
    # debug_log: every log line of every logger at DEBUG (Scrapy's item dumps included).
    command = ["-c", "import logging, sys; logging.basicConfig(level=logging.DEBUG); "
                     "from crawlers.run import main; sys.exit(main(sys.argv[1:]))"] \
        if debug_log else ["-m", "crawlers.run"]
    return subprocess.run([sys.executable, *command, "--config", str(config_dir)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=180)


def report_of(process: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert process.returncode == 0, process.stderr[-4000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def stored(data_dir: Path) -> dict[str, Item]:
    store = SQLiteStore(data_dir / "phuxanh.db")
    try:
        return {item.id: item for item in store.iter_items()}
    finally:
        store.close()


