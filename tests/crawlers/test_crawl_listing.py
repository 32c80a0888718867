"""Listing-page link extraction on the real category pages (tests/fixtures/html/*_list_*)."""

from __future__ import annotations

from typing import Any

import pytest

from crawlers.extract.listing import Listing, ListingLink, extract_listing
from phuxanh.errors import InputError

VNEXPRESS = ("html/vnexpress_list_kinh-doanh.html", "https://vnexpress.net/kinh-doanh")
TUOITRE = ("html/tuoitre_list_kinh-doanh.html", "https://tuoitre.vn/kinh-doanh.htm")
BAOCHINHPHU = ("html/baochinhphu_list_chinh-sach-moi.html",
               "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm")


def _listing(fixture_text: Any, page: tuple[str, str], selector: str | None = None,
             pattern: str | None = None) -> Listing:
    return extract_listing(fixture_text(page[0]), page[1], selector, pattern)


def test_vnexpress_selector(fixture_text: Any) -> None:
    listing = _listing(fixture_text, VNEXPRESS, "article.item-news h3.title-news a")
    assert len(listing.links) >= 40
    assert listing.links[0] == ListingLink(
        "https://vnexpress.net/gia-vang-the-gioi-tang-manh-dau-tho-vuot-90-usd-5047621.html",
        "Giá vàng thế giới tăng mạnh, dầu thô vượt 90 USD")
    assert all(link.url.startswith("https://vnexpress.net/") for link in listing.links)
    assert listing.next_url == "https://vnexpress.net/kinh-doanh-p2"  # <link rel=next>


def test_tuoitre_selector(fixture_text: Any) -> None:
    listing = _listing(fixture_text, TUOITRE,
                       "a.box-category-link-title[data-linktype=newsdetail]")
    assert len(listing.links) >= 5
    assert listing.links[0].url == ("https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-"
                                    "tang-manh-20260307075519174.htm")
    assert listing.links[0].title == "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh"
    assert all(link.url.endswith(".htm") for link in listing.links)


@pytest.mark.parametrize("selector", ["a.box-stream-link-title", "a[data-linktype=newsdetail]"])
def test_baochinhphu_selectors(fixture_text: Any, selector: str) -> None:
    listing = _listing(fixture_text, BAOCHINHPHU, selector)
    assert len(listing.links) >= 15
    assert all(link.url.startswith("https://baochinhphu.vn/") and link.url.endswith(".htm")
               for link in listing.links)
    assert all(link.title for link in listing.links)


def test_pattern_alone_picks_article_links_of_the_same_site(fixture_text: Any) -> None:
    by_pattern = _listing(fixture_text, BAOCHINHPHU, pattern=r"-\d{15,18}\.htm$")
    by_selector = _listing(fixture_text, BAOCHINHPHU, "a[data-linktype=newsdetail]")
    assert {link.url for link in by_selector.links} <= {link.url for link in by_pattern.links}
    urls = [link.url for link in by_pattern.links]
    assert len(urls) == len(set(urls))


def test_selector_and_pattern_combine(fixture_text: Any) -> None:
    both = _listing(fixture_text, VNEXPRESS, "article.item-news h3.title-news a", r"-50476\d+")
    assert both.links and all("-50476" in link.url for link in both.links)


def test_relative_offsite_duplicate_and_fragment_links() -> None:
    html = """<html><head><base href="https://www.bao.vn/tin/"></head><body>
    <h3 class="t"><a href="bai-1.html">Bài một</a></h3>
    <h3 class="t"><a href="/tin/bai-1.html#binh-luan">Bài một (bình luận)</a></h3>
    <h3 class="t"><a href="https://m.bao.vn/tin/bai-2.html" title="Bài hai">ảnh</a></h3>
    <h3 class="t"><a href="https://quangcao.example.com/tin/bai-3.html">Quảng cáo</a></h3>
    <h3 class="t"><a href="javascript:void(0)">JS</a></h3>
    <div class="t"><p><a href="bai-4.html">Bài bốn</a></p></div>
    <a class="next-page" href="?page=2">Trang sau</a>
    </body></html>"""
    listing = extract_listing(html, "https://www.bao.vn/tin/", ".t")
    assert listing == Listing(
        [ListingLink("https://www.bao.vn/tin/bai-1.html", "Bài một"),
         ListingLink("https://m.bao.vn/tin/bai-2.html", "Bài hai"),
         ListingLink("https://www.bao.vn/tin/bai-4.html", "Bài bốn")],
        "https://www.bao.vn/tin/?page=2",
    )


def test_unparseable_page_names_the_url() -> None:
    with pytest.raises(InputError, match=r"^https://bao\.vn/x: "):
        extract_listing("", "https://bao.vn/x", "a")
