"""Sitemap XML bytes -> entries: a pure function.

Handles the two sitemap roots (``<urlset>`` of pages, ``<sitemapindex>`` of child sitemaps),
``<lastmod>``, and the Google News extension (``<news:news><news:publication_date>`` and
``<news:title>``), whose date is the publication date and so wins over ``lastmod`` (which also
moves when an old article is edited). Bodies may be gzip (``.xml.gz``, or a server gzipping
without a header). Elements are matched by local name, so a sitemap declaring the namespace
oddly (or not at all, as some CMSs do) still reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import lxml.etree

from crawlers.extract.dates import parse_datetime
from crawlers.extract.encoding import DEFAULT_MAX_BYTES, undo_gzip
from phuxanh.errors import InputError
from phuxanh.text import clean


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # absolute http(s) URL: an article (urlset) or a child sitemap (index)
    published_at: datetime | None  # aware: news:publication_date, else lastmod; None if absent
    title: str = ""  # news:title, when given


@dataclass(frozen=True)
class Sitemap:
    kind: Literal["urlset", "index"]
    entries: list[SitemapEntry]


def _local(tag: object) -> str:
    return lxml.etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: lxml.etree._Element, *path: str) -> str:
    """Text of the first descendant reached by local names ``path`` (e.g. news, title)."""
    current = [element]
    for name in path:
        current = [child for parent in current for child in parent if _local(child.tag) == name]
        if not current:
            return ""
    return (current[0].text or "").strip()


def _date(raw: str) -> datetime | None:
    found = parse_datetime(raw) if raw else None
    return found[0] if found else None


def parse_sitemap(body: bytes, url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Sitemap:
    """The entries of a sitemap or sitemap index, in document order, one per URL.

    Raises InputError naming ``url`` for malformed XML, a root that is no sitemap, or gzip
    that cannot be inflated.
    """
    body = undo_gzip(body, url, max_bytes)
    # No network and no entity expansion: a sitemap is data, never a reason to fetch a DTD.
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                  remove_comments=True, remove_pis=True)
    try:
        root = lxml.etree.fromstring(body.strip(), parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"{url}: not a readable sitemap (malformed XML: {exc})") from None
    if root is None:
        raise InputError(f"{url}: not a readable sitemap (empty document)")
    kind_by_root = {"urlset": "urlset", "sitemapindex": "index"}
    root_name = _local(root.tag)
    if root_name not in kind_by_root:
        raise InputError(f"{url}: not a sitemap (root element <{root_name}>)")
    item_name = "url" if root_name == "urlset" else "sitemap"
    entries: dict[str, SitemapEntry] = {}
    for element in root:
        if _local(element.tag) != item_name:
            continue
        raw_loc = _child_text(element, "loc")
        loc = urljoin(url, raw_loc)
        if not raw_loc or urlsplit(loc).scheme not in {"http", "https"} or loc in entries:
            continue
        published = _date(_child_text(element, "news", "publication_date"))
        entries[loc] = SitemapEntry(
            url=loc,
            published_at=published or _date(_child_text(element, "lastmod")),
            title=clean(_child_text(element, "news", "title")),
        )
    return Sitemap(kind_by_root[root_name], list(entries.values()))  # type: ignore[arg-type]
