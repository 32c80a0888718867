"""The built sample site: feeds parse, pages are encoded as declared and dated as intended."""

from __future__ import annotations

import html
import json
import re
import shutil
import unicodedata
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.robotparser import RobotFileParser

import feedparser
import lxml.html
import pytest
import yaml

from demo.content import bundled_content
from demo.render import BANNER
from demo.site import MANIFEST_NAME, SiteManifest, build_site, demo_sources, write_demo_config
from phuxanh.config import PACKAGE_CONFIG_DIR, Source, Topic, load_config
from phuxanh.schema import VN_TZ
from phuxanh.topics import TopicMatcher

TODAY = date(2026, 3, 10)  # a Tuesday
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=VN_TZ)
BASE = "http://127.0.0.1:8049"
CONTENT = bundled_content()
TERMS = ["Chỉ thị 57", "57-CT/TW", "CT 57", "Chỉ thị số 57", "57 CT/TW", "Directive 57"]
MATCHER = TopicMatcher([Topic(key="t", name="t", terms=TERMS)])
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteManifest:
    return build_site(tmp_path_factory.mktemp("site"), TODAY, BASE, now=NOW)


def read_page(site: SiteManifest, path: str) -> tuple[bytes, str, str]:
    """(bytes, declared charset, NFC text decoded strictly with that charset)."""
    data = (site.root / path).read_bytes()
    declared = _META_CHARSET.search(data[:2048])
    assert declared, path
    charset = declared.group(1).decode().lower()
    return data, charset, unicodedata.normalize("NFC", data.decode(charset))


def visible_text(page: str) -> str:
    tree = lxml.html.fromstring(page)
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return tree.text_content()


def test_manifest_lists_everything_built(site: SiteManifest) -> None:
    assert len(site.articles) == len(CONTENT.articles)
    assert len(site.outlets) == len(CONTENT.outlets)
    assert all(a.url.startswith(BASE + "/") for a in site.articles)
    assert len(set(site.article_urls)) == len(site.articles)
    for article in site.articles:
        assert (site.root / article.path).is_file(), article.path
        assert site.article(article.url) is article
    saved = json.loads((site.root / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(site.to_dict()))


def test_feeds_parse_newest_first_with_vietnam_dates(site: SiteManifest) -> None:
    formats = set()
    for outlet in site.outlets:
        path = site.root / outlet.feed_url.removeprefix(BASE + "/")
        data = path.read_bytes()
        feed = feedparser.parse(data)
        assert not feed.bozo, (outlet.key, feed.get("bozo_exception"))
        formats.add(feed.version)
        expected = sorted((a for a in site.articles if a.outlet == outlet.key),
                          key=lambda a: a.published_at, reverse=True)
        assert [e.link for e in feed.entries] == [a.url for a in expected]
        for entry, article in zip(feed.entries, expected, strict=True):
            assert entry.title == article.title
            if outlet.feed_format == "rss":
                assert entry.published.endswith("+0700"), entry.published
                assert parsedate_to_datetime(entry.published) == article.published_at
            else:
                assert datetime.fromisoformat(entry.published) == article.published_at
        assert BANNER in data.decode("utf-8")
    assert formats == {"rss20", "atom10"}


def test_pages_are_encoded_as_declared(site: SiteManifest) -> None:
    charsets = {o.key: o.charset for o in site.outlets}
    for article in site.articles:
        data, declared, text = read_page(site, article.path)
        assert declared == charsets[article.outlet]
        if declared == "windows-1258":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        else:
            assert unicodedata.is_normalized("NFC", data.decode("utf-8"))
        source = next(a for a in CONTENT.articles if a.slug == article.slug)
        page = html.unescape(text)
        assert source.title in page
        for paragraph in source.body:
            assert paragraph in page, (article.slug, paragraph[:40])


def test_legacy_charset_page_needs_nfc_after_decoding(site: SiteManifest) -> None:
    legacy = next(a for a in site.articles if a.outlet == "cong-mau")
    raw = (site.root / legacy.path).read_bytes().decode("windows-1258")
    assert not unicodedata.is_normalized("NFC", raw)  # combining tone marks, as Windows wrote
    assert legacy.title in unicodedata.normalize("NFC", raw)


def test_every_page_says_it_is_sample_content(site: SiteManifest) -> None:
    pages = [p for p in site.root.rglob("*") if p.suffix in {".html", ".htm"}]
    assert len(pages) >= len(site.articles) + 2 * len(site.outlets) + 1
    for path in pages:
        _, _, text = read_page(site, str(path.relative_to(site.root)))
        assert BANNER in visible_text(text), path


def test_ground_truth_never_reaches_the_pages(site: SiteManifest) -> None:
    for path in site.root.rglob("*"):
        if path.is_file() and path.name != MANIFEST_NAME:
            data = path.read_bytes()
            for field in (b"intended_sentiment", b"repeats_claim", b"refutes_claim",
                          b"on_topic", b"duplicate_of"):
                assert field not in data, (path, field)


def test_each_outlet_dates_its_pages_its_own_way(site: SiteManifest) -> None:
    for article in site.articles:
        _, _, text = read_page(site, article.path)
        when = article.published_at
        style = next(o.style for o in site.outlets if o.key == article.outlet)
        if style == "legacy-portal":
            assert f"Ngày đăng: {when:%d/%m/%Y %H:%M}" in text
            assert f'name="DC.date.issued" content="{when:%Y-%m-%d}"' in text
            assert "published_time" not in text and "datetime=" not in text
        elif style == "cms-jsonld":
            assert (f'<meta property="article:published_time" content="{when.isoformat()}">'
                    in text)
            assert when.isoformat().endswith("+07:00")
            tree = lxml.html.fromstring(text)
            blocks = [json.loads(s) for s in tree.xpath("//script[@type='application/ld+json']"
                                                        "/text()")]
            news = next(b for b in blocks if b["@type"] == "NewsArticle")
            assert datetime.fromisoformat(news["datePublished"]) == when
            assert news["author"]["name"] == article.author
        elif style == "cms-time":
            assert f'datetime="{when.isoformat()}"' in text
            assert "published_time" not in text
        elif style == "text-date":
            weekday = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy",
                       "Chủ nhật")[when.weekday()]
            assert f"{weekday}, {when.day}/{when.month}/{when.year}, {when:%H:%M} (GMT+7)" in text
            assert "published_time" not in text and "datetime=" not in text
            assert when.isoformat()[:10] not in text
        else:
            assert f"{when:%d-%m-%Y - %H:%M}" in text
            assert "published_time" not in text and "datetime=" not in text


def test_visible_text_date_example(site: SiteManifest) -> None:
    # 10/03/2026 is a Tuesday; a day-0 article of the text-date outlet would read like this.
    article = next(a for a in site.articles if a.outlet == "tinnhanh-mau" and
                   a.published_at.date() == date(2026, 3, 9))
    _, _, text = read_page(site, article.path)
    assert re.search(r"Thứ hai, 9/3/2026, \d\d:\d\d \(GMT\+7\)", text)


def test_off_topic_pages_never_name_the_directive(site: SiteManifest) -> None:
    for article in site.articles:
        if article.on_topic:
            continue
        _, _, text = read_page(site, article.path)
        assert not MATCHER.match(visible_text(text)), article.slug


def test_articles_dated_days_before_today(site: SiteManifest) -> None:
    for article in site.articles:
        source = next(a for a in CONTENT.articles if a.slug == article.slug)
        assert article.published_at == source.published_at(TODAY)
        assert article.published_at.date() == TODAY - timedelta(days=source.days_ago)
        assert article.published_at <= NOW


def test_robots_txt_allows_all_but_admin(site: SiteManifest) -> None:
    robots = RobotFileParser()
    robots.parse((site.root / "robots.txt").read_text(encoding="utf-8").splitlines())
    for url in [*site.article_urls, *site.feed_urls]:
        assert robots.can_fetch("phuxanh", url), url
    for outlet in site.outlets:
        assert not robots.can_fetch("phuxanh", f"{outlet.home_url}admin/")
        assert (site.root / outlet.key / "admin" / "index.html").is_file()
    assert not robots.can_fetch("phuxanh", f"{BASE}/admin/")


def test_urls_do_not_depend_on_the_run_day(tmp_path: Path) -> None:
    first = build_site(tmp_path / "a", TODAY, BASE, now=NOW)
    later = build_site(tmp_path / "b", TODAY + timedelta(days=40), BASE,
                       now=NOW + timedelta(days=40))
    assert sorted(first.article_urls) == sorted(later.article_urls)
    assert {a.published_at.date() for a in first.articles} != {
        a.published_at.date() for a in later.articles}


def test_todays_articles_are_never_dated_in_the_future(tmp_path: Path) -> None:
    early = datetime(2026, 3, 10, 3, 0, tzinfo=VN_TZ)
    site = build_site(tmp_path, TODAY, BASE, now=early)
    todays = [a for a in site.articles if a.published_at.date() == TODAY]
    assert todays
    assert all(a.published_at <= early for a in todays)


def test_rebuild_removes_its_own_stale_files_only(tmp_path: Path) -> None:
    build_site(tmp_path, TODAY, BASE, now=NOW)
    stale = tmp_path / "cong-mau" / "tin-tuc" / "old-article-1.html"
    stale.write_text("old", encoding="utf-8")
    foreign = tmp_path / "notes.txt"
    foreign.write_text("mine", encoding="utf-8")
    site = build_site(tmp_path, TODAY, BASE, now=NOW)
    assert not stale.exists()
    assert foreign.read_text(encoding="utf-8") == "mine"
    assert all((tmp_path / a.path).is_file() for a in site.articles)


def test_demo_sources_are_valid_sources(site: SiteManifest) -> None:
    entries = demo_sources(BASE)
    sources = [Source.model_validate(entry) for entry in entries]
    assert [s.key for s in sources] == [f"demo-{o.key}" for o in site.outlets]
    assert all(s.domain == "127.0.0.1" for s in sources)
    assert [f for s in sources for f in s.feeds] == site.feed_urls
    assert {s.type for s in sources} == {"news", "forum"}
    assert sum(s.official for s in sources) >= 2
    assert {s.province for s in sources} >= {"Thanh Hóa", "Điện Biên", None}


def test_write_demo_config_loads_with_the_shipped_config(tmp_path: Path) -> None:
    path = write_demo_config(tmp_path, BASE + "/")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Sources for the phuxanh demo")
    assert "Báo Mẫu Thanh Hóa" in text  # written as text, not \u escapes
    assert yaml.safe_load(text)["sources"] == demo_sources(BASE)
    for name in ("default.yaml", "topics.yaml"):
        shutil.copy(PACKAGE_CONFIG_DIR / name, tmp_path / name)
    config = load_config(tmp_path, env={})
    assert [s.key for s in config.sources] == [e["key"] for e in demo_sources(BASE)]
