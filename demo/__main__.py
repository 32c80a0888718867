"""Preview the sample site in a browser: ``python -m demo [--port 8049] [--today YYYY-MM-DD]``.

Builds the site into a temporary directory (or ``--out``) and serves it until Ctrl+C. The
pipeline does not use this; ``phuxanh demo`` builds, serves and crawls on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import threading
from datetime import date, datetime
from pathlib import Path

from demo.server import serve_directory
from demo.site import build_site
from phuxanh.schema import VN_TZ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="date the articles are dated back from (default: today)")
    parser.add_argument("--out", type=Path, default=None, help="build here instead of a temp dir")
    args = parser.parse_args(argv)
    today = args.today or datetime.now(VN_TZ).date()
    with tempfile.TemporaryDirectory(prefix="phuxanh-demo-site-") as tmp:
        root = args.out or Path(tmp)
        with serve_directory(root, port=args.port) as base_url:
            manifest = build_site(root, today, base_url)
            print(f"Sample site ({len(manifest.articles)} articles, dated back from "
                  f"{today:%d/%m/%Y}) at {base_url}/  - Ctrl+C to stop")
            for outlet in manifest.outlets:
                print(f"  {outlet.name}: {outlet.feed_url}")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
