"""An article page -> :class:`ArticleData`: a pure function, unit-tested on saved pages.

The published date is taken from the strongest evidence that is plausible (see
:func:`crawlers.extract.dates.implausible`), and ``date_source`` says which it was:

1. PAGE_METADATA: ``article:published_time``, ``itemprop=datePublished``, JSON-LD
   ``datePublished``, ``meta[name=pubdate]``, ``<time datetime>``. When that is a day without a
   time (Báo Cần Thơ's JSON-LD "2026-01-08") and the page prints the same day with a time
   ("08/01/2026 - 18:21"), the printed one is more precise and wins as PAGE_TEXT.
2. PAGE_TEXT: a date printed in the page ("Thứ hai, 10/3/2026, 08:15 (GMT+7)"), relative
   ones ("2 giờ trước", "hôm qua, 08:15") read against ``fetched_at``.
3. FEED: the feed entry's date.
4. URL: a date in the URL (/2026/03/10/, -20260307075519174.htm).
5. CRAWL_TIME: ``fetched_at``; the store keeps such items out of trends.

Dates refused as implausible (in the future, before 2025) are listed in ``date_notes`` for
people and by code in ``date_rejections`` for the crawl's counters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawlers.extract import page_meta
from crawlers.extract.body import article_text
from crawlers.extract.dates import (
    REJECTED_UNRECOGNISED,
    ParsedDate,
    date_from_url,
    implausible,
    implausible_code,
    parse_date,
    same_day,
)
from crawlers.extract.feed import FeedEntry
from crawlers.extract.markup import parse_html
from phuxanh.config import ExtractionOverrides
from phuxanh.errors import InputError
from phuxanh.schema import DateSource, as_vn_aware
from phuxanh.text import clean

# Less than this is a menu or a caption that trafilatura kept, not an article: the shortest
# real news briefs run to a couple of sentences.
MIN_TEXT_CHARS = 40


@dataclass(frozen=True)
class ArticleData:
    title: str
    text: str  # paragraphs joined by "\n", stored form (NFC, new-style tone marks)
    published_at: datetime  # aware
    date_source: DateSource
    author: str | None
    canonical_url: str
    lang: str  # ISO 639-1
    # Dates that were found but refused, and why; for logs and for debugging a wrong date.
    date_notes: tuple[str, ...] = ()
    # The codes of those refusals, once each ("future", "before_2025").
    date_rejections: tuple[str, ...] = ()


class _Refusals:
    """Dates found but refused: a note for people, a code for counters."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.codes: list[str] = []

    def add(self, label: str, reason: str, code: str) -> None:
        self.notes.append(f"{label}: {reason}")
        if code not in self.codes:
            self.codes.append(code)


def _first_plausible(
    raw_dates: list[str], now: datetime, refused: _Refusals | None, label: str,
    need_time: bool = False, relative: bool = True,
) -> ParsedDate | None:
    for raw in raw_dates:
        parsed = parse_date(raw, now, relative)
        if parsed.value is None:
            if refused is not None and parsed.code and parsed.code != REJECTED_UNRECOGNISED:
                refused.add(label, parsed.reason, parsed.code)
            continue
        if need_time and not parsed.has_time:
            continue
        return parsed
    return None


def choose_date(
    tree: HtmlElement, url: str, fetched_at: datetime, feed_entry: FeedEntry | None = None
) -> tuple[datetime, DateSource, tuple[str, ...]]:
    """The publication date, where it came from, and notes on the dates refused."""
    value, source, refused = _choose_date(tree, url, fetched_at, feed_entry)
    return value, source, tuple(refused.notes)


def _choose_date(
    tree: HtmlElement, url: str, fetched_at: datetime, feed_entry: FeedEntry | None
) -> tuple[datetime, DateSource, _Refusals]:
    refused = _Refusals()
    meta = _first_plausible(page_meta.metadata_dates(tree), fetched_at, refused,
                            "page metadata")
    if meta is not None and meta.value is not None and meta.has_time:
        return meta.value, DateSource.PAGE_METADATA, refused  # the common case: done
    specific, anywhere = page_meta.text_dates(tree)
    printed = _first_plausible(specific, fetched_at, refused, "page text", need_time=True)
    # Relative labels ("5 phút trước") elsewhere in a page date comments and related-article
    # lists far more often than the article: only the article's own date elements may use them.
    printed = printed or _first_plausible(anywhere, fetched_at, None, "page text",
                                          need_time=True, relative=False)
    if meta is not None and meta.value is not None:
        if printed and printed.value and same_day(meta.value, printed.value):
            return printed.value, DateSource.PAGE_TEXT, refused
        return meta.value, DateSource.PAGE_METADATA, refused
    # A second pass over the same texts: its refusals were noted by the first.
    printed = printed or _first_plausible(specific, fetched_at, None, "page text")
    if printed is not None and printed.value is not None:
        return printed.value, DateSource.PAGE_TEXT, refused
    if feed_entry is not None and feed_entry.published_at is not None:
        reason = implausible(feed_entry.published_at, fetched_at)
        if not reason:
            return feed_entry.published_at, DateSource.FEED, refused
        refused.add("feed", reason, implausible_code(feed_entry.published_at, fetched_at))
    from_url = date_from_url(url, fetched_at)
    if from_url.value is not None:
        return from_url.value, DateSource.URL, refused
    return fetched_at, DateSource.CRAWL_TIME, refused


def _selected(tree: HtmlElement, selector: str | None) -> str:
    """Text (or ``@attr`` value) of the first element ``selector`` matches, "" if none."""
    if not selector:
        return ""
    css, _, attribute = selector.partition("@")
    for element in CSSSelector(css)(tree):
        value = element.get(attribute, "") if attribute else element.text_content()
        if value and value.strip():
            return clean(value)
    return ""


def _override_date(
    tree: HtmlElement, selector: str | None, fetched_at: datetime
) -> tuple[datetime, DateSource] | None:
    value = _selected(tree, selector)
    if not value:
        return None
    parsed = parse_date(value, fetched_at)
    if parsed.value is None:
        return None
    # An attribute is machine-written metadata; element text is the printed date.
    return parsed.value, DateSource.PAGE_METADATA if "@" in (selector or "") else (
        DateSource.PAGE_TEXT)


def extract_article(
    html: str,
    url: str,
    fetched_at: datetime,
    feed_entry: FeedEntry | None = None,
    overrides: ExtractionOverrides | None = None,
) -> ArticleData:
    """Title, body, date, byline, canonical URL and language of an article page.

    ``url`` is the URL the page was fetched from (after redirects); ``fetched_at`` is also the
    "now" against which dates are judged. ``overrides`` are the source's own selectors, tried
    before the generic extraction. Raises InputError naming ``url`` when the page has no
    extractable text.
    """
    fetched_at = as_vn_aware(fetched_at)
    own = overrides or ExtractionOverrides()
    tree = parse_html(html, url)
    lead = _selected(tree, own.lead) or page_meta.lead(tree)
    text = article_text(tree, html, lead, container=own.body)
    if len(text) < MIN_TEXT_CHARS:
        raise InputError(
            f"{url}: no article text found in the page ({len(text)} characters of text)"
        )
    title = (_selected(tree, own.title) or page_meta.title(tree)
             or (feed_entry.title if feed_entry else ""))
    published_at, date_source, refused = _choose_date(tree, url, fetched_at, feed_entry)
    chosen = _override_date(tree, own.date, fetched_at)
    if chosen is not None:
        published_at, date_source = chosen
    return ArticleData(
        title=clean(title),
        text=text,
        published_at=published_at,
        date_source=date_source,
        author=_selected(tree, own.author) or page_meta.author(tree),
        canonical_url=page_meta.canonical(tree, url),
        lang=page_meta.lang(tree),
        date_notes=tuple(refused.notes),
        date_rejections=tuple(refused.codes),
    )
