"""``python -m crawlers.connectors [--config DIR] [--json]``: what the API connectors remember —
YouTube quota units per source and Pacific day, the lists that will resume at a saved cursor,
comment lists still pending, and each source's last run."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from crawlers.connectors.runner import quota_day
from crawlers.connectors.state import ConnectorState
from phuxanh.config import load_config
from phuxanh.errors import PhuxanhError
from phuxanh.schema import VN_TZ


def status(state: ConnectorState, today: str) -> dict[str, Any]:
    result = {}
    for key in state.sources():
        runs = state.runs(key)
        last = runs[-1] if runs else {}
        result[key] = {
            "quota_today": state.quota(key).get(today, 0),
            "quota": state.quota(key),
            "resume_at": sorted(state.cursors(key)),
            "pending_comments": len(state.pending(key)),
            "last_run": {name: last.get(name) for name in (
                "finished_at", "requests", "quota_units", "stopped_by")} if last else None,
        }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.connectors", description=__doc__)
    parser.add_argument("--config", help="config directory or YAML file (default: config/)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        today = quota_day(datetime.now(VN_TZ))
        summary = status(ConnectorState(config.data_dir), today)
    except PhuxanhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    if not summary:
        print("no API source has run yet")
    for key, entry in summary.items():
        last = entry["last_run"] or {}
        print(f"{key}: YouTube quota today ({today}, Pacific) {entry['quota_today']} units; "
              f"pending comment lists {entry['pending_comments']}; resumes "
              f"{', '.join(entry['resume_at']) or 'nothing'}")
        if last:
            print(f"  last run {last['finished_at']}: {last['requests']} requests, "
                  f"{last['quota_units']} units" + (f"; stopped: {last['stopped_by']}"
                                                     if last["stopped_by"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
