from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from crawlers.extract.article import extract_article
from crawlers.extract.encoding import decode_html
from crawlers.extract.feed import FeedEntry
from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ, DateSource

FETCHED = datetime(2026, 3, 8, 12, 0, tzinfo=VN_TZ)
H7 = timedelta(hours=7)

# fixture, URL it was saved from, title, published (ISO), date source, author, min body chars,
# a phrase from the body, a phrase that must not be in it (boilerplate)
REAL_PAGES = [
    ("vnexpress_article.html",
     "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
     "Cách các nước đối phó cú sốc năng lượng từ Trung Đông",
     "2026-03-07T00:05:00+07:00", DateSource.PAGE_METADATA, "Hà Thu", 5000,
     "Xung đột giữa Mỹ - Israel với Iran", "Ý kiến"),
    ("tuoitre_article.html",
     "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm",
     "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh",
     "2026-03-07T08:01:53+07:00", DateSource.PAGE_METADATA, "NHẬT XUÂN, NGHI VŨ", 2500,
     "Hà Lan hay Ecuador", "Đăng nhập"),
    ("dantri_article.html",
     "https://dantri.com.vn/kinh-doanh/"
     "gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.htm",
     "Giá vàng giảm, vẫn cao hơn thế giới gần 20 triệu đồng/lượng",
     "2026-03-07T08:07:18+07:00", DateSource.PAGE_METADATA, "Tri Túc", 2000,
     "(Dân trí) - Giá vàng trong nước tiếp tục giảm", "Đăng nhập"),
    ("baochinhphu_article.html",
     "https://baochinhphu.vn/chinh-sach-moi-co-hieu-luc-tu-thang-3-2026-102260228093004191.htm",
     "Chính sách mới có hiệu lực từ tháng 3/2026",
     "2026-03-01T09:51:00+07:00", DateSource.PAGE_METADATA, None, 8000,
     "Nghị định số 357/2025/NĐ-CP", "Tải ứng dụng"),
    ("vietnamnet_article.html",
     "https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html",
     "Cổ phiếu FLC được giao dịch trở lại",
     "2026-03-07T08:52:11+07:00", DateSource.PAGE_METADATA, "Duy Anh", 1200,
     "Chứng khoán Artex", "Đăng nhập"),
    ("nld_article.html",
     "https://nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-ve-"
     "thue-196260307071308923.htm",
     "Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định thuế mới",
     "2026-03-07T08:06:00+07:00", DateSource.PAGE_METADATA, "Minh Chiến", 3500,
     "Nghị định 68/2026/NĐ-CP", "Đăng nhập"),
    ("baolaocai_article.html",
     "https://baolaocai.vn/song-dep-tu-nhung-dieu-gian-di-post404649.html",
     "Sống đẹp từ những điều giản dị",
     "2025-06-17T13:43:02+07:00", DateSource.PAGE_METADATA, None, 2500,
     "Thiếu tá Đoàn Thị Hạnh", "Đăng nhập"),
    # The page's JSON-LD has only the day; the printed "08/01/2026 - 18:21" is more precise.
    ("baocantho_article.html",
     "https://baocantho.com.vn/tap-trung-trien-khai-cac-dot-thanh-tra-kiem-tra-co-trong-tam-"
     "trong-diem-nhat-la-cac-linh-vuc-co-ng-a196670.html",
     "Tập trung triển khai các đợt thanh tra, kiểm tra có trọng tâm, trọng điểm nhất là các "
     "lĩnh vực có nguy cơ",
     "2026-01-08T18:21:00+07:00", DateSource.PAGE_TEXT, None, 3000,
     "Phó Thủ tướng Thường trực Nguyễn Hòa Bình", "Đăng nhập"),
    ("znews_article.html",
     "https://znews.vn/gia-vang-the-gioi-cao-nhat-moi-thoi-dai-post1613516.html",
     "Giá vàng thế giới cao nhất mọi thời đại",
     "2025-12-23T09:02:07+07:00", DateSource.PAGE_METADATA, "Anh Nguyễn", 2500,
     "4.400 USD/ounce", "Đăng nhập"),
]


@pytest.mark.parametrize(
    ("name", "url", "title", "published", "source", "author", "min_chars", "phrase", "absent"),
    REAL_PAGES, ids=[page[0].split("_")[0] for page in REAL_PAGES],
)
def test_real_article_pages(
    fixture_text: Any, name: str, url: str, title: str, published: str, source: DateSource,
    author: str | None, min_chars: int, phrase: str, absent: str,
) -> None:
    article = extract_article(fixture_text(f"html/{name}"), url, FETCHED)
    assert article.title == title
    assert article.published_at.isoformat() == published
    assert article.published_at.utcoffset() == H7
    assert article.date_source == source
    assert article.author == author
    assert article.canonical_url == url
    assert article.lang == "vi"
    assert min_chars <= len(article.text) < 30_000
    assert phrase in article.text
    assert absent not in article.text
    assert "\n" in article.text  # paragraphs kept apart
    assert all(line.strip() == line and line for line in article.text.split("\n"))


def test_znews_canonical_prefers_rel_canonical_over_short_og_url(fixture_text: Any) -> None:
    article = extract_article(fixture_text("html/znews_article.html"),
                              "https://znews.vn/znews-post1613516.html?utm_source=fb", FETCHED)
    assert article.canonical_url == (
        "https://znews.vn/gia-vang-the-gioi-cao-nhat-moi-thoi-dai-post1613516.html"
    )


def test_undecoded_gzip_page_extracts_like_the_clean_copy(fixture_bytes: Any) -> None:
    url = "https://baolaocai.vn/song-dep-tu-nhung-dieu-gian-di-post404649.html"
    html = decode_html(fixture_bytes("html/baolaocai_article_undecoded_gzip.html"),
                       "text/html", url)
    clean = decode_html(fixture_bytes("html/baolaocai_article.html"), "text/html", url)
    assert extract_article(html, url, FETCHED) == extract_article(clean, url, FETCHED)


def _page(head: str = "", body_extra: str = "", url_note: str = "") -> str:
    paragraphs = "".join(
        f"<p>Đoạn {n}: triển khai Chỉ thị số 57-CT/TW về an ninh mạng, an toàn thông tin và an "
        f"ninh dữ liệu ở cơ sở, với sự tham gia của báo chí địa phương{url_note}.</p>"
        for n in range(1, 5)
    )
    return (
        f"<html lang='vi'><head><meta charset='utf-8'>{head}<title>Tin thử</title></head>"
        f"<body><h1>Tiêu đề thử</h1>{body_extra}<div itemprop='articleBody'>{paragraphs}</div>"
        "</body></html>"
    )


FEED_ENTRY = FeedEntry("https://x.vn/bai.html", "Tiêu đề trong feed",
                       datetime(2026, 3, 5, 9, 0, tzinfo=VN_TZ), "")


def test_implausible_metadata_date_falls_back_with_a_note() -> None:
    html = _page('<meta property="article:published_time" content="2019-05-01T08:00:00+07:00">')
    article = extract_article(html, "https://x.vn/bai.html", FETCHED, FEED_ENTRY)
    assert article.date_source == DateSource.FEED
    assert article.published_at == FEED_ENTRY.published_at
    assert any("before 2025-01-01" in note for note in article.date_notes)


def test_future_metadata_date_is_refused() -> None:
    html = _page('<meta property="article:published_time" content="2027-01-01T08:00:00+07:00">')
    article = extract_article(html, "https://x.vn/2026/03/04/bai.html", FETCHED)
    assert article.date_source == DateSource.URL
    assert article.published_at.isoformat() == "2026-03-04T00:00:00+07:00"
    assert any("future" in note for note in article.date_notes)


def test_printed_date_beats_the_feed() -> None:
    html = _page(body_extra="<span class='date'>Thứ tư, 4/3/2026, 16:40 (GMT+7)</span>")
    article = extract_article(html, "https://x.vn/bai.html", FETCHED, FEED_ENTRY)
    assert article.date_source == DateSource.PAGE_TEXT
    assert article.published_at.isoformat() == "2026-03-04T16:40:00+07:00"


def test_todays_date_in_the_site_header_is_not_taken() -> None:
    html = _page(body_extra="<div class='header-date'>Chủ nhật, 08/03/2026</div>")
    article = extract_article(html, "https://x.vn/bai.html", FETCHED)
    assert article.date_source == DateSource.CRAWL_TIME
    assert article.published_at == FETCHED


def test_canonical_on_another_domain_is_ignored() -> None:
    html = _page('<link rel="canonical" href="https://other-outlet.vn/ban-goc.html">')
    article = extract_article(html, "https://m.x.vn/bai.html?utm_source=zalo", FETCHED)
    assert article.canonical_url == "https://m.x.vn/bai.html"


def test_relative_canonical_on_a_subdomain_is_used() -> None:
    html = _page('<link rel="canonical" href="https://www.x.vn/bai-goc.html">')
    assert extract_article(html, "https://m.x.vn/bai.html", FETCHED).canonical_url == (
        "https://www.x.vn/bai-goc.html"
    )
    html = _page('<link rel="canonical" href="/bai-goc.html">')
    assert extract_article(html, "https://x.vn/a/b.html", FETCHED).canonical_url == (
        "https://x.vn/bai-goc.html"
    )


def test_title_falls_back_to_the_feed_when_the_page_has_none() -> None:
    html = ("<html><body><div itemprop='articleBody'><p>" + "Nội dung bài viết. " * 30
            + "</p></div></body></html>")
    assert extract_article(html, "https://x.vn/b.html", FETCHED, FEED_ENTRY).title == (
        "Tiêu đề trong feed"
    )


@pytest.mark.parametrize("html", [
    "<html><head><title>Trống</title></head><body></body></html>",
    "<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>",
    "",
])
def test_no_text_is_an_input_error_naming_the_url(html: str) -> None:
    with pytest.raises(InputError, match=r"https://x\.vn/trong\.html"):
        extract_article(html, "https://x.vn/trong.html", FETCHED)


def test_xhtml_with_an_xml_declaration() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + _page()
    assert extract_article(html, "https://x.vn/b.html", FETCHED).title == "Tiêu đề thử"


def test_a_lone_time_element_dates_the_page_but_a_list_of_them_does_not() -> None:
    lone = _page(body_extra="<time datetime='2026-03-03T10:00:00+07:00'>3/3</time>")
    article = extract_article(lone, "https://x.vn/bai.html", FETCHED)
    assert (article.published_at.isoformat(), article.date_source) == (
        "2026-03-03T10:00:00+07:00", DateSource.PAGE_METADATA
    )
    related = "".join(f"<li><time datetime='2026-03-0{n}T10:00:00+07:00'></time></li>"
                      for n in range(1, 4))
    article = extract_article(_page(body_extra=f"<ul>{related}</ul>"), "https://x.vn/b.html",
                              FETCHED)
    assert article.date_source == DateSource.CRAWL_TIME


def test_old_portal_day_only_dublin_core_and_printed_time() -> None:
    # Provincial portals: <meta name="DC.date.issued"> holds the day, the page prints the time.
    html = _page('<meta name="DC.date.issued" content="2026-03-06">',
                 "<div class='ArticleDate'>Ngày đăng: 06/03/2026 09:05</div>")
    article = extract_article(html, "https://x.vn/bai.html", FETCHED, FEED_ENTRY)
    assert (article.published_at.isoformat(), article.date_source) == (
        "2026-03-06T09:05:00+07:00", DateSource.PAGE_TEXT
    )


_RELATIVE_PAGE = """<html lang="vi"><head>{meta}<title>Quán triệt Chỉ thị 57</title></head>
<body><article><h1>Quán triệt Chỉ thị 57</h1>{printed}
<p>Hội nghị quán triệt Chỉ thị số 57-CT/TW về an ninh mạng, an toàn thông tin và an ninh dữ liệu
được tổ chức cho cán bộ, đảng viên ở cơ sở, với nhiều câu hỏi thiết thực của người dân.</p>
<p>Báo cáo viên hướng dẫn cách đặt mật khẩu mạnh và nhận diện các vụ lừa đảo qua tin nhắn.</p>
</article><div class="comments"><span class="comment-time">5 phút trước</span>
<p>Bài viết hay.</p></div></body></html>"""
_FEED_ENTRY = FeedEntry(url="https://x.vn/a.html", title="Quán triệt Chỉ thị 57",
                        published_at=datetime(2026, 3, 7, 9, 0, tzinfo=VN_TZ), summary="")


def test_a_relative_date_in_the_article_date_element_is_page_text() -> None:
    page = _RELATIVE_PAGE.format(meta="", printed='<span class="date">hôm qua, 08:15</span>')
    article = extract_article(page, "https://x.vn/a.html", FETCHED, _FEED_ENTRY)
    assert article.date_source == DateSource.PAGE_TEXT
    assert article.published_at.isoformat() == "2026-03-07T08:15:00+07:00"
    assert article.date_rejections == ()


def test_a_relative_date_of_a_comment_is_not_the_articles() -> None:
    article = extract_article(_RELATIVE_PAGE.format(meta="", printed=""),
                              "https://x.vn/a.html", FETCHED, _FEED_ENTRY)
    assert article.date_source == DateSource.FEED


def test_implausible_dates_are_refused_with_a_code() -> None:
    meta = '<meta property="article:published_time" content="2099-01-01T08:00:00+07:00">'
    printed = '<span class="date">Thứ hai, 10/3/2024, 08:15 (GMT+7)</span>'
    article = extract_article(_RELATIVE_PAGE.format(meta=meta, printed=printed),
                              "https://x.vn/a.html", FETCHED, _FEED_ENTRY)
    assert article.date_source == DateSource.FEED
    assert article.date_rejections == ("future", "before_2025")
    assert len(article.date_notes) == 2
