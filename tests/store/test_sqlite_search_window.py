"""SQLite only: broad full-text queries are counted up to a cap and ranked in a window of the
newest matches, widened until the page is full (the benchmark shows why: bench/bench_store.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from phuxanh.schema import VN_TZ
from phuxanh.store import sqlite as sqlite_store
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

from .conftest import make_item


@pytest.fixture
def broad_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteStore:
    monkeypatch.setattr(sqlite_store, "SEARCH_COUNT_CAP", 10)
    monkeypatch.setattr(sqlite_store, "SEARCH_WINDOW", 5)
    store = SQLiteStore(tmp_path / "s.db")
    start = datetime(2026, 1, 5, 8, 0, tzinfo=VN_TZ)
    # Collected oldest first; only the five oldest are from an official outlet.
    for n in range(40):
        store.upsert([make_item(n, text="an ninh mạng", official=n < 5,
                                published_at=start + timedelta(hours=n))])
    return store


def test_broad_query_total_is_capped(broad_store: SQLiteStore) -> None:
    page = broad_store.search("an ninh mang", limit=3)
    assert page.total == 10
    assert page.total_capped
    assert len(page.hits) == 3


def test_broad_query_newest_comes_from_the_newest_matches(broad_store: SQLiteStore) -> None:
    page = broad_store.search("an ninh mang", sort="newest", limit=3)
    assert [h.item.title for h in page.hits] == ["Bài số 39", "Bài số 38", "Bài số 37"]


def test_window_widens_until_the_page_is_full(broad_store: SQLiteStore) -> None:
    page = broad_store.search("an ninh mang", ItemFilter(official=True), sort="newest", limit=5)
    assert not page.total_capped
    assert page.total == 5
    assert [h.item.title for h in page.hits] == [f"Bài số {n}" for n in (4, 3, 2, 1, 0)]


def test_selective_queries_are_exact(broad_store: SQLiteStore) -> None:
    broad_store.upsert([make_item(100, text="tấn công lừa đảo")])
    page = broad_store.search("lua dao")
    assert (page.total, page.total_capped) == (1, False)

