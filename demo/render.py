# HTML templates keep each markup line whole so the output reads like the page it imitates.
# ruff: noqa: E501
"""HTML for the sample outlets, one markup flavour per outlet like real Vietnamese CMSs.

Each flavour puts the date where a real site of that kind does (see
/work/shared/fixtures/html/README.md), so the crawler's date and body extraction is exercised
the way it will be on the real web:

- ``legacy-portal``: an old provincial portal. Table layout, windows-1258, a date-only
  ``DC.date.issued`` meta and the time only in the text "Ngày đăng: 10/03/2026 08:15".
- ``cms-jsonld``: the Nhân Dân / Báo Lào Cai CMS family. ``article:published_time`` and a
  JSON-LD ``NewsArticle``.
- ``cms-time``: a newer CMS with ``<time datetime="...+07:00">`` and no date meta.
- ``text-date``: VnExpress-like. Only the visible "Thứ ba, 10/3/2026, 08:15 (GMT+7)".
- ``forum``: a vBulletin-style thread, body paragraphs split by ``<br />``, date
  "10-03-2026 - 08:15".

Every page carries the banner :data:`BANNER`. Boilerplate (menus, related links, footers) is
there so extraction has something to throw away; on an off-topic page it never names the
directive, so the topic filter's verdict depends on the article alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b
from html import escape

from demo.content import Article, Outlet

BANNER = "NỘI DUNG MẪU – dữ liệu minh họa, không phải tin thật"
_BANNER_STYLE = (
    "background:#fff3cd;color:#7a4b00;border-bottom:2px solid #e0a800;padding:6px 12px;"
    "font:bold 14px/1.4 Arial,sans-serif;text-align:center"
)
_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    published_at: datetime


@dataclass(frozen=True)
class Page:
    """Everything one article page needs."""

    outlet: Outlet
    article: Article
    url: str  # absolute
    published_at: datetime  # aware, Vietnam time
    home_url: str  # the outlet's front page, absolute
    related: Sequence[Link]  # "Tin liên quan": same outlet, same kind of story
    popular: Sequence[Link]  # "Đọc nhiều" sidebar


def number(key: str, digits: int) -> int:
    """A stable pseudo-id with ``digits`` digits, for URLs and forum post numbers."""
    value = int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
    low = 10 ** (digits - 1)
    return low + value % (9 * low)


def _vn_int(value: int) -> str:
    """12345 -> "12.345": Vietnamese pages group thousands with dots."""
    return f"{value:,}".replace(",", ".")


def _e(text: str) -> str:
    return escape(text, quote=True)


def banner() -> str:
    return f'<div class="demo-banner" role="note" style="{_BANNER_STYLE}">{_e(BANNER)}</div>'


def _head(page: Page, charset: str, extra: str = "") -> str:
    a, o = page.article, page.outlet
    return (
        f'<meta charset="{charset}">\n'
        f"<title>{_e(a.title)} - {_e(o.name)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="description" content="{_e(a.sapo)}">\n'
        f'<link rel="canonical" href="{_e(page.url)}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:site_name" content="{_e(o.name)}">\n'
        f'<meta property="og:title" content="{_e(a.title)}">\n'
        f'<meta property="og:description" content="{_e(a.sapo)}">\n'
        f'<meta property="og:url" content="{_e(page.url)}">\n'
        f'<meta name="robots" content="index, follow">\n'
        f"{extra}"
    )


def _menu(page: Page, items: Sequence[str], cls: str) -> str:
    links = "".join(
        f'<li><a href="{_e(page.home_url)}" title="{_e(item)}">{_e(item)}</a></li>'
        for item in items
    )
    return f'<ul class="{cls}">{links}</ul>'


def _paragraphs(article: Article, attrs: str = "") -> str:
    return "\n".join(f"<p{attrs}>{_e(p)}</p>" for p in article.body)


# ----------------------------------------------------------------------------- legacy portal


def _legacy_portal(page: Page) -> str:
    a, o, when = page.article, page.outlet, page.published_at
    others = "".join(
        f'<li><a href="{_e(link.url)}">{_e(link.title)}</a> '
        f'<span class="other-date">({link.published_at:%d/%m/%Y})</span></li>'
        for link in page.related
    )
    menu = _menu(page, (
        "Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Chỉ đạo - Điều hành", "Văn bản",
        "Dịch vụ công", "Hỏi - Đáp", "Liên hệ",
    ), "menu-top")
    extra = (
        f'<meta name="keywords" content="{_e(o.name)}, {_e(a.section)}">\n'
        f'<meta name="DC.title" content="{_e(a.title)}">\n'
        f'<meta name="DC.date.issued" content="{when:%Y-%m-%d}">\n'
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="vi">
<head>
{_head(page, o.charset, extra)}</head>
<body>
{banner()}
<table id="wrapper" width="1000" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td id="header" colspan="3">
<div class="header-title">{_e(o.tagline.upper())}</div>
<div class="header-sub">{_e(o.name)}</div>
</td></tr>
<tr><td id="menu" colspan="3">{menu}</td></tr>
<tr>
<td id="left" valign="top" width="200">
<div class="box"><div class="box-title">CHUYÊN MỤC</div>
<ul><li><a href="{_e(page.home_url)}">Tin tức - Sự kiện</a></li><li><a href="{_e(page.home_url)}">Kinh tế</a></li><li><a href="{_e(page.home_url)}">Văn hóa - Xã hội</a></li><li><a href="{_e(page.home_url)}">Thông báo</a></li></ul></div>
<div class="box"><div class="box-title">LIÊN KẾT WEBSITE</div>
<select name="weblink"><option>-- Chọn liên kết --</option><option>Cổng Dịch vụ công tỉnh Mẫu</option><option>Hệ thống thư điện tử công vụ</option></select></div>
</td>
<td id="main" valign="top">
<div class="breadcrumb"><a href="{_e(page.home_url)}">Trang chủ</a> &raquo; <a href="{_e(page.home_url)}">{_e(a.section)}</a></div>
<div class="ArticleTitle"><h2>{_e(a.title)}</h2></div>
<div class="ArticleDate">Ngày đăng: {when:%d/%m/%Y %H:%M}</div>
<div class="ArticleSummary"><strong>{_e(a.sapo)}</strong></div>
<div class="ArticleContent">
{_paragraphs(a, ' style="text-align: justify;"')}
<p style="text-align: right;"><strong>{_e(a.author)}</strong></p>
</div>
<div class="ArticleTools"><a href="javascript:window.print()">In bài viết</a> | <a href="mailto:?subject=Tin">Gửi email</a> | <a href="#wrapper">Về đầu trang</a></div>
<div class="OtherNews"><div class="OtherNewsTitle">Các tin khác</div><ul>{others}</ul></div>
</td>
<td id="right" valign="top" width="200">
<div class="box"><div class="box-title">THỐNG KÊ TRUY CẬP</div><p>Đang truy cập: {number(a.slug + "online", 2)}</p><p>Tổng lượt truy cập: {_vn_int(number(a.slug + "visits", 7))}</p></div>
</td>
</tr>
<tr><td id="footer" colspan="3">
<p><strong>{_e(o.tagline)}</strong> (trang mẫu) – Cơ quan chủ quản: UBND tỉnh Mẫu (giả định)</p>
<p>Địa chỉ: Số 1, đường Mẫu, phường Trung Tâm, tỉnh Mẫu. Điện thoại: 0200.000.000</p>
<p>Ghi rõ nguồn “{_e(o.name)}” khi phát hành lại thông tin từ website này.</p>
<p><a href="/cong-mau/admin/">Quản trị</a></p>
{banner()}
</td></tr>
</table>
</body>
</html>
"""


# ----------------------------------------------------------------------------- cms + JSON-LD


def _json_ld(page: Page) -> str:
    a, o, when = page.article, page.outlet, page.published_at
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.url},
        "headline": a.title,
        "description": a.sapo,
        "articleSection": a.section,
        "inLanguage": "vi",
        "datePublished": when.isoformat(),
        "dateModified": when.isoformat(),
        "author": {"@type": "Person", "name": a.author},
        "publisher": {"@type": "Organization", "name": o.name, "url": page.home_url},
    }
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Trang chủ", "item": page.home_url},
            {"@type": "ListItem", "position": 2, "name": a.section, "item": page.home_url},
        ],
    }
    # "</" inside a script would end it early; JSON allows the escaped slash.
    return "\n".join(
        '<script type="application/ld+json">'
        + json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")
        + "</script>"
        for obj in (data, crumbs)
    )


def _cms_jsonld(page: Page) -> str:
    a, o, when = page.article, page.outlet, page.published_at
    related = "".join(
        f'<article class="story"><h3 class="story__heading"><a class="cms-link" '
        f'href="{_e(link.url)}" title="{_e(link.title)}">{_e(link.title)}</a></h3></article>'
        for link in page.related
    )
    popular = "".join(
        f'<li><a href="{_e(link.url)}">{_e(link.title)}</a></li>' for link in page.popular
    )
    extra = (
        f'<meta property="article:published_time" content="{when.isoformat()}">\n'
        f'<meta property="article:modified_time" content="{when.isoformat()}">\n'
        f'<meta property="article:section" content="{_e(a.section)}">\n'
        f"{_json_ld(page)}\n"
    )
    menu = _menu(page, (
        "Thời sự", "Chính trị", "Xây dựng Đảng", "Kinh tế", "Xã hội", "Pháp luật", "Giáo dục",
        "Văn hóa", "Thể thao", "Diễn đàn", "Multimedia",
    ), "menu-nav")
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
{_head(page, o.charset, extra)}</head>
<body>
{banner()}
<header class="site-header">
<div class="container"><a class="logo" href="{_e(page.home_url)}" title="{_e(o.name)}">{_e(o.name)}</a>
<span class="header-slogan">{_e(o.tagline)}</span>
<nav class="main-menu">{menu}</nav></div>
</header>
<div class="site-body"><div class="container detail">
<div class="breadcrumbs"><h2 class="main"><a href="{_e(page.home_url)}" class="active">{_e(a.section)}</a></h2></div>
<div class="col"><div class="main-col content-col">
<div class="article">
<h1 class="article__title cms-title">{_e(a.title)}</h1>
<div class="article__meta"><div class="row"><span class="time"><i class="ic-calendar"></i>{when:%d/%m/%Y %H:%M}</span></div>
<div class="row"><div class="social social-share"><a href="javascript:void(0);" class="fb" title="Chia sẻ qua Facebook">Chia sẻ qua Facebook</a> <a href="javascript:void(0);" class="zalo" title="Chia sẻ qua Zalo">Chia sẻ qua Zalo</a> <a href="javascript:void(0);" class="print" title="In bài viết">In bài viết</a></div></div></div>
<div class="article__sapo cms-desc">{_e(a.sapo)}</div>
<div class="article__body zce-content-body cms-body" itemprop="articleBody">
{_paragraphs(a)}
</div>
<div class="article__author"><span class="name cms-author">{_e(a.author)}</span></div>
<div class="article__tag"><span>Từ khóa:</span> <a href="{_e(page.home_url)}">{_e(a.section)}</a></div>
</div>
<div class="box-related"><h3 class="box-heading">Tin liên quan</h3>{related}</div>
</div>
<aside class="sub-col"><div class="box-most-viewed"><h3 class="box-heading">Đọc nhiều</h3><ol>{popular}</ol></div></aside>
</div></div></div>
<footer class="site-footer"><div class="container">
<p><strong>{_e(o.name)}</strong> – báo điện tử mẫu, chỉ dùng cho bản trình diễn phuxanh.</p>
<p>Giấy phép mẫu số 00/GP-MAU. Tòa soạn: số 1 đường Mẫu, tỉnh {_e(o.province or "Mẫu")} (địa chỉ giả định).</p>
<p><a href="/{o.key}/admin/">Quản trị</a></p>
{banner()}
</div></footer>
</body>
</html>
"""


# ----------------------------------------------------------------------------- cms <time>


def _cms_time(page: Page) -> str:
    a, o, when = page.article, page.outlet, page.published_at
    related = "".join(
        f'<li class="related-item"><a href="{_e(link.url)}">{_e(link.title)}</a></li>'
        for link in page.related
    )
    popular = "".join(
        f'<div class="hot-item"><a href="{_e(link.url)}">{_e(link.title)}</a></div>'
        for link in page.popular
    )
    menu = _menu(page, (
        "Chính trị", "Kinh tế", "Xã hội", "Pháp luật", "Quốc phòng - An ninh", "Giáo dục",
        "Văn hóa - Du lịch", "Biên giới", "Tiếng Thái", "Tiếng Mông",
    ), "nav-list")
    weekday = _WEEKDAYS[when.weekday()]
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
{_head(page, o.charset)}</head>
<body class="page-detail">
{banner()}
<div class="top-bar"><div class="wrap"><span class="today">Báo điện tử mẫu</span> <a href="{_e(page.home_url)}">Đăng ký nhận tin</a></div></div>
<header class="header"><div class="wrap"><a class="brand" href="{_e(page.home_url)}">{_e(o.name)}</a><p class="brand-sub">{_e(o.tagline)}</p></div>
<nav class="nav">{menu}</nav></header>
<main class="wrap layout">
<div class="layout-main">
<article class="post-detail">
<div class="post-cat"><a href="{_e(page.home_url)}">{_e(a.section)}</a></div>
<h1 class="post-title">{_e(a.title)}</h1>
<div class="post-meta"><span class="post-author">{_e(a.author)}</span> <span class="sep">|</span> <time class="post-time" datetime="{when.isoformat()}">{weekday}, {when:%d/%m/%Y} - {when:%H:%M}</time></div>
<p class="post-sapo"><strong>{_e(a.sapo)}</strong></p>
<div class="post-content" id="content">
{_paragraphs(a)}
</div>
<div class="post-share"><a href="javascript:void(0)" class="btn-share">Chia sẻ</a> <a href="javascript:void(0)" class="btn-print">In</a></div>
</article>
<section class="related"><h2 class="related-title">Bài viết liên quan</h2><ul>{related}</ul></section>
</div>
<aside class="layout-side"><h2 class="side-title">Tin nổi bật</h2>{popular}</aside>
</main>
<footer class="footer"><div class="wrap">
<p>{_e(o.name)} – trang báo mẫu dùng cho bản trình diễn, không phải cơ quan báo chí thật.</p>
<p>Địa chỉ tòa soạn giả định: tỉnh {_e(o.province or "Mẫu")}. Email: toasoan@example.invalid</p>
<p><a href="/{o.key}/admin/">Quản trị</a></p>
{banner()}
</div></footer>
</body>
</html>
"""


# ----------------------------------------------------------------------------- visible text date


def _text_date(page: Page) -> str:
    a, o, when = page.article, page.outlet, page.published_at
    shown = f"{_WEEKDAYS[when.weekday()]}, {when.day}/{when.month}/{when.year}, {when:%H:%M} (GMT+7)"
    related = "".join(
        f'<article class="item-news"><h3 class="title-news"><a href="{_e(link.url)}" '
        f'title="{_e(link.title)}">{_e(link.title)}</a></h3></article>'
        for link in page.related
    )
    popular = "".join(
        f'<li><a href="{_e(link.url)}" title="{_e(link.title)}">{_e(link.title)}</a></li>'
        for link in page.popular
    )
    menu = _menu(page, (
        "Thời sự", "Góc nhìn", "Thế giới", "Kinh doanh", "Khởi nghiệp", "Số hóa", "Giáo dục",
        "Việc làm", "Giới trẻ", "Bạn đọc", "Hỏi đáp",
    ), "parent")
    comments = number(a.slug + "comments", 2)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
{_head(page, o.charset)}<meta name="tt_site_id" content="{number(o.key, 7)}">
<meta name="tt_article_id" content="{number(a.slug, 7)}">
</head>
<body>
{banner()}
<header class="header"><div class="container"><a class="logo" href="{_e(page.home_url)}" title="{_e(o.name)}">{_e(o.name)}</a>
<span class="slogan">{_e(o.tagline)}</span></div></header>
<nav class="main-nav"><div class="container">{menu}</div></nav>
<section class="section page-detail top-detail"><div class="container">
<div class="sidebar-1">
<div class="header-content width_common"><ul class="breadcrumb"><li><a href="{_e(page.home_url)}" title="{_e(a.section)}">{_e(a.section)}</a></li></ul><span class="date">{shown}</span></div>
<h1 class="title-detail">{_e(a.title)}</h1>
<p class="description">{_e(a.sapo)}</p>
<article class="fck_detail">
{_paragraphs(a, ' class="Normal"')}
<p class="Normal" style="text-align:right;"><strong>{_e(a.author)}</strong></p>
</article>
<div class="footer-content"><div class="box-comment">Ý kiến ({comments})</div></div>
<div class="box-tinlienquanv2"><h3 class="title-box">Xem thêm</h3>{related}</div>
</div>
<div class="sidebar-2"><div class="box-most-read"><h3 class="title-box">Xem nhiều</h3><ul>{popular}</ul></div></div>
</div></section>
<footer class="footer"><div class="container">
<p>{_e(o.name)} – trang tin mẫu, mọi nội dung là giả định.</p>
<p>© {_e(o.name)}. Liên hệ quảng cáo: quangcao@example.invalid</p>
<p><a href="/{o.key}/admin/">Quản trị</a></p>
{banner()}
</div></footer>
</body>
</html>
"""


# ----------------------------------------------------------------------------- forum thread

_SIGNATURES = (
    "Sống chậm lại, nghĩ khác đi.",
    "Máy mình: ThinkPad cũ, Linux, một cốc cà phê.",
    "Mua bán phụ kiện, inbox để được tư vấn.",
    "Đọc kỹ trước khi hỏi, tìm kiếm trước khi lập chủ đề.",
    "Chữ ký để trống.",
)
_USER_TITLES = ("Thành viên mới", "Thành viên", "Thành viên tích cực", "Thành viên kỳ cựu")


def _forum(page: Page) -> str:
    a, o, when = page.article, page.outlet, page.published_at
    post_id = number(a.slug + "post", 7)
    join_month = 1 + number(a.author + "m", 2) % 12
    join_year = 2014 + number(a.author + "y", 2) % 10
    posts = number(a.author + "posts", 4)
    likes = number(a.slug + "likes", 2)
    views = number(a.slug + "views", 4)
    signature = _SIGNATURES[number(a.author, 3) % len(_SIGNATURES)]
    user_title = _USER_TITLES[number(a.author + "t", 3) % len(_USER_TITLES)]
    # vBulletin keeps the post as one block with <br /> between paragraphs, no <p>.
    message = "<br />\n<br />\n".join(_e(part) for part in (a.sapo, *a.body))
    similar = "".join(
        f'<li><a href="{_e(link.url)}">{_e(link.title)}</a> '
        f'<span class="time">{link.published_at:%d-%m-%Y}</span></li>'
        for link in page.related
    )
    user = _e(a.author)
    return f"""<!DOCTYPE html>
<html lang="vi" dir="ltr">
<head>
{_head(page, o.charset)}<meta name="generator" content="vBulletin (mẫu)">
</head>
<body>
{banner()}
<div class="above_body">
<div id="header"><a name="top" href="{_e(page.home_url)}" class="logo-image">{_e(o.name)}</a>
<div id="toplinks"><a href="/{o.key}/login/">Đăng nhập</a> | <a href="/{o.key}/register/">Đăng ký</a></div></div>
<div id="navbar"><ul class="navtabs"><li><a href="{_e(page.home_url)}">Diễn đàn</a></li><li><a href="{_e(page.home_url)}">Bài mới</a></li><li><a href="{_e(page.home_url)}">Thành viên</a></li><li><a href="{_e(page.home_url)}">Tìm kiếm</a></li></ul></div>
</div>
<div class="body_wrapper">
<div id="breadcrumb" class="breadcrumb"><ul class="floatcontainer"><li class="navbithome"><a href="{_e(page.home_url)}">{_e(o.name)}</a></li> <li class="navbit">› <a href="{_e(page.home_url)}">{_e(a.section)}</a></li></ul></div>
<div id="pagetitle"><h1>Chủ đề: <span class="threadtitle"><a href="{_e(page.url)}" title="Tải lại trang">{_e(a.title)}</a></span></h1></div>
<div id="thread_controls" class="thread_info"><span>Lượt xem: {_vn_int(views)}</span> <span>Trả lời: 0</span></div>
<div id="postlist" class="postlist restrain">
<ol id="posts" class="posts" start="1">
<li class="postbitlegacy postbitim postcontainer" id="post_{post_id}">
<div class="posthead"><span class="postdate old"><span class="date">{when:%d-%m-%Y - %H:%M}</span></span><span class="nodecontrols"><a name="post{post_id}" href="{_e(page.url)}#post{post_id}" class="postcounter">#1</a></span></div>
<div class="postdetails">
<div class="userinfo"><div class="username_container"><a class="username offline popupctrl" href="/{o.key}/members/{number(a.author, 5)}/"><strong>{user}</strong></a></div>
<span class="usertitle">{user_title}</span>
<dl class="userinfo_extra"><dt>Tham gia</dt> <dd>{join_month:02d}-{join_year}</dd> <dt>Bài viết</dt> <dd>{_vn_int(posts)}</dd></dl></div>
<div class="postbody"><div class="postrow">
<h2 class="title icon">{_e(a.title)}</h2>
<div class="content"><div id="post_message_{post_id}"><blockquote class="postcontent restore">
{message}
</blockquote></div></div>
</div>
<div class="after_content"><blockquote class="signature restore"><div class="signaturecontainer">{_e(signature)}</div></blockquote></div>
<div class="postfoot"><div class="textcontrols"><a class="quote" href="/{o.key}/login/">Trả lời với trích dẫn</a></div><div class="likes">{likes} thành viên thích bài viết này</div></div>
</div></div>
</li>
</ol>
</div>
<div id="qr_defaultcontainer" class="quick-reply"><h2>Trả lời nhanh</h2><p>Bạn cần <a href="/{o.key}/login/">đăng nhập</a> để trả lời chủ đề này.</p></div>
<div id="similar_threads" class="similar-threads"><h4 class="threadinfohead">Chủ đề tương tự</h4><ul>{similar}</ul></div>
</div>
<div id="footer" class="footer"><p>{_e(o.name)} – diễn đàn mẫu; thành viên, bài viết đều là giả định.</p>
<p>Múi giờ GMT +7. <a href="/{o.key}/admin/">Quản trị</a></p>
{banner()}
</div>
</body>
</html>
"""


_RENDERERS = {
    "legacy-portal": _legacy_portal,
    "cms-jsonld": _cms_jsonld,
    "cms-time": _cms_time,
    "text-date": _text_date,
    "forum": _forum,
}


def render_article(page: Page) -> str:
    """The article page as text; the caller encodes it in the outlet's charset."""
    return _RENDERERS[page.outlet.style](page)


# ----------------------------------------------------------------------------- other pages


def render_outlet_home(outlet: Outlet, home_url: str, feed_url: str, items: Sequence[Link],
                       sapos: Sequence[str]) -> str:
    """The outlet's front page: newest stories first, with the feed advertised in the head."""
    feed_type = "application/atom+xml" if outlet.feed == "atom" else "application/rss+xml"
    rows = "\n".join(
        f'<li class="story"><a href="{_e(link.url)}">{_e(link.title)}</a> '
        f'<span class="time">{link.published_at:%d/%m/%Y %H:%M}</span>'
        f'<p class="sapo">{_e(sapo)}</p></li>'
        for link, sapo in zip(items, sapos, strict=True)
    )
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="{outlet.charset}">
<title>{_e(outlet.name)} – {_e(outlet.tagline)}</title>
<link rel="alternate" type="{feed_type}" title="{_e(outlet.name)}" href="{_e(feed_url)}">
<link rel="canonical" href="{_e(home_url)}">
</head>
<body>
{banner()}
<header><h1><a href="{_e(home_url)}">{_e(outlet.name)}</a></h1><p>{_e(outlet.tagline)}</p>
<p><a href="{_e(feed_url)}">RSS</a></p></header>
<main><ul class="list-news">
{rows}
</ul></main>
<footer><p><a href="{_e(home_url)}admin/">Quản trị</a></p>{banner()}</footer>
</body>
</html>
"""


def render_admin(outlet: Outlet) -> str:
    """A login page under /admin/, which robots.txt keeps crawlers out of."""
    return f"""<!DOCTYPE html>
<html lang="vi">
<head><meta charset="{outlet.charset}"><title>Đăng nhập quản trị – {_e(outlet.name)}</title>
<meta name="robots" content="noindex, nofollow"></head>
<body>
{banner()}
<h1>Đăng nhập quản trị</h1>
<form method="post" action="#"><label>Tài khoản <input name="u"></label>
<label>Mật khẩu <input name="p" type="password"></label><button>Đăng nhập</button></form>
</body>
</html>
"""


def render_index(outlets: Sequence[tuple[Outlet, str, str, int]], today_text: str) -> str:
    """The sample site's root: what it is, and each outlet with its feed and article count."""
    rows = "\n".join(
        f'<li><a href="{_e(home)}">{_e(o.name)}</a> – '
        f'{"kênh chính thống" if o.official else "kênh không chính thống"}'
        f'{", " + _e(o.province) if o.province else ""}; {count} bài; '
        f'<a href="{_e(feed)}">{"Atom" if o.feed == "atom" else "RSS"}</a></li>'
        for o, home, feed, count in outlets
    )
    return f"""<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>phuxanh – trang mẫu cho bản trình diễn</title></head>
<body>
{banner()}
<h1>Trang mẫu cho bản trình diễn phuxanh</h1>
<p>Toàn bộ cơ quan báo chí, diễn đàn, tác giả, nhân vật và sự kiện trên trang này đều là
giả định, được viết riêng cho bản trình diễn. Ngày đăng được tính lùi từ ngày chạy
({_e(today_text)}).</p>
<ul>
{rows}
</ul>
</body>
</html>
"""
