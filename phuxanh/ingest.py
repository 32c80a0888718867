"""Items from a JSONL file (``phuxanh ingest``): one JSON object per line, Item fields.

Only ``url`` (or ``id`` with ``platform``), ``source`` and ``published_at`` are required; the
rest is derived: ``id`` from the canonical URL, ``fetched_at`` = now, topics matched from the
config when the line has none, outlet/official/province from the source in sources.yaml when
the line does not say. The whole file is validated before anything is written, so a bad line
never leaves the store half-imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from phuxanh.config import Config
from phuxanh.errors import ConfigError, InputError
from phuxanh.schema import VN_TZ, DateSource, Item, url_item_id
from phuxanh.topics import TopicMatcher


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _complete(record: dict[str, Any], config: Config, matcher: TopicMatcher) -> dict[str, Any]:
    record = dict(record)
    if "url" in record and "canonical_url" not in record:
        record["canonical_url"] = record["url"]
    if "id" not in record and "canonical_url" in record:
        record["id"] = url_item_id(str(record["canonical_url"]))
    record.setdefault("fetched_at", datetime.now(VN_TZ).isoformat())
    record.setdefault("date_source", DateSource.IMPORT.value)
    source_key = record.get("source")
    known = {source.key: source for source in config.sources}
    if isinstance(source_key, str) and source_key in known:
        source = known[source_key]
        record.setdefault("outlet", source.name)
        record.setdefault("official", source.official)
        record.setdefault("province", source.province)
        record.setdefault("source_type", source.type)
    if not record.get("topics"):
        matches = matcher.match(str(record.get("title", "")), str(record.get("text", "")))
        record["topics"] = [m.topic for m in matches]
        record["matched_terms"] = sorted({t for m in matches for t in m.terms})
    return record


def read_items(path: Path, config: Config) -> list[Item]:
    """Every line of ``path`` as an Item; raises InputError naming ``path:line`` and the field."""
    matcher = TopicMatcher(config.topics)
    items: list[Item] = []
    for number, line in _lines(path):
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
        try:
            items.append(Item.model_validate(_complete(record, config, matcher)))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(item)"
            raise InputError(f"{where}: {field}: {first['msg']}") from None
        except (ValueError, ConfigError) as exc:
            raise InputError(f"{where}: {exc}") from None
    return items

