"""What every store backend must answer the same way (see phuxanh/store/base.py)."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from phuxanh.errors import ItemNotFound, ReviewConflict
from phuxanh.schema import VN_TZ, DateSource, Misinformation, Review, Sentiment
from phuxanh.store.base import ItemFilter, LabelUpdate, Store

from .conftest import make_item

SENT = {label: Sentiment(label=label, score=0.9, model="m@1")  # type: ignore[arg-type]
        for label in ("positive", "neutral", "negative")}


def weekly(store: Store, **filters: object) -> dict[tuple[date, str], int]:
    rows = store.aggregate("week", ["sentiment"], ItemFilter(**filters))  # type: ignore[arg-type]
    return {(row.period, row.key["sentiment"]): row.count for row in rows}


# -- upserts ---------------------------------------------------------------------------------

def test_upsert_twice_is_upsert_once(store: Store) -> None:
    items = [make_item(n) for n in range(5)]
    first = store.upsert(items)
    second = store.upsert(items)
    assert (first.inserted, first.updated, first.unchanged) == (5, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 5)
    assert store.count() == 5
    assert sum(row.count for row in store.aggregate("week")) == 5
    assert store.get(items[0].id) == items[0]


def test_duplicate_ids_within_one_call_count_once(store: Store) -> None:
    result = store.upsert([make_item(1, title="cũ"), make_item(1, title="mới")])
    assert result.inserted == 1
    assert store.get(make_item(1).id).title == "mới"  # type: ignore[union-attr]


def test_recrawl_keeps_labels_review_and_first_seen(store: Store) -> None:
    item = make_item(1)
    store.upsert([item])
    store.set_labels([LabelUpdate(item.id, SENT["negative"])])
    store.set_review(item.id, Review(status="confirmed"), 0, "reviewer1")
    later = item.model_copy(update={"fetched_at": item.fetched_at + timedelta(days=2)})
    assert store.upsert([later]).unchanged == 1
    stored = store.get(item.id)
    assert stored is not None
    assert stored.sentiment == SENT["negative"]
    assert stored.review.status == "confirmed"
    assert stored.fetched_at == item.fetched_at


def test_changed_content_drops_stale_labels_and_reindexes(store: Store) -> None:
    item = make_item(1, text="Hội nghị về Chỉ thị 57 tại Đà Nẵng")
    store.upsert([item])
    store.set_labels([LabelUpdate(item.id, SENT["positive"])])
    changed = {"text": "Bài đã sửa: tập huấn ở Điện Biên", "content_hash": ""}
    edited = type(item).model_validate({**item.model_dump(), **changed})
    assert store.upsert([edited]).updated == 1
    stored = store.get(item.id)
    assert stored is not None and stored.sentiment is None
    assert [i.id for i in store.iter_unclassified()] == [item.id]
    assert store.search("da nang").total == 0
    assert store.search("dien bien").total == 1


def test_crawl_time_date_never_replaces_a_real_date(store: Store) -> None:
    item = make_item(1)
    store.upsert([item])
    guess = item.model_copy(update={"published_at": datetime(2026, 4, 1, tzinfo=VN_TZ),
                                    "date_source": DateSource.CRAWL_TIME})
    store.upsert([guess])
    stored = store.get(item.id)
    assert stored is not None and stored.published_at == item.published_at


def test_of_two_crawl_time_guesses_the_earlier_stays(store: Store) -> None:
    first = make_item(1, date_source=DateSource.CRAWL_TIME)
    store.upsert([first])
    later = first.model_copy(update={"published_at": first.published_at + timedelta(days=1)})
    assert store.upsert([later]).unchanged == 1
    stored = store.get(first.id)
    assert stored is not None
    assert stored.published_at == first.published_at


def test_data_survives_reopening(open_store: Callable[[], Store]) -> None:
    first = open_store()
    first.upsert([make_item(1)])
    first.close()
    assert open_store().count() == 1


def test_concurrent_writers_lose_nothing(open_store: Callable[[], Store]) -> None:
    stores = [open_store(), open_store()]
    errors: list[BaseException] = []

    def write(store: Store, offset: int) -> None:
        try:
            for start in range(0, 200, 20):
                store.upsert([make_item(offset + n) for n in range(start, start + 20)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, i * 1000)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[0].count() == 400


# -- search ----------------------------------------------------------------------------------

def test_search_without_diacritics(store: Store) -> None:
    store.upsert([
        make_item(1, title="Chỉ thị 57 an ninh mạng", text="Triển khai tại Đà Nẵng."),
        make_item(2, title="Giá lúa tăng", text="Nông dân phấn khởi."),
    ])
    for query in ("chi thi 57 an ninh mang", "Chỉ thị 57", "da nang", "ĐÀ NẴNG", "an ninh"):
        page = store.search(query)
        assert page.total == 1, query
        assert page.hits[0].item.title == "Chỉ thị 57 an ninh mạng"


def test_search_finds_text_stored_from_nfd_input(store: Store) -> None:
    store.upsert([make_item(1, text=unicodedata.normalize("NFD", "Bảo đảm an ninh dữ liệu"))])
    assert store.search("an ninh dữ liệu").total == 1
    assert store.search("du lieu").total == 1


def test_search_phrases_exclusion_and_or(store: Store) -> None:
    store.upsert([
        make_item(1, text="an ninh mạng quốc gia"),
        make_item(2, text="mạng lưới an ninh"),
        make_item(3, text="an toàn thông tin"),
    ])
    assert store.search('"an ninh mang"').total == 1
    assert store.search("an ninh mang").total == 2
    assert store.search("an ninh -quoc").total == 1
    assert store.search("quoc OR toan").total == 2
    assert store.search('"; DROP TABLE items; --').total == 0  # folded to a harmless phrase
    assert store.count() == 3


def test_search_filters_sorting_and_paging(store: Store) -> None:
    base = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    store.upsert([
        make_item(n, text="an ninh mạng", published_at=base + timedelta(hours=n),
                  official=n % 2 == 0)
        for n in range(6)
    ])
    newest = store.search("an ninh", sort="newest", limit=2)
    assert newest.total == 6
    assert [h.item.title for h in newest.hits] == ["Bài số 5", "Bài số 4"]
    second = store.search("an ninh", sort="newest", limit=2, offset=2)
    assert [h.item.title for h in second.hits] == ["Bài số 3", "Bài số 2"]
    assert store.search("an ninh", ItemFilter(official=True)).total == 3
    assert store.search("", ItemFilter(official=False), sort="newest").total == 3


def test_search_ties_on_date_are_ordered_stably(store: Store) -> None:
    same = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    store.upsert([make_item(n, text="an ninh", published_at=same) for n in range(10)])
    pages = [store.search("an ninh", sort="newest", limit=3, offset=o).hits for o in (0, 3, 6, 9)]
    seen = [hit.item.id for page in pages for hit in page]
    assert len(seen) == len(set(seen)) == 10


# -- aggregation -----------------------------------------------------------------------------

def test_week_buckets_follow_vietnam_time(store: Store) -> None:
    # Sunday 8 March 2026 23:30 in Hà Nội and Monday 9 March 00:30 (= Sunday 17:30 UTC).
    sunday_late = datetime(2026, 3, 8, 23, 30, tzinfo=VN_TZ)
    monday_early_utc = datetime(2026, 3, 8, 17, 30, tzinfo=UTC)
    store.upsert([make_item(1, published_at=sunday_late),
                  make_item(2, published_at=monday_early_utc)])
    counts = weekly(store)
    assert counts == {(date(2026, 3, 2), ""): 1, (date(2026, 3, 9), ""): 1}
    days = {row.period: row.count for row in store.aggregate("day")}
    assert days == {date(2026, 3, 8): 1, date(2026, 3, 9): 1}


def test_aggregate_by_sentiment_and_official_uses_review_labels(store: Store) -> None:
    items = [make_item(n, official=n < 2) for n in range(4)]
    store.upsert(items)
    store.set_labels([LabelUpdate(items[0].id, SENT["positive"]),
                      LabelUpdate(items[1].id, SENT["positive"]),
                      LabelUpdate(items[2].id, SENT["negative"])])
    rows = store.aggregate("week", ["sentiment", "official"])
    counts = {(r.key["sentiment"], r.key["official"]): r.count for r in rows}
    assert counts == {("positive", True): 2, ("negative", False): 1, ("", False): 1}
    store.set_review(items[2].id, Review(status="corrected", sentiment="neutral"), 0, "r1")
    rows = store.aggregate("week", ["sentiment"])
    assert {r.key["sentiment"]: r.count for r in rows} == {"positive": 2, "neutral": 1, "": 1}


def test_aggregate_filters(store: Store) -> None:
    march = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    store.upsert([
        make_item(1, published_at=march),
        make_item(2, published_at=march + timedelta(days=14), topics=["khac"]),
        make_item(3, published_at=march, date_source=DateSource.CRAWL_TIME),
        make_item(4, published_at=march, province="Điện Biên", source_type="forum"),
    ])
    total = sum(r.count for r in store.aggregate("week"))
    assert total == 3  # the crawl-time-dated item is left out of trends by default
    assert sum(r.count for r in store.aggregate("week", filters=ItemFilter(include_undated=True))
               ) == 4
    only_topic = store.aggregate("week", filters=ItemFilter(topics=["chi-thi-57"]))
    assert sum(r.count for r in only_topic) == 2
    ranged = store.aggregate("day", filters=ItemFilter(date_from=date(2026, 3, 11)))
    assert [(r.period, r.count) for r in ranged] == [(date(2026, 3, 24), 1)]
    by_province = store.aggregate("week", ["province", "source_type"])
    assert {(r.period, r.key["province"], r.key["source_type"]): r.count for r in by_province} == {
        (date(2026, 3, 9), "", "news"): 1, (date(2026, 3, 23), "", "news"): 1,
        (date(2026, 3, 9), "Điện Biên", "forum"): 1}


def test_items_in_several_topics_count_once_unless_split_by_topic(store: Store) -> None:
    store.upsert([make_item(1, topics=["chi-thi-57", "an-ninh-du-lieu"])])
    assert sum(r.count for r in store.aggregate("week")) == 1
    by_topic = store.aggregate("week", ["topic"])
    assert {r.key["topic"]: r.count for r in by_topic} == {"chi-thi-57": 1, "an-ninh-du-lieu": 1}


def test_aggregate_rejects_unknown_dimension(store: Store) -> None:
    with pytest.raises(ValueError, match="cannot aggregate by"):
        store.aggregate("week", ["colour"])  # type: ignore[list-item]


def test_stats(store: Store) -> None:
    items = [make_item(n, official=n == 0) for n in range(3)]
    store.upsert(items)
    store.set_labels([LabelUpdate(items[0].id, SENT["positive"])])
    stats = store.stats()
    assert (stats.total, stats.classified, stats.reviewed) == (3, 1, 0)
    assert stats.weekly == {("2026-W11", "positive", True): 1, ("2026-W11", "", False): 2}


# -- classification and review ---------------------------------------------------------------

def test_iter_unclassified_by_model_version(store: Store) -> None:
    items = [make_item(n) for n in range(3)]
    store.upsert(items)
    assert {i.id for i in store.iter_unclassified(batch_size=1)} == {i.id for i in items}
    store.set_labels([LabelUpdate(items[0].id, SENT["neutral"]),
                      LabelUpdate(items[1].id, Sentiment(label="neutral", score=0.5,
                                                         model="m@2"))])
    assert [i.id for i in store.iter_unclassified()] == [items[2].id]
    assert {i.id for i in store.iter_unclassified(model="m@2")} == {items[0].id, items[2].id}


def test_review_queue_order_and_exit(store: Store) -> None:
    items = [make_item(n) for n in range(4)]
    store.upsert(items)
    store.set_labels([
        LabelUpdate(items[0].id, SENT["positive"]),
        LabelUpdate(items[1].id, Sentiment(label="negative", score=0.7, model="m@1")),
        LabelUpdate(items[2].id, SENT["neutral"],
                    Misinformation(label="likely", score=0.6, model="m@1", narrative_id="n1")),
        LabelUpdate(items[3].id, Sentiment(label="negative", score=0.95, model="m@1")),
    ])
    queue = store.review_queue()
    assert [e.item.id for e in queue] == [items[2].id, items[3].id, items[1].id]
    assert all(e.version == 0 for e in queue)
    store.set_review(items[2].id, Review(status="handled", response_url="https://x.vn/r"), 0, "r")
    assert [e.item.id for e in store.review_queue()] == [items[3].id, items[1].id]
    newest = store.review_queue(order="newest", limit=1)
    assert len(newest) == 1


def test_concurrent_review_conflict(open_store: Callable[[], Store]) -> None:
    alice, bob = open_store(), open_store()
    item = make_item(1)
    alice.upsert([item])
    seen_by_alice = alice.get_version(item.id)
    seen_by_bob = bob.get_version(item.id)
    new_version = alice.set_review(item.id, Review(status="confirmed", sentiment="negative"),
                                   seen_by_alice, "alice")
    with pytest.raises(ReviewConflict) as caught:
        bob.set_review(item.id, Review(status="dismissed"), seen_by_bob, "bob")
    assert caught.value.actual_version == new_version
    stored = bob.get(item.id)
    assert stored is not None
    assert (stored.review.status, stored.review.reviewer) == ("confirmed", "alice")
    reviews = bob.audit_log(action="review")
    assert [(e.actor, e.target, e.details["status"]) for e in reviews] == [
        ("alice", item.id, "confirmed")]
    # Bob reloads and decides again against the version he now sees.
    again = bob.set_review(item.id, Review(status="dismissed"), new_version, "bob")
    assert again == new_version + 1


def test_racing_reviewers_exactly_one_wins(open_store: Callable[[], Store]) -> None:
    stores = [open_store() for _ in range(4)]
    item = make_item(1)
    stores[0].upsert([item])
    outcomes: list[str] = []
    barrier = threading.Barrier(len(stores))

    def review(store: Store, name: str) -> None:
        barrier.wait()
        try:
            store.set_review(item.id, Review(status="confirmed"), 0, name)
            outcomes.append("won")
        except ReviewConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=review, args=(s, f"r{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["won"]
    assert len(stores[0].audit_log(action="review")) == 1


def test_review_of_missing_item(store: Store) -> None:
    with pytest.raises(ItemNotFound):
        store.set_review("u:nope", Review(status="confirmed"), 0, "r")


def test_audit_log(store: Store) -> None:
    store.audit("admin", "export", "weekly-2026-W11.pdf", {"rows": 12})
    [entry] = store.audit_log()
    assert (entry.actor, entry.action, entry.target, entry.details) == (
        "admin", "export", "weekly-2026-W11.pdf", {"rows": 12})
    assert entry.at.tzinfo is not None


def test_weekly_counts_agree_with_daily_counts_for_any_filter(store: Store) -> None:
    """The SQLite backend answers some weekly questions from a coarser table; the answers
    must be the same as regrouping the daily ones."""
    start = datetime(2026, 3, 1, 6, 0, tzinfo=VN_TZ)
    items = [
        make_item(n, published_at=start + timedelta(hours=17 * n), official=n % 3 == 0,
                  source=f"s{n % 4}", topics=["chi-thi-57"] if n % 5 else ["khac", "chi-thi-57"])
        for n in range(60)
    ]
    store.upsert(items)
    store.set_labels([LabelUpdate(i.id, SENT[("positive", "neutral", "negative")[n % 3]])
                      for n, i in enumerate(items) if n % 7])
    for filters in (
        ItemFilter(),
        ItemFilter(topics=["chi-thi-57"], official=True),
        ItemFilter(date_from=date(2026, 3, 9), date_to=date(2026, 3, 22)),  # whole weeks
        ItemFilter(date_from=date(2026, 3, 11)),  # mid-week: only the daily table can answer
        ItemFilter(sources=["s1"]),
    ):
        weekly_rows = store.aggregate("week", ["sentiment", "official"], filters)
        daily_rows = store.aggregate("day", ["sentiment", "official"], filters)
        regrouped: dict[tuple[date, str, bool], int] = {}
        for row in daily_rows:
            monday = row.period - timedelta(days=row.period.weekday())
            key = (monday, row.key["sentiment"], row.key["official"])
            regrouped[key] = regrouped.get(key, 0) + row.count
        got = {(r.period, r.key["sentiment"], r.key["official"]): r.count for r in weekly_rows}
        assert got == regrouped, filters
        assert sum(got.values()) > 0, filters


def test_filtering_on_several_topics_counts_each_item_once(store: Store) -> None:
    store.upsert([
        make_item(1, topics=["chi-thi-57", "an-ninh-du-lieu"], official=True),
        make_item(2, topics=["an-ninh-du-lieu"]),
        make_item(3, topics=["khac"]),
    ])
    both = ItemFilter(topics=["chi-thi-57", "an-ninh-du-lieu"])
    for interval in ("day", "week"):
        rows = store.aggregate(interval, ["official"], both)  # type: ignore[arg-type]
        assert {r.key["official"]: r.count for r in rows} == {True: 1, False: 1}
    assert store.count(both) == 2


def test_count_agrees_with_search_totals_for_any_filter(store: Store) -> None:
    items = [make_item(n, official=n % 2 == 0, topics=["chi-thi-57"] if n % 3 else [],
                       date_source=DateSource.CRAWL_TIME if n == 5 else DateSource.FEED)
             for n in range(12)]
    store.upsert(items)
    store.set_review(items[0].id, Review(status="dismissed"), 0, "r")
    for filters in (ItemFilter(), ItemFilter(official=True), ItemFilter(topics=["chi-thi-57"]),
                    ItemFilter(include_undated=True), ItemFilter(review_statuses=["dismissed"])):
        assert store.count(filters) == store.search("", filters).total, filters


def test_source_health(store: Store) -> None:
    from phuxanh.store.base import SourceRun

    day = datetime(2026, 3, 1, 6, 0, tzinfo=VN_TZ)

    def run(n: int, source: str, **counts: object) -> SourceRun:
        started = day + timedelta(hours=n)
        return SourceRun(source, started, started + timedelta(minutes=2), **counts)  # type: ignore[arg-type]

    store.record_source_runs([
        run(0, "baomau", fetched=10, new=3),
        run(0, "dienbien", fetched=4, new=0, not_modified=1),
    ])
    store.record_source_runs([
        run(1, "baomau", fetched=2, new=0, not_modified=1),
        run(1, "dienbien", errors=1, error_sample="https://x.vn/rss: HTTP 503"),
    ])
    store.record_source_runs([
        run(2, "dienbien", errors=2, error_sample="https://x.vn/rss: timeout"),
    ])
    health = {h.source: h for h in store.source_health()}
    assert set(health) == {"baomau", "dienbien"}
    good, bad = health["baomau"], health["dienbien"]
    assert (good.runs, good.error_streak, good.last_error) == (2, 0, "")
    assert good.last_new_item_at == day + timedelta(minutes=2)
    assert good.last_success_at == day + timedelta(hours=1, minutes=2)
    assert (bad.runs, bad.error_streak) == (3, 2)
    assert bad.last_error == "https://x.vn/rss: timeout"
    assert bad.last_success_at == day + timedelta(minutes=2)
    assert bad.last_new_item_at is None
    assert bad.silent_days(day + timedelta(days=3)) is None
    assert good.silent_days(day + timedelta(days=3, hours=1)) == 3


def test_cluster_members_original_first_then_copies_by_date(store: Store) -> None:
    day = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    original = make_item(1, published_at=day)
    late, early = (make_item(n, published_at=day + timedelta(hours=h)) for n, h in ((2, 5),
                                                                                   (3, 1)))
    outsider = make_item(4, published_at=day)
    store.upsert([original, late, early, outsider])
    store.save_cluster(original.id, None, [], "c1", is_original=True)
    for copy in (late, early):
        store.save_cluster(copy.id, None, [], "c1", is_original=False)
    store.save_cluster(outsider.id, None, [], "c2", is_original=True)
    members = store.cluster_members("c1")
    assert [m.id for m in members] == [original.id, early.id, late.id]
    assert [m.is_original for m in members] == [True, False, False]
    assert [m.id for m in store.cluster_members("c1", limit=2)] == [original.id, early.id]
    assert store.cluster_members("no-such-cluster") == []


# -- retention: delete_items / prune_audit ---------------------------------------------------

def test_delete_items_removes_items_and_everything_kept_for_them(store: Store) -> None:
    day = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    items = [make_item(n, published_at=day + timedelta(days=n), text=f"Tin Đà Nẵng số {n}",
                       topics=["chi-thi-57", "an-ninh"] if n % 2 else ["chi-thi-57"])
             for n in range(4)]
    store.upsert(items)
    store.set_labels([LabelUpdate(i.id, SENT["negative"], Misinformation(
        label="likely", score=0.8, model="m@1")) for i in items])
    store.set_review(items[1].id, Review(status="confirmed"), 0, "reviewer1")
    doomed, kept = [items[0].id, items[1].id], [items[2].id, items[3].id]

    assert store.delete_items([*doomed, doomed[0], "no-such-id"]) == 2
    assert store.delete_items(doomed) == 0
    assert store.get(doomed[0]) is None and store.get(doomed[1]) is None
    assert store.existing_ids([*doomed, *kept]) == set(kept)
    assert store.count() == 2
    assert sum(row.count for row in store.aggregate("day")) == 2
    assert sum(row.count for row in store.aggregate("week", ["topic"])) == 3
    assert weekly(store) == {(date(2026, 3, 9), "negative"): 2}
    assert store.search("da nang").total == 2
    assert {h.item.id for h in store.search("da nang").hits} == set(kept)
    assert {e.item.id for e in store.review_queue(
        ItemFilter(include_undated=True))} <= set(kept)
    assert {i.id for i in store.iter_items()} == set(kept)
    assert store.stats().total == 2 and store.stats().reviewed == 0
    # Nothing left behind: the same item stored again is new, found once.
    assert store.upsert([items[0]]).inserted == 1
    assert store.search("da nang so 0").total == 1
    assert store.count() == 3


def test_deleting_a_cluster_original_promotes_its_earliest_copy(store: Store) -> None:
    day = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    original, early, late = (make_item(n, published_at=day + timedelta(hours=n))
                             for n in (1, 2, 3))
    store.upsert([original, early, late])
    store.save_cluster(original.id, None, [], "c1", is_original=True)
    for copy in (early, late):
        store.save_cluster(copy.id, None, [], "c1", is_original=False)
    originals = ItemFilter(originals_only=True, include_undated=True)
    assert store.count(originals) == 1
    assert store.delete_items([original.id]) == 1
    promoted = store.cluster_original("c1")
    assert promoted is not None and promoted.id == early.id
    assert store.count(originals) == 1
    assert store.count() == 2


def test_prune_audit_removes_only_older_entries(store: Store) -> None:
    store.audit("a", "login", "x")
    store.audit("b", "export", "y")
    assert store.prune_audit(datetime.now(UTC) - timedelta(days=1)) == 0
    assert len(store.audit_log()) == 2
    assert store.prune_audit(datetime.now(UTC) + timedelta(minutes=1)) == 2
    assert store.audit_log() == []


# -- edge cases every backend answers alike (issue 6) -----------------------------------------

def test_dd_and_nfd_in_text_and_queries(store: Store) -> None:
    store.upsert([make_item(1, title=unicodedata.normalize("NFD", "Đường dây nóng Điện Biên"),
                            text="Người dân gọi đến."),
                  make_item(2, title="Dương tính", text="Không liên quan.")])
    stored = store.get(make_item(1).id)
    assert stored is not None and stored.title == "Đường dây nóng Điện Biên"  # kept as NFC
    for query in ("đường dây", unicodedata.normalize("NFD", "đường dây"), "duong day",
                  "DUONG DAY", "Đuong day", "dien bien", "ĐIỆN BIÊN"):
        page = store.search(query)
        assert [h.item.id for h in page.hits] == [make_item(1).id], query
    assert store.search("duong").total == 2  # "Đường" and "Dương" both fold to "duong"
    assert store.search("dương").total == 2  # matching is on folded text only


def test_day_boundaries_at_2330_and_0030_vietnam_time(store: Store) -> None:
    late = make_item(1, published_at=datetime(2026, 3, 10, 23, 30, tzinfo=VN_TZ))
    # 00:30 on the 11th in Hà Nội, given in UTC (17:30 on the 10th).
    early = make_item(2, published_at=datetime(2026, 3, 10, 17, 30, tzinfo=UTC))
    store.upsert([late, early])
    days = {row.period: row.count for row in store.aggregate("day")}
    assert days == {date(2026, 3, 10): 1, date(2026, 3, 11): 1}
    only_11 = ItemFilter(date_from=date(2026, 3, 11))
    assert [i.id for i in store.iter_items(only_11)] == [early.id]
    assert store.count(ItemFilter(date_to=date(2026, 3, 10))) == 1
    assert store.search("", ItemFilter(date_from=date(2026, 3, 10), date_to=date(2026, 3, 10))
                        ).hits[0].item.id == late.id


def test_sunday_monday_boundary_in_weeks_and_filters(store: Store) -> None:
    sunday = make_item(1, published_at=datetime(2026, 3, 15, 23, 59, tzinfo=VN_TZ))
    monday = make_item(2, published_at=datetime(2026, 3, 16, 0, 0, tzinfo=VN_TZ))
    store.upsert([sunday, monday])
    assert weekly(store) == {(date(2026, 3, 9), ""): 1, (date(2026, 3, 16), ""): 1}
    whole_week = ItemFilter(date_from=date(2026, 3, 9), date_to=date(2026, 3, 15))
    assert [r.count for r in store.aggregate("week", filters=whole_week)] == [1]
    assert store.stats().weekly == {("2026-W11", "", False): 1, ("2026-W12", "", False): 1}


def test_review_queue_ties_on_date_and_priority_page_stably(store: Store) -> None:
    same = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    items = [make_item(n, published_at=same) for n in range(12)]
    store.upsert(items)
    store.set_labels([LabelUpdate(i.id, SENT["negative"]) for i in items])
    for order in ("priority", "newest"):
        pages = [store.review_queue(order=order, limit=5, offset=o) for o in (0, 5, 10)]  # type: ignore[arg-type]
        seen = [e.item.id for page in pages for e in page]
        assert [len(p) for p in pages] == [5, 5, 2]
        assert seen == sorted(i.id for i in items), order  # ties broken by id, both backends


def test_queue_reads_follow_updates_at_once(store: Store) -> None:
    items = [make_item(n, published_at=datetime(2026, 3, 10, 8, n, tzinfo=VN_TZ))
             for n in range(4)]
    store.upsert(items)
    store.set_labels([LabelUpdate(i.id, SENT["negative"]) for i in items])
    assert len(store.review_queue()) == 4
    store.set_review(items[0].id, Review(status="dismissed"), 0, "r1")
    store.set_labels([LabelUpdate(items[1].id, SENT["positive"])])
    edited = type(items[2]).model_validate({**items[2].model_dump(), "text": "Đã sửa.",
                                            "content_hash": ""})
    store.upsert([edited])  # content changed: its label is dropped, so it leaves the queue
    assert [e.item.id for e in store.review_queue()] == [items[3].id]
    store.set_labels([LabelUpdate(items[2].id, Sentiment(label="negative", score=0.99,
                                                         model="m@1"))])
    queue = store.review_queue()
    assert [e.item.id for e in queue] == [items[2].id, items[3].id]
    assert [e.version for e in queue] == [0, 0]
    store.set_review(items[2].id, Review(status="confirmed"), queue[0].version, "r2")
    assert [e.item.id for e in store.review_queue()] == [items[3].id]
    reviewed = store.review_queue(ItemFilter(include_undated=True,
                                             review_statuses=["confirmed", "dismissed"]))
    assert {e.item.id: e.version for e in reviewed} == {items[0].id: 1, items[2].id: 1}
    assert store.count(ItemFilter(review_statuses=["unreviewed"])) == 2


# -- moving data between stores (phuxanh.migrate) -------------------------------------------

def test_restore_items_keeps_reviews_versions_and_labels_as_given(store: Store) -> None:
    item = make_item(1).model_copy(update={
        "sentiment": SENT["negative"],
        "review": Review(status="corrected", sentiment="neutral", reviewer="r1",
                         reviewed_at=datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)),
        "cluster_id": "c1",
    })
    assert store.restore_items([(item, 3), (make_item(2), 0)]) == 2
    assert store.get(item.id) == item
    assert store.get_version(item.id) == 3
    assert weekly(store) == {(date(2026, 3, 9), "neutral"): 1, (date(2026, 3, 9), ""): 1}
    assert store.restore_items([(item, 3)]) == 1  # idempotent
    assert store.count() == 2
    with pytest.raises(ReviewConflict):
        store.set_review(item.id, Review(status="confirmed"), 0, "r2")
    assert store.set_review(item.id, Review(status="confirmed"), 3, "r2") == 4


def test_audit_and_source_runs_are_read_back_whole_oldest_first(store: Store) -> None:
    from phuxanh.store.base import AuditEntry, SourceRun

    at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=VN_TZ)
    store.audit("admin", "login", "dashboard")
    restored = [AuditEntry(at + timedelta(minutes=n), f"u{n}", "review", f"u:{n}",
                           {"n": n, "ghi_chú": "đúng"}) for n in range(3)]
    assert store.restore_audit(restored) == 3
    entries = list(store.iter_audit(batch_size=2))
    assert [e.actor for e in entries] == ["admin", "u0", "u1", "u2"]
    assert entries[1:] == restored
    assert store.audit_log(limit=1)[0].actor == "u2"
    start = datetime(2026, 3, 1, 6, 0, tzinfo=VN_TZ)
    runs = [SourceRun(f"s{n % 2}", start + timedelta(hours=n),
                      start + timedelta(hours=n, minutes=1), fetched=n, new=n % 3)
            for n in range(5)]
    store.record_source_runs(runs[:2])
    store.record_source_runs(runs[2:])
    assert list(store.iter_source_runs(batch_size=2)) == runs


# -- classification history (the item page's "Lịch sử phân loại") --------------------------

def _misinfo(label: str, score: float, narrative: str | None = None) -> Misinformation:
    return Misinformation(label=label, score=score, model="m@2",  # type: ignore[arg-type]
                          narrative_id=narrative)


def test_label_history_grows_on_relabel_newest_first(store: Store) -> None:
    items = [make_item(1), make_item(2)]
    store.upsert(items)
    assert store.label_history(items[0].id) == []
    store.set_labels([LabelUpdate(items[0].id, SENT["neutral"])])
    store.set_labels([LabelUpdate(items[0].id, SENT["negative"])])
    later = Sentiment(label="negative", score=0.8, model="m@2")
    store.set_labels([
        LabelUpdate(items[0].id, later, _misinfo("likely", 0.7, "tin-gia-1")),
        LabelUpdate(items[1].id, SENT["positive"]),
    ])
    history = store.label_history(items[0].id)
    assert [(r.model, r.sentiment, r.sentiment_score) for r in history] == [
        ("m@2", "negative", 0.8), ("m@1", "negative", 0.9), ("m@1", "neutral", 0.9)]
    newest = history[0]
    assert (newest.misinformation, newest.misinformation_score, newest.narrative_id) == (
        "likely", 0.7, "tin-gia-1")
    assert history[1].misinformation is None and history[1].narrative_id is None
    assert all(r.at.tzinfo is not None for r in history)
    assert history[0].at >= history[1].at >= history[2].at
    assert [r.sentiment for r in store.label_history(items[1].id)] == ["positive"]
    assert store.label_history("khong-co") == []


def test_label_history_skips_identical_relabel_and_honours_limit(store: Store) -> None:
    item = make_item(1)
    store.upsert([item])
    for label in ("positive", "neutral", "negative", "neutral"):
        store.set_labels([LabelUpdate(item.id, SENT[label])])
    # Re-running the same model with the same answer (a classify re-run) adds nothing...
    assert store.set_labels([LabelUpdate(item.id, SENT["neutral"])]) == 1
    assert [r.sentiment for r in store.label_history(item.id)] == [
        "neutral", "negative", "neutral", "positive"]
    # ... but the same labels from another model, or another score, do.
    store.set_labels([LabelUpdate(item.id, Sentiment(label="neutral", score=0.9, model="m@3"))])
    store.set_labels([LabelUpdate(item.id, Sentiment(label="neutral", score=0.6, model="m@3"))])
    history = store.label_history(item.id)
    assert [(r.model, r.sentiment_score) for r in history[:3]] == [
        ("m@3", 0.6), ("m@3", 0.9), ("m@1", 0.9)]
    assert len(history) == 6
    assert [r.sentiment for r in store.label_history(item.id, limit=2)] == ["neutral", "neutral"]
    assert store.label_history(item.id, limit=0) == []
    # A recrawl, a review and clustering rewrite the item but keep (and add to) nothing.
    store.upsert([item.model_copy(update={"fetched_at": item.fetched_at + timedelta(days=1),
                                          "title": "Bài số 1 (cập nhật)"})])
    store.set_review(item.id, Review(status="confirmed"), 0, "r1")
    store.save_cluster(item.id, None, [], "c1", True)
    assert store.label_history(item.id) == history


def test_label_history_not_appended_when_content_change_clears_labels(store: Store) -> None:
    item = make_item(1, text="Bản đầu")
    store.upsert([item])
    store.set_labels([LabelUpdate(item.id, SENT["negative"])])
    edited = type(item).model_validate({**item.model_dump(), "text": "Bản sửa",
                                        "content_hash": ""})
    assert store.upsert([edited]).updated == 1
    assert [r.sentiment for r in store.label_history(item.id)] == ["negative"]
    # The next classify labels the changed text again: that is a new record even with the
    # same labels, since the item had none.
    store.set_labels([LabelUpdate(item.id, SENT["negative"])])
    assert [r.sentiment for r in store.label_history(item.id)] == ["negative", "negative"]


def test_label_history_goes_with_deleted_items(store: Store) -> None:
    items = [make_item(1), make_item(2)]
    store.upsert(items)
    for label in ("positive", "negative"):
        store.set_labels([LabelUpdate(i.id, SENT[label]) for i in items])
    assert store.delete_items([items[0].id]) == 1
    assert store.label_history(items[0].id) == []
    assert len(store.label_history(items[1].id)) == 2
    store.upsert([items[0]])  # collected again later: a fresh item with no past labels
    assert store.label_history(items[0].id) == []


def test_label_history_keeps_at_least_the_newest_fifty(store: Store) -> None:
    # The Elasticsearch document keeps the newest 50 (label_history.MAX_IN_DOCUMENT); every
    # backend answers those, newest first, however many relabels came before.
    item = make_item(1)
    store.upsert([item])
    for n in range(53):
        store.set_labels([LabelUpdate(item.id, Sentiment(label="neutral", score=0.5,
                                                         model=f"m@{n}"))])
    history = store.label_history(item.id, limit=50)
    assert [r.model for r in history] == [f"m@{n}" for n in range(52, 2, -1)]
