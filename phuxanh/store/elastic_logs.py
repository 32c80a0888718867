"""The Elasticsearch store's audit log and source runs: append-only indices of their own,
ordered by ``seq`` (nanoseconds at write time, plus the position within a batch) as the
embedded store orders by its autoincrement ids."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError
from elasticsearch import ConnectionError as EsConnectionError

from phuxanh.errors import StoreError
from phuxanh.schema import VN_TZ
from phuxanh.store.base import AuditEntry, SourceHealth, SourceRun
from phuxanh.store.elastic_base import ElasticBase, write_seq
from phuxanh.store.elastic_bulk import BulkAction, run_bulk


class ElasticLogs(ElasticBase):
    def prune_audit(self, before: datetime) -> int:
        if before.tzinfo is None:
            raise ValueError("prune_audit needs an aware datetime")
        try:
            response = self.es.delete_by_query(
                index=self.names.audit, refresh=True, conflicts="proceed",
                query={"range": {"at_ts": {"lt": before.astimezone(UTC).isoformat()}}},
            )
        except (ApiError, EsConnectionError) as exc:
            raise StoreError(f"Elasticsearch: pruning the audit log failed ({exc})") from None
        return int(response["deleted"])

    # -- audit log ----------------------------------------------------------------------------

    def _audit_doc(self, entry: AuditEntry, seq: int) -> dict[str, Any]:
        return {"at": entry.at.isoformat(), "at_ts": entry.at.astimezone(UTC).isoformat(),
                "seq": seq, "actor": entry.actor, "action": entry.action,
                "target": entry.target,
                "details": json.dumps(entry.details, ensure_ascii=False, sort_keys=True,
                                      default=str)}

    def audit(
        self, actor: str, action: str, target: str, details: dict[str, Any] | None = None
    ) -> None:
        self.restore_audit([AuditEntry(datetime.now(VN_TZ), actor, action, target,
                                       details or {})])

    def restore_audit(self, entries: Iterable[AuditEntry]) -> int:
        base = write_seq()
        actions = [BulkAction("index", self.names.audit, f"{base + n}",
                              self._audit_doc(entry, base + n))
                   for n, entry in enumerate(entries)]
        return len(run_bulk(self.es, actions, self.refresh).done)

    @staticmethod
    def _audit_entry(source: dict[str, Any]) -> AuditEntry:
        return AuditEntry(datetime.fromisoformat(source["at"]), source["actor"],
                          source["action"], source["target"], json.loads(source["details"]))

    def audit_log(self, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
        query = {"term": {"action": action}} if action is not None else {"match_all": {}}
        hits = self._walk(self.names.audit, query, [{"seq": "desc"}], limit=limit)
        return [self._audit_entry(hit["_source"]) for hit in hits]

    def iter_audit(self, batch_size: int = 500) -> Iterator[AuditEntry]:
        for hit in self._walk(self.names.audit, {"match_all": {}}, [{"seq": "asc"}],
                              batch=batch_size):
            yield self._audit_entry(hit["_source"])

    # -- source health ------------------------------------------------------------------------

    def record_source_runs(self, runs: Iterable[SourceRun]) -> None:
        base = write_seq()
        actions = []
        for n, r in enumerate(runs):
            actions.append(BulkAction("index", self.names.source_runs, f"{base + n}", {
                "seq": base + n, "source": r.source, "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat(), "fetched": r.fetched, "new": r.new,
                "not_modified": r.not_modified, "dropped": r.dropped, "errors": r.errors,
                "error_sample": r.error_sample, "failed": r.failed,
            }))
        run_bulk(self.es, actions, self.refresh)

    def iter_source_runs(self, batch_size: int = 500) -> Iterator[SourceRun]:
        for hit in self._walk(self.names.source_runs, {"match_all": {}}, [{"seq": "asc"}],
                              batch=batch_size):
            s = hit["_source"]
            yield SourceRun(s["source"], datetime.fromisoformat(s["started_at"]),
                            datetime.fromisoformat(s["finished_at"]), s["fetched"], s["new"],
                            s["not_modified"], s["dropped"], s["errors"], s["error_sample"])

    def source_health(self) -> list[SourceHealth]:
        def latest(fields: list[str]) -> dict[str, Any]:
            return {"top_hits": {"size": 1, "sort": [{"seq": "desc"}], "_source": fields}}

        response = self._search(self.names.source_runs, size=0, track_total_hits=False, aggs={
            "sources": {"terms": {"field": "source", "size": 10_000, "order": {"_key": "asc"}},
                        "aggs": {
                            "last": latest(["finished_at"]),
                            "ok": {"filter": {"term": {"failed": False}},
                                   "aggs": {"hit": latest(["finished_at", "seq"])}},
                            "new": {"filter": {"range": {"new": {"gt": 0}}},
                                    "aggs": {"hit": latest(["finished_at"])}},
                            "bad": {"filter": {"term": {"failed": True}},
                                    "aggs": {"hit": latest(["error_sample"])}},
                        }}})

        def first(agg: dict[str, Any]) -> dict[str, Any] | None:
            hits = agg["hits"]["hits"]
            return hits[0]["_source"] if hits else None

        def when(source: dict[str, Any] | None) -> datetime | None:
            return datetime.fromisoformat(source["finished_at"]) if source else None

        health = []
        for bucket in response["aggregations"]["sources"]["buckets"]:
            ok = first(bucket["ok"]["hit"])
            since = ok["seq"] if ok else -1
            streak = self._count({"bool": {"filter": [
                {"term": {"source": bucket["key"]}}, {"range": {"seq": {"gt": since}}}]}},
                index=self.names.source_runs)
            bad = first(bucket["bad"]["hit"])
            health.append(SourceHealth(
                bucket["key"], int(bucket["doc_count"]), when(first(bucket["last"])), when(ok),
                when(first(bucket["new"]["hit"])), streak,
                bad["error_sample"] if bad else "",
            ))
        return health
