"""What an article page says about itself: title, dates, canonical URL, byline, language, lead.

Every function takes the parsed tree and returns plain values; choosing between them (which
date wins) is :mod:`crawlers.extract.article`'s job. Selectors come from the saved pages in
tests/fixtures/html (VnExpress, Tuổi Trẻ / NLĐ / Báo Chính phủ's shared CMS, Dân trí,
VietNamNet, Znews, Báo Lào Cai, Báo Cần Thơ).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawlers.extract.markup import registered_domain, unescape_all
from phuxanh.schema import canonical_url
from phuxanh.text import clean, fold


def _css(*selectors: str) -> list[CSSSelector]:
    return [CSSSelector(selector) for selector in selectors]


# XPath 1.0 has no lower-case(); old portals write "DC.date.issued" and class="ArticleDate".
_LOWER = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_NAME = _LOWER.format("@name")
_CLASS = _LOWER.format("@class")
_META_DATE_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//*[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
)
_LATE_META_DATE_XPATHS = (
    f"//meta[{_NAME}='pubdate' or {_NAME}='publishdate' or {_NAME}='date'"
    f" or {_NAME}='dc.date.issued' or {_NAME}='dcterms.issued'"
    " or @property='og:published_time']/@content",
    "//time[@data-role='publishdate']/@datetime",
    "(//article//time[@datetime])[1]/@datetime",
)
# Elements that print the article's own date. A date alone (no time) is trusted only here:
# elsewhere it is as likely to be today's date in the site header.
_DATE_TEXT = _css(
    "[data-role=publishdate]", "span.date", ".bread-crumb-detail__time", ".pubdate",
    ".publish-date", ".detail-time", ".date-time", ".article__meta time", "time.time",
)
_DATE_TEXT_ANYWHERE = (
    f"//*[contains({_CLASS}, 'date') or contains({_CLASS}, 'time')"
    f" or contains({_CLASS}, 'publish')]"
)
_BYLINE = _css(
    ".author-info .name", "[data-role=author]", ".article__author .name", ".author_mail strong",
    "p.Normal[style*=right] strong", ".the-article-author", ".author-name", ".author",
)
_LEAD = _css(
    "p.description", "h2.detail-sapo", "h2.content-detail-sapo", "div.article__sapo",
    "p.the-article-summary", ".singular-sapo", "[data-role=sapo]", ".sapo",
)
_ARTICLE_TYPES = {"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "BlogPosting", "OpinionNewsArticle"}


def _first(tree: HtmlElement, xpath: str) -> str:
    for value in tree.xpath(xpath):
        text = clean(unescape_all(str(value)))
        if text:
            return text
    return ""


def _text(element: HtmlElement) -> str:
    return clean(unescape_all(element.text_content()))


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        yield from _walk(node.get("@graph", []))


def json_ld_articles(tree: HtmlElement) -> list[dict[str, Any]]:
    """The JSON-LD objects typed as an article (malformed blocks are skipped)."""
    found = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            # strict=False: CMSs leave raw newlines and tabs inside strings.
            data = json.loads(script.text_content(), strict=False)
        except ValueError:
            continue
        for node in _walk(data):
            types = node.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & _ARTICLE_TYPES:
                found.append(node)
    return found


def title(tree: HtmlElement, site_name: str = "") -> str:
    """og:title, else the first h1, else JSON-LD headline, else <title> less the site name."""
    for value in (
        _first(tree, "//meta[@property='og:title']/@content"),
        next((t for t in map(_text, tree.xpath("//h1")) if t), ""),
        next((clean(unescape_all(str(a.get("headline") or ""))) for a in json_ld_articles(tree)),
             ""),
    ):
        if value:
            return value
    raw = _first(tree, "//title/text()")
    site = fold(site_name or _first(tree, "//meta[@property='og:site_name']/@content"))
    for separator in (" | ", " - ", " – "):
        head, _, tail = raw.rpartition(separator)
        if head and site and (site in fold(tail) or fold(tail) in site):
            return head.strip()
    return raw


def metadata_dates(tree: HtmlElement) -> list[str]:
    """Publication dates the page declares for machines, strongest first (raw strings)."""
    found = [value for xpath in _META_DATE_XPATHS if (value := _first(tree, xpath))]
    found += [
        clean(str(article["datePublished"]))
        for article in json_ld_articles(tree)
        if article.get("datePublished")
    ]
    found += [value for xpath in _LATE_META_DATE_XPATHS if (value := _first(tree, xpath))]
    # Outside <article>, a <time datetime> is the article's only when it is the page's only one
    # (lists of related articles carry one each).
    times = tree.xpath("//time[@datetime]/@datetime")
    if len(times) == 1:
        found.append(clean(str(times[0])))
    return list(dict.fromkeys(found))


def text_dates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """Dates printed for readers: (from elements meant for the article's date, from any element
    whose class mentions a date or time), each in document order, short texts only."""
    specific = [
        text for selector in _DATE_TEXT for element in selector(tree)
        if 0 < len(text := _text(element)) <= 80
    ]
    anywhere = [
        text for element in tree.xpath(_DATE_TEXT_ANYWHERE)
        if 0 < len(text := _text(element)) <= 80
    ]
    return specific, anywhere


def canonical(tree: HtmlElement, url: str) -> str:
    """rel=canonical, else og:url, when it is on the same registered domain as ``url``;
    otherwise ``url`` itself. Always in :func:`phuxanh.schema.canonical_url` form."""
    for declared in (
        _first(tree, "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]"
                     "/@href"),
        _first(tree, "//meta[@property='og:url']/@content"),
    ):
        if not declared:
            continue
        absolute = urljoin(url, declared)
        try:
            if registered_domain(absolute) == registered_domain(url):
                return canonical_url(absolute)
        except ValueError:  # "javascript:", a bare path on a data: URL, ...
            continue
    return canonical_url(url)


def _person_names(article: dict[str, Any]) -> list[str]:
    authors = article.get("author")
    authors = authors if isinstance(authors, list) else [authors]
    names = []
    for author in authors:
        kind = author.get("@type") if isinstance(author, dict) else None
        if kind == "Person" or (isinstance(kind, list) and "Person" in kind):
            name = clean(unescape_all(str(author.get("name") or "")))  # type: ignore[union-attr]
            if name:
                names.append(name)
    return names


def author(tree: HtmlElement) -> str | None:
    """The journalist's byline: JSON-LD Person names, else a byline element. ``meta[name=author]``
    is skipped: Vietnamese outlets put their own name there."""
    for article in json_ld_articles(tree):
        names = _person_names(article)
        if names:
            return ", ".join(dict.fromkeys(names))
    dable = _first(tree, "//meta[@property='dable:author']/@content")
    if dable:
        return ", ".join(name.strip() for name in dable.split(";") if name.strip())
    for selector in _BYLINE:
        for element in selector(tree):
            text = _text(element)
            if 0 < len(text) <= 60 and len(text.split()) <= 6:
                return text
    return None


def lang(tree: HtmlElement, default: str = "vi") -> str:
    declared = (tree.get("lang") or _first(tree, "//html/@lang")).strip().lower()[:2]
    return declared if declared.isalpha() and len(declared) == 2 else default


def lead(tree: HtmlElement) -> str:
    """The sapo (lead paragraph), else the page description."""
    for selector in _LEAD:
        for element in selector(tree):
            text = _text(element)
            if text:
                return text
    return _first(
        tree, "//meta[@property='og:description' or @name='description']/@content"
    )


def site_name(tree: HtmlElement) -> str:
    return _first(tree, "//meta[@property='og:site_name']/@content")
