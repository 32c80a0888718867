"""The production store: Elasticsearch 8/9 through the official client, same protocol as the
embedded SQLite store (the contract suite in tests/store/ runs against both).

How the embedded store's guarantees are kept without transactions:
- Every write of an existing document is conditional on the ``_seq_no``/``_primary_term`` it
  was read at; a concurrent change makes it fail with 409, and the write is merged again from
  a fresh read. New items are ``create``d, so two writers racing on a new id merge too.
- Review versions live in the document; ``set_review`` checks the version the reviewer read and
  then writes conditionally, so of two reviewers exactly one wins and the other gets
  :class:`ReviewConflict`.
- Writes refresh before returning (``refresh=True`` by default), so a read after a write sees
  it, as with SQLite. Bulk loaders can pass ``refresh="wait_for"`` or ``False``.
- Charts count from the items themselves (``date_histogram`` in Asia/Ho_Chi_Minh): there is no
  rollup to keep in step.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

from phuxanh.errors import ItemNotFound, ReviewConflict, StoreError
from phuxanh.schema import VN_TZ, Item, Review
from phuxanh.store.base import (
    AggregateRow,
    Dimension,
    Interval,
    ItemFilter,
    LabelRecord,
    LabelUpdate,
    QueueEntry,
    SearchHit,
    SearchPage,
    StoreStats,
    UpsertResult,
    check_aggregate_args,
)
from phuxanh.store.elastic_base import LOOKUP_BATCH, PAGE, StoredDoc
from phuxanh.store.elastic_bulk import BulkAction, run_bulk
from phuxanh.store.elastic_logs import ElasticLogs
from phuxanh.store.elastic_query import (
    BOOLEAN_DIMENSIONS,
    DIMENSION_FIELDS,
    dedup_fields,
    filter_clauses,
    filtered,
    item_source,
    text_query,
)
from phuxanh.store.label_history import (
    MAX_IN_DOCUMENT,
    history_entry,
    record_from_json,
    record_to_json,
)
from phuxanh.store.merge import apply_review, merge_upsert

SEARCH_COUNT_CAP = 10_000  # like the embedded store: beyond this a total is "10 000+"
_MAX_MERGES = 20  # conditional writes retried after this many concurrent changes -> StoreError
_VN = "Asia/Ho_Chi_Minh"


class ElasticStore(ElasticLogs):
    """``url``: the cluster (or a comma-separated list of nodes); ``index``: the name prefix of
    this deployment's indices. The password comes from PHUXANH_ELASTICSEARCH_PASSWORD only.
    Connection and paging: :mod:`elastic_base`; audit log and source runs: :mod:`elastic_logs`;
    items, here."""

    # -- writes -------------------------------------------------------------------------------

    def _source(self, item: Item, version: int, stored: StoredDoc | None,
                dedup: dict[str, Any] | None = None) -> dict[str, Any]:
        """The document for ``item``; the segmented text is reused when the text is unchanged
        (segmenting is the costliest part of a write), and so is the clustering state."""
        old = stored.source if stored else None
        same_text = old is not None and old.get("title") == item.title and (
            old.get("text") == item.text)
        if dedup is None and old is not None and old.get("content_hash") == item.content_hash:
            dedup = dedup_fields(old)
        source = item_source(item, version, segment=self.segment and not same_text,
                             dedup=dedup)
        if same_text and old is not None:
            source["segmented"] = old.get("segmented", "")
        if old is not None and old.get("label_history"):
            # Every rewrite of the document (upsert, review, clustering) keeps the history;
            # only set_labels appends to it.
            source["label_history"] = old["label_history"]
        return source

    def _write_conditional(
        self, ids: Sequence[str], plan: Any, what: str
    ) -> list[BulkAction]:
        """Read ``ids``, let ``plan(stored) -> actions`` decide the writes, send them; re-read
        and re-plan the ones a concurrent writer changed meanwhile. Returns the done actions."""
        done: list[BulkAction] = []
        pending = list(dict.fromkeys(ids))
        for _ in range(_MAX_MERGES):
            stored = self._lookup(pending)
            actions: list[BulkAction] = plan(pending, stored)
            if not actions:
                return done
            outcome = run_bulk(self.es, actions, self.refresh)
            done.extend(outcome.done)
            if not outcome.conflicts:
                return done
            self._refresh_items()  # so the re-read sees what the other writer wrote
            pending = [a.key or a.id for a in outcome.conflicts]
        raise StoreError(f"Elasticsearch: {what} of {len(pending)} items kept conflicting with "
                         f"concurrent writers (first: {pending[0]})")

    def upsert(self, items: Iterable[Item]) -> UpsertResult:
        batch = {item.id: item for item in items}  # last one wins within a call
        unchanged: set[str] = set()

        def plan(ids: list[str], stored: dict[str, StoredDoc]) -> list[BulkAction]:
            actions = []
            for item_id in ids:
                item = batch[item_id]
                old = stored.get(item_id)
                if old is None:
                    actions.append(BulkAction("create", self.names.items, item_id,
                                              self._source(item, 0, None), key=item_id))
                    continue
                previous = old.item
                new = merge_upsert(previous, item)
                if new.model_dump_json() == previous.model_dump_json():
                    unchanged.add(item_id)
                    continue
                version = old.version + (1 if new.review != previous.review else 0)
                actions.append(BulkAction("index", old.index, item_id,
                                          self._source(new, version, old), old.seq_no,
                                          old.primary_term, key=item_id))
            return actions

        done = self._write_conditional(list(batch), plan, "upsert")
        inserted = sum(1 for a in done if a.op == "create")
        return UpsertResult(inserted, len(done) - inserted, len(unchanged))

    def set_labels(self, updates: Iterable[LabelUpdate]) -> int:
        by_id = {u.item_id: u for u in updates}

        def plan(ids: list[str], stored: dict[str, StoredDoc]) -> list[BulkAction]:
            actions = []
            for item_id in ids:
                old = stored.get(item_id)
                if old is None:
                    continue  # deleted since it was read (retention): nothing to label
                update = by_id[item_id]
                previous = old.item
                new = previous.model_copy(update={"sentiment": update.sentiment,
                                                  "misinformation": update.misinformation})
                source = self._source(new, old.version, old)
                record = history_entry(previous, new, datetime.now(VN_TZ))
                if record is not None:
                    # Appended in the same conditional write as the labels (oldest first in
                    # the document), so a concurrent writer makes both be merged again.
                    history = [*source.get("label_history", []), record_to_json(record)]
                    source["label_history"] = history[-MAX_IN_DOCUMENT:]
                actions.append(BulkAction("index", old.index, item_id, source, old.seq_no,
                                          old.primary_term, key=item_id))
            return actions

        return len(self._write_conditional(list(by_id), plan, "labelling"))

    def label_history(self, item_id: str, limit: int = 20) -> list[LabelRecord]:
        if limit <= 0:
            return []
        response = self._search(self.names.items, query={"ids": {"values": [item_id]}},
                                size=1, source=["label_history"], track_total_hits=False)
        hits = response["hits"]["hits"]
        if not hits:
            return []
        history = hits[0]["_source"].get("label_history") or []
        return [record_from_json(entry) for entry in reversed(history[-limit:])]

    def set_review(self, item_id: str, review: Review, expected_version: int, actor: str) -> int:
        for _ in range(_MAX_MERGES):
            old = self._lookup([item_id]).get(item_id)
            if old is None:
                raise ItemNotFound(f"no item {item_id}")
            if old.version != expected_version:
                raise ReviewConflict(item_id, expected_version, old.version)
            stamped = review.model_copy(
                update={"reviewer": actor,
                        "reviewed_at": review.reviewed_at or datetime.now(VN_TZ)}
            )
            new = apply_review(old.item, stamped)
            action = BulkAction("index", old.index, item_id,
                                self._source(new, expected_version + 1, old), old.seq_no,
                                old.primary_term)
            outcome = run_bulk(self.es, [action], self.refresh)
            if outcome.conflicts:
                self._refresh_items()
                continue  # changed meanwhile: the next read decides between retry and conflict
            # Written after the review (no cross-document transaction): a crash in between
            # leaves a review without its audit line, never an audit line without a review.
            self.audit(actor, "review", item_id, {
                "status": stamped.status, "sentiment": stamped.sentiment,
                "misinformation": stamped.misinformation, "narrative_id": stamped.narrative_id,
                "response_url": stamped.response_url, "version": expected_version + 1,
            })
            return expected_version + 1
        raise StoreError(f"Elasticsearch: review of {item_id} kept conflicting")

    def delete_items(self, ids: Iterable[str]) -> int:
        wanted = list(dict.fromkeys(ids))
        stored = self._lookup(wanted)
        actions = [BulkAction("delete", s.index, item_id) for item_id, s in stored.items()]
        deleted = run_bulk(self.es, actions, self.refresh).done
        orphaned = sorted({item.cluster_id for s in stored.values()
                           if (item := s.item).cluster_id and item.is_original})
        for cluster_id in orphaned:
            self._promote_original(cluster_id)
        return len(deleted)

    def _promote_original(self, cluster_id: str) -> None:
        """A cluster whose original was deleted keeps one original (its earliest member), so
        "one per story" counts still count the story."""
        members = self.cluster_members(cluster_id, limit=1)
        if not members or members[0].is_original:
            return
        first = members[0].id

        def plan(ids: list[str], stored: dict[str, StoredDoc]) -> list[BulkAction]:
            old = stored.get(first)
            if old is None or old.item.is_original:
                return []
            new = old.item.model_copy(update={"is_original": True})
            return [BulkAction("index", old.index, first, self._source(new, old.version, old),
                               old.seq_no, old.primary_term, key=first)]

        self._write_conditional([first], plan, "promoting a cluster original")

    def restore_items(self, entries: Iterable[tuple[Item, int]]) -> int:
        batch = {item.id: (item, version) for item, version in entries}

        def plan(ids: list[str], stored: dict[str, StoredDoc]) -> list[BulkAction]:
            actions = []
            for item_id in ids:
                item, version = batch[item_id]
                old = stored.get(item_id)
                if old is None:
                    actions.append(BulkAction("create", self.names.items, item_id,
                                              self._source(item, version, None), key=item_id))
                else:
                    actions.append(BulkAction("index", old.index, item_id,
                                              self._source(item, version, old), old.seq_no,
                                              old.primary_term, key=item_id))
            return actions

        return len(self._write_conditional(list(batch), plan, "restore"))

    # -- item reads ---------------------------------------------------------------------------

    def get(self, item_id: str) -> Item | None:
        stored = self._lookup([item_id]).get(item_id)
        return stored.item if stored else None

    def get_version(self, item_id: str) -> int:
        stored = self._lookup([item_id]).get(item_id)
        if stored is None:
            raise ItemNotFound(f"no item {item_id}")
        return stored.version

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        unique = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(unique), LOOKUP_BATCH):
            chunk = unique[start:start + LOOKUP_BATCH]
            response = self._search(self.names.items, query={"ids": {"values": chunk}},
                                    size=len(chunk), source=False, track_total_hits=False)
            found.update(hit["_id"] for hit in response["hits"]["hits"])
        return found

    def count(self, filters: ItemFilter | None = None) -> int:
        return self._count(filtered(filters))

    def _iter(self, query: dict[str, Any], batch_size: int) -> Iterator[Item]:
        for hit in self._walk(self.names.items, query, [{"id": "asc"}], batch=batch_size,
                              source=["doc"]):
            yield Item.from_stored(hit["_source"]["doc"])

    def iter_items(
        self, filters: ItemFilter | None = None, batch_size: int = 500
    ) -> Iterator[Item]:
        return self._iter(filtered(filters or ItemFilter(include_undated=True)), batch_size)

    def iter_unclassified(self, model: str | None = None, batch_size: int = 500
                          ) -> Iterator[Item]:
        if model is None:
            return self._iter({"bool": {"must_not": [{"exists": {"field": "model"}}]}},
                              batch_size)
        return self._iter({"bool": {"must_not": [{"term": {"model": model}}]}}, batch_size)

    def search(
        self,
        query: str,
        filters: ItemFilter | None = None,
        sort: Literal["relevance", "newest"] = "relevance",
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        clauses = filter_clauses(filters or ItemFilter(include_undated=True))
        matcher = text_query(query)
        # Without words every match is counted exactly (as SQLite's count(*)); a text query's
        # total stops at SEARCH_COUNT_CAP, reported as capped like the embedded store's.
        track: bool | int = True if matcher is None else SEARCH_COUNT_CAP
        if matcher is None:
            body = {"bool": {"filter": clauses}}
            order: list[Any] = [{"published_at": "desc"}, {"id": "asc"}]
        else:
            body = {"bool": {"filter": clauses, "must": [matcher]}}
            order = (["_score", {"published_at": "desc"}, {"id": "asc"}] if sort == "relevance"
                     else [{"published_at": "desc"}, "_score", {"id": "asc"}])
        if offset == 0 and limit <= PAGE:
            # The first page and the total in one request: the common case on the dashboard.
            response = self._search(self.names.items, query=body, sort=order, size=limit,
                                    source=["doc"], track_total_hits=track, track_scores=True)
            counted = response["hits"]["total"]
            hits: Iterable[dict[str, Any]] = response["hits"]["hits"]
        else:
            counted = self._search(self.names.items, query=body, size=0,
                                   track_total_hits=track)["hits"]["total"]
            hits = self._walk(self.names.items, body, order, source=["doc"], skip=offset,
                              limit=limit, batch=max(min(limit, PAGE), 1))
        capped = counted["relation"] == "gte" and counted["value"] >= SEARCH_COUNT_CAP
        return SearchPage(
            hits=[SearchHit(Item.from_stored(h["_source"]["doc"]),
                            float(h["_score"] or 0.0) if matcher is not None else 0.0)
                  for h in hits],
            total=int(counted["value"]) if matcher is None
            else min(int(counted["value"]), SEARCH_COUNT_CAP),
            total_capped=capped and matcher is not None,
        )

    def aggregate(
        self,
        interval: Interval,
        by: Sequence[Dimension] = (),
        filters: ItemFilter | None = None,
    ) -> list[AggregateRow]:
        check_aggregate_args(interval, by, DIMENSION_FIELDS)
        f = filters or ItemFilter()
        several_topics = len(f.topics or ()) > 1 and "topic" not in by
        if f.review_statuses is not None and not several_topics:
            # Same refusal as the embedded store, whose rollups do not keep the status.
            raise ValueError("aggregate() does not filter on review status")
        sources: list[dict[str, Any]] = [{"period": {"date_histogram": {
            "field": "published_at", "calendar_interval": "1d" if interval == "day" else "1w",
            "time_zone": _VN, "format": "yyyy-MM-dd"}}}]
        sources += [{dim: {"terms": {"field": DIMENSION_FIELDS[dim]}}} for dim in by]
        rows: list[AggregateRow] = []
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": PAGE, "sources": sources}
            if after:
                composite["after"] = after
            response = self._search(self.names.items, query=filtered(f), size=0,
                                    track_total_hits=False,
                                    aggs={"buckets": {"composite": composite}})
            result = response["aggregations"]["buckets"]
            for bucket in result["buckets"]:
                key = {dim: bool(bucket["key"][dim]) if dim in BOOLEAN_DIMENSIONS
                       else bucket["key"][dim] for dim in by}
                if "topic" in by and f.topics is not None and key["topic"] not in f.topics:
                    continue  # an item's other topics are not what was asked for
                rows.append(AggregateRow(date.fromisoformat(bucket["key"]["period"]), key,
                                         int(bucket["doc_count"])))
            after = result.get("after_key")
            if not after or len(result["buckets"]) < PAGE:
                break
        rows.sort(key=lambda r: (r.period, *(r.key[d] for d in by)))
        return rows

    def review_queue(
        self,
        filters: ItemFilter | None = None,
        order: Literal["priority", "newest"] = "priority",
        limit: int = 50,
        offset: int = 0,
    ) -> list[QueueEntry]:
        chosen = filters or ItemFilter(include_undated=True, review_statuses=["unreviewed"])
        query = filtered(chosen, {"range": {"priority": {"gt": 0}}})
        sort: list[Any] = (
            [{"priority": "desc"}, {"published_at": "desc"}, {"id": "asc"}] if order == "priority"
            else [{"published_at": "desc"}, {"priority": "desc"}, {"id": "asc"}]
        )
        hits = self._walk(self.names.items, query, sort, skip=offset, limit=limit,
                          batch=max(min(limit, PAGE), 1),
                          source=["doc", "review_version", "priority"])
        return [QueueEntry(Item.from_stored(h["_source"]["doc"]),
                           int(h["_source"]["review_version"]), float(h["_source"]["priority"]))
                for h in hits]

    def stats(self) -> StoreStats:
        response = self._search(
            self.names.items, size=0, track_total_hits=True, query={"match_all": {}},
            aggs={
                "classified": {"filter": {"exists": {"field": "sentiment"}}},
                "reviewed": {"filter": {"bool": {"must_not": [
                    {"term": {"review_status": "unreviewed"}}]}}},
                "undated": {"filter": {"term": {"dated": False}}},
            },
        )
        aggs = response["aggregations"]
        weekly: dict[tuple[str, str, bool], int] = {}
        for row in self.aggregate("week", ("sentiment", "official")):
            year, week, _ = row.period.isocalendar()
            key = (f"{year}-W{week:02d}", row.key["sentiment"], row.key["official"])
            weekly[key] = weekly.get(key, 0) + row.count
        return StoreStats(int(response["hits"]["total"]["value"]),
                          int(aggs["classified"]["doc_count"]),
                          int(aggs["reviewed"]["doc_count"]),
                          int(aggs["undated"]["doc_count"]), weekly)

    # -- near-duplicate clustering ------------------------------------------------------------

    def dedup_pending(self, limit: int = 500) -> list[Item]:
        query = {"bool": {"must_not": [{"term": {"dedup_done": True}}]}}
        hits = self._walk(self.names.items, query, [{"published_at": "asc"}, {"id": "asc"}],
                          limit=limit, batch=max(min(limit, PAGE), 1), source=["doc"])
        return [Item.from_stored(h["_source"]["doc"]) for h in hits]

    def lsh_candidates(self, keys: Sequence[tuple[int, int]]) -> dict[str, bytes]:
        if not keys:
            return {}
        query = {"bool": {"filter": [
            {"terms": {"lsh_keys": [f"{band}:{key}" for band, key in keys]}},
            {"term": {"dedup_done": True}}, {"exists": {"field": "minhash"}}]}}
        return {h["_id"]: base64.b64decode(h["_source"]["minhash"])
                for h in self._walk(self.names.items, query, [{"id": "asc"}],
                                    source=["minhash"])}

    def cluster_original(self, cluster_id: str) -> Item | None:
        query = {"bool": {"filter": [{"term": {"cluster_id": cluster_id}},
                                     {"term": {"is_original": True}}]}}
        hits = list(self._walk(self.names.items, query, [{"published_at": "asc"}, {"id": "asc"}],
                               limit=1, batch=1, source=["doc"]))
        return Item.from_stored(hits[0]["_source"]["doc"]) if hits else None

    def cluster_members(self, cluster_id: str, limit: int = 50) -> list[Item]:
        query = {"term": {"cluster_id": cluster_id}}
        sort = [{"is_original": "desc"}, {"published_at": "asc"}, {"id": "asc"}]
        hits = self._walk(self.names.items, query, sort, limit=limit,
                          batch=max(min(limit, PAGE), 1), source=["doc"])
        return [Item.from_stored(h["_source"]["doc"]) for h in hits]

    def save_cluster(
        self,
        item_id: str,
        signature: bytes | None,
        keys: Sequence[tuple[int, int]],
        cluster_id: str,
        is_original: bool,
        demote: str | None = None,
    ) -> None:
        clustering = {
            "dedup_done": True,
            "minhash": base64.b64encode(signature).decode("ascii") if signature is not None
            else None,
            "lsh_keys": sorted({f"{band}:{key}" for band, key in keys}),
        }

        def plan(ids: list[str], stored: dict[str, StoredDoc]) -> list[BulkAction]:
            actions = []
            if item_id in ids and item_id in stored:
                old = stored[item_id]
                new = old.item.model_copy(update={"cluster_id": cluster_id,
                                                  "is_original": is_original})
                actions.append(BulkAction("index", old.index, item_id,
                                          self._source(new, old.version, old, clustering),
                                          old.seq_no, old.primary_term, key=item_id))
            if demote and demote in ids and demote in stored:
                old = stored[demote]
                new = old.item.model_copy(update={"is_original": False})
                actions.append(BulkAction("index", old.index, demote,
                                          self._source(new, old.version, old), old.seq_no,
                                          old.primary_term, key=demote))
            return actions

        if item_id not in self.existing_ids([item_id]):
            return  # deleted meanwhile (retention): nothing to cluster
        self._write_conditional([item_id, *([demote] if demote else [])], plan, "clustering")
