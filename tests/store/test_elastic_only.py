"""What only the Elasticsearch store has: feature detection, time-based indices behind the
write alias, the Vietnamese analysis chain, optimistic concurrency on stale document versions.
Runs when ELASTICSEARCH_URL names a cluster (`make test-es` always does)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from phuxanh.errors import ReviewConflict
from phuxanh.schema import Review
from phuxanh.store.base import ItemFilter

from .conftest import ELASTICSEARCH_URL, drop_elastic, make_item, open_elastic, unique_prefix

pytestmark = pytest.mark.skipif(ELASTICSEARCH_URL is None, reason="needs ELASTICSEARCH_URL")


@pytest.fixture
def prefix() -> Iterator[str]:
    name = unique_prefix()
    yield name
    drop_elastic(name)


def test_elasticsearch_features_are_detected_not_assumed(prefix: str) -> None:
    store = open_elastic(prefix)
    features = store.features  # type: ignore[attr-defined]
    assert features.version
    if features.distribution == "oss":  # the 7.9.2 test server
        assert "ilm" in features.missing and not features.ilm
    assert ("analysis-icu" in features.missing) == (not features.icu)
    settings = store.es.indices.get_settings(index=f"{prefix}-000001")  # type: ignore[attr-defined]
    lifecycle = settings[f"{prefix}-000001"]["settings"]["index"].get("lifecycle")
    assert (lifecycle is not None) == features.ilm  # a policy only where ILM exists
    store.close()


def test_elasticsearch_analysis_folds_dd_and_keeps_written_form(prefix: str) -> None:
    store = open_elastic(prefix)
    es = store.es  # type: ignore[attr-defined]
    index = f"{prefix}-000001"

    def tokens(analyzer: str, text: str) -> list[str]:
        result = es.indices.analyze(index=index, analyzer=analyzer, text=text)
        return [t["token"] for t in result["tokens"]]

    assert tokens("vi_folded", "Đà Nẵng, ĐIỆN BIÊN; 57-CT/TW") == [
        "da", "nang", "dien", "bien", "57", "ct", "tw"]
    assert tokens("vi_written", "Đà Nẵng") == ["đà", "nẵng"]
    assert tokens("vi_segmented", "an_ninh_mạng Đà_Nẵng") == ["an_ninh_mạng", "đà_nẵng"]
    store.close()


def test_elasticsearch_segmented_field_holds_underthesea_words(prefix: str) -> None:
    store = open_elastic(prefix)
    store.upsert([make_item(1, title="Bảo đảm an ninh mạng", text="Tại Đà Nẵng.")])
    hit = store.es.search(index=prefix, query={"term": {"segmented": "an_ninh_mạng"}})  # type: ignore[attr-defined]
    assert hit["hits"]["total"]["value"] == 1
    store.close()


def test_elasticsearch_rollover_keeps_every_item_in_reach(prefix: str) -> None:
    store = open_elastic(prefix)
    old = [make_item(n) for n in range(3)]
    store.upsert(old)
    result = store.rollover({"max_docs": 1})  # type: ignore[attr-defined]
    assert result["rolled_over"] and result["new_index"] == f"{prefix}-000002"
    new = [make_item(n) for n in range(3, 5)]
    store.upsert(new)
    # An update of an old item goes to the index that holds it, never a second copy.
    store.set_review(old[0].id, Review(status="confirmed"), 0, "r1")
    assert store.upsert([old[1].model_copy(update={"title": "Bài sửa"})]).updated == 1
    es = store.es  # type: ignore[attr-defined]
    assert es.count(index=f"{prefix}-000001")["count"] == 3
    assert es.count(index=f"{prefix}-000002")["count"] == 2
    assert store.count() == 5
    assert sum(r.count for r in store.aggregate("day")) == 5
    assert store.get(old[1].id).title == "Bài sửa"  # type: ignore[union-attr]
    assert store.count(ItemFilter(review_statuses=["confirmed"])) == 1
    assert [r.period for r in store.aggregate("week")] == [date(2026, 3, 9)]
    assert store.delete_items([old[2].id, new[0].id]) == 2
    assert store.count() == 3
    store.close()


def test_elasticsearch_stale_document_version_never_overwrites(prefix: str) -> None:
    """A writer holding a stale read (another process changed the document since) has its
    conditional write refused (409); it reads again and merges, so neither change is lost."""
    first, second = open_elastic(prefix), open_elastic(prefix)
    item = make_item(1)
    first.upsert([item])
    stale = second._lookup([item.id])  # type: ignore[attr-defined]
    first.set_review(item.id, Review(status="confirmed", sentiment="negative"), 0, "alice")
    real_lookup = second._lookup  # type: ignore[attr-defined]
    reads: list[int] = []

    def lookup_stale_once(ids: list[str]) -> object:
        reads.append(len(ids))
        return stale if len(reads) == 1 else real_lookup(ids)

    second._lookup = lookup_stale_once  # type: ignore[attr-defined]
    assert second.upsert([item.model_copy(update={"title": "Tiêu đề mới"})]).updated == 1
    assert len(reads) == 2  # refused once, merged again from a fresh read
    stored = first.get(item.id)
    assert stored is not None
    assert (stored.title, stored.review.status, stored.review.reviewer) == (
        "Tiêu đề mới", "confirmed", "alice")
    assert first.get_version(item.id) == 1
    # A reviewer who read before alice is refused even though the document changed since.
    with pytest.raises(ReviewConflict):
        first.set_review(item.id, Review(status="dismissed"), 0, "bob")
    first.close()
    second.close()
