"""Sitemap parsing on our own sitemaps in the shapes outlets publish (tests/fixtures/sitemaps)."""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from typing import Any

import pytest

from crawlers.extract.sitemap import Sitemap, SitemapEntry, parse_sitemap
from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ

BASE = "https://bao.example.vn"


def _load(fixture_text: Any, name: str) -> bytes:
    return fixture_text(f"sitemaps/{name}").replace("{base}", BASE).encode()


def test_sitemap_index_lists_child_sitemaps_with_lastmod(fixture_text: Any) -> None:
    sitemap = parse_sitemap(_load(fixture_text, "index.xml"), f"{BASE}/sitemap.xml")
    assert sitemap.kind == "index"
    assert [e.url for e in sitemap.entries] == [
        f"{BASE}/sitemaps/bai-moi.xml.gz", f"{BASE}/sitemaps/2024-01.xml"]
    assert sitemap.entries[0].published_at == datetime(2026, 3, 14, 10, 0, tzinfo=VN_TZ)
    # a date without a time or zone is a Vietnamese day
    old = sitemap.entries[1].published_at
    assert old is not None and old.tzinfo is not None and old.date().isoformat() == "2024-01-31"


def test_urlset_with_lastmod(fixture_text: Any) -> None:
    sitemap = parse_sitemap(_load(fixture_text, "bai-moi.xml"), f"{BASE}/sitemaps/bai-moi.xml")
    assert sitemap.kind == "urlset"
    first = sitemap.entries[0]
    assert first == SitemapEntry(f"{BASE}/sm/chi-thi-57-ban-do-so.html",
                                 datetime(2026, 3, 13, 16, 45, tzinfo=VN_TZ), "")
    assert first.published_at is not None and first.published_at.utcoffset() is not None
    assert len(sitemap.entries) == 3


def test_google_news_publication_date_wins_over_lastmod(fixture_text: Any) -> None:
    sitemap = parse_sitemap(_load(fixture_text, "google-news.xml"), f"{BASE}/gn.xml")
    (entry,) = sitemap.entries
    assert entry.published_at == datetime(2026, 3, 13, 7, 20, tzinfo=VN_TZ)
    assert entry.title == "Tập huấn thực hiện Chỉ thị 57-CT/TW cho cán bộ cơ sở"


def test_gzip_body_is_inflated(fixture_text: Any) -> None:
    body = gzip.compress(_load(fixture_text, "bai-moi.xml"))
    assert parse_sitemap(body, f"{BASE}/sitemaps/bai-moi.xml.gz") == parse_sitemap(
        _load(fixture_text, "bai-moi.xml"), f"{BASE}/sitemaps/bai-moi.xml.gz")


def test_no_namespace_duplicates_and_bad_locs() -> None:
    body = (b"<urlset><url><loc> /a.html </loc></url><url><loc>/a.html</loc></url>"
            b"<url><loc>ftp://x/y</loc></url><url><lastmod>2026-01-01</lastmod></url></urlset>")
    assert parse_sitemap(body, f"{BASE}/s.xml") == Sitemap(
        "urlset", [SitemapEntry(f"{BASE}/a.html", None, "")])


@pytest.mark.parametrize(("body", "message"), [
    (None, "malformed XML"),
    (b"<html><body>Not found</body></html>", "not a sitemap (root element <html>)"),
    (b"", "not a readable sitemap"),
    (b"\x1f\x8b\x08garbage", "gzip"),
])
def test_unreadable_sitemaps_name_the_url(fixture_bytes: Any, body: bytes | None,
                                          message: str) -> None:
    body = fixture_bytes("sitemaps/broken.xml") if body is None else body
    with pytest.raises(InputError, match=f"^{BASE}/s.xml: .*{re.escape(message)}"):
        parse_sitemap(body, f"{BASE}/s.xml")


def test_entities_are_not_expanded() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<urlset><url><loc>https://x.vn/&e;</loc></url></urlset>")
    try:
        sitemap = parse_sitemap(body, f"{BASE}/s.xml")
    except InputError:
        return
    assert all("root:" not in e.url for e in sitemap.entries)
