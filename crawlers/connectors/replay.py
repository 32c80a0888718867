"""A local HTTP server (127.0.0.1, ephemeral port) that replays API answers, for the connector
tests and benchmarks: no test touches the real services.

Routes match a path and, optionally, query parameters (``when={"pageToken": "X"}``; a value of
None means the parameter must be absent). A route may serve a limited number of times, so a
test can answer 429 twice and then 200. Every request is recorded with its query and headers.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: Any = b""  # bytes or str as is; anything else is sent as JSON
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "text/html; charset=utf-8"
        return (json.dumps(self.body, ensure_ascii=False).encode("utf-8"),
                "application/json; charset=UTF-8")


@dataclass
class Route:
    path: str
    reply: Reply
    when: dict[str, str | None] = field(default_factory=dict)
    times: int | None = None  # None: for ever

    def matches(self, path: str, query: dict[str, str]) -> bool:
        if path != self.path or self.times == 0:
            return False
        return all(query.get(name) == value for name, value in self.when.items())


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class ReplayServer:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.seen: list[Seen] = []
        self.base = ""
        self._lock = threading.Lock()

    def add(self, path: str, reply: Reply | Any, *, when: dict[str, str | None] | None = None,
            times: int | None = None) -> None:
        """Serve ``reply`` (a Reply, or a body for a 200 JSON answer) for ``path``. Routes are
        tried in the order added; the first that matches and is not used up answers."""
        answer = reply if isinstance(reply, Reply) else Reply(200, reply)
        with self._lock:
            self.routes.append(Route(path, answer, dict(when or {}), times))

    def clear(self) -> None:
        with self._lock:
            self.routes.clear()
            self.seen.clear()

    def answer(self, raw_path: str, headers: dict[str, str]) -> Reply:
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.seen.append(Seen(parts.path, query, headers))
            for route in self.routes:
                if route.matches(parts.path, query):
                    if route.times is not None:
                        route.times -= 1
                    return route.reply
        return Reply(404, {"error": {"code": 404, "message": f"no route for {parts.path}"}})

    def requests(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if path is None or seen.path == path]


def _handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reply = server.answer(self.path, dict(self.headers.items()))
            body, kind = reply.payload()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(reply.status)
                if not any(name.lower() == "content-type" for name in reply.headers):
                    self.send_header("Content-Type", kind)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # requests are in server.seen

    return Handler


@contextmanager
def serve() -> Iterator[ReplayServer]:
    replay = ReplayServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    replay.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
