"""Bulk writes that lose nothing: chunked, retried item by item, with back-pressure.

A ``_bulk`` request can succeed as a whole while some of its items fail. Items rejected because
the cluster is busy (429, ``es_rejected_execution_exception``) or briefly unavailable (503) are
sent again, alone, after a growing pause; version conflicts (409) are handed back to the caller,
which re-reads and merges; any other failure raises :class:`StoreError` naming the items, so
nothing is ever dropped silently.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from elasticsearch import ConnectionError as EsConnectionError

from phuxanh.errors import StoreError

RETRY_STATUSES = {429, 502, 503, 504}
MAX_CHUNK_DOCS = 500
MAX_CHUNK_BYTES = 8 * 1024 * 1024
MAX_ATTEMPTS = 8


@dataclass
class BulkAction:
    """One operation: ``op`` is index/create/delete; ``key`` is what the caller tracks."""

    op: str
    index: str
    id: str
    source: dict[str, Any] | None = None
    if_seq_no: int | None = None
    if_primary_term: int | None = None
    key: str = ""

    def lines(self) -> list[dict[str, Any]]:
        meta: dict[str, Any] = {"_index": self.index, "_id": self.id}
        if self.if_seq_no is not None:
            meta["if_seq_no"] = self.if_seq_no
            meta["if_primary_term"] = self.if_primary_term
        out: list[dict[str, Any]] = [{self.op: meta}]
        if self.source is not None:
            out.append(self.source)
        return out


@dataclass
class BulkOutcome:
    done: list[BulkAction] = field(default_factory=list)
    conflicts: list[BulkAction] = field(default_factory=list)
    missing: list[BulkAction] = field(default_factory=list)  # deletes of absent documents
    retries: int = 0


def _chunks(actions: Sequence[BulkAction]) -> list[list[BulkAction]]:
    chunks: list[list[BulkAction]] = []
    current: list[BulkAction] = []
    size = 0
    for action in actions:
        weight = sum(len(json.dumps(line, ensure_ascii=False)) for line in action.lines())
        if current and (len(current) >= MAX_CHUNK_DOCS or size + weight > MAX_CHUNK_BYTES):
            chunks.append(current)
            current, size = [], 0
        current.append(action)
        size += weight
    if current:
        chunks.append(current)
    return chunks


def run_bulk(
    es: Elasticsearch,
    actions: Sequence[BulkAction],
    refresh: str | bool,
    sleep: Callable[[float], None] = time.sleep,
) -> BulkOutcome:
    outcome = BulkOutcome()
    for chunk in _chunks(actions):
        _send(es, chunk, refresh, outcome, sleep)
    return outcome


def _send(
    es: Elasticsearch, chunk: list[BulkAction], refresh: str | bool, outcome: BulkOutcome,
    sleep: Callable[[float], None],
) -> None:
    pending = chunk
    delay = 0.2
    for attempt in range(MAX_ATTEMPTS):
        operations = [line for action in pending for line in action.lines()]
        try:
            response = es.bulk(operations=operations, refresh=refresh)
        except ApiError as exc:
            if exc.meta.status not in RETRY_STATUSES or attempt == MAX_ATTEMPTS - 1:
                raise StoreError(f"Elasticsearch bulk write of {len(pending)} items failed: "
                                 f"{exc}") from None
            outcome.retries += 1
            sleep(delay)
            delay = min(delay * 2, 10.0)
            continue
        except EsConnectionError as exc:
            if attempt == MAX_ATTEMPTS - 1:
                raise StoreError(f"Elasticsearch is unreachable: {exc}") from None
            outcome.retries += 1
            sleep(delay)
            delay = min(delay * 2, 10.0)
            continue
        retry: list[BulkAction] = []
        failed: list[str] = []
        for action, result in zip(pending, response["items"], strict=True):
            info = next(iter(result.values()))
            status = int(info.get("status", 500))
            if status < 300:
                outcome.done.append(action)
            elif status == 409:
                outcome.conflicts.append(action)
            elif status == 404 and action.op == "delete":
                outcome.missing.append(action)
            elif status in RETRY_STATUSES:
                retry.append(action)
            else:
                error = info.get("error", {})
                failed.append(f"{action.id}: {error.get('type')}: {error.get('reason')}")
        if failed:
            raise StoreError(f"Elasticsearch refused {len(failed)} of {len(pending)} items: "
                             + "; ".join(failed[:5]))
        if not retry:
            return
        # Back-pressure: the cluster said it is busy; wait before sending the rejected ones again.
        pending = retry
        outcome.retries += 1
        sleep(delay)
        delay = min(delay * 2, 10.0)
    raise StoreError(f"Elasticsearch kept rejecting {len(pending)} items as busy after "
                     f"{MAX_ATTEMPTS} attempts (first: {pending[0].id})")
