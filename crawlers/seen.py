"""What earlier runs learned about feed links that left no item stored under their own id.

Re-runs are cheap because a feed link whose item is already stored is not fetched again. Two
kinds of links would otherwise be fetched on every run:

- links the pipelines dropped on purpose: off-topic articles (most of any feed, for a tracker
  of one directive) and articles older than the crawl window;
- links stored under another id: the feed link redirects, or the page names another
  canonical URL.

This file remembers both, per data directory (``<data_dir>/crawl_seen.db``, SQLite). An
off-topic verdict is tied to a fingerprint of the configured topics, so editing topics.yaml
makes those links eligible again; an alias only counts while its target is still in the store.
Errors (404, 5xx, unreadable pages) are not remembered: they are retried on the next run.
Records older than the crawl window are pruned on open (such entries are skipped by date).

It also keeps the HTTP validators (``ETag``, ``Last-Modified``) of feeds and sitemaps, so the
next run asks ``If-None-Match`` / ``If-Modified-Since`` and an unchanged feed costs a 304 and
no parsing. Those are written only by a crawl that finished and fetched every article the feed
led to (see :meth:`SeenUrls.remember_validators`), and never pruned by age: a feed lives as long
as sources.yaml names it.

Crawl-frontier state like this would belong in the store once it has a place for it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from phuxanh.config import Topic
from phuxanh.errors import StoreError
from phuxanh.schema import VN_TZ

FILENAME = "crawl_seen.db"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    feed_id TEXT PRIMARY KEY,   -- url_item_id of the link in the feed
    kind TEXT NOT NULL,         -- 'alias' or 'dropped'
    detail TEXT NOT NULL,       -- alias: the stored item's id; dropped: the reason
    topics_key TEXT NOT NULL,   -- topics fingerprint when recorded
    seen_at TEXT NOT NULL       -- ISO 8601, aware
)
"""
_VALIDATORS_SCHEMA = """
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY,       -- the feed or sitemap URL as requested (before redirects)
    etag TEXT,                  -- the ETag header last answered, verbatim
    last_modified TEXT,         -- the Last-Modified header last answered, verbatim
    seen_at TEXT NOT NULL       -- ISO 8601, aware
)
"""
_BATCH = 500


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version of a page we read."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def request_headers(self) -> dict[str, str]:
        """The conditional-GET headers that ask for the page only if it changed."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def topics_fingerprint(topics: Sequence[Topic]) -> str:
    """Changes whenever a topic's key, version, terms, exclusions or query change."""
    data = [[t.key, t.version, t.terms, t.exclude, t.query] for t in topics]
    return hashlib.blake2b(json.dumps(data, ensure_ascii=False).encode(),
                           digest_size=8).hexdigest()


@dataclass(frozen=True)
class Seen:
    aliases: dict[str, str]  # feed id -> id of the item stored for it
    dropped: dict[str, str]  # feed id -> reason, still valid for the current topics


class SeenUrls:
    def __init__(self, path: Path, topics_key: str, max_age_days: int) -> None:
        self.path = path
        self.topics_key = topics_key
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode = WAL")
            # No fsync per remembered link (every off-topic page writes one): a power cut can
            # lose the last few, which costs refetching those pages once, nothing more.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute(_SCHEMA)
            self._conn.execute(_VALIDATORS_SCHEMA)
            cutoff = datetime.now(VN_TZ) - timedelta(days=max_age_days + 1)
            self._conn.execute("DELETE FROM seen WHERE seen_at < ?", (cutoff.isoformat(),))
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the crawler's seen-links file ({exc})") from None

    def lookup(self, feed_ids: Iterable[str]) -> Seen:
        ids = list(feed_ids)
        aliases: dict[str, str] = {}
        dropped: dict[str, str] = {}
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            try:
                rows = self._conn.execute(
                    "SELECT feed_id, kind, detail, topics_key FROM seen "
                    f"WHERE feed_id IN ({','.join('?' * len(chunk))})", chunk,
                ).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot read the seen-links file ({exc})") from None
            for feed_id, kind, detail, topics_key in rows:
                if kind == "alias":
                    aliases[feed_id] = detail
                elif detail != "off_topic" or topics_key == self.topics_key:
                    dropped[feed_id] = detail
        return Seen(aliases, dropped)

    def _put(self, feed_id: str, kind: str, detail: str) -> None:
        try:
            self._conn.execute(
                "INSERT OR REPLACE INTO seen (feed_id, kind, detail, topics_key, seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (feed_id, kind, detail, self.topics_key, datetime.now(VN_TZ).isoformat()),
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot write the seen-links file ({exc})") from None

    def remember_alias(self, feed_id: str, item_id: str) -> None:
        self._put(feed_id, "alias", item_id)

    def remember_drop(self, feed_id: str, reason: str) -> None:
        self._put(feed_id, "dropped", reason)

    def validators(self) -> dict[str, Validators]:
        """Every remembered feed/sitemap URL -> its validators (a few hundred rows at most)."""
        try:
            rows = self._conn.execute(
                "SELECT url, etag, last_modified FROM validators").fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the seen-links file ({exc})") from None
        return {url: Validators(etag, last_modified) for url, etag, last_modified in rows}

    def remember_validators(self, found: dict[str, Validators]) -> None:
        """Store (or, for an empty Validators, forget) the validators of these URLs."""
        now = datetime.now(VN_TZ).isoformat()
        try:
            with self._conn:
                self._conn.execute("BEGIN")
                for url, validators in found.items():
                    if validators:
                        self._conn.execute(
                            "INSERT OR REPLACE INTO validators (url, etag, last_modified, "
                            "seen_at) VALUES (?, ?, ?, ?)",
                            (url, validators.etag, validators.last_modified, now),
                        )
                    else:
                        self._conn.execute("DELETE FROM validators WHERE url = ?", (url,))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot write the seen-links file ({exc})") from None

    def close(self) -> None:
        self._conn.close()
