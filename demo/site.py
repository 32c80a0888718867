"""Build the static sample site: feeds, article pages, front pages and robots.txt.

Layout under ``out_dir`` (all outlets share one host, so paths start with the outlet key)::

    index.html                      what the sample is
    robots.txt                      allows everything except the admin pages
    _demo_manifest.json             what was built (for tools and tests; not linked)
    <outlet>/index.html             front page, newest first
    <outlet>/rss.xml | atom.xml     the feed
    <outlet>/admin/index.html       a login page robots.txt forbids
    <outlet>/...                    article pages, URL shape per outlet

URLs never depend on the run day, so a second demo run finds the same items (item ids hash the
URL). Dates do: each article is published ``days_ago`` days before ``today``.

The server must be started first when its port is not known in advance: pages hold absolute
URLs. ``serve_directory`` serves files as they appear, so build into the directory it serves::

    with serve_directory(site_dir) as base_url:
        manifest = build_site(site_dir, today, base_url)
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from demo.charset import encode_page
from demo.content import Article, Outlet, SampleContent, bundled_content
from demo.feeds import FeedEntry, render_feed
from demo.render import (
    Link,
    Page,
    number,
    render_admin,
    render_article,
    render_index,
    render_outlet_home,
)
from phuxanh.schema import VN_TZ
from phuxanh.text import fold

MANIFEST_NAME = "_demo_manifest.json"
SOURCE_PREFIX = "demo-"
_RELATED = 4
_POPULAR = 5


@dataclass(frozen=True)
class OutletEntry:
    key: str
    source_key: str  # the key in the generated sources.yaml ("demo-<outlet>")
    name: str
    type: str
    official: bool
    province: str | None
    style: str
    charset: str  # of its HTML pages; feeds are always UTF-8
    feed_format: str  # "rss" or "atom"
    feed_url: str
    home_url: str


@dataclass(frozen=True)
class ArticleEntry:
    slug: str
    outlet: str
    url: str
    path: str  # file under out_dir, "/"-separated
    published_at: datetime  # aware, Vietnam time
    title: str
    author: str
    section: str
    intended_sentiment: str
    repeats_claim: str | None
    refutes_claim: str | None
    on_topic: bool
    duplicate_of: str | None


@dataclass
class SiteManifest:
    base_url: str
    today: date
    root: Path
    robots_url: str
    outlets: list[OutletEntry] = field(default_factory=list)
    articles: list[ArticleEntry] = field(default_factory=list)

    @property
    def feed_urls(self) -> list[str]:
        return [outlet.feed_url for outlet in self.outlets]

    @property
    def article_urls(self) -> list[str]:
        return [article.url for article in self.articles]

    def article(self, url: str) -> ArticleEntry | None:
        for article in self.articles:
            if article.url == url:
                return article
        return None

    def to_dict(self) -> dict[str, Any]:
        def plain(obj: Any) -> Any:
            data = asdict(obj)
            return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}

        return {
            "base_url": self.base_url,
            "today": self.today.isoformat(),
            "robots_url": self.robots_url,
            "outlets": [plain(o) for o in self.outlets],
            "articles": [plain(a) for a in self.articles],
        }


def _section_slug(section: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(section)).strip("-") or "tin-tuc"


def article_path(outlet: Outlet, article: Article) -> str:
    """Where an article lives under the site root; the URL path is the same. The shape
    imitates each CMS family, and nothing in it depends on the run day."""
    key, slug = outlet.key, article.slug
    if outlet.style == "legacy-portal":
        return f"{key}/tin-tuc/{slug}-{number(slug, 6)}.html"
    if outlet.style == "cms-jsonld":
        return f"{key}/{slug}-post{number(slug, 6)}.html"
    if outlet.style == "cms-time":
        return f"{key}/{_section_slug(article.section)}/{slug}-{number(slug, 9)}.htm"
    if outlet.style == "text-date":
        return f"{key}/{_section_slug(article.section)}/{slug}-{number(slug, 7)}.html"
    # forum: XenForo/vBulletin-style thread URL ending in "/" (served as its index.html)
    return f"{key}/threads/{slug}.{number(slug, 5)}/"


def _file_for(path: str) -> str:
    return path + "index.html" if path.endswith("/") else path


def _feed_path(outlet: Outlet) -> str:
    return f"{outlet.key}/{'atom' if outlet.feed == 'atom' else 'rss'}.xml"


def _clamp(published: datetime, now: datetime) -> datetime:
    """A day-0 article scheduled later than now is dated a minute ago: sites do not publish
    in the future, and a crawler may rightly distrust a future date."""
    if published <= now or published.date() != now.date():
        return published
    midnight = datetime.combine(now.date(), datetime.min.time(), tzinfo=VN_TZ)
    return max(midnight, now - timedelta(minutes=1)).replace(second=0, microsecond=0)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _clear_previous(out_dir: Path) -> None:
    """Remove what an earlier build wrote (named in its manifest), nothing else: the directory
    is the caller's and may be served already."""
    marker = out_dir / MANIFEST_NAME
    if not marker.exists():
        return
    try:
        previous = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    for outlet in previous.get("outlets", []):
        key = outlet.get("key", "")
        if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key or ""):
            shutil.rmtree(out_dir / key, ignore_errors=True)
    for name in ("index.html", "robots.txt", MANIFEST_NAME):
        (out_dir / name).unlink(missing_ok=True)


def _robots(outlets: list[Outlet]) -> str:
    lines = [
        "# Sample site for the phuxanh demo (NỘI DUNG MẪU – dữ liệu minh họa, không phải tin thật)",
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: /{outlet.key}/admin/" for outlet in outlets),
        "Allow: /",
        "",
    ]
    return "\n".join(lines)


def build_site(out_dir: Path, today: date, base_url: str, *, now: datetime | None = None,
               content: SampleContent | None = None) -> SiteManifest:
    """Render the sample site into ``out_dir`` for a run on ``today``, linking to ``base_url``
    (e.g. "http://127.0.0.1:8049"). ``now`` (default: the current time) only keeps today's
    articles from being dated in the future. Returns what was built."""
    content = content or bundled_content()
    base = base_url.rstrip("/")
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_previous(out_dir)

    manifest = SiteManifest(base_url=base, today=today, root=out_dir,
                            robots_url=f"{base}/robots.txt")
    published = {a.slug: _clamp(a.published_at(today), now) for a in content.articles}
    paths = {a.slug: article_path(content.outlet(a.outlet), a) for a in content.articles}
    urls = {slug: f"{base}/{path}" for slug, path in paths.items()}

    index_rows = []
    for outlet in content.outlets:
        home_url = f"{base}/{outlet.key}/"
        feed_url = f"{base}/{_feed_path(outlet)}"
        articles = sorted(content.by_outlet(outlet.key), key=lambda a: published[a.slug],
                          reverse=True)

        def link(article: Article) -> Link:
            return Link(article.title, urls[article.slug], published[article.slug])

        for article in articles:
            # Boilerplate links stay within the same kind of story (on/off topic), so an
            # off-topic page never names the directive outside its own text.
            peers = [p for p in articles if p.on_topic == article.on_topic and p is not article]
            when = published[article.slug]
            related = sorted(peers, key=lambda p: abs(published[p.slug] - when))[:_RELATED]
            page = Page(
                outlet=outlet, article=article, url=urls[article.slug], published_at=when,
                home_url=home_url, related=[link(p) for p in related],
                popular=[link(p) for p in peers[:_POPULAR]],
            )
            html = render_article(page)
            _write(out_dir / _file_for(paths[article.slug]), encode_page(html, outlet.charset))
            manifest.articles.append(ArticleEntry(
                slug=article.slug, outlet=outlet.key, url=urls[article.slug],
                path=_file_for(paths[article.slug]), published_at=when, title=article.title,
                author=article.author, section=article.section,
                intended_sentiment=article.intended_sentiment,
                repeats_claim=article.repeats_claim, refutes_claim=article.refutes_claim,
                on_topic=article.on_topic, duplicate_of=article.duplicate_of,
            ))

        entries = [
            FeedEntry(title=a.title, url=urls[a.slug], published_at=published[a.slug],
                      summary=a.sapo, author=a.author, section=a.section)
            for a in articles
        ]
        _write(out_dir / _feed_path(outlet),
               render_feed(outlet, feed_url, home_url, entries).encode("utf-8"))
        home = render_outlet_home(outlet, home_url, feed_url, [link(a) for a in articles],
                                  [a.sapo for a in articles])
        _write(out_dir / outlet.key / "index.html", encode_page(home, outlet.charset))
        _write(out_dir / outlet.key / "admin" / "index.html",
               encode_page(render_admin(outlet), outlet.charset))

        manifest.outlets.append(OutletEntry(
            key=outlet.key, source_key=SOURCE_PREFIX + outlet.key, name=outlet.name,
            type=outlet.type, official=outlet.official, province=outlet.province,
            style=outlet.style, charset=outlet.charset, feed_format=outlet.feed,
            feed_url=feed_url, home_url=home_url,
        ))
        index_rows.append((outlet, home_url, feed_url, len(articles)))

    _write(out_dir / "robots.txt", _robots(list(content.outlets)).encode("utf-8"))
    _write(out_dir / "index.html",
           render_index(index_rows, f"{today:%d/%m/%Y}").encode("utf-8"))
    manifest.articles.sort(key=lambda a: a.published_at, reverse=True)
    _write(out_dir / MANIFEST_NAME,
           json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return manifest


# Per-source extraction overrides, as a unit would write them for sites whose markup the
# generic extraction gets wrong: the forum's poster name and post body (its thread header,
# "Lượt xem: …", would otherwise lead the text), Điện Biên's byline, the portal's byline.
DEMO_SELECTORS: dict[str, dict[str, str]] = {
    "diendan-mau": {"author": ".username_container .username", "body": ".postcontent",
                    "title": "h2.title"},
    "mau-dienbien": {"author": ".post-author"},
    "cong-mau": {"author": "p[style*='text-align: right'] strong"},
}


# Coverage targets (items per week on the topic) for the official sample outlets, so the demo's
# "Đưa tin" page and weekly report show outlets above and below their target.
DEMO_WEEKLY_TARGETS: dict[str, int] = {"cong-mau": 2, "mau-thanhhoa": 2, "mau-dienbien": 1}


def demo_sources(base_url: str, content: SampleContent | None = None) -> list[dict[str, Any]]:
    """The sample outlets as ``sources.yaml`` entries (validate with ``phuxanh.config.Source``)."""
    content = content or bundled_content()
    base = base_url.rstrip("/")
    domain = urlsplit(base).hostname or "127.0.0.1"
    return [
        {
            "key": SOURCE_PREFIX + outlet.key,
            "name": outlet.name,
            "type": outlet.type,
            "official": outlet.official,
            "province": outlet.province,
            "domain": domain,
            "feeds": [f"{base}/{_feed_path(outlet)}"],
            **({"selectors": DEMO_SELECTORS[outlet.key]} if outlet.key in DEMO_SELECTORS else {}),
            **({"weekly_target": DEMO_WEEKLY_TARGETS[outlet.key]}
               if outlet.key in DEMO_WEEKLY_TARGETS else {}),
        }
        for outlet in content.outlets
    ]


_CONFIG_HEADER = """\
# Sources for the phuxanh demo: the FICTIONAL sample site served on {base}.
# Generated by demo.site.write_demo_config; do not edit, it is rewritten on every demo run.
# NỘI DUNG MẪU – dữ liệu minh họa, không phải tin thật.
"""


def write_demo_config(config_dir: Path, base_url: str) -> Path:
    """Write ``sources.yaml`` for the sample site into ``config_dir``; returns its path.
    (default.yaml and topics.yaml are the caller's to put beside it.)"""
    config_dir = Path(config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "sources.yaml"
    body = yaml.safe_dump({"sources": demo_sources(base_url)}, allow_unicode=True,
                          sort_keys=False, default_flow_style=False)
    path.write_text(_CONFIG_HEADER.format(base=base_url.rstrip("/")) + body, encoding="utf-8")
    return path
