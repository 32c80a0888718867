"""The store contract suite runs against every backend in BACKENDS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.store.base import Store
from phuxanh.store.sqlite import SQLiteStore

BACKENDS = ["sqlite"]


def _open(backend: str, tmp_path: Path) -> Store:
    if backend == "sqlite":
        return SQLiteStore(tmp_path / "store.db")
    raise AssertionError(backend)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_store(backend: str, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens (another handle on) the same store: two handles act like two processes."""
    opened: list[Store] = []

    def opener() -> Store:
        store = _open(backend, tmp_path)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


def make_item(n: int, *, published_at: datetime | None = None, **fields: object) -> Item:
    url = str(fields.pop("url", f"https://baomau.vn/bai-{n}.html"))
    base: dict[str, object] = {
        "id": url_item_id(url), "url": url, "canonical_url": url, "source": "baomau",
        "outlet": "Báo Mẫu", "title": f"Bài số {n}", "text": f"Nội dung bài {n}.",
        "published_at": published_at or datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ),
        "date_source": DateSource.PAGE_METADATA,
        "fetched_at": datetime(2026, 3, 11, 9, 0, tzinfo=VN_TZ), "topics": ["chi-thi-57"],
    }
    base.update(fields)
    return Item.model_validate(base)
