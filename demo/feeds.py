"""RSS 2.0 and Atom feeds for the sample outlets, shaped like Vietnamese outlets' real feeds.

RSS dates are RFC 822 with the Vietnam offset ("Tue, 10 Mar 2026 08:15:00 +0700"), as
VnExpress and Tuổi Trẻ send them; items are newest first. The ``text-date`` outlet wraps its
description in CDATA with a link, as VnExpress does; the others send plain escaped text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from demo.content import Outlet
from demo.render import BANNER


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    published_at: datetime  # aware
    summary: str
    author: str
    section: str


def _x(text: str) -> str:
    return escape(text)


def rss(outlet: Outlet, feed_url: str, home_url: str, entries: Sequence[FeedEntry]) -> str:
    entries = sorted(entries, key=lambda e: e.published_at, reverse=True)
    built = format_datetime(entries[0].published_at) if entries else ""
    items = []
    for entry in entries:
        if outlet.style == "text-date":
            # CDATA cannot hold "]]>"; sample text never does, but split it if it ever would.
            summary = entry.summary.replace("]]>", "]]]]><![CDATA[>")
            description = (
                f'<![CDATA[<a href="{entry.url}"></a></br>{summary}]]>'
            )
        else:
            description = _x(entry.summary)
        items.append(
            "<item>\n"
            f"<title>{_x(entry.title)}</title>\n"
            f"<link>{_x(entry.url)}</link>\n"
            f'<guid isPermaLink="true">{_x(entry.url)}</guid>\n'
            f"<description>{description}</description>\n"
            f"<pubDate>{format_datetime(entry.published_at)}</pubDate>\n"
            f"<dc:creator>{_x(entry.author)}</dc:creator>\n"
            f"<category>{_x(entry.section)}</category>\n"
            "</item>"
        )
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{_x(outlet.name)} - Tin mới nhất</title>
<link>{_x(home_url)}</link>
<description>{_x(outlet.tagline)}. {_x(BANNER)}</description>
<language>vi</language>
<copyright>{_x(outlet.name)} (trang mẫu)</copyright>
<lastBuildDate>{built}</lastBuildDate>
<ttl>15</ttl>
<atom:link href={quoteattr(feed_url)} rel="self" type="application/rss+xml"/>
{body}
</channel>
</rss>
"""


def atom(outlet: Outlet, feed_url: str, home_url: str, entries: Sequence[FeedEntry]) -> str:
    entries = sorted(entries, key=lambda e: e.published_at, reverse=True)
    updated = entries[0].published_at.isoformat() if entries else ""
    items = "\n".join(
        "<entry>\n"
        f"<title>{_x(entry.title)}</title>\n"
        f'<link rel="alternate" type="text/html" href={quoteattr(entry.url)}/>\n'
        f"<id>{_x(entry.url)}</id>\n"
        f"<published>{entry.published_at.isoformat()}</published>\n"
        f"<updated>{entry.published_at.isoformat()}</updated>\n"
        f"<author><name>{_x(entry.author)}</name></author>\n"
        f"<category term={quoteattr(entry.section)}/>\n"
        f'<summary type="text">{_x(entry.summary)}</summary>\n'
        "</entry>"
        for entry in entries
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
<title>{_x(outlet.name)} - Bài mới</title>
<subtitle>{_x(outlet.tagline)}. {_x(BANNER)}</subtitle>
<link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>
<link rel="alternate" type="text/html" href={quoteattr(home_url)}/>
<id>{_x(home_url)}</id>
<updated>{updated}</updated>
<generator>vBulletin (mẫu)</generator>
{items}
</feed>
"""


def render_feed(outlet: Outlet, feed_url: str, home_url: str,
                entries: Sequence[FeedEntry]) -> str:
    return (atom if outlet.feed == "atom" else rss)(outlet, feed_url, home_url, entries)
