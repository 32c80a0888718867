from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawlers.drops import Rejected
from crawlers.pipelines.age import AgePipeline
from crawlers.pipelines.store import StorePipeline
from crawlers.pipelines.topic import TopicPipeline
from phuxanh.config import Config
from phuxanh.errors import StoreError
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.store.sqlite import SQLiteStore

NOW = datetime.now(VN_TZ)


def _item(n: int = 1, title: str = "Triển khai Chỉ thị số 57-CT/TW", text: str = "Nội dung.",
          published_at: datetime | None = None,
          date_source: DateSource = DateSource.PAGE_METADATA) -> Item:
    url = f"https://baolaocai.vn/bai-{n}.html"
    return Item(
        id=url_item_id(url), url=url, canonical_url=url, source="baolaocai", outlet="Báo Lào Cai",
        title=title, text=text, published_at=published_at or NOW - timedelta(days=2),
        date_source=date_source, fetched_at=NOW, platform="web",
    )


# -- topic ---------------------------------------------------------------------------------

def test_items_mentioning_the_directive_keep_their_topics(make_crawler: Any) -> None:
    crawler = make_crawler()
    pipeline = TopicPipeline.from_crawler(crawler)
    item = pipeline.process_item(_item())
    assert item.topics == ["chi-thi-57"]
    assert "Chỉ thị số 57-CT/TW" in item.matched_terms
    assert len(item.matched_terms) == len(set(item.matched_terms))


def test_without_diacritics_still_matches(make_crawler: Any) -> None:
    pipeline = TopicPipeline.from_crawler(make_crawler())
    item = pipeline.process_item(_item(title="Hoi nghi quan triet chi thi 57 ve an ninh mang"))
    assert item.topics == ["chi-thi-57"]
    assert "Chỉ thị 57" in item.matched_terms


def test_off_topic_items_are_dropped_and_counted(make_crawler: Any) -> None:
    crawler = make_crawler()
    pipeline = TopicPipeline.from_crawler(crawler)
    with pytest.raises(Rejected) as raised:
        pipeline.process_item(_item(title="Miền Bắc đón không khí lạnh", text="Trời rét."))
    assert raised.value.reason == "off_topic"
    assert raised.value.log_level == "INFO"
    assert "baolaocai.vn/bai-1.html" in str(raised.value)
    assert crawler.stats.get_value("phuxanh/dropped/off_topic") == 1


# -- age -----------------------------------------------------------------------------------

def test_items_older_than_the_window_are_dropped(make_crawler: Any, config: Config) -> None:
    crawler = make_crawler()
    pipeline = AgePipeline.from_crawler(crawler)
    old = datetime.now(VN_TZ) - timedelta(days=config.crawl.max_age_days + 3)
    with pytest.raises(Rejected) as raised:
        pipeline.process_item(_item(published_at=old))
    assert raised.value.reason == "too_old"
    assert crawler.stats.get_value("phuxanh/dropped/too_old") == 1
    recent = _item()
    assert pipeline.process_item(recent) is recent


def test_items_dated_by_crawl_time_are_never_too_old(make_crawler: Any) -> None:
    pipeline = AgePipeline.from_crawler(make_crawler())
    item = _item(published_at=datetime(2025, 1, 2, tzinfo=VN_TZ),
                 date_source=DateSource.CRAWL_TIME)
    assert pipeline.process_item(item) is item


# -- store ---------------------------------------------------------------------------------

def test_items_are_written_in_batches_and_on_close(make_crawler: Any, config: Config) -> None:
    crawler = make_crawler(PHUXANH_STORE_BATCH=2)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    reader = SQLiteStore(config.sqlite_path)
    try:
        for n in range(3):
            pipeline.process_item(_item(n))
        assert reader.count() == 2  # the first batch is written, the third item is buffered
        pipeline.close_spider()
        assert reader.count() == 3
    finally:
        reader.close()
    assert crawler.stats.get_value("phuxanh/stored/inserted") == 3

    again = make_crawler()
    pipeline = StorePipeline.from_crawler(again)
    pipeline.open_spider()
    for n in range(3):
        pipeline.process_item(_item(n))
    pipeline.close_spider()
    assert again.stats.get_value("phuxanh/stored/inserted") == 0
    assert again.stats.get_value("phuxanh/stored/unchanged") == 3


class _BrokenStore:
    def existing_ids(self, ids: Any) -> set[str]:
        return set()

    def upsert(self, items: Any) -> Any:
        raise StoreError("/var/phuxanh.db: database or disk is full")

    def close(self) -> None:
        pass


def test_a_failed_write_is_spooled_and_recorded(make_crawler: Any) -> None:
    crawler = make_crawler(PHUXANH_STORE_BATCH=1)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.store = _BrokenStore()  # type: ignore[assignment]
    pipeline.process_item(_item())  # not raised, not dropped: kept in the spool
    error = crawler.stats.get_value("phuxanh/store_error")
    assert error.startswith("/var/phuxanh.db: database or disk is full; 1 items kept in ")
    assert str(pipeline.spool.path) in error
    assert crawler.stats.get_value("phuxanh/spool/written") == 1
    assert crawler.stats.get_value("phuxanh/dropped/store_error") is None


def test_an_unreachable_store_fails_the_start(make_crawler: Any, config: Config,
                                              tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    config.data_dir = blocker / "data"
    pipeline = StorePipeline.from_crawler(make_crawler())
    with pytest.raises(StoreError, match="not-a-folder"):
        pipeline.open_spider()
