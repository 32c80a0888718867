"""The Elasticsearch store's connection and reads every part shares: opening (feature
detection, templates, indices), looking documents up with their ``_seq_no``/``_primary_term``
for conditional writes, and paging with ``search_after`` rather than deep from/size."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from elasticsearch import ConnectionError as EsConnectionError

from phuxanh.errors import ConfigError, StoreError
from phuxanh.schema import Item
from phuxanh.store.elastic_mappings import (
    Features,
    IndexNames,
    detect_features,
    ensure_indices,
    rollover,
)

PASSWORD_ENV = "PHUXANH_ELASTICSEARCH_PASSWORD"  # noqa: S105 - a variable's name, not a secret
PAGE = 1000
LOOKUP_BATCH = 500
SKIP_PAGE = 10_000  # the most hits one request may return (index.max_result_window)


@dataclass
class StoredDoc:
    index: str
    seq_no: int
    primary_term: int
    source: dict[str, Any]

    @property
    def item(self) -> Item:
        return Item.from_stored(self.source["doc"])

    @property
    def version(self) -> int:
        return int(self.source.get("review_version", 0))


def write_seq() -> int:
    """Orders audit entries and source runs like the embedded store's autoincrement ids."""
    return time.time_ns()


class ElasticBase:
    """Connection, lookups and paging (see ElasticStore for the parameters)."""

    def __init__(
        self,
        url: str,
        index: str = "phuxanh-items",
        *,
        username: str | None = None,
        ca_certs: str | None = None,
        refresh: bool | str = True,
        segment: bool = True,
        client: Elasticsearch | None = None,
    ) -> None:
        self.names = IndexNames.for_prefix(index)
        self.refresh = refresh
        self.segment = segment
        password = os.environ.get(PASSWORD_ENV)
        if username and not password:
            raise ConfigError(f"store.elasticsearch_username is set but {PASSWORD_ENV} is not")
        self.es = client or Elasticsearch(
            [u.strip() for u in url.split(",") if u.strip()],
            basic_auth=(username or "elastic", password) if password else None,
            ca_certs=ca_certs,
            request_timeout=60,
            max_retries=5,
            retry_on_timeout=True,
            retry_on_status=(429, 502, 503, 504),
        )
        try:
            self.features: Features = detect_features(self.es)
            ensure_indices(self.es, self.names, self.features)
        except (ApiError, EsConnectionError) as exc:
            raise StoreError(f"Elasticsearch at {url}: cannot open the store ({exc})") from None

    def close(self) -> None:
        self.es.close()

    def rollover(self, conditions: dict[str, Any]) -> dict[str, Any]:
        """Start a new items index when ``conditions`` hold (see elastic_mappings.rollover)."""
        return rollover(self.es, self.names, conditions)

    # -- low-level reads ----------------------------------------------------------------------

    def _search(self, index: str, **body: Any) -> dict[str, Any]:
        try:
            return dict(self.es.search(index=index, **body))
        except (ApiError, EsConnectionError) as exc:
            raise StoreError(f"Elasticsearch search on {index} failed ({exc})") from None

    def _lookup(self, ids: Sequence[str]) -> dict[str, StoredDoc]:
        found: dict[str, StoredDoc] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), LOOKUP_BATCH):
            chunk = unique[start:start + LOOKUP_BATCH]
            response = self._search(
                self.names.items, query={"ids": {"values": chunk}}, size=len(chunk),
                seq_no_primary_term=True, track_total_hits=False,
            )
            for hit in response["hits"]["hits"]:
                found[hit["_id"]] = StoredDoc(hit["_index"], hit["_seq_no"], hit["_primary_term"],
                                            hit["_source"])
        return found

    def _walk(
        self, index: str, query: dict[str, Any], sort: list[Any], *, batch: int = PAGE,
        source: Any = True, skip: int = 0, limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Hits in ``sort`` order, paged with ``search_after`` (no deep from/size window).
        ``skip`` hits are passed over fetching only their sort keys."""
        after: list[Any] | None = None
        while skip > 0:
            size = min(SKIP_PAGE, skip)  # sort keys only: large pages are cheap
            hits = self._search(index, query=query, sort=sort, size=size, source=False,
                                track_total_hits=False,
                                **({"search_after": after} if after else {}))["hits"]["hits"]
            if not hits:
                return
            after = hits[-1]["sort"]
            skip -= len(hits)
        given = 0
        while limit is None or given < limit:
            size = batch if limit is None else min(batch, limit - given)
            hits = self._search(index, query=query, sort=sort, size=size, source=source,
                                track_total_hits=False, track_scores=True,
                                **({"search_after": after} if after else {}))["hits"]["hits"]
            yield from hits
            given += len(hits)
            if len(hits) < size:
                return
            after = hits[-1]["sort"]

    def _count(self, query: dict[str, Any], index: str | None = None) -> int:
        try:
            return int(self.es.count(index=index or self.names.items, query=query)["count"])
        except (ApiError, EsConnectionError) as exc:
            raise StoreError(f"Elasticsearch count failed ({exc})") from None

    def _refresh_items(self) -> None:
        try:
            self.es.indices.refresh(index=self.names.items)
        except (ApiError, EsConnectionError) as exc:
            raise StoreError(f"Elasticsearch refresh of {self.names.items} failed ({exc})"
                             ) from None
