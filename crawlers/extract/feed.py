"""RSS and Atom bytes -> feed entries.

feedparser is lenient on purpose: a feed with a raw ``&`` in an attribute (VnExpress) is not
well-formed XML but its entries are fine, so a "bozo" feed that still yields entries is used.
A feed that yields nothing and complains is an error naming the URL and the complaint.

Dates are read with our own parser first (it keeps the outlet's +07:00 and understands the
non-RFC forms Vietnamese feeds use); feedparser's own UTC reading is the fallback.
"""

from __future__ import annotations

import contextlib
import io
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html

from crawlers.extract.dates import parse_datetime
from crawlers.extract.encoding import DEFAULT_MAX_BYTES, undo_gzip
from crawlers.extract.markup import unescape_all
from phuxanh.errors import InputError
from phuxanh.text import clean


@dataclass(frozen=True)
class FeedEntry:
    url: str  # absolute http(s) URL of the article
    title: str
    published_at: datetime | None  # aware; None when the feed gives no readable date
    summary: str  # plain text
    # RSS <source url="...">name</source>: the outlet an aggregator (Google News) took the item
    # from; the url is the outlet's site, not the article.
    source_name: str = ""
    source_url: str = ""
    # http(s) links in the summary HTML, in order (an aggregator's summary links the article).
    summary_links: tuple[str, ...] = ()


def _plain(fragment: str) -> str:
    """Text of an HTML fragment (feed summaries carry <a><img></a> and <br>)."""
    fragment = fragment.strip()
    if not fragment:
        return ""
    if "<" in fragment:
        with contextlib.suppress(ValueError, lxml.etree.ParserError):
            fragment = lxml.html.fromstring(f"<div>{fragment}</div>").text_content()
    # Titles are sometimes escaped twice ("&amp;quot;").
    return clean(unescape_all(fragment))


def _links(fragment: str, base: str) -> tuple[str, ...]:
    if "<a" not in fragment:
        return ()
    try:
        tree = lxml.html.fromstring(f"<div>{fragment}</div>")
    except (ValueError, lxml.etree.ParserError):
        return ()
    links = (urljoin(base, (a.get("href") or "").strip()) for a in tree.iter("a"))
    return tuple(dict.fromkeys(
        link for link in links if urlsplit(link).scheme in {"http", "https"}
    ))


def _source(entry: Any) -> tuple[str, str]:
    source = entry.get("source")
    if not isinstance(source, dict):
        return "", ""
    return _plain(source.get("title") or ""), (source.get("href") or "").strip()


def _entry_date(entry: Any) -> datetime | None:
    # dict.get: FeedParserDict.get maps "updated" to "published" with a DeprecationWarning.
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        found = parse_datetime(dict.get(entry, raw_key))
        if found is not None:
            return found[0]
        parsed = dict.get(entry, parsed_key)
        if parsed:
            return datetime.fromtimestamp(timegm(parsed), tz=UTC)
    return None


def _entry_url(entry: Any, feed_url: str) -> str | None:
    link = (entry.get("link") or "").strip()
    if not link and entry.get("guidislink"):
        link = (entry.get("id") or "").strip()
    if not link:
        return None
    url = urljoin(feed_url, link)
    return url if urlsplit(url).scheme in {"http", "https"} else None


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[FeedEntry]:
    """Entries of an RSS/Atom document, in feed order, one per article URL.

    Raises InputError naming ``url`` when the body is not a feed (no entries and a parser
    complaint) or is gzip that cannot be inflated.
    """
    body = undo_gzip(body, url, max_bytes)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never a string: feedparser fetches strings that look like URLs or file names.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)
    if not parsed.entries:
        if parsed.get("version"):  # a recognised RSS/Atom document that is simply empty
            return []
        problem = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise InputError(f"{url}: not a readable RSS/Atom feed ({problem})")
    entries: dict[str, FeedEntry] = {}
    for entry in parsed.entries:
        entry_url = _entry_url(entry, url)
        if entry_url is None or entry_url in entries:
            continue
        summary = entry.get("summary") or ""
        source_name, source_url = _source(entry)
        entries[entry_url] = FeedEntry(
            url=entry_url,
            title=_plain(entry.get("title") or ""),
            published_at=_entry_date(entry),
            summary=_plain(summary),
            source_name=source_name,
            source_url=source_url,
            summary_links=_links(summary, entry_url),
        )
    return list(entries.values())
