"""A generated news site for the crawl benchmark (bench/crawl.py), served from memory.

:func:`build_site` renders ``n`` Vietnamese article pages with the demo's page templates
(demo/render.py: five CMS families, menus, related links, footers, one windows-1258 portal),
bodies of 300-1500 words assembled from the demo's hand-written paragraphs, most of them citing
"Chỉ thị 57-CT/TW" so the topic filter keeps them, dated over the last 60 days. Each outlet has
a front page advertising its RSS feed and one long RSS feed listing all its articles, newest
first; robots.txt forbids the admin pages. Everything is also written to ``out_dir``.

:class:`MemoryServer` serves the pages from a dict on an asyncio event loop in a thread:
HTTP/1.1 keep-alive, pre-built responses, no file system access per request, so that the server
is not what limits the crawlers. It counts the article pages it served (with timestamps), which
is how the benchmark tracks a crawl's progress from outside.
"""

from __future__ import annotations

import asyncio
import codecs
import random
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from demo.content import Article, Outlet, bundled_content
from demo.feeds import FeedEntry, render_feed
from demo.render import Link, Page, render_article, render_outlet_home
from demo.site import article_path
from phuxanh.schema import VN_TZ
from phuxanh.text import fold

DIRECTIVE = "Chỉ thị 57-CT/TW"
ON_TOPIC_SHARE = 0.9
SPREAD_DAYS = 60

# (key, name, tagline, style, charset, province): the five markup families of demo/render.py,
# some twice, one legacy portal in windows-1258.
_OUTLETS = (
    ("cong-mau", "Cổng Thông tin điện tử tỉnh Mẫu", "Cổng thông tin điện tử tỉnh Mẫu",
     "legacy-portal", "windows-1258", "Thanh Hóa"),
    ("bao-mau-thanhhoa", "Báo Mẫu Thanh Hóa", "Cơ quan của Đảng bộ tỉnh (mẫu)",
     "cms-jsonld", "utf-8", "Thanh Hóa"),
    ("bao-mau-dienbien", "Báo Mẫu Điện Biên", "Tiếng nói của Đảng bộ tỉnh (mẫu)",
     "cms-time", "utf-8", "Điện Biên"),
    ("tinnhanh-mau", "Tin Nhanh Mẫu", "Báo tiếng Việt nhiều người xem (mẫu)",
     "text-date", "utf-8", None),
    ("diendan-mau", "Diễn đàn Mẫu", "Diễn đàn thảo luận (mẫu)", "forum", "utf-8", None),
    ("bao-mau-hungyen", "Báo Mẫu Hưng Yên", "Cơ quan của Đảng bộ tỉnh (mẫu)",
     "cms-jsonld", "utf-8", "Hưng Yên"),
    ("bao-mau-nghean", "Báo Mẫu Nghệ An", "Tin tức Nghệ An (mẫu)", "cms-time", "utf-8",
     "Nghệ An"),
    ("thoibao-mau", "Thời báo Mẫu", "Thời báo điện tử (mẫu)", "text-date", "utf-8", None),
)
_SECTIONS = ("Thời sự", "Chính trị", "Xây dựng Đảng", "Kinh tế", "Xã hội", "Pháp luật",
             "Chuyển đổi số", "Quốc phòng - An ninh", "Giáo dục", "Văn hóa")
_PLACES = ("Thanh Hóa", "Điện Biên", "Hưng Yên", "Nghệ An", "Hà Nội", "Lào Cai", "Cần Thơ",
           "Quảng Ninh", "Đà Nẵng", "Thái Bình", "Sơn La", "Lai Châu")
_DIRECTIVE_SENTENCES = (
    "Thực hiện {d} của Ban Bí thư về tăng cường bảo đảm an ninh mạng, an toàn thông tin và "
    "an ninh dữ liệu, {p} đã rà soát lại toàn bộ hệ thống thông tin của các cơ quan, đơn vị.",
    "Theo đánh giá của Ban Chỉ đạo tỉnh {p}, sau một thời gian triển khai {d}, nhận thức của "
    "cán bộ, đảng viên về bảo vệ dữ liệu và không gian mạng đã có chuyển biến rõ rệt.",
    "Hội nghị quán triệt {d} tại {p} nhấn mạnh yêu cầu phân công rõ người, rõ việc, rõ trách "
    "nhiệm trong công tác bảo đảm an toàn thông tin.",
    "Nhiều ý kiến cho rằng việc cụ thể hóa {d} thành kế hoạch hành động ở {p} là bước đi cần "
    "thiết để huy động cả hệ thống chính trị vào cuộc.",
)

_HEADERS = {
    "html": "text/html; charset={charset}",
    "rss": "application/rss+xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


@dataclass
class Site:
    base_url: str
    outlets: list[Outlet]
    # URL path -> (Content-Type, body); article paths are also listed in article_paths.
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    article_paths: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)  # article path -> absolute URL
    # host -> its "/" page (the outlet's front page; "/" of 127.0.0.1 is an index)
    host_roots: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    feed_urls: dict[str, str] = field(default_factory=dict)  # outlet key -> feed URL
    home_urls: dict[str, str] = field(default_factory=dict)  # outlet key -> front page URL
    on_topic: int = 0
    words: list[int] = field(default_factory=list)

    @property
    def article_bytes(self) -> int:
        return sum(len(self.pages[path][1]) for path in self.article_paths)


def _cp1258_tones(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a Vietnamese letter windows-1258 lacks precomposed becomes its base
    letter plus a combining tone mark, as Windows writes it (demo/charset.py, at C speed)."""
    assert isinstance(error, UnicodeEncodeError)
    char = error.object[error.start]
    decomposed = unicodedata.normalize("NFD", char)
    tones = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
    replacement = base + tones
    try:
        replacement.encode("cp1258")
    except UnicodeEncodeError:
        replacement = f"&#{ord(char)};"
    return replacement, error.start + 1


codecs.register_error("bench_cp1258", _cp1258_tones)


def _encode(text: str, charset: str) -> bytes:
    if charset == "utf-8":
        return text.encode("utf-8")
    return unicodedata.normalize("NFC", text).encode("cp1258", errors="bench_cp1258")


def _page_chrome(outlet: Outlet, home_url: str) -> tuple[str, str]:
    """What real Vietnamese CMS pages carry besides the article: inline CSS, tag-manager and ad
    scripts in the head, a mega-footer of section links and tracking scripts at the end of the
    body. Real pages are 100-300 KiB, mostly this; ours get ~30 KiB of it."""
    rules = "\n".join(
        f".{outlet.key}-c{i} .box-{i}>a,.{outlet.key}-c{i} h3.title-{i}{{margin:{i % 9}px "
        f"{i % 7}px;padding:0 {i % 5}px;font:{12 + i % 6}px/1.{i % 9} Arial,sans-serif;"
        f"color:#{(i * 2654435761) % 0xFFFFFF:06x}}}"
        for i in range(120)
    )
    config = ",".join(f'"slot_{i}":{{"id":"div-gpt-ad-{i}","size":[[300,250],[728,90]]}}'
                      for i in range(60))
    head = (f"<style>{rules}</style>\n"
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push("
            "arguments);}gtag('js',new Date());gtag('config','G-BENCH000');</script>\n"
            f"<script>var adConfig={{{config}}};</script>\n</head>")
    links = "".join(
        f'<li><a href="{home_url}chuyen-muc-{i}/" title="{section} {i}">{section}</a></li>'
        for i, section in enumerate(_SECTIONS * 10)
    )
    tracking = "".join(
        f"<script>(function(w,d,s,i){{var f=d.getElementsByTagName(s)[0],j=d.createElement(s);"
        f"j.async=true;j.src='/static/js/widget-{i}.js?v=20260{i}';f.parentNode.insertBefore("
        f"j,f);}})(window,document,'script',{i});</script>"
        for i in range(25)
    )
    body = (f'<div class="mega-footer"><ul class="footer-sections">{links}</ul>'
            '<div class="app-links"><a href="#">Tải ứng dụng trên App Store</a> '
            '<a href="#">Tải ứng dụng trên Google Play</a></div></div>\n'
            f"{tracking}\n</body>")
    return head, body


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:70].strip("-")


def _paragraph_pools() -> tuple[list[str], list[str], list[str], list[str]]:
    """(on-topic paragraphs, paragraphs that never name the directive, titles, sapos)."""
    from phuxanh.config import load_config
    from phuxanh.topics import TopicMatcher

    content = bundled_content()
    matcher = TopicMatcher(load_config(Path(__file__).resolve().parent.parent / "config").topics)
    mentions, neutral = [], []
    for article in content.articles:
        for paragraph in article.body:
            (mentions if matcher.match("", paragraph) else neutral).append(paragraph)
    titles = [a.title for a in content.articles if not matcher.match(a.title, "")]
    sapos = [a.sapo for a in content.articles if not matcher.match("", a.sapo)]
    return mentions, neutral, titles, sapos


def outlet_host(index: int) -> str:
    """Each outlet has its own host, as real outlets have their own domains: 127.0.0.2, ..."""
    return f"127.0.0.{2 + index}"


def build_site(n: int, port: int, out_dir: Path | None = None, seed: int = 57,
               now: datetime | None = None) -> Site:
    """Render ``n`` articles (and feeds, front pages, robots.txt); outlet ``i`` is served at
    ``http://127.0.0.<i+2>:<port>``, its front page at ``/`` and ``/<key>/``."""
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ).replace(second=0, microsecond=0)
    rng = random.Random(seed)
    mentions, neutral, titles, sapos = _paragraph_pools()
    outlets = [Outlet(key=key, name=name, tagline=tagline, type="forum" if style == "forum"
                      else "news", official=style != "forum", province=province, style=style,
                      feed="rss", charset=charset)  # type: ignore[arg-type]
               for key, name, tagline, style, charset, province in _OUTLETS]
    site = Site(base_url=f"http://127.0.0.1:{port}", outlets=outlets)
    bases = {o.key: f"http://{outlet_host(i)}:{port}" for i, o in enumerate(outlets)}

    articles: dict[str, list[tuple[Article, datetime, str]]] = {o.key: [] for o in outlets}
    for i in range(n):
        outlet = outlets[i % len(outlets)]
        place = rng.choice(_PLACES)
        on_topic = rng.random() < ON_TOPIC_SHARE
        target = rng.randint(300, 1500)
        body: list[str] = []
        words = 0
        if on_topic:
            sentence = rng.choice(_DIRECTIVE_SENTENCES).format(d=DIRECTIVE, p=place)
            body.append(sentence)
            words += len(sentence.split())
        while words < target:
            paragraph = rng.choice(mentions if on_topic and rng.random() < 0.3 else neutral)
            body.append(paragraph)
            words += len(paragraph.split())
        rng.shuffle(body)
        title = f"{rng.choice(titles)} ({place})"
        published = now - timedelta(minutes=rng.randint(5, SPREAD_DAYS * 24 * 60 - 60))
        article = Article(
            slug=f"{_slug(title)}-{i}", outlet=outlet.key, section=rng.choice(_SECTIONS),
            days_ago=0, time="00:00", title=title, sapo=rng.choice(sapos), body=tuple(body),
            author=f"Phóng viên {rng.choice(_PLACES)}", intended_sentiment="neutral",
            repeats_claim=None, on_topic=on_topic,
        )
        path = "/" + article_path(outlet, article)
        articles[outlet.key].append((article, published, path))
        site.on_topic += on_topic
        site.words.append(words)

    for outlet in outlets:
        base = bases[outlet.key]
        home_url = f"{base}/{outlet.key}/"
        feed_url = f"{base}/{outlet.key}/rss.xml"
        own = sorted(articles[outlet.key], key=lambda row: row[1], reverse=True)
        head_extra, body_extra = _page_chrome(outlet, home_url)
        links = [Link(a.title, base + path, when) for a, when, path in own]
        for index, (article, when, path) in enumerate(own):
            # Boilerplate names only neighbours of the same kind (on/off topic), so an
            # off-topic page never mentions the directive outside its own text.
            peers = [links[j] for j in range(max(0, index - 6), min(len(own), index + 7))
                     if j != index and own[j][0].on_topic == article.on_topic]
            page = Page(outlet=outlet, article=article, url=base + path, published_at=when,
                        home_url=home_url, related=peers[:4], popular=peers[4:9])
            html = render_article(page).replace("</head>", head_extra, 1)
            html = html.replace("</body>", body_extra, 1)
            body = _encode(html, outlet.charset)
            served = path + "index.html" if path.endswith("/") else path
            site.pages[path] = (_HEADERS["html"].format(charset=outlet.charset), body)
            if served != path:
                site.pages[served] = site.pages[path]
            site.article_paths.append(path)
            site.urls[path] = base + path
        entries = [FeedEntry(title=a.title, url=base + path, published_at=when, summary=a.sapo,
                             author=a.author, section=a.section) for a, when, path in own]
        site.pages[f"/{outlet.key}/rss.xml"] = (
            _HEADERS["rss"], render_feed(outlet, feed_url, home_url, entries).encode("utf-8"))
        home = render_outlet_home(outlet, home_url, feed_url, links[:50],
                                  [a.sapo for a, _, _ in own[:50]])
        site.pages[f"/{outlet.key}/"] = (
            _HEADERS["html"].format(charset=outlet.charset), _encode(home, outlet.charset))
        site.host_roots[outlet_host(outlets.index(outlet))] = site.pages[f"/{outlet.key}/"]
        site.feed_urls[outlet.key] = feed_url
        site.home_urls[outlet.key] = home_url
    robots = "User-agent: *\n" + "".join(f"Disallow: /{o.key}/admin/\n" for o in outlets)
    site.pages["/robots.txt"] = (_HEADERS["txt"], (robots + "Allow: /\n").encode("utf-8"))
    index = "".join(f'<li><a href="{site.home_urls[o.key]}">{o.name}</a></li>' for o in outlets)
    site.pages["/"] = (_HEADERS["html"].format(charset="utf-8"),
                       f"<!DOCTYPE html><html lang=vi><body><ul>{index}</ul></body></html>"
                       .encode())
    if out_dir is not None:
        for path, (_, data) in site.pages.items():
            target = Path(out_dir) / (path.lstrip("/") + ("index.html" if path.endswith("/")
                                                          else ""))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return site


# ----------------------------------------------------------------------------- server


class _Counter:
    def __init__(self, article_paths: set[bytes]) -> None:
        self.article_paths = article_paths
        self.requests = 0
        self.articles = 0
        self.article_times: list[float] = []  # monotonic time of each article served


class _Http(asyncio.Protocol):
    def __init__(self, responses: dict[bytes, tuple[bytes, bytes]],
                 roots: dict[bytes, tuple[bytes, bytes]], counter: _Counter) -> None:
        self.responses = responses
        self.roots = roots
        self.counter = counter
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            request_line, _, headers = head.partition(b"\r\n")
            parts = request_line.split(b" ")
            if len(parts) != 3:
                self.transport.close()
                return
            method, target, version = parts
            path = target.split(b"?", 1)[0].split(b"#", 1)[0]
            if path.startswith(b"http"):
                path = b"/" + path.split(b"/", 3)[-1]
            found = self.responses.get(path)
            lower = headers.lower()
            if path == b"/" and b"host: " in lower:
                host = lower.split(b"host: ", 1)[1].split(b"\r\n", 1)[0].split(b":", 1)[0]
                found = self.roots.get(host, found)
            counter = self.counter
            counter.requests += 1
            if found is None:
                status, body = b"404 Not Found", b"not found"
                header = (b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                          b"Content-Length: 9\r\n")
            else:
                header, body = found
                status = b"200 OK"
                if path in counter.article_paths:
                    counter.articles += 1
                    counter.article_times.append(time.monotonic())
            close = version == b"HTTP/1.0" or b"connection: close" in lower
            out = header + (b"Connection: close\r\n\r\n" if close else b"\r\n")
            self.transport.write(out if method == b"HEAD" else out + body)
            del status
            if close:
                self.transport.close()
                self.transport = None


class MemoryServer:
    """Serve ``site.pages`` on 127.0.0.1 (HTTP/1.1 keep-alive) from a background thread.

    Use as a context manager; ``base_url`` is known after ``__enter__`` (port 0 picks a free
    port; pages hold absolute URLs, so build the site for a port reserved first, see
    :func:`free_port`)."""

    def __init__(self, site: Site, port: int) -> None:
        def response(ctype: str, body: bytes) -> tuple[bytes, bytes]:
            return (
                f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                "Server: phuxanh-bench\r\n".encode("latin-1"),
                body,
            )

        self.responses = {path.encode("utf-8"): response(*page)
                          for path, page in site.pages.items()}
        self.roots = {host.encode("ascii"): response(*page)
                      for host, page in site.host_roots.items()}
        self.hosts = ["127.0.0.1", *site.host_roots]
        article_paths = site.article_paths
        self.counter = _Counter({p.encode("utf-8") for p in article_paths})
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="bench-site", daemon=True)
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self._server = await self.loop.create_server(
                lambda: _Http(self.responses, self.roots, self.counter), self.hosts, self.port,
                reuse_address=True, backlog=512)
            self._ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def __enter__(self) -> MemoryServer:
        self.thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the bench server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        def stop() -> None:
            if self._server is not None:
                self._server.close()
            self.loop.stop()

        self.loop.call_soon_threadsafe(stop)
        self.thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset_counts(self) -> None:
        self.counter.requests = 0
        self.counter.articles = 0
        self.counter.article_times = []


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
