"""Google News RSS search: the feed URL for a query, and who published each result.

The feed itself is read by :func:`crawlers.extract.feed.parse_feed`. Its item ``<link>`` is a
news.google.com redirect, not the article; ``<source url="...">`` names the outlet (its site,
not the article) and the description links the article, usually through the same redirect.
So the article URL is the description's first link off Google, else the item link, which the
spider fetches and lets the HTTP redirect resolve (the item then carries the final URL).
"""

from __future__ import annotations

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
    has one, else the item link (a redirect the fetch follows)."""
    for link in entry.summary_links:
        if not is_aggregator(link):
            return link
    return entry.url


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
