"""Names of the crawl-stats counters we keep, in one place (the report reads them back).

- ``phuxanh/feeds/fetched``, ``phuxanh/articles/fetched``: responses we parsed.
- ``phuxanh/skipped/<reason>``: feed entries we did not request (``known``: already stored,
  under their own id or an alias; ``dropped_before/<reason>``: an earlier run dropped them by
  policy, see :mod:`crawlers.seen`; ``too_old``: older than crawl.max_age_days by the feed's
  date; ``bad_url``).
- ``phuxanh/dropped/<reason>``: feeds and articles that yield no stored item. Errors
  (``http_404``, ``http_500``, ``download_error``, ``feed_unreadable``, ``undecodable``,
  ``no_text``, ``not_html``, ``store_error``, ``store_unreachable``, and for feeds
  ``feed_http_<status>``, ``feed_download_error``, ``feed_robots_forbidden``) are also listed
  with their URL in the report; policy drops (``off_topic``, ``too_old``,
  ``robots_forbidden``) are only counted.
- ``phuxanh/stored/{inserted,updated,unchanged}``: the store's answer to our upserts.
- ``phuxanh/store_error``: the message of a store failure that stopped the crawl.
"""

from __future__ import annotations

FEEDS_FETCHED = "phuxanh/feeds/fetched"
ARTICLES_FETCHED = "phuxanh/articles/fetched"
SKIPPED = "phuxanh/skipped/"
DROPPED = "phuxanh/dropped/"
STORED = "phuxanh/stored/"
STORE_ERROR = "phuxanh/store_error"

# Drops that are the crawler doing its job, not something going wrong.
POLICY_DROPS = frozenset({"off_topic", "too_old", "robots_forbidden"})
