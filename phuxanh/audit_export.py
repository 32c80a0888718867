"""``phuxanh audit export``: the audit log as CSV or JSON Lines, for an inspection or an archive.

Rows run oldest first: time (ISO 8601 with offset), actor, action, target, details (a JSON
object). The export is itself an audited act: once the file is written, an ``export`` entry
names the file, the row count, the period and the file's sha256.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) get a leading apostrophe: targets and actors include what strangers
typed (a username at a failed login), and an audit export is exactly the file someone opens in
Excel.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from phuxanh.errors import InputError
from phuxanh.schema import VN_TZ
from phuxanh.store.base import AuditEntry, Store

FIELDS = ("at", "actor", "action", "target", "details")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def parse_since(text: str) -> datetime:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd`` (start of that day in Vietnam), or an ISO timestamp."""
    text = text.strip()
    try:
        if "/" in text:
            day = datetime.strptime(text, "%d/%m/%Y").date()
            return datetime.combine(day, time(), VN_TZ)
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), VN_TZ)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--since {text!r}: expected dd/mm/yyyy, yyyy-mm-dd or an ISO 8601 "
                         "time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def _row(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at.isoformat(), "actor": entry.actor, "action": entry.action,
            "target": entry.target, "details": entry.details}


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _write(path: Path, entries: Iterable[AuditEntry], fmt: str) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(FIELDS)
            for entry in entries:
                row = _row(entry)
                row["details"] = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
                writer.writerow([_cell(str(row[name])) for name in FIELDS])
                count += 1
        else:
            for entry in entries:
                out.write(json.dumps(_row(entry), ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    return count


def export_audit(store: Store, path: Path, since: datetime | None = None,
                 actor: str = "cli") -> int:
    """Write the audit entries at or after ``since`` (all when None) to ``path`` (``.csv`` or
    ``.jsonl``), then record the export. Returns the number of rows written."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputError(f"{path}: the export file must end in .csv or .jsonl")
    if since is not None and since.tzinfo is None:
        raise ValueError("since must be aware")
    # Streamed, oldest first: a log of years is never held in memory.
    entries = (e for e in store.iter_audit() if since is None or e.at >= since)
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        count = _write(partial, entries, suffix[1:])
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write the export ({exc})") from None
    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no passwd entry (some containers)
        os_user = ""
    store.audit(actor, "export", str(path), {
        "what": "audit_log", "format": suffix[1:], "rows": count,
        "since": since.isoformat() if since else None,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "os_user": os_user,
    })
    return count
