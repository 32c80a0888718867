"""What API connectors remember between runs: ``<data_dir>/connector_state.json``.

Per source:

- ``cursors``: list name -> the page cursor to read next (a YouTube ``pageToken``, a Graph API
  ``after`` cursor, a Reddit ``after`` fullname). Saved after each page's items are stored, so a
  run that fails part-way resumes at the page that failed. A finished list has no cursor: the
  next run starts again from the newest.
- ``pending``: videos or posts whose comments are still to read (so a failure between a video
  and its comments does not forget the comments).
- ``quota``: quota units spent per day (YouTube's day: it resets at midnight Pacific time).
- ``runs``: the last runs' summaries (requests, quota units, stored, dropped, error).

Only cursors are kept, never a ``paging.next`` URL: Graph API builds those with the access
token in them. Written atomically (a temporary file renamed over the old one).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from phuxanh.errors import InputError

FILENAME = "connector_state.json"
RUNS_KEPT = 30
QUOTA_DAYS_KEPT = 60
_VERSION = 1


class ConnectorState:
    """The state file of one data directory. Each change is written at once."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILENAME
        self._lock = threading.Lock()
        self._data = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": _VERSION, "sources": {}}
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read the connector state ({exc})") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{self.path}: not valid JSON (line {exc.lineno}); fix or remove it (every "
                "API list is then read from its newest page)") from None
        if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
            raise InputError(f"{self.path}: expected an object with 'sources'")
        return data

    def _source(self, key: str) -> dict[str, Any]:
        entry = self._data["sources"].setdefault(key, {})
        for name, empty in (("cursors", {}), ("pending", []), ("quota", {}), ("runs", [])):
            entry.setdefault(name, empty)
        return entry

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".connector_state.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._data, handle, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- cursors --------------------------------------------------------------------------

    def cursor(self, source: str, name: str) -> str | None:
        value = self._source(source)["cursors"].get(name)
        return value if isinstance(value, str) and value else None

    def set_cursor(self, source: str, name: str, cursor: str | None) -> None:
        with self._lock:
            cursors = self._source(source)["cursors"]
            if cursor:
                cursors[name] = cursor
            else:
                cursors.pop(name, None)
            self._save()

    def cursors(self, source: str) -> dict[str, str]:
        return dict(self._source(source)["cursors"])

    # -- pending comment lists -----------------------------------------------------------------

    def pending(self, source: str) -> list[str]:
        return [str(value) for value in self._source(source)["pending"]]

    def add_pending(self, source: str, ids: list[str]) -> None:
        if not ids:
            return
        with self._lock:
            pending = self._source(source)["pending"]
            pending.extend(value for value in ids if value not in pending)
            self._save()

    def done_pending(self, source: str, value: str) -> None:
        with self._lock:
            entry = self._source(source)
            entry["pending"] = [item for item in entry["pending"] if item != value]
            self._save()

    # -- quota and runs ---------------------------------------------------------------------

    def add_quota(self, source: str, day: str, units: int) -> None:
        if units <= 0:
            return
        with self._lock:
            quota = self._source(source)["quota"]
            quota[day] = int(quota.get(day, 0)) + units
            for old in sorted(quota)[:-QUOTA_DAYS_KEPT]:
                del quota[old]
            self._save()

    def quota(self, source: str) -> dict[str, int]:
        return {day: int(units) for day, units in self._source(source)["quota"].items()}

    def add_run(self, source: str, summary: dict[str, Any]) -> None:
        with self._lock:
            runs = self._source(source)["runs"]
            runs.append(summary)
            del runs[:-RUNS_KEPT]
            self._save()

    def runs(self, source: str) -> list[dict[str, Any]]:
        return list(self._source(source)["runs"])

    def sources(self) -> list[str]:
        return sorted(self._data["sources"])
