"""The store contract suite runs against every backend in BACKENDS."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.store.base import Store
from phuxanh.store.sqlite import SQLiteStore

# A real Elasticsearch when ELASTICSEARCH_URL names one (`make test-es` starts a local one;
# credentials may be in the URL or in PHUXANH_ELASTICSEARCH_PASSWORD). Read at import, before
# tests/conftest.py clears PHUXANH_* variables for each test.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL") or None
ELASTICSEARCH_CA_CERTS = os.environ.get("ELASTICSEARCH_CA_CERTS") or None
_ES_PASSWORD = os.environ.get("PHUXANH_ELASTICSEARCH_PASSWORD")
_ES_USERNAME = os.environ.get("ELASTICSEARCH_USERNAME") or None
# Set by `make test-es`: every Elasticsearch test must run; a skip fails the session.
ELASTICSEARCH_REQUIRED = os.environ.get("ELASTICSEARCH_REQUIRED") == "1"

BACKENDS = ["sqlite", *(["elasticsearch"] if ELASTICSEARCH_URL else [])]
_skipped_es: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ELASTICSEARCH_REQUIRED and not ELASTICSEARCH_URL:
        raise pytest.UsageError("ELASTICSEARCH_REQUIRED=1 but ELASTICSEARCH_URL is not set")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "elasticsearch" in report.nodeid:
        _skipped_es.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if ELASTICSEARCH_REQUIRED and _skipped_es:
        print(f"\n{len(_skipped_es)} Elasticsearch tests were skipped; none may be:")
        for nodeid in _skipped_es:
            print("  " + nodeid)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def open_elastic(prefix: str) -> Store:
    from phuxanh.store.elastic import ElasticStore

    assert ELASTICSEARCH_URL is not None
    if _ES_PASSWORD:
        os.environ["PHUXANH_ELASTICSEARCH_PASSWORD"] = _ES_PASSWORD
    return ElasticStore(ELASTICSEARCH_URL, prefix, username=_ES_USERNAME,
                        ca_certs=ELASTICSEARCH_CA_CERTS)


def drop_elastic(prefix: str) -> None:
    from elasticsearch import Elasticsearch

    from phuxanh.store.elastic_mappings import IndexNames, drop_all

    store = open_elastic(prefix)
    es: Elasticsearch = store.es  # type: ignore[attr-defined]
    drop_all(es, IndexNames.for_prefix(prefix), ilm=store.features.ilm)  # type: ignore[attr-defined]
    store.close()


def unique_prefix() -> str:
    """A fresh index prefix per test, so tests never see each other's data."""
    return f"phuxanh-test-{uuid.uuid4().hex[:12]}"


def _open(backend: str, tmp_path: Path, prefix: str) -> Store:
    if backend == "sqlite":
        return SQLiteStore(tmp_path / "store.db")
    if backend == "elasticsearch":
        return open_elastic(prefix)
    raise AssertionError(backend)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_store(backend: str, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens (another handle on) the same store: two handles act like two processes."""
    opened: list[Store] = []
    prefix = unique_prefix()

    def opener() -> Store:
        store = _open(backend, tmp_path, prefix)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()
    if backend == "elasticsearch":
        drop_elastic(prefix)


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
