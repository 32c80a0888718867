"""The same data in SQLite and Elasticsearch gives the same answers, question by question
(runs when ELASTICSEARCH_URL names a cluster; `make test-es` always does)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from phuxanh.schema import VN_TZ, DateSource, Misinformation, Review, Sentiment
from phuxanh.store.base import ItemFilter, LabelUpdate, SourceRun, Store
from phuxanh.store.sqlite import SQLiteStore

from .conftest import ELASTICSEARCH_URL, drop_elastic, make_item, open_elastic, unique_prefix

pytestmark = pytest.mark.skipif(ELASTICSEARCH_URL is None, reason="needs ELASTICSEARCH_URL")

TEXTS = ["Chỉ thị 57 về an ninh mạng tại Đà Nẵng", "Đường dây nóng Điện Biên",
         unicodedata.normalize("NFD", "Bảo đảm an toàn thông tin"), "Giá lúa tăng ở Cần Thơ",
         "an ninh mạng quốc gia", "Tin giả về dịch bệnh lan truyền"]


def _load(store: Store) -> None:
    sunday_night = datetime(2026, 3, 8, 23, 30, tzinfo=VN_TZ)
    items = []
    for n in range(48):
        # 23:30 and 00:30 Vietnam time alternate around the Sunday/Monday boundaries.
        when = sunday_night + timedelta(days=(n // 4) * 3, hours=(n % 2))
        items.append(make_item(
            n, published_at=when if n % 7 else when.astimezone(UTC), text=TEXTS[n % len(TEXTS)],
            title=f"Bài {n % 5}", official=n % 3 == 0, source=f"s{n % 4}",
            source_type="forum" if n % 5 == 0 else "news",
            province="Điện Biên" if n % 6 == 0 else None,
            topics=["chi-thi-57", "an-ninh"] if n % 4 == 0 else [] if n % 9 == 0
            else ["chi-thi-57"],
            date_source=DateSource.CRAWL_TIME if n % 11 == 0 else DateSource.FEED,
        ))
    store.upsert(items)
    labels = ("positive", "neutral", "negative")
    store.set_labels([
        LabelUpdate(i.id, Sentiment(label=labels[n % 3], score=0.5 + (n % 4) / 10,  # type: ignore[arg-type]
                                    model="m@1"),
                    Misinformation(label="likely", score=0.7, model="m@1") if n % 8 == 0 else None)
        for n, i in enumerate(items) if n % 10
    ])
    store.set_review(items[2].id, Review(status="corrected", sentiment="positive"), 0, "r1")
    store.set_review(items[5].id, Review(status="dismissed"), 0, "r1")
    store.save_cluster(items[4].id, None, [], "c1", is_original=True)
    store.save_cluster(items[8].id, None, [], "c1", is_original=False)
    store.record_source_runs([SourceRun("s1", sunday_night, sunday_night, fetched=3, new=1)])


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    sqlite = SQLiteStore(Path(tmp_path_factory.mktemp("agree")) / "s.db")
    prefix = unique_prefix()
    elastic = open_elastic(prefix)
    _load(sqlite)
    _load(elastic)
    yield sqlite, elastic
    sqlite.close()
    elastic.close()
    drop_elastic(prefix)


FILTERS = [
    ItemFilter(), ItemFilter(include_undated=True), ItemFilter(topics=["chi-thi-57"]),
    ItemFilter(topics=["chi-thi-57", "an-ninh"]), ItemFilter(official=True, sources=["s1", "s2"]),
    ItemFilter(provinces=["Điện Biên"]), ItemFilter(sentiments=["positive", ""]),
    ItemFilter(misinformation="likely"), ItemFilter(originals_only=True),
    ItemFilter(date_from=date(2026, 3, 9), date_to=date(2026, 3, 15)),
    ItemFilter(date_from=date(2026, 3, 11)), ItemFilter(source_types=["forum"]),
]


def _answers(store: Store, filters: ItemFilter) -> dict[str, Any]:
    return {
        "count": store.count(filters),
        "day": store.aggregate("day", ["sentiment", "official"], filters),
        "week": store.aggregate("week", ["topic", "province", "misinformation"], filters),
        "week_source": store.aggregate("week", ["source", "source_type", "is_original"],
                                       filters),
        "newest": [h.item.id for h in store.search("", filters, sort="newest", limit=7,
                                                   offset=3).hits],
        "search_total": store.search("an ninh", filters).total,
        "search_newest": [h.item.id for h in store.search("an ninh -quoc", filters,
                                                          sort="newest", limit=50).hits],
        "queue": [(e.item.id, e.version, e.priority) for e in store.review_queue(
            ItemFilter(**{**filters.__dict__, "review_statuses": ["unreviewed"],
                          "include_undated": True}), limit=9, offset=2)],
        "items": sorted(i.id for i in store.iter_items(filters)),
    }


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f)[11:60])
def test_elasticsearch_agrees_with_sqlite(pair: tuple[Store, Store], filters: ItemFilter
                                          ) -> None:
    sqlite, elastic = pair
    expected = _answers(sqlite, filters)
    assert sum(r.count for r in expected["day"]) > 0 or expected["count"] == 0
    assert _answers(elastic, filters) == expected


def test_elasticsearch_agrees_with_sqlite_on_stats_and_queries(pair: tuple[Store, Store]
                                                               ) -> None:
    sqlite, elastic = pair
    assert elastic.stats() == sqlite.stats()
    for query in ("da nang", "ĐÀ NẴNG", "bao dam", unicodedata.normalize("NFD", "bảo đảm"),
                  '"an ninh mang"', "quoc OR tho", "tin gia -dich", "điện biên"):
        assert elastic.search(query, limit=50).total == sqlite.search(query, limit=50).total
        assert ({h.item.id for h in elastic.search(query, limit=50).hits}
                == {h.item.id for h in sqlite.search(query, limit=50).hits}), query
    assert elastic.source_health() == sqlite.source_health()
    assert elastic.cluster_members("c1") == sqlite.cluster_members("c1")
    assert sorted(i.id for i in elastic.iter_unclassified()) == sorted(
        i.id for i in sqlite.iter_unclassified())
