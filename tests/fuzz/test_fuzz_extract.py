"""Issue 8, bad input: the page, feed, sitemap and listing extractors and the decoder, fed
random and hostile input. Contract: each returns its result or raises InputError naming the
URL; nothing else escapes (no lxml, zlib, feedparser, IndexError, KeyError...)."""

from __future__ import annotations

import gzip
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawlers.extract.article import extract_article
from crawlers.extract.encoding import decode_html, gunzip, undo_gzip
from crawlers.extract.feed import parse_feed
from crawlers.extract.listing import extract_listing
from crawlers.extract.sitemap import parse_sitemap
from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ

from ..crawlers.conftest import to_cp1258
from .conftest import FUZZ, TEXT, html_fragments

URL = "https://bao-fuzz.example.vn/bai/1.html"
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)


def _names_url(exc: InputError, url: str = URL) -> None:
    assert url in str(exc), str(exc)


@FUZZ
@given(html_fragments())
def test_article_extraction_never_crashes(html: str) -> None:
    try:
        article = extract_article(html, URL, NOW)
    except InputError as exc:
        _names_url(exc)
        return
    assert article.text and article.published_at.tzinfo is not None
    assert article.canonical_url.startswith(("http://", "https://"))
    assert "\x00" not in article.title


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([None, "text/html", "text/html; charset=x",
                                                  "text/html; charset=windows-1258",
                                                  "text/html; charset=utf-16"]))
def test_decoding_random_bytes_gives_text_or_a_named_error(body: bytes, content_type: str | None
                                                           ) -> None:
    try:
        text = decode_html(body, content_type, URL)
    except InputError as exc:
        _names_url(exc)
        return
    assert isinstance(text, str)


@FUZZ
@given(st.text(max_size=400), st.sampled_from(["utf-8", "cp1258", "cp1252", "latin-1"]),
       st.binary(max_size=40))
def test_invalid_utf8_and_legacy_encodings_decode_without_crashing(
        text: str, codec: str, garbage: bytes) -> None:
    body = ("<html><head><title>Chỉ thị 57</title></head><body><p>" + text
            + "</p></body></html>").encode(codec, "replace") + garbage
    try:
        decoded = decode_html(body, None, URL)
    except InputError as exc:
        _names_url(exc)
        return
    assert "</html>" in decoded or garbage  # the page came through as text


# Vietnamese in the legacy 8-bit fonts of the 1990s-2000s, still on some provincial sites:
# VNI (two bytes per toned letter, Latin-1 range) and TCVN3/ABC (one byte per letter). No
# codec exists for either; the contract is: decoded as some text, never a crash.
VNI = "Chæ thò 57 veà an ninh maïng: taêng cöôøng tuyeân truyeàn".encode("latin-1")
TCVN3 = bytes([0x43, 0x68, 0xD8, 0x20, 0x74, 0x68, 0xDE, 0x20, 0x35, 0x37, 0x20, 0xAE, 0xAB,
               0x6D, 0x20, 0xA9, 0xE3, 0x6E, 0x67])


@pytest.mark.parametrize("body", [VNI, TCVN3])
@pytest.mark.parametrize("declared", [None, "text/html; charset=windows-1258",
                                      "text/html; charset=tcvn", "text/html; charset=vni"])
def test_vni_and_tcvn3_pages_decode_without_crashing(body: bytes, declared: str | None) -> None:
    page = b"<html><body><p>" + body * 20 + b"</p></body></html>"
    text = decode_html(page, declared, URL)
    assert "57" in text
    try:
        extract_article(text, URL, NOW)
    except InputError as exc:
        _names_url(exc)


def test_windows_1258_decodes_to_vietnamese() -> None:
    sentence = "Bảo đảm an ninh dữ liệu theo Chỉ thị 57. "
    body = to_cp1258("<html><body><p>" + sentence * 30 + "</p></body></html>")
    for declared in (None, "text/html", "text/html; charset=windows-1258"):
        assert sentence.strip() in decode_html(body, declared, URL)


def test_a_zip_bomb_is_refused_naming_the_url() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000  # 50 MB behind under 100 kB
    for parse in (lambda: decode_html(bomb, "text/html", URL, max_bytes=2_000_000),
                  lambda: parse_feed(bomb, URL, max_bytes=2_000_000),
                  lambda: parse_sitemap(bomb, URL, max_bytes=2_000_000),
                  lambda: gunzip(bomb, URL, max_bytes=2_000_000)):
        with pytest.raises(InputError, match="decompresses to more than 2000000 bytes") as raised:
            parse()
        _names_url(raised.value)


def test_a_nested_zip_bomb_is_inflated_once_only() -> None:
    inner = gzip.compress(b"a" * 5_000_000)
    outer = gzip.compress(inner)
    # One layer is undone (what HTTP does); the inner gzip stays bytes, not 5 MB of text.
    assert undo_gzip(outer, URL, max_bytes=1_000_000) == inner


@FUZZ
@given(st.binary(max_size=600))
def test_truncated_or_corrupt_gzip_is_a_named_error(tail: bytes) -> None:
    body = gzip.compress(b"<html>Chi thi 57</html>" * 50)[: max(2, len(tail) % 200)] + tail
    try:
        undo_gzip(body, URL)
    except InputError as exc:
        _names_url(exc)


def test_the_crawl_caps_page_size() -> None:
    from crawlers.addon import scrapy_settings
    from phuxanh.config import load_config

    config = load_config()
    settings = scrapy_settings(config)
    assert settings["DOWNLOAD_MAXSIZE"] == config.crawl.max_page_bytes > 0
    assert config.crawl.max_page_bytes <= 16_000_000


def test_an_enormous_page_within_the_cap_is_handled() -> None:
    # 5 MB of text in one paragraph, then 40k tiny elements: slow pages must still finish.
    huge = ("<html><body><article><p>" + "Chỉ thị 57 an ninh mạng. " * 200_000 + "</p>"
            + "<span>x</span>" * 40_000 + "</article></body></html>")
    article = extract_article(huge, URL, NOW)
    assert len(article.text) > 1_000_000


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    links = st.one_of(st.sampled_from(["", URL, "/x", "javascript:x", "//h/p"]), TEXT)
    items = "".join(
        f"<item><title>{draw(TEXT)}</title><link>{draw(links)}</link>"
        f"<pubDate>{draw(TEXT)}</pubDate><description>{draw(html_fragments())}</description>"
        f"<source url=\"{draw(TEXT)}\">{draw(TEXT)}</source></item>"
        for _ in range(draw(st.integers(0, 4))))
    wrapper = draw(st.sampled_from([
        '<?xml version="1.0"?><rss version="2.0"><channel>{}</channel></rss>',
        '<feed xmlns="http://www.w3.org/2005/Atom">{}</feed>',
        "<rss><channel>{}", "{}", '<!DOCTYPE x [<!ENTITY a "aaaa">]><rss><channel>{}&a;</rss>',
    ]))
    return wrapper.format(items).encode("utf-8", "replace")


@FUZZ
@given(st.one_of(feeds(), st.binary(max_size=800)))
def test_feed_parsing_never_crashes(body: bytes) -> None:
    try:
        entries = parse_feed(body, URL, "application/rss+xml")
    except InputError as exc:
        _names_url(exc)
        return
    for entry in entries:
        assert entry.url.startswith(("http://", "https://")), entry.url


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "html", "x:urlset"]))
    child = "url" if root == "urlset" else "sitemap"
    entries = "".join(
        f"<{child}><loc>{draw(st.sampled_from([URL, '', '/rel', 'ftp://x/', draw(TEXT)]))}"
        f"</loc><lastmod>{draw(TEXT)}</lastmod><news:news><news:publication_date>"
        f"{draw(TEXT)}</news:publication_date><news:title>{draw(TEXT)}</news:title>"
        f"</news:news></{child}>"
        for _ in range(draw(st.integers(0, 4))))
    return (f'<?xml version="1.0"?><{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</{root}>'
            ).encode("utf-8", "replace")


@FUZZ
@given(st.one_of(sitemaps(), st.binary(max_size=600)))
def test_sitemap_parsing_never_crashes(body: bytes) -> None:
    try:
        sitemap = parse_sitemap(body, URL)
    except InputError as exc:
        _names_url(exc)
        return
    for entry in sitemap.entries:
        assert entry.url.startswith(("http://", "https://"))


def test_sitemap_entities_are_not_expanded() -> None:
    billion = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
               + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + n).encode(), (b"&" + chr(97 + n)
                                                                        .encode() + b";") * 10)
                          for n in range(8))
               + b']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
               + b"https://x.vn/&i;</loc></url></urlset>")
    try:
        sitemap = parse_sitemap(billion, URL)
    except InputError as exc:
        _names_url(exc)
        return
    assert all(len(entry.url) < 10_000 for entry in sitemap.entries)


@FUZZ
@given(html_fragments(), st.one_of(st.none(), st.sampled_from(
    ["a", "div.x a", "a[href", "::", "a:nth-child(", "#", "h3 > a", "*", "a, ", "[x='"])))
def test_listing_extraction_never_crashes(html: str, selector: str | None) -> None:
    try:
        listing = extract_listing(html, URL, selector=selector)
    except InputError as exc:
        _names_url(exc)
        return
    for link in listing.links:
        assert link.url.startswith(("http://", "https://"))


def test_an_http_gzip_bomb_is_stopped_by_the_crawl_settings() -> None:
    """A bomb sent with ``Content-Encoding: gzip`` is inflated by Scrapy, not by us: with our
    settings (DOWNLOAD_MAXSIZE = crawl.max_page_bytes) it stops at the cap."""
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawlers.addon import scrapy_settings
    from phuxanh.config import load_config

    settings = scrapy_settings(load_config())
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": settings["DOWNLOAD_MAXSIZE"],
                                         "DOWNLOAD_WARNSIZE": settings["DOWNLOAD_WARNSIZE"]})
    middleware = HttpCompressionMiddleware.from_crawler(crawler)
    bomb = gzip.compress(b"\0" * (settings["DOWNLOAD_MAXSIZE"] * 3), compresslevel=9)
    response = HtmlResponse(URL, body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(IgnoreRequest, match="exceeded DOWNLOAD_MAXSIZE"):
        middleware.process_response(Request(URL), response)
