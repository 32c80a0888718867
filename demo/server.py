"""Serve a static directory on 127.0.0.1 from a background thread, for the demo and tests.

The Content-Type says what a real server would: an HTML page's charset is the one its own
``<meta charset>`` declares (so the windows-1258 outlet is served as windows-1258), a feed is
``application/rss+xml`` or ``application/atom+xml`` by its root element, robots.txt is text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_SNIFF_BYTES = 2048


def _head_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""


def content_type(path: str) -> str:
    """The Content-Type header for the file at ``path``."""
    lower = path.lower()
    if lower.endswith((".html", ".htm")):
        found = _META_CHARSET.search(_head_bytes(path))
        charset = found.group(1).decode("ascii").lower() if found else "utf-8"
        return f"text/html; charset={charset}"
    if lower.endswith(".xml"):
        head = _head_bytes(path)
        found = _XML_ENCODING.search(head)
        charset = found.group(1).decode("ascii").lower() if found else "utf-8"
        if b"<feed" in head:
            kind = "application/atom+xml"
        elif b"<rss" in head:
            kind = "application/rss+xml"
        else:
            kind = "application/xml"
        return f"{kind}; charset={charset}"
    if lower.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if lower.endswith(".json"):
        return "application/json"
    return "application/octet-stream"


class _Handler(SimpleHTTPRequestHandler):
    server_version = "phuxanh-demo"
    sys_version = ""

    def guess_type(self, path: str | Any) -> str:
        return content_type(str(path))

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet: a crawl makes hundreds of requests and the demo prints its own progress.
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The demo uses a fixed port and may be run twice in a row; do not wait for TIME_WAIT.
    allow_reuse_address = True


@contextmanager
def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` at ``http://host:port`` until the block exits; yields the base URL
    (no trailing slash). ``port=0`` picks a free port. ``root`` is created if missing and
    files are read per request, so the site can be built after the server starts (its pages
    need the base URL). Raises OSError when the port is taken."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    handler = partial(_Handler, directory=str(root))
    server = _Server((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-site-server",
                              kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    try:
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
