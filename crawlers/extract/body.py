"""The article body as plain text, paragraphs joined by "\\n".

trafilatura does the work. When the page has a body container we know (one per CMS family in
tests/fixtures/html) we hand it only that container: on Báo Chính phủ the whole page gives
"Tải ứng dụng: / BÁO ĐIỆN TỬ CHÍNH PHỦ" as the first paragraphs, the container gives the
article, and it is 3 to 10 times faster. The sapo (lead) lives outside those containers, so it
is put back in front when the body does not already start with it. Unknown layouts fall back to
trafilatura on the whole page.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from phuxanh.text import clean_multiline, fold

_BODY_CONTAINERS = [
    CSSSelector(selector)
    for selector in (
        "[itemprop=articleBody]",  # Tuổi Trẻ, NLĐ, Báo Lào Cai (Nhân Dân's CMS family)
        "article.fck_detail",  # VnExpress
        "[data-role=content]",  # Báo Chính phủ
        "#desktop-in-article",  # Dân trí (2026)
        "div#maincontent",  # VietNamNet
        "div.the-article-body",  # Znews
        "div.content-fck",  # Báo Cần Thơ
        "div.cms-body", "div.detail-content", "div.article__body", "div.singular-content",
    )
]
# A container holding less than this is a teaser or a mismatch: use the whole page instead.
_MIN_CONTAINER_CHARS = 200


def _trafilatura_text(html: str, fast: bool = False) -> str:
    document = trafilatura.bare_extraction(
        html, fast=fast, favor_precision=True, include_comments=False, include_tables=True,
        with_metadata=False,
    )
    return clean_multiline(document.text or "") if document is not None else ""


def _container_text(tree: HtmlElement, first: list[CSSSelector]) -> str:
    for selector in [*first, *_BODY_CONTAINERS]:
        found = selector(tree)
        if found:
            fragment = lxml.html.tostring(found[0], encoding="unicode")
            # fast: the container is already the article; skip trafilatura's second opinion
            # (readability, jusText), which is for finding it in a whole page.
            return _trafilatura_text(
                f"<html><body><article>{fragment}</article></body></html>", fast=True
            )
    return ""


def _with_lead(text: str, lead: str) -> str:
    if not lead:
        return text
    probe = fold(lead)[:80]
    if probe and probe in fold(text[: len(lead) * 2 + 200]):
        return text
    return f"{lead}\n{text}" if text else lead


def article_text(
    tree: HtmlElement, html: str, lead: str = "", container: str | None = None
) -> str:
    """Body text of the page (may be empty: the caller decides what no text means).
    ``container``: a source's own body selector, tried before the known ones."""
    text = _container_text(tree, [CSSSelector(container)] if container else [])
    if len(text) < _MIN_CONTAINER_CHARS:
        text = _trafilatura_text(html) or text
    return _with_lead(text, clean_multiline(lead))
