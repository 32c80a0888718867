from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from crawlers.extract.article import ArticleData
from crawlers.extract.item import build_item
from crawlers.extract.markup import registered_domain, unescape_all
from phuxanh.config import Source
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id

ARTICLE = ArticleData(
    title="Triển khai Chỉ thị số 57-CT/TW",
    text="Đoạn một.\nĐoạn hai.",
    published_at=datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ),
    date_source=DateSource.PAGE_METADATA,
    author="Minh An",
    canonical_url="https://baolaocai.vn/trien-khai-chi-thi-57.html",
    lang="vi",
)
FETCHED = datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ)


def test_item_from_article_and_source() -> None:
    source = Source(key="baolaocai", name="Báo Lào Cai", official=True, province="Lào Cai")
    fetched_url = "https://www.baolaocai.vn/trien-khai-chi-thi-57.html?utm_source=rss"
    item = build_item(ARTICLE, source, fetched_url, FETCHED)
    assert item.id == url_item_id(ARTICLE.canonical_url) == url_item_id(fetched_url)
    assert item.url == fetched_url
    assert item.canonical_url == ARTICLE.canonical_url
    assert (item.source, item.outlet, item.official, item.province) == (
        "baolaocai", "Báo Lào Cai", True, "Lào Cai"
    )
    assert (item.source_type, item.platform, item.lang) == ("news", "web", "vi")
    assert item.published_at == ARTICLE.published_at
    assert item.date_source == DateSource.PAGE_METADATA
    assert item.fetched_at == FETCHED
    assert item.author == "Minh An"
    assert item.text == "Đoạn một.\nĐoạn hai."
    assert item.content_hash


def test_social_sources_never_carry_a_raw_author() -> None:
    source = Source(key="group", name="Nhóm công khai", type="social")
    assert build_item(ARTICLE, source, ARTICLE.canonical_url, FETCHED).author is None


@pytest.mark.parametrize(("url", "domain"), [
    ("https://vnexpress.net/a.html", "vnexpress.net"),
    ("https://suckhoe.vnexpress.net/a.html", "vnexpress.net"),
    ("https://www.baocantho.com.vn/a.html", "baocantho.com.vn"),
    ("https://chinhphu.gov.vn/", "chinhphu.gov.vn"),
    ("https://feeds.bbci.co.uk/vietnamese/rss.xml", "bbci.co.uk"),
    ("http://127.0.0.1:8000/a.html", "127.0.0.1"),
    ("localhost", "localhost"),
])
def test_registered_domain(url: str, domain: str) -> None:
    assert registered_domain(url) == domain


def test_unescape_all_undoes_double_escaping() -> None:
    assert unescape_all("Chi&amp;#7871;n s&amp;#7921;") == "Chiến sự"
    assert unescape_all("AT&T") == "AT&T"


def test_extracted_text_is_already_in_stored_form() -> None:
    """build_item skips the item's own cleaning (Item.from_clean): that is only right if the
    extractor's title and text come out cleaned. Checked on every saved real article page,
    and on a page written in old-style tone marks, NFD and loose spacing."""
    from pathlib import Path

    from crawlers.extract.article import extract_article
    from crawlers.extract.encoding import decode_html

    pages = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob(
        "*_article*.html"))
    messy = ("<html><head><title>Hoà  bình   thuỷ điện</title></head><body><article>"
             + "<p>Khoẻ   mạnh, hoà thuận.   " * 5 + "</p>"
             + unicodedata.normalize("NFD", "<p>Chỉ thị 57 về an ninh mạng, hoà bình.</p>")
             + "</article></body></html>").encode()
    bodies = [page.read_bytes() for page in pages] + [messy]
    source = Source(key="s", name="  Báo   Hoà Bình ", official=True)
    for body in bodies:
        url = "https://example.vn/bai.html"
        article = extract_article(decode_html(body, "text/html", url), url, FETCHED)
        item = build_item(article, source, url, FETCHED)
        recleaned = Item(**item.model_dump())
        assert (item.title, item.text, item.outlet) == (
            recleaned.title, recleaned.text, recleaned.outlet)
    assert item.outlet == "Báo Hòa Bình" and "hòa bình" in item.text.lower()
