"""``python -m dashboard [--config PATH]``: serve the dashboard on the configured store.

The ``phuxanh`` CLI is the usual way in; this is for running the dashboard on its own.
"""

from __future__ import annotations

import argparse
import logging
import sys

from phuxanh.config import load_config
from phuxanh.errors import PhuxanhError
from phuxanh.jobs import check_serve_ready
from phuxanh.store import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--config", help="config file or folder (default: config/default.yaml)")
    parser.add_argument("--host", help="override dashboard.host")
    parser.add_argument("--port", type=int, help="override dashboard.port")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    overrides = {
        "dashboard": {
            key: value for key, value in (("host", args.host), ("port", args.port)) if value
        }
    }
    try:
        config = load_config(args.config, overrides=overrides)
        check_serve_ready(config)  # a session key and at least one user, as `phuxanh serve`
        store = open_store(config)
    except PhuxanhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from dashboard.app import run  # Dash is imported only once the config is known to be good

    try:
        run(config, store)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
