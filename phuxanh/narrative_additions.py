"""Known false claims that reviewers add from an item they reviewed.

`config/narratives.yaml` is versioned configuration, edited by whoever owns the deployment; a
reviewer who meets a new false claim should not wait for that. Additions go to
``<data_dir>/narratives.added.yaml`` (same fields as narratives.yaml, plus when and from which
item), which the classifier merges after the configured list (classify/narratives.py
``with_additions``); the model string then says how many were added, so
`phuxanh classify --reclassify` picks them up. Every addition is in the audit log.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from phuxanh.errors import InputError, PhuxanhError
from phuxanh.store.base import Store
from phuxanh.text import clean, fold

ADDED_NARRATIVES_FILE = "narratives.added.yaml"
MIN_CLAIM_CHARS = 20  # the matcher ignores sentences shorter than this (narratives.yaml)
MAX_FIELD_CHARS = 2000
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class AddedNarrative:
    id: str
    topic: str
    claim: str
    rebuttal: str
    rebuttal_url: str | None
    added_by: str
    from_item: str | None


def added_narratives_path(data_dir: Path) -> Path:
    return Path(data_dir) / ADDED_NARRATIVES_FILE


def _slug(claim: str) -> str:
    words = _SLUG_RE.sub("-", fold(claim)).strip("-").split("-")
    digest = hashlib.blake2b(clean(claim).encode("utf-8"), digest_size=3).hexdigest()
    return "-".join([*words[:6], digest])


def _text(value: str | None, name: str, *, required: bool = True) -> str:
    text = clean(value or "")
    if required and not text:
        raise InputError(f"{name}: required")
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(f"{name}: at most {MAX_FIELD_CHARS} characters")
    return text


def read_entries(path: Path, error: type[PhuxanhError] = InputError) -> list[dict[str, Any]]:
    """The raw entries of an additions file ([] when there is none); an unreadable file
    raises ``error`` naming it (the classifier, loading its config, raises ConfigError)."""
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error(f"{path}: unreadable ({exc})") from None
    entries = data.get("narratives", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise error(f"{path}: expected a mapping with a 'narratives' list")
    return entries


def add_narrative(
    data_dir: Path,
    store: Store,
    *,
    topic: str,
    claim: str,
    rebuttal: str,
    rebuttal_url: str | None,
    added_by: str,
    from_item: str | None = None,
    known_topics: tuple[str, ...] = (),
) -> AddedNarrative:
    """Validate and append one narrative (under a file lock, written to a temporary file and
    renamed, so two reviewers adding at once both land and a crash never leaves half a file);
    audited as ``narrative.add``."""
    claim_text = _text(claim, "claim")
    if len(claim_text) < MIN_CLAIM_CHARS:
        raise InputError(f"claim: at least {MIN_CLAIM_CHARS} characters, so it can be matched")
    rebuttal_text = _text(rebuttal, "rebuttal")
    url = _text(rebuttal_url, "rebuttal_url", required=False) or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise InputError("rebuttal_url: expected an http(s) address")
    if known_topics and topic not in known_topics:
        raise InputError(f"topic: {topic!r} is not a configured topic")
    narrative = AddedNarrative(id=_slug(claim_text), topic=topic, claim=claim_text,
                               rebuttal=rebuttal_text, rebuttal_url=url, added_by=added_by,
                               from_item=from_item)
    path = added_narratives_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        entries = read_entries(path)
        if any(entry.get("id") == narrative.id for entry in entries):
            raise InputError(f"this claim is already a known narrative ({narrative.id})")
        entries.append({
            "id": narrative.id, "topic": topic, "claim": claim_text, "variants": [],
            "rebuttal": rebuttal_text, "rebuttal_url": url, "added_by": added_by,
            "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "from_item": from_item,
        })
        partial = path.with_name(path.name + ".partial")
        partial.write_text(
            "# Narratives added by reviewers from the dashboard (phuxanh/narrative_additions.py)"
            "\n" + yaml.safe_dump({"narratives": entries}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        os.replace(partial, path)
    store.audit(added_by, "narrative.add", narrative.id,
                {"topic": topic, "claim": claim_text, "from_item": from_item,
                 "rebuttal_url": url})
    return narrative
