"""Query DSL for the Elasticsearch store: filters, full-text queries and the indexed document.

Kept apart from the client handling so each piece reads (and tests) on its own. The filters
mean exactly what :func:`phuxanh.store.sqlite_sql.items_where` means, field for field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from phuxanh.schema import VN_TZ, Item
from phuxanh.store.base import Dimension, ItemFilter
from phuxanh.store.merge import effective_sentiment, review_priority
from phuxanh.store.search_syntax import parse_search, written_words
from phuxanh.text import nfc

# Dimension name -> indexed field. "topic" uses topic_keys (the topics, or [""] for none) so
# items without a topic are counted under "" as in the embedded store's rollup.
DIMENSION_FIELDS: dict[Dimension, str] = {
    "sentiment": "effective_sentiment",
    "source_type": "source_type",
    "official": "official",
    "outlet": "outlet",
    "source": "source",
    "topic": "topic_keys",
    "province": "province",
    "misinformation": "misinfo_key",
    "is_original": "is_original",
}
BOOLEAN_DIMENSIONS = {"official", "is_original"}
# Word segmentation (underthesea's CRF) costs about 10 ms per 1 000 characters on an idle core
# and dominates indexing time (bench/index.py: ~8x slower with it), so the segmented field
# covers the title and the lead of the body, where the terms that matter are.
SEGMENT_CHARS = 1000


def filter_clauses(filters: ItemFilter | None) -> list[dict[str, Any]]:
    """``bool.filter`` clauses for ``filters`` (no scoring, cached by Elasticsearch)."""
    f = filters or ItemFilter()
    clauses: list[dict[str, Any]] = []
    for values, fieldname in (
        (f.topics, "topics"),
        (f.sources, "source"),
        (f.source_types, "source_type"),
        (f.provinces, "province"),
        (f.sentiments, "effective_sentiment"),
        (f.review_statuses, "review_status"),
    ):
        if values is not None:
            clauses.append({"terms": {fieldname: list(values)}})
    if f.official is not None:
        clauses.append({"term": {"official": f.official}})
    if f.misinformation is not None:
        clauses.append({"term": {"misinfo": f.misinformation}})
    if f.originals_only:
        clauses.append({"term": {"is_original": True}})
    day_range: dict[str, str] = {}
    if f.date_from is not None:
        day_range["gte"] = f.date_from.isoformat()
    if f.date_to is not None:
        day_range["lte"] = f.date_to.isoformat()
    if day_range:
        clauses.append({"range": {"vn_day": day_range}})
    if not f.include_undated:
        clauses.append({"term": {"dated": True}})
    return clauses


def filtered(filters: ItemFilter | None, *extra: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"filter": [*filter_clauses(filters), *extra]}}


_TEXT_FIELDS = ["title.folded^3", "text.folded"]


def _phrase(words: tuple[str, ...]) -> dict[str, Any]:
    return {"multi_match": {"query": " ".join(words), "type": "phrase",
                            "fields": _TEXT_FIELDS}}


def text_query(query: str) -> dict[str, Any] | None:
    """The user's query (syntax: :mod:`phuxanh.store.search_syntax`, the same as the embedded
    store's) matched on folded text, so "da nang" finds "Đà Nẵng". None when nothing searchable
    is left.

    Exact-diacritic matches (and whole words as underthesea segments them) score higher, which
    changes the order only, never which items match.
    """
    query = nfc(query)
    parsed = parse_search(query)
    if parsed is None:
        return None
    positive = [_phrase(group[0]) if len(group) == 1
                else {"bool": {"should": [_phrase(words) for words in group],
                               "minimum_should_match": 1}}
                for group in parsed.required]
    negative = [_phrase(words) for words in parsed.excluded]
    written = " ".join(written_words(query))
    boost = [{"multi_match": {"query": written, "fields": ["title^3", "text"]}},
             {"match": {"segmented": {"query": written}}}]
    return {"bool": {"must": positive, "must_not": negative, "should": boost}}


@lru_cache(maxsize=1)
def _word_tokenize() -> Any:
    from underthesea import word_tokenize

    return word_tokenize


def segmented(item: Item) -> str:
    """Title and body start as underthesea segments them ("an_ninh_mạng"), for whole-word
    matching of compounds."""
    text = f"{item.title}\n{item.text[:SEGMENT_CHARS]}".strip()
    return str(_word_tokenize()(text, format="text")) if text else ""


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def item_source(
    item: Item, version: int, *, segment: bool, dedup: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The indexed document: the whole item as JSON in ``doc`` (the source of truth, as in the
    embedded store) plus the fields queries filter, sort, aggregate and match on."""
    misinfo = item.misinformation.label if item.misinformation else None
    source: dict[str, Any] = {
        "id": item.id,
        "doc": item.model_dump_json(),
        "source": item.source,
        "source_type": item.source_type,
        "outlet": item.outlet,
        "official": item.official,
        "province": item.province or "",
        "published_at": _ts(item.published_at),
        "vn_day": item.published_at.astimezone(VN_TZ).date().isoformat(),
        "dated": item.is_dated,
        "fetched_at": _ts(item.fetched_at),
        "updated_at": _ts(datetime.now(UTC)),
        "content_hash": item.content_hash,
        "cluster_id": item.cluster_id,
        "is_original": item.is_original,
        "sentiment": item.sentiment.label if item.sentiment else None,
        "sentiment_score": item.sentiment.score if item.sentiment else None,
        "misinfo": misinfo,
        "misinfo_key": misinfo or "",
        "misinfo_score": item.misinformation.score if item.misinformation else None,
        "model": item.sentiment.model if item.sentiment else None,
        "effective_sentiment": effective_sentiment(item),
        "priority": review_priority(item),
        "review_status": item.review.status,
        "review_version": version,
        "topics": list(dict.fromkeys(item.topics)),
        "topic_keys": list(dict.fromkeys(item.topics)) or [""],
        # Stored text is NFC already (phuxanh.schema cleans it); nfc() again guards items built
        # with model_construct, because asciifolding cannot fold decomposed marks.
        "title": nfc(item.title),
        "text": nfc(item.text),
        "segmented": segmented(item) if segment else "",
        "dedup_done": False,
        "minhash": None,
        "lsh_keys": [],
    }
    if dedup:
        source.update(dedup)
    return source


def dedup_fields(source: dict[str, Any]) -> dict[str, Any]:
    """The clustering state of a stored document, carried over while its content is unchanged."""
    return {key: source.get(key) for key in ("dedup_done", "minhash", "lsh_keys")}
