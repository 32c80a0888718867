"""A listing (category) page -> its article links: a pure function.

With a CSS selector, the links it selects (an element that is not itself ``<a href>`` counts
through the ``<a href>`` inside it); without one, every link on the page. Either way only links
on the page's own registered domain (a CDN or ad link is never an article of this outlet) that
match ``link_pattern`` when one is given, made absolute, without fragments, each once, in page
order. The "next page" link (``<link rel=next>``, ``<a rel=next>`` or an ``a.next-page``-style
button) is returned too, for the spider to follow a few pages deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement

from crawlers.extract.markup import parse_html, registered_domain
from phuxanh.errors import InputError
from phuxanh.text import clean

# Pagination as the CMSs we crawl write it; rel=next first, it is the one meant for machines.
_NEXT_SELECTORS = ("link[rel~=next]", "a[rel~=next]", "a.next-page", "a.next", "a.page-next")


@dataclass(frozen=True)
class ListingLink:
    url: str  # absolute, no fragment
    title: str  # the link text ("" for an image link)


@dataclass(frozen=True)
class Listing:
    links: list[ListingLink]
    next_url: str | None  # the next page of the listing, same site, None on the last page


def _absolute(href: str | None, base: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = urldefrag(urljoin(base, href)).url
    return url if urlsplit(url).scheme in {"http", "https"} else None


def _anchors(tree: HtmlElement, selector: str | None) -> list[HtmlElement]:
    if selector is None:
        return list(tree.iter("a"))
    anchors: list[HtmlElement] = []
    for element in tree.cssselect(selector):
        if element.tag == "a":
            anchors.append(element)
        else:
            anchors.extend(element.iter("a"))
    return anchors


def _base_url(tree: HtmlElement, url: str) -> str:
    base = tree.find(".//base[@href]")
    return urljoin(url, base.get("href")) if base is not None else url


def extract_listing(
    html: str, url: str, selector: str | None = None, link_pattern: str | None = None
) -> Listing:
    """Article links of the listing page fetched from ``url`` (after redirects).

    Raises InputError naming ``url`` when the page cannot be parsed.
    """
    tree = parse_html(html, url)
    base = _base_url(tree, url)
    site = registered_domain(url)
    pattern = re.compile(link_pattern) if link_pattern else None
    links: dict[str, ListingLink] = {}
    try:
        anchors = _anchors(tree, selector)
    except Exception as exc:  # cssselect's SelectorError or lxml's, for a bad selector
        raise InputError(f"{url}: listing selector {selector!r} failed ({exc})") from None
    for anchor in anchors:
        link = _absolute(anchor.get("href"), base)
        if link is None or link in links or registered_domain(link) != site:
            continue
        if pattern is not None and not pattern.search(link):
            continue
        title = clean(anchor.get("title") or anchor.text_content())
        links[link] = ListingLink(link, title)
    return Listing(list(links.values()), _next_page(tree, base, url, site))


def _next_page(tree: HtmlElement, base: str, url: str, site: str) -> str | None:
    for selector in _NEXT_SELECTORS:
        for element in tree.cssselect(selector):
            link = _absolute(element.get("href"), base)
            if link and link != url and registered_domain(link) == site:
                return link
    return None
