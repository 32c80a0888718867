"""Names of the crawl-stats counters we keep, in one place (the report reads them back).

- ``phuxanh/feeds/fetched`` (RSS/Atom, Google News searches included),
  ``phuxanh/sitemaps/fetched``, ``phuxanh/listings/fetched``, ``phuxanh/articles/fetched``:
  responses we parsed.
- ``phuxanh/source/<key>/<what>``: the same per source (``feeds``, ``sitemaps``, ``listings``,
  ``articles`` fetched; ``requested``: article requests made for it; ``new``: items stored
  that were not in the store; ``not_modified``; ``dropped``: pages and items dropped by policy;
  ``errors``: failures, each also in ``phuxanh/dropped/``). The source-health record of a run
  (:func:`crawlers.run.source_runs`) is built from these.
- ``phuxanh/skipped/<reason>``: feed entries we did not request (``known``: already stored,
  under their own id or an alias; ``dropped_before/<reason>``: an earlier run dropped them by
  policy, see :mod:`crawlers.seen`; ``too_old``: older than crawl.max_age_days by the feed's
  date; ``bad_url``).
- ``phuxanh/dropped/<reason>``: feeds and articles that yield no stored item. Errors
  (``http_404``, ``http_500``, ``download_error``, ``feed_unreadable``, ``undecodable``,
  ``no_text``, ``parser_crashed`` (a parser process died on the page twice), ``not_html``,
  ``timeout``, ``too_large`` (over crawl.max_page_bytes),
  ``store_error``, ``store_unreachable``, and for feeds ``feed_http_<status>``,
  ``feed_download_error``, ``feed_timeout``, ``feed_too_large``, ``feed_robots_forbidden``,
  the same with ``sitemap_`` and ``listing_``, ``sitemap_unreadable``, ``listing_unreadable``,
  ``aggregator_unresolved``) are also listed with their URL in the report; policy drops
  (``off_topic``, ``too_old``, ``robots_forbidden``, ``already_stored``: a search result whose
  article is already stored from its outlet) are only counted.
- ``phuxanh/skipped/`` also has, for sitemaps and listings, ``off_pattern`` (URL does not match
  the source's link_pattern) and ``sitemap_too_old`` (a child sitemap of an index whose lastmod
  is before the window; not fetched) and ``undated_limit`` (undated sitemap entries beyond
  ``MAX_UNDATED_SITEMAP_ENTRIES`` new ones in one sitemap, left for a later run).
- ``phuxanh/dropped_date/<code>``: articles one of whose dates was refused as implausible
  (``future``: more than a day after the fetch; ``before_2025``); the article is kept with the
  next-best date (see :mod:`crawlers.extract.article`), so these are not errors.
- ``phuxanh/not_modified``: feeds and sitemaps that answered ``304 Not Modified`` to our
  conditional GET (not an error; nothing to parse); per source as ``<key>/not_modified``.
- ``phuxanh/stored/{inserted,updated,unchanged}``: the store's answer to our upserts.
- ``phuxanh/store_error``: the message of a store failure that stopped the crawl.
"""

from __future__ import annotations

FEEDS_FETCHED = "phuxanh/feeds/fetched"
SITEMAPS_FETCHED = "phuxanh/sitemaps/fetched"
LISTINGS_FETCHED = "phuxanh/listings/fetched"
SOURCE = "phuxanh/source/"
ARTICLES_FETCHED = "phuxanh/articles/fetched"
SKIPPED = "phuxanh/skipped/"
DROPPED = "phuxanh/dropped/"
STORED = "phuxanh/stored/"
NOT_MODIFIED = "phuxanh/not_modified"
DROPPED_DATE = "phuxanh/dropped_date/"
STORE_ERROR = "phuxanh/store_error"

# Drops that are the crawler doing its job, not something going wrong.
POLICY_DROPS = frozenset({"off_topic", "too_old", "robots_forbidden", "already_stored"})
