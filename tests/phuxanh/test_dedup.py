"""Near-duplicate clustering on the demo's sample articles and on the real SQLite store."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import combinations
from pathlib import Path

import pytest

from demo.content import Article, bundled_content
from phuxanh.dedup import SIMILARITY_THRESHOLD, Signature, cluster_pending, signature
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.store.base import ItemFilter
from phuxanh.store.sqlite import SQLiteStore

CONTENT = bundled_content()
TODAY = date(2026, 3, 16)


def body(article: Article) -> str:
    return "\n".join((article.sapo, *article.body))


def as_item(article: Article, *, published_at: datetime | None = None, **extra: object) -> Item:
    url = f"https://{article.outlet}.example.vn/{article.slug}.html"
    return Item(
        id=url_item_id(url), url=url, canonical_url=url, source=article.outlet,
        title=article.title, text=body(article),
        published_at=published_at or article.published_at(TODAY),
        date_source=DateSource.PAGE_METADATA, fetched_at=datetime.now(VN_TZ),
        topics=["chi-thi-57"] if article.on_topic else [], **extra,  # type: ignore[arg-type]
    )


def pair() -> tuple[Article, Article]:
    copy = next(a for a in CONTENT.articles if a.duplicate_of)
    original = next(a for a in CONTENT.articles if a.slug == copy.duplicate_of)
    return original, copy


def test_signatures_are_deterministic_and_round_trip() -> None:
    original, _ = pair()
    first = signature(original.title, body(original))
    second = signature(original.title, body(original))
    assert first is not None
    assert second is not None
    assert first.to_bytes() == second.to_bytes()
    assert Signature.from_bytes(first.to_bytes()).similarity(first) == 1.0


def test_a_republished_release_is_similar_and_other_articles_are_not() -> None:
    original, copy = pair()
    a, b = signature(original.title, body(original)), signature(copy.title, body(copy))
    assert a is not None
    assert b is not None
    assert a.similarity(b) >= SIMILARITY_THRESHOLD
    others = [x for x in CONTENT.articles if x.slug not in {original.slug, copy.slug}]
    sigs = [s for x in others if (s := signature(x.title, body(x))) is not None]
    worst = max(s.similarity(t) for s, t in combinations(sigs, 2))
    assert worst < SIMILARITY_THRESHOLD


def test_short_texts_are_not_judged() -> None:
    assert signature("Tiêu đề", "Ngắn quá.") is None


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "s.db")


def test_clusters_in_the_store_and_counts_unique_stories(store: SQLiteStore) -> None:
    original, copy = pair()
    on_topic = [a for a in CONTENT.articles if a.on_topic and not a.duplicate_of]
    store.upsert([as_item(a) for a in on_topic] + [as_item(copy)])
    report = cluster_pending(store)
    assert report.processed == len(on_topic) + 1
    assert report.copies == 1
    stored_copy = store.get(as_item(copy).id)
    stored_original = store.get(as_item(original).id)
    assert stored_copy is not None
    assert stored_original is not None
    assert stored_copy.cluster_id == stored_original.cluster_id == stored_original.id
    assert (stored_original.is_original, stored_copy.is_original) == (True, False)
    unique = store.count(ItemFilter(originals_only=True, include_undated=True))
    assert unique == len(on_topic)
    assert store.count(ItemFilter(include_undated=True)) == len(on_topic) + 1
    assert cluster_pending(store).processed == 0  # re-running changes nothing


def test_the_earlier_item_becomes_the_original_whatever_order_it_arrives(
    store: SQLiteStore,
) -> None:
    original, copy = pair()
    early = original.published_at(TODAY)
    store.upsert([as_item(copy, published_at=early + timedelta(hours=5))])
    cluster_pending(store)
    store.upsert([as_item(original, published_at=early)])  # the source, found a day later
    assert cluster_pending(store).copies == 1
    first, second = store.get(as_item(original).id), store.get(as_item(copy).id)
    assert first is not None
    assert second is not None
    assert first.is_original
    assert not second.is_original
    assert first.cluster_id == second.cluster_id


def test_changed_content_is_clustered_again(store: SQLiteStore) -> None:
    original, copy = pair()
    store.upsert([as_item(original), as_item(copy)])
    cluster_pending(store)
    other = next(a for a in CONTENT.articles if a.on_topic and a.slug not in {
        original.slug, copy.slug})
    rewritten = as_item(copy).model_copy(update={"title": other.title, "text": body(other),
                                                 "content_hash": ""})
    store.upsert([Item.model_validate(rewritten.model_dump())])
    report = cluster_pending(store)
    assert report.processed == 1
    assert report.copies == 0
    stored = store.get(rewritten.id)
    assert stored is not None
    assert stored.is_original
