"""Google News RSS search: the feed URL for a query, and who published each result.

The feed itself is read by :func:`crawlers.extract.feed.parse_feed`. Its item ``<link>`` is a
news.google.com redirect, not the article; ``<source url="...">`` names the outlet (its site,
not the article) and the description links the article, usually through the same redirect.
So the article URL is the description's first link off Google; else the publisher address
written inside the item link's article id, when the id is of the older kind that carries it
(see :func:`decoded_article_url`: no request to Google at all); else the item link, which the
spider fetches and lets the HTTP redirect resolve (the item then carries the final URL). Ids of
the newer kind ("AU_yqL…" inside) hold only a token; Google resolves those with a script on its
page, which a polite crawler does not run, so such a result stays ``aggregator_unresolved``
unless Google redirects: the outlet's own feed, when it is a configured source, still brings
the article.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from urllib.parse import quote_plus, urlsplit

from crawlers.extract.feed import FeedEntry
from phuxanh.config import Source

# Module constants, not config: the Vietnamese edition is what this tracker needs, and tests
# point SEARCH_ENDPOINT at the local test site.
SEARCH_ENDPOINT = "https://news.google.com/rss/search"
SEARCH_PARAMS = "hl=vi&gl=VN&ceid=VN:vi"
# Hosts whose pages are the aggregator's own (a redirect or an interstitial), never an article.
AGGREGATOR_HOSTS = frozenset({"news.google.com"})


def search_url(query: str, endpoint: str = SEARCH_ENDPOINT) -> str:
    """``https://news.google.com/rss/search?q=<query>&hl=vi&gl=VN&ceid=VN:vi``, the query
    percent-encoded (spaces as ``+``, as Google's own links write them)."""
    return f"{endpoint}?q={quote_plus(query.strip())}&{SEARCH_PARAMS}"


def is_aggregator(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in AGGREGATOR_HOSTS or any(host.endswith(f".{h}") for h in AGGREGATOR_HOSTS)


def article_url(entry: FeedEntry) -> str:
    """The URL to fetch for a search result: a direct publisher link when the description
    has one, else one decoded from an article id, else the item link (a redirect the fetch
    follows)."""
    for link in entry.summary_links:
        if not is_aggregator(link):
            return link
    for link in (entry.url, *entry.summary_links):
        decoded = decoded_article_url(link)
        if decoded:
            return decoded
    return entry.url


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def decoded_article_url(link: str) -> str | None:
    """The publisher's URL inside a Google News article link, or None.

    ``https://news.google.com/rss/articles/<id>?oc=5``: the id is URL-safe base64 of a small
    protocol-buffers message. Ids of the older kind (``CBMi`` + ``Wmh0dHBzOi8v…``) hold the
    article's address as a string field (and often its AMP address after it); newer ones hold
    an opaque token there instead. The first field that is an http(s) URL off the aggregator
    is the answer; anything else, a truncated id included, gives None.
    """
    parts = urlsplit(link)
    segments = parts.path.split("/")
    if not is_aggregator(link) or "articles" not in segments:
        return None
    token = segments[segments.index("articles") + 1:] or [""]
    try:
        data = base64.urlsafe_b64decode(token[0] + "=" * (-len(token[0]) % 4))
    except (binascii.Error, ValueError):
        return None
    at = 0
    try:
        while at < len(data):
            key, at = _varint(data, at)
            wire = key & 0x7
            if wire == 0:
                _, at = _varint(data, at)
            elif wire == 2:
                length, at = _varint(data, at)
                if at + length > len(data):
                    return None
                value, at = data[at:at + length], at + length
                url = value.decode("ascii", "strict") if value.isascii() else ""
                if url.startswith(("https://", "http://")) and not is_aggregator(url):
                    return url if urlsplit(url).hostname else None
            else:  # fixed-width or group fields: not in these ids
                return None
    except ValueError:
        return None
    return None


def _host_matches(host: str, domain: str) -> bool:
    domain = domain.lower().strip().removeprefix("www.")
    return host == domain or host.endswith(f".{domain}")


def publisher_source(sources: Iterable[Source], url: str) -> Source | None:
    """The configured source whose ``domain`` the page at ``url`` belongs to (subdomains
    included, port ignored), or None. Enabled or not: a disabled source is still the outlet."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return None
    matches = [s for s in sources if s.domain and _host_matches(host, s.domain)]
    # The official one wins when two entries share a site (e.g. a section as its own source).
    return max(matches, key=lambda s: s.official, default=None)
