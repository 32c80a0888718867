"""The embedded store: one SQLite file with FTS5, WAL and a daily rollup.

One writer at a time (SQLite's own lock, taken up front with BEGIN IMMEDIATE so two writers
queue instead of failing half-way); any number of readers. Every write of an item rewrites its
filter columns, its full-text row and its rollup counts in the same transaction, so a crash
never leaves the charts disagreeing with the items.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from phuxanh.errors import ItemNotFound, ReviewConflict, StoreError
from phuxanh.schema import VN_TZ, Item, Review
from phuxanh.store.base import (
    AggregateRow,
    AuditEntry,
    Dimension,
    Interval,
    ItemFilter,
    LabelRecord,
    LabelUpdate,
    QueueEntry,
    SearchHit,
    SearchPage,
    SourceHealth,
    SourceRun,
    StoreStats,
    UpsertResult,
    check_aggregate_args,
)
from phuxanh.store.label_history import history_entry
from phuxanh.store.merge import apply_review, merge_upsert
from phuxanh.store.sqlite_sql import (
    ROLLUP_COLUMNS,
    dumps,
    fts_query,
    fts_values,
    item_columns,
    items_where,
    rollup_keys,
    rollup_where,
    weekly_rollup_answers,
)

# Columns item_columns() fills, in a fixed order for INSERT and UPDATE.
_ITEM_COLUMNS = (
    "id", "source", "source_type", "outlet", "official", "province", "published_ts", "vn_day",
    "dated", "fetched_ts", "content_hash", "cluster_id", "is_original", "sentiment",
    "sentiment_score", "misinfo", "misinfo_score", "model", "effective_sentiment", "priority",
    "review_status", "doc",
)
_ROLLUP_KEY_COLUMNS = (
    "day", "week", "source", "source_type", "outlet", "official", "province", "topic",
    "topic_rank", "sentiment", "misinfo", "is_original", "dated",
)
# Positions in a daily key that the weekly table keeps.
_WEEKLY_KEY_COLUMNS = tuple(c for c in _ROLLUP_KEY_COLUMNS
                            if c not in {"day", "source", "outlet", "province"})
_WEEKLY_POSITIONS = [_ROLLUP_KEY_COLUMNS.index(c) for c in _WEEKLY_KEY_COLUMNS]
_BATCH = 500
SEARCH_COUNT_CAP = 10_000  # beyond this a full-text total is reported as "10 000+"
SEARCH_WINDOW = 10_000  # broad queries rank among this many newest matches first


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("phuxanh.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def _set_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch to WAL. On a brand-new file another process may be creating the tables: the
    switch then answers "database is locked" at once (SQLite does not wait on a lock upgrade
    that could deadlock), so wait a moment and try again (found by tests/faults)."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _now() -> datetime:
    return datetime.now(VN_TZ)


class SQLiteStore:
    """The default store. ``path`` is created (with its folder) and migrated on open."""

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store's folder ({exc})") from None
        self._migrate()

    # -- connections and transactions -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path, timeout=self._busy_timeout_s, isolation_level=None,
                    check_same_thread=False,
                )
                conn.row_factory = sqlite3.Row
                _set_wal(conn)
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot start a write ({exc})") from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: write failed ({exc})") from None

    def _migrate(self) -> None:
        conn = self._conn()
        for _attempt in range(len(_migrations()) + 1):
            current = None
            try:
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                for version, script in _migrations():
                    if version > current:
                        conn.executescript(
                            f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\n"
                            "COMMIT;"
                        )
                        current = version
                return
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                # Two processes opening a new store at once (the dashboard and a crawl started
                # together): the other one ran this migration between our read of user_version
                # and our write. Read it again and go on from there; otherwise it is an error.
                try:
                    now = conn.execute("PRAGMA user_version").fetchone()[0]
                except sqlite3.Error:
                    now = current
                if current is None or now <= current:
                    raise StoreError(f"{self.path}: cannot migrate the store ({exc})") from None
        raise StoreError(f"{self.path}: cannot migrate the store (its version kept changing)")

    @property
    def schema_version(self) -> int:
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- writes -----------------------------------------------------------------------------

    def _rollup(self, conn: sqlite3.Connection, item: Item, delta: int) -> None:
        keys = rollup_keys(item)
        for table, columns, rows in (
            ("daily_rollup", _ROLLUP_KEY_COLUMNS, [(*key, delta) for key in keys]),
            ("weekly_rollup", _WEEKLY_KEY_COLUMNS,
             [(*(key[i] for i in _WEEKLY_POSITIONS), delta) for key in keys]),
        ):
            conn.executemany(
                f"INSERT INTO {table} ({','.join(columns)}, n) "
                f"VALUES ({','.join('?' * (len(columns) + 1))}) "
                "ON CONFLICT DO UPDATE SET n = n + excluded.n",
                rows,
            )

    def _insert(self, conn: sqlite3.Connection, item: Item, version: int = 0) -> None:
        values = item_columns(item)
        cursor = conn.execute(
            f"INSERT INTO items ({','.join(_ITEM_COLUMNS)}, review_version, updated_ts) "
            f"VALUES ({','.join('?' * len(_ITEM_COLUMNS))}, ?, ?)",
            (*(values[c] for c in _ITEM_COLUMNS), version, int(_now().timestamp())),
        )
        rowid = cursor.lastrowid
        conn.execute(
            "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, *fts_values(item)),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO item_topics (topic, item_rowid) VALUES (?, ?)",
            [(topic, rowid) for topic in item.topics],
        )
        self._rollup(conn, item, +1)

    def _replace(
        self, conn: sqlite3.Connection, rowid: int, old: Item, new: Item, version: int
    ) -> None:
        values = item_columns(new)
        assignments = ",".join(f"{c} = ?" for c in _ITEM_COLUMNS)
        conn.execute(
            f"UPDATE items SET {assignments}, review_version = ?, updated_ts = ? WHERE rowid = ?",
            (*(values[c] for c in _ITEM_COLUMNS), version, int(_now().timestamp()), rowid),
        )
        if old.content_hash != new.content_hash:
            # The signature described the old text: cluster the item again.
            conn.execute("DELETE FROM item_minhash WHERE item_rowid = ?", (rowid,))
            conn.execute("DELETE FROM item_lsh WHERE item_rowid = ?", (rowid,))
        if fts_values(old) != fts_values(new):
            conn.execute(
                "INSERT INTO items_fts (items_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (rowid, *fts_values(old)),
            )
            conn.execute(
                "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
                (rowid, *fts_values(new)),
            )
        if old.topics != new.topics:
            conn.execute("DELETE FROM item_topics WHERE item_rowid = ?", (rowid,))
            conn.executemany(
                "INSERT OR IGNORE INTO item_topics (topic, item_rowid) VALUES (?, ?)",
                [(topic, rowid) for topic in new.topics],
            )
        if rollup_keys(old) != rollup_keys(new):
            self._rollup(conn, old, -1)
            self._rollup(conn, new, +1)

    def _stored(
        self, conn: sqlite3.Connection, ids: Sequence[str]
    ) -> dict[str, tuple[int, int, Item]]:
        """id -> (rowid, review_version, Item) for those of ``ids`` that exist."""
        found: dict[str, tuple[int, int, Item]] = {}
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            rows = conn.execute(
                f"SELECT rowid, id, review_version, doc FROM items "
                f"WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for row in rows:
                found[row["id"]] = (
                    row["rowid"], row["review_version"], Item.from_stored(row["doc"])
                )
        return found

    def upsert(self, items: Iterable[Item]) -> UpsertResult:
        batch = list({item.id: item for item in items}.values())  # last one wins within a call
        inserted = updated = unchanged = 0
        with self._write() as conn:
            stored = self._stored(conn, [item.id for item in batch])
            for item in batch:
                if item.id not in stored:
                    self._insert(conn, item)
                    inserted += 1
                    continue
                rowid, version, old = stored[item.id]
                new = merge_upsert(old, item)
                if new.model_dump_json() == old.model_dump_json():
                    unchanged += 1
                    continue
                if new.review != old.review:
                    version += 1
                self._replace(conn, rowid, old, new, version)
                updated += 1
        return UpsertResult(inserted, updated, unchanged)

    def set_labels(self, updates: Iterable[LabelUpdate]) -> int:
        updates = list(updates)
        changed = 0
        with self._write() as conn:
            stored = self._stored(conn, [u.item_id for u in updates])
            for update in updates:
                if update.item_id not in stored:
                    continue  # deleted since it was read (retention): nothing to label
                rowid, version, old = stored[update.item_id]
                new = old.model_copy(
                    update={"sentiment": update.sentiment, "misinformation": update.misinformation}
                )
                self._replace(conn, rowid, old, new, version)
                record = history_entry(old, new, _now())
                if record is not None:
                    conn.execute(
                        "INSERT INTO label_history (item_rowid, at, model, sentiment, "
                        "sentiment_score, misinfo, misinfo_score, narrative_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (rowid, record.at.isoformat(), record.model, record.sentiment,
                         record.sentiment_score, record.misinformation,
                         record.misinformation_score, record.narrative_id),
                    )
                stored[update.item_id] = (rowid, version, new)
                changed += 1
        return changed

    def label_history(self, item_id: str, limit: int = 20) -> list[LabelRecord]:
        if limit <= 0:
            return []  # SQLite reads LIMIT -1 as "no limit"
        # label_history_item (item_rowid, id) answers this with one index range, newest first.
        rows = self._conn().execute(
            "SELECT h.at, h.model, h.sentiment, h.sentiment_score, h.misinfo, h.misinfo_score, "
            "h.narrative_id FROM items JOIN label_history AS h ON h.item_rowid = items.rowid "
            "WHERE items.id = ? ORDER BY h.id DESC LIMIT ?",
            (item_id, limit),
        ).fetchall()
        return [
            LabelRecord(datetime.fromisoformat(r["at"]), r["model"], r["sentiment"],
                        r["sentiment_score"], r["misinfo"], r["misinfo_score"],
                        r["narrative_id"])
            for r in rows
        ]

    def set_review(self, item_id: str, review: Review, expected_version: int, actor: str) -> int:
        with self._write() as conn:
            stored = self._stored(conn, [item_id])
            if item_id not in stored:
                raise ItemNotFound(f"no item {item_id}")
            rowid, version, old = stored[item_id]
            if version != expected_version:
                raise ReviewConflict(item_id, expected_version, version)
            review = review.model_copy(
                update={"reviewer": actor, "reviewed_at": review.reviewed_at or _now()}
            )
            self._replace(conn, rowid, old, apply_review(old, review), version + 1)
            self._audit(conn, actor, "review", item_id, {
                "status": review.status, "sentiment": review.sentiment,
                "misinformation": review.misinformation, "narrative_id": review.narrative_id,
                "response_url": review.response_url, "version": version + 1,
            })
        return version + 1

    def _audit(
        self, conn: sqlite3.Connection, actor: str, action: str, target: str,
        details: dict[str, Any] | None,
    ) -> None:
        conn.execute(
            "INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
            (_now().isoformat(), actor, action, target, dumps(details or {})),
        )

    def audit(
        self, actor: str, action: str, target: str, details: dict[str, Any] | None = None
    ) -> None:
        with self._write() as conn:
            self._audit(conn, actor, action, target, details)

    # -- retention: deleting items and old audit entries (phuxanh.retention) -----------------

    def delete_items(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        deleted = 0
        for start in range(0, len(ids), _BATCH):  # one short transaction per batch
            with self._write() as conn:
                stored = self._stored(conn, ids[start:start + _BATCH])
                orphaned: set[str] = set()
                periods: set[tuple[str, str]] = set()  # (day, week) of the removed counts
                for rowid, _version, item in stored.values():
                    self._rollup(conn, item, -1)
                    periods.update((key[0], key[1]) for key in rollup_keys(item))
                    conn.execute(
                        "INSERT INTO items_fts (items_fts, rowid, title, body) "
                        "VALUES ('delete', ?, ?, ?)",
                        (rowid, *fts_values(item)),
                    )
                    # Explicit rather than left to ON DELETE CASCADE, which needs the pragma;
                    # each lookup uses an index (item_topics_item: migration 0005).
                    for table in ("item_topics", "item_minhash", "item_lsh", "label_history"):
                        conn.execute(f"DELETE FROM {table} WHERE item_rowid = ?", (rowid,))
                    conn.execute("DELETE FROM items WHERE rowid = ?", (rowid,))
                    if item.cluster_id and item.is_original:
                        orphaned.add(item.cluster_id)
                for cluster_id in sorted(orphaned):
                    self._promote_original(conn, cluster_id)
                self._drop_empty_rollups(conn, periods)
                deleted += len(stored)
        return deleted

    def _promote_original(self, conn: sqlite3.Connection, cluster_id: str) -> None:
        """A cluster whose original was deleted keeps one original (its earliest member), so
        "one per story" counts still count the story."""
        rows = conn.execute(
            "SELECT rowid, review_version, doc, is_original FROM items WHERE cluster_id = ? "
            "ORDER BY is_original DESC, published_ts, id LIMIT 1",
            (cluster_id,),
        ).fetchall()
        if rows and not rows[0]["is_original"]:
            old = Item.from_stored(rows[0]["doc"])
            new = old.model_copy(update={"is_original": True})
            self._replace(conn, rows[0]["rowid"], old, new, rows[0]["review_version"])

    def _drop_empty_rollups(self, conn: sqlite3.Connection, periods: set[tuple[str, str]]
                            ) -> None:
        """Rollup rows counting nothing (left by deletions) go, so years of retention do not
        leave the rollups full of zeros; both lookups use the tables' key prefix."""
        if not periods:
            return
        days = sorted({day for day, _ in periods})
        weeks = sorted({week for _, week in periods})
        conn.execute(
            f"DELETE FROM daily_rollup WHERE day IN ({','.join('?' * len(days))}) AND n = 0",
            days,
        )
        conn.execute(
            f"DELETE FROM weekly_rollup WHERE week IN ({','.join('?' * len(weeks))}) AND n = 0",
            weeks,
        )

    def prune_audit(self, before: datetime) -> int:
        if before.tzinfo is None:
            raise ValueError("prune_audit needs an aware datetime")
        with self._write() as conn:
            # julianday() reads the stored offsets, so the comparison is by instant.
            cursor = conn.execute(
                "DELETE FROM audit_log WHERE julianday(at) < julianday(?)",
                (before.isoformat(),),
            )
        return int(cursor.rowcount)

    # -- reads ------------------------------------------------------------------------------

    def get(self, item_id: str) -> Item | None:
        row = self._conn().execute("SELECT doc FROM items WHERE id = ?", (item_id,)).fetchone()
        return Item.from_stored(row["doc"]) if row else None

    def get_version(self, item_id: str) -> int:
        row = self._conn().execute(
            "SELECT review_version FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise ItemNotFound(f"no item {item_id}")
        return int(row[0])

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        conn = self._conn()
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            found.update(
                row[0] for row in conn.execute(
                    f"SELECT id FROM items WHERE id IN ({','.join('?' * len(chunk))})", chunk
                )
            )
        return found

    def count(self, filters: ItemFilter | None = None) -> int:
        if filters is None or filters.review_statuses is None:
            # The rollups answer in milliseconds what a scan of a million rows takes a second for.
            return sum(row.count for row in self.aggregate("week", (), filters))
        where, params = items_where(filters)
        return int(self._conn().execute(f"SELECT count(*) FROM items WHERE {where}", params)
                   .fetchone()[0])

    def _iter(self, where: str, params: list[Any], batch_size: int) -> Iterator[Item]:
        last = 0
        conn = self._conn()
        while True:
            rows = conn.execute(
                f"SELECT rowid, doc FROM items WHERE rowid > ? AND ({where}) "
                f"ORDER BY rowid LIMIT ?",
                (last, *params, batch_size),
            ).fetchall()
            if not rows:
                return
            last = rows[-1]["rowid"]
            for row in rows:
                yield Item.from_stored(row["doc"])

    def iter_items(
        self, filters: ItemFilter | None = None, batch_size: int = 500
    ) -> Iterator[Item]:
        where, params = items_where(filters or ItemFilter(include_undated=True))
        return self._iter(where, params, batch_size)

    def iter_unclassified(self, model: str | None = None, batch_size: int = 500
                          ) -> Iterator[Item]:
        if model is None:
            return self._iter("model IS NULL", [], batch_size)
        return self._iter("model IS NULL OR model != ?", [model], batch_size)

    def search(
        self,
        query: str,
        filters: ItemFilter | None = None,
        sort: Literal["relevance", "newest"] = "relevance",
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        where, params = items_where(filters or ItemFilter(include_undated=True))
        match = fts_query(query)
        if match is not None:
            return self._search_text(match, where, params, sort, limit, offset)
        conn = self._conn()
        total = conn.execute(f"SELECT count(*) FROM items WHERE {where}", params).fetchone()[0]
        rows = conn.execute(
            f"SELECT doc FROM items WHERE {where} "
            f"ORDER BY published_ts DESC, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return SearchPage(
            hits=[SearchHit(Item.from_stored(r["doc"]), 0.0) for r in rows],
            total=int(total),
        )

    def _search_text(
        self, match: str, where: str, params: list[Any], sort: str, limit: int, offset: int
    ) -> SearchPage:
        """Full-text search that stays fast for queries matching most of a million items.

        Counting and ranking every match of a very common query ("an ninh mang") costs
        seconds. So the count stops at SEARCH_COUNT_CAP, and such broad queries rank only the
        newest SEARCH_WINDOW matches by collection order (FTS rowid), widening the window until
        the page is full or it covers every match. Selective queries are exact.
        """
        conn = self._conn()
        base = (
            "FROM items_fts JOIN items ON items.rowid = items_fts.rowid "
            f"WHERE items_fts MATCH ? AND {where}"
        )
        total = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 {base} LIMIT ?)",
            (match, *params, SEARCH_COUNT_CAP + 1),
        ).fetchone()[0]
        capped = total > SEARCH_COUNT_CAP
        # bm25 weights: a match in the title counts three times one in the body.
        order = (
            "score DESC, items.published_ts DESC" if sort == "relevance"
            else "items.published_ts DESC, score DESC"
        )
        window = SEARCH_WINDOW
        while True:
            floor = None
            if capped:
                row = conn.execute(
                    "SELECT rowid FROM items_fts WHERE items_fts MATCH ? "
                    "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                    (match, window + offset - 1),
                ).fetchone()
                floor = row[0] if row else None
            rows = conn.execute(
                f"SELECT items.doc, -bm25(items_fts, 3.0, 1.0) AS score {base}"
                f"{' AND items_fts.rowid >= ?' if floor is not None else ''} "
                f"ORDER BY {order}, items.id LIMIT ? OFFSET ?",
                (match, *params, *([floor] if floor is not None else []), limit, offset),
            ).fetchall()
            if floor is None or len(rows) >= limit:
                break
            window *= 4
        return SearchPage(
            hits=[SearchHit(Item.from_stored(r["doc"]), float(r["score"])) for r in rows],
            total=min(int(total), SEARCH_COUNT_CAP),
            total_capped=capped,
        )

    def aggregate(
        self,
        interval: Interval,
        by: Sequence[Dimension] = (),
        filters: ItemFilter | None = None,
    ) -> list[AggregateRow]:
        check_aggregate_args(interval, by, ROLLUP_COLUMNS)
        period = "day" if interval == "day" else "week"
        columns = [ROLLUP_COLUMNS[d] for d in by]
        select = ", ".join([period, *columns])
        if filters is not None and len(filters.topics or ()) > 1 and "topic" not in by:
            # An item in two of the chosen topics has a rollup row in each: count items instead.
            rows = self._aggregate_items(period, by, filters)
        else:
            weekly = weekly_rollup_answers(interval, by, filters)
            where, params = rollup_where(filters, by, weekly)
            rows = self._conn().execute(
                f"SELECT {select}, SUM(n) AS n "
                f"FROM {'weekly_rollup' if weekly else 'daily_rollup'} WHERE {where} "
                f"GROUP BY {select} HAVING SUM(n) > 0 ORDER BY {select}",
                params,
            ).fetchall()
        result = []
        for row in rows:
            key: dict[str, Any] = {}
            for dim, column in zip(by, columns, strict=True):
                value = row[column]
                key[dim] = bool(value) if dim in ("official", "is_original") else value
            result.append(AggregateRow(date.fromisoformat(row[period]), key, int(row["n"])))
        return result

    def _aggregate_items(
        self, period: str, by: Sequence[Dimension], filters: ItemFilter
    ) -> list[sqlite3.Row]:
        """The slow, exact path: count from the items table (rollup column names kept)."""
        expressions = {
            "day": "vn_day",
            "week": "date(vn_day, '-6 days', 'weekday 1')",  # the Monday on or before the day
            "sentiment": "effective_sentiment",
            "misinfo": "coalesce(misinfo, '')",
        }
        names = [period, *(ROLLUP_COLUMNS[d] for d in by)]
        select = ", ".join(f"{expressions.get(name, name)} AS {name}" for name in names)
        where, params = items_where(filters, prefix="")
        return self._conn().execute(
            f"SELECT {select}, count(*) AS n FROM items WHERE {where} "
            f"GROUP BY {', '.join(names)} ORDER BY {', '.join(names)}",
            params,
        ).fetchall()

    def review_queue(
        self,
        filters: ItemFilter | None = None,
        order: Literal["priority", "newest"] = "priority",
        limit: int = 50,
        offset: int = 0,
    ) -> list[QueueEntry]:
        chosen = filters or ItemFilter(include_undated=True, review_statuses=["unreviewed"])
        where, params = items_where(chosen)
        order_by = (
            "priority DESC, published_ts DESC" if order == "priority"
            else "published_ts DESC, priority DESC"
        )
        rows = self._conn().execute(
            f"SELECT doc, review_version, priority FROM items WHERE priority > 0 AND {where} "
            f"ORDER BY {order_by}, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [
            QueueEntry(Item.from_stored(r["doc"]), r["review_version"], r["priority"])
            for r in rows
        ]

    def dedup_pending(self, limit: int = 500) -> list[Item]:
        rows = self._conn().execute(
            "SELECT doc FROM items WHERE rowid NOT IN (SELECT item_rowid FROM item_minhash) "
            "ORDER BY published_ts, id LIMIT ?",
            (limit,),
        ).fetchall()
        return [Item.from_stored(row["doc"]) for row in rows]

    def lsh_candidates(self, keys: Sequence[tuple[int, int]]) -> dict[str, bytes]:
        if not keys:
            return {}
        pairs = ",".join("(?, ?)" for _ in keys)
        # Joining from the given keys lets every lookup use item_lsh's primary key; a row-value
        # IN (...) made SQLite scan the table.
        rows = self._conn().execute(
            f"WITH k (band, key) AS (VALUES {pairs}) "
            "SELECT DISTINCT items.id, m.signature FROM k "
            "JOIN item_lsh AS l ON l.band = k.band AND l.key = k.key "
            "JOIN item_minhash AS m ON m.item_rowid = l.item_rowid "
            "JOIN items ON items.rowid = l.item_rowid "
            "WHERE m.signature IS NOT NULL",
            [value for pair in keys for value in pair],
        ).fetchall()
        return {row["id"]: bytes(row["signature"]) for row in rows}

    def cluster_original(self, cluster_id: str) -> Item | None:
        row = self._conn().execute(
            "SELECT doc FROM items WHERE cluster_id = ? AND is_original = 1 "
            "ORDER BY published_ts, id LIMIT 1",
            (cluster_id,),
        ).fetchone()
        return Item.from_stored(row["doc"]) if row else None

    def cluster_members(self, cluster_id: str, limit: int = 50) -> list[Item]:
        # items_cluster (a partial index on cluster_id) finds the members; a cluster is a
        # handful of syndicated copies, so sorting them here costs nothing.
        rows = self._conn().execute(
            "SELECT doc FROM items WHERE cluster_id = ? "
            "ORDER BY is_original DESC, published_ts, id LIMIT ?",
            (cluster_id, limit),
        ).fetchall()
        return [Item.from_stored(row["doc"]) for row in rows]

    def save_cluster(
        self,
        item_id: str,
        signature: bytes | None,
        keys: Sequence[tuple[int, int]],
        cluster_id: str,
        is_original: bool,
        demote: str | None = None,
    ) -> None:
        with self._write() as conn:
            stored = self._stored(conn, [item_id, *([demote] if demote else [])])
            if item_id not in stored:
                return  # deleted meanwhile (retention): nothing to cluster
            rowid, version, old = stored[item_id]
            new = old.model_copy(update={"cluster_id": cluster_id, "is_original": is_original})
            self._replace(conn, rowid, old, new, version)
            conn.execute(
                "INSERT OR REPLACE INTO item_minhash (item_rowid, signature) VALUES (?, ?)",
                (rowid, signature),
            )
            conn.execute("DELETE FROM item_lsh WHERE item_rowid = ?", (rowid,))
            conn.executemany(
                "INSERT OR IGNORE INTO item_lsh (band, key, item_rowid) VALUES (?, ?, ?)",
                [(band, key, rowid) for band, key in keys],
            )
            if demote and demote in stored:
                d_rowid, d_version, d_old = stored[demote]
                self._replace(conn, d_rowid, d_old,
                              d_old.model_copy(update={"is_original": False}), d_version)

    def record_source_runs(self, runs: Iterable[SourceRun]) -> None:
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO source_runs (source, started_at, finished_at, fetched, new, "
                "not_modified, dropped, errors, error_sample) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.source, r.started_at.isoformat(), r.finished_at.isoformat(), r.fetched,
                     r.new, r.not_modified, r.dropped, r.errors, r.error_sample)
                    for r in runs
                ],
            )

    def source_health(self) -> list[SourceHealth]:
        # Each figure is one indexed lookup per source, so an hourly crawl of fifty sources for
        # years stays instant. A failed run: errors and nothing fetched (see SourceRun.failed).
        failed = "(errors > 0 AND fetched = 0 AND not_modified = 0)"
        rows = self._conn().execute(
            f"""
            SELECT s.source,
                (SELECT count(*) FROM source_runs WHERE source = s.source) AS runs,
                (SELECT finished_at FROM source_runs WHERE source = s.source
                 ORDER BY id DESC LIMIT 1) AS last_run,
                (SELECT finished_at FROM source_runs WHERE source = s.source AND NOT {failed}
                 ORDER BY id DESC LIMIT 1) AS last_success,
                (SELECT finished_at FROM source_runs WHERE source = s.source AND new > 0
                 ORDER BY id DESC LIMIT 1) AS last_new,
                (SELECT count(*) FROM source_runs WHERE source = s.source AND id > coalesce(
                    (SELECT max(id) FROM source_runs WHERE source = s.source AND NOT {failed}),
                    0)) AS streak,
                (SELECT error_sample FROM source_runs WHERE source = s.source AND {failed}
                 ORDER BY id DESC LIMIT 1) AS last_error
            FROM (SELECT DISTINCT source FROM source_runs) AS s ORDER BY s.source
            """
        ).fetchall()

        def when(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return [
            SourceHealth(r["source"], r["runs"], when(r["last_run"]), when(r["last_success"]),
                         when(r["last_new"]), r["streak"], r["last_error"] or "")
            for r in rows
        ]

    def audit_log(self, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
        sql = "SELECT at, actor, action, target, details FROM audit_log"
        params: list[Any] = []
        if action is not None:
            sql += " WHERE action = ?"
            params.append(action)
        rows = self._conn().execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [
            AuditEntry(datetime.fromisoformat(r["at"]), r["actor"], r["action"], r["target"],
                       json.loads(r["details"]))
            for r in rows
        ]

    # -- moving data between stores (phuxanh.migrate) ----------------------------------------

    def restore_items(self, entries: Iterable[tuple[Item, int]]) -> int:
        batch = {item.id: (item, version) for item, version in entries}
        with self._write() as conn:
            stored = self._stored(conn, list(batch))
            for item_id, (item, version) in batch.items():
                if item_id in stored:
                    rowid, _version, old = stored[item_id]
                    self._replace(conn, rowid, old, item, version)
                else:
                    self._insert(conn, item, version)
        return len(batch)

    def iter_audit(self, batch_size: int = 500) -> Iterator[AuditEntry]:
        last = 0
        while True:
            rows = self._conn().execute(
                "SELECT id, at, actor, action, target, details FROM audit_log WHERE id > ? "
                "ORDER BY id LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            last = rows[-1]["id"]
            for r in rows:
                yield AuditEntry(datetime.fromisoformat(r["at"]), r["actor"], r["action"],
                                 r["target"], json.loads(r["details"]))

    def restore_audit(self, entries: Iterable[AuditEntry]) -> int:
        rows = [(e.at.isoformat(), e.actor, e.action, e.target, dumps(e.details))
                for e in entries]
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO audit_log (at, actor, action, target, details) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def iter_source_runs(self, batch_size: int = 500) -> Iterator[SourceRun]:
        last = 0
        while True:
            rows = self._conn().execute(
                "SELECT * FROM source_runs WHERE id > ? ORDER BY id LIMIT ?", (last, batch_size)
            ).fetchall()
            if not rows:
                return
            last = rows[-1]["id"]
            for r in rows:
                yield SourceRun(r["source"], datetime.fromisoformat(r["started_at"]),
                                datetime.fromisoformat(r["finished_at"]), r["fetched"], r["new"],
                                r["not_modified"], r["dropped"], r["errors"], r["error_sample"])

    def stats(self) -> StoreStats:
        conn = self._conn()
        total, classified, reviewed, undated = conn.execute(
            "SELECT count(*), count(sentiment), "
            "sum(review_status != 'unreviewed'), sum(dated = 0) FROM items"
        ).fetchone()
        weekly: dict[tuple[str, str, bool], int] = {}
        for row in self.aggregate("week", ("sentiment", "official")):
            year, week, _ = row.period.isocalendar()
            key = (f"{year}-W{week:02d}", row.key["sentiment"], row.key["official"])
            weekly[key] = weekly.get(key, 0) + row.count
        return StoreStats(int(total), int(classified), int(reviewed or 0), int(undated or 0),
                          weekly)
