"""Bulk writes to Elasticsearch lose nothing: busy rejections are retried item by item with
back-pressure, conflicts go back to the caller, anything else is an error naming the items.
(A scripted client stands in for the cluster: the real one will not reject on cue.)"""

from __future__ import annotations

from typing import Any

import pytest

from phuxanh.errors import StoreError
from phuxanh.store.elastic_bulk import MAX_ATTEMPTS, BulkAction, run_bulk


class ScriptedCluster:
    """Answers each _bulk with the statuses scripted for each document id, in turn."""

    def __init__(self, script: dict[str, list[int]]) -> None:
        self.script = script
        self.requests: list[list[str]] = []

    def bulk(self, operations: list[dict[str, Any]], refresh: Any) -> dict[str, Any]:
        ids = [line[op]["_id"] for line in operations for op in line
               if op in ("index", "create", "delete")]
        self.requests.append(ids)
        items = []
        for doc_id in ids:
            statuses = self.script.get(doc_id, [201])
            status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
            error = {} if status < 300 else {"error": {"type": f"e{status}", "reason": "no"}}
            items.append({"index": {"_id": doc_id, "status": status, **error}})
        return {"errors": any(i["index"]["status"] >= 300 for i in items), "items": items}


def actions(*ids: str) -> list[BulkAction]:
    return [BulkAction("index", "idx", doc_id, {"n": 1}) for doc_id in ids]


def test_busy_items_are_retried_alone_after_a_pause() -> None:
    cluster = ScriptedCluster({"b": [429, 429, 201], "c": [503, 201]})
    pauses: list[float] = []
    outcome = run_bulk(cluster, actions("a", "b", "c", "d"), True,  # type: ignore[arg-type]
                       sleep=pauses.append)
    assert sorted(a.id for a in outcome.done) == ["a", "b", "c", "d"]
    assert cluster.requests == [["a", "b", "c", "d"], ["b", "c"], ["b"]]
    assert pauses == [0.2, 0.4]  # growing back-off
    assert outcome.retries == 2


def test_conflicts_are_returned_not_dropped() -> None:
    outcome = run_bulk(ScriptedCluster({"b": [409]}), actions("a", "b"), True,  # type: ignore[arg-type]
                       sleep=lambda _: None)
    assert [a.id for a in outcome.done] == ["a"]
    assert [a.id for a in outcome.conflicts] == ["b"]


def test_a_refused_item_is_an_error_naming_it() -> None:
    with pytest.raises(StoreError, match="x: e400"):
        run_bulk(ScriptedCluster({"x": [400]}), actions("a", "x"), True,  # type: ignore[arg-type]
                 sleep=lambda _: None)


def test_a_cluster_that_stays_busy_is_an_error() -> None:
    cluster = ScriptedCluster({"a": [429]})
    with pytest.raises(StoreError, match="kept rejecting 1 items"):
        run_bulk(cluster, actions("a"), True, sleep=lambda _: None)  # type: ignore[arg-type]
    assert len(cluster.requests) == MAX_ATTEMPTS


def test_large_batches_are_split_into_chunks() -> None:
    cluster = ScriptedCluster({})
    outcome = run_bulk(cluster, actions(*(f"d{n}" for n in range(1200))), True,  # type: ignore[arg-type]
                       sleep=lambda _: None)
    assert len(outcome.done) == 1200
    assert [len(r) for r in cluster.requests] == [500, 500, 200]
