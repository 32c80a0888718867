"""SQLite only: migrations bring a store written by an older version up to today's rules."""

from __future__ import annotations

from pathlib import Path

from phuxanh.store.sqlite import SQLiteStore

from .conftest import make_item


def test_migration_scrubs_raw_forum_authors_written_before_the_rule(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    SQLiteStore(path).upsert([make_item(1, source_type="forum"), make_item(2, author="PV")])
    with sqlite3.connect(path) as conn:  # what an older version could have written
        conn.execute("UPDATE items SET doc = json_set(doc, '$.author', 'hoangnam88') "
                     "WHERE source_type = 'forum'")
        conn.execute("PRAGMA user_version = 3")
    store = SQLiteStore(path)
    assert store.schema_version >= 4
    authors = {item.source_type: item.author for item in store.iter_items()}
    assert authors == {"forum": None, "news": "PV"}
    raw = sqlite3.connect(path).execute("SELECT group_concat(doc) FROM items").fetchone()[0]
    assert "hoangnam88" not in raw
