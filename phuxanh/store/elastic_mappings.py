"""Index templates, aliases and the lifecycle policy of the Elasticsearch store.

The JSON lives in ``config/elasticsearch/`` so an operator can read (and diff) exactly what the
cluster gets. ``{index}`` in a template stands for the configured index name (``store.
elasticsearch_index``): items live in ``{index}-000001``, ``{index}-000002``... behind the alias
``{index}``, whose write index is the newest; the audit log and source runs have an index each.

Features are detected, never assumed: a cluster without index lifecycle management (the OSS
test server) gets no lifecycle settings, and :attr:`Features.missing` says so.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError

from phuxanh.errors import ConfigError, StoreError

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config" / "elasticsearch"
TEMPLATES = {"items": "items-template.json", "audit": "audit-template.json",
             "source_runs": "source-runs-template.json"}
ILM_POLICY = "ilm-policy.json"
FIRST_ITEMS_INDEX = "{index}-000001"
# Item fields added to the template after indices may already exist: put onto those indices
# too (a mapping may gain fields in place), since "dynamic": "strict" refuses documents that
# carry a field their index does not map. Each mapping is read from the template itself.
ADDED_ITEM_FIELDS = ("label_history",)


@dataclass
class Features:
    """What the cluster offers beyond the basics every supported version has."""

    version: str = ""
    distribution: str = ""
    ilm: bool = False
    icu: bool = False
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IndexNames:
    items: str  # the read and write alias
    audit: str
    source_runs: str

    @classmethod
    def for_prefix(cls, index: str) -> IndexNames:
        return cls(items=index, audit=f"{index}-audit", source_runs=f"{index}-source-runs")


def load_json(name: str, index: str, config_dir: Path = CONFIG_DIR) -> dict[str, Any]:
    path = config_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the Elasticsearch template ({exc})") from None
    try:
        data = json.loads(text.replace("{index}", index))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    data.pop("_comment", None)
    return dict(data)


def detect_features(es: Elasticsearch) -> Features:
    info = es.info()
    version = info.get("version", {})
    features = Features(version=str(version.get("number", "")),
                        distribution=str(version.get("build_flavor", "")))
    # OSS builds have no _ilm endpoints (they answer 405, which the client would count as a
    # failed node): the build flavour says so without asking.
    if features.distribution != "oss":
        status = es.options(ignore_status=(400, 403, 404, 405)).ilm.get_status()
        features.ilm = status.meta.status == 200
    try:
        plugins = es.cat.plugins(format="json")
        features.icu = any(p.get("component") == "analysis-icu" for p in plugins)
    except ApiError:
        features.icu = False
    if not features.ilm:
        features.missing.append("ilm")
    if not features.icu:
        features.missing.append("analysis-icu")
    return features


def ensure_indices(
    es: Elasticsearch, names: IndexNames, features: Features, config_dir: Path = CONFIG_DIR
) -> None:
    """Put the templates (and the lifecycle policy where there is ILM) and create the first
    indices if they do not exist yet. Safe to run on every open and from many processes."""
    prefix = names.items
    try:
        if features.ilm:
            policy = load_json(ILM_POLICY, prefix, config_dir)
            es.ilm.put_lifecycle(name=prefix, policy=policy["policy"])
        for kind, filename in TEMPLATES.items():
            body = load_json(filename, prefix, config_dir)
            if kind == "items" and features.ilm:
                settings = body["template"]["settings"]
                settings["index.lifecycle.name"] = prefix
                settings["index.lifecycle.rollover_alias"] = names.items
            es.indices.put_index_template(name=f"{prefix}-{kind.replace('_', '-')}", **body)
        if not es.indices.exists_alias(name=names.items):
            _create(es, FIRST_ITEMS_INDEX.format(index=prefix),
                    {names.items: {"is_write_index": True}})
        else:
            _add_item_fields(es, names, load_json(TEMPLATES["items"], prefix, config_dir))
        for plain in (names.audit, names.source_runs):
            if not es.indices.exists(index=plain):
                _create(es, plain, None)
    except ApiError as exc:
        raise StoreError(f"Elasticsearch: cannot set up the indices for {prefix!r} ({exc})"
                         ) from None


def _add_item_fields(es: Elasticsearch, names: IndexNames, template: dict[str, Any]) -> None:
    """Map ADDED_ITEM_FIELDS on every existing items index that lacks one (indices made by an
    older template); a no-op once they have them."""
    wanted = template["template"]["mappings"]["properties"]
    current = es.indices.get_mapping(index=names.items)
    for index, body in current.items():
        known = body.get("mappings", {}).get("properties", {})
        missing = {name: wanted[name] for name in ADDED_ITEM_FIELDS if name not in known}
        if missing:
            es.indices.put_mapping(index=index, properties=missing)


def _create(es: Elasticsearch, index: str, aliases: dict[str, Any] | None) -> None:
    try:
        es.indices.create(index=index, aliases=aliases, wait_for_active_shards="1")
    except ApiError as exc:
        # Another process created it first: fine.
        if "resource_already_exists_exception" not in str(exc):
            raise


def rollover(es: Elasticsearch, names: IndexNames, conditions: dict[str, Any]) -> dict[str, Any]:
    """Roll the items write alias over to a new index when ``conditions`` hold (e.g.
    ``{"max_age": "30d", "max_docs": 5_000_000}``). The rollover API exists without ILM, so a
    cluster that has no lifecycle management gets time-based indices from a scheduled call."""
    return dict(es.indices.rollover(alias=names.items, conditions=conditions))


def drop_all(es: Elasticsearch, names: IndexNames, ilm: bool = True) -> None:
    """Delete every index and template of this prefix (tests and ``migrate --restart``)."""
    prefix = names.items
    for pattern in (f"{prefix}-0*", names.audit, names.source_runs):
        with contextlib.suppress(NotFoundError):
            es.indices.delete(index=pattern, ignore_unavailable=True, allow_no_indices=True)
    for kind in TEMPLATES:
        with contextlib.suppress(NotFoundError):
            es.indices.delete_index_template(name=f"{prefix}-{kind.replace('_', '-')}")
    if ilm:
        with contextlib.suppress(ApiError):
            es.ilm.delete_lifecycle(name=prefix)
