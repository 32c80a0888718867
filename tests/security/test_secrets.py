"""Issue 8, access: secrets (PHUXANH_SECRET_KEY, PHUXANH_AUTHOR_HASH_KEY, the Elasticsearch
password, API keys) and passwords never appear in output or logs, even at -vv (debug)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ..crawlers.conftest import serve_site, write_crawl_config
from .conftest import call_callback, callback_payload, login, server_callbacks, stored_item

REPO = Path(__file__).resolve().parents[2]
SECRETS = {
    "PHUXANH_SECRET_KEY": "sk-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "PHUXANH_AUTHOR_HASH_KEY": "ahk-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "PHUXANH_ELASTICSEARCH_PASSWORD": "espw-Zq8Xr4Lm2Nv6Tb1",
    "PHUXANH_YOUTUBE_API_KEY": "yt-AIzaFAKE0123456789abcdef",
    "PHUXANH_FACEBOOK_TOKEN": "fb-EAAFAKE0123456789abcdef",
}
USER_PASSWORD = "mat-khau-rat-bi-mat-42"


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return SECRETS


def _assert_clean(text: str, where: str) -> None:
    for name, value in SECRETS.items():
        assert value not in text, f"{name} leaked in {where}"
        assert value[4:20] not in text, f"part of {name} leaked in {where}"
    assert USER_PASSWORD not in text, f"a user's password leaked in {where}"


def test_cli_commands_at_debug_level_print_no_secret(
        secrets_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from phuxanh.cli import main

    record = {"url": "https://diendan.example.vn/t/1", "source": "diendan-mau",
              "source_type": "forum", "published_at": "2026-03-10T08:00:00+07:00",
              "title": "Bàn về Chỉ thị 57", "text": "Nội dung bàn về Chỉ thị 57-CT/TW."}
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    bad_items = tmp_path / "bad.jsonl"
    bad_items.write_text("{not json\n", encoding="utf-8")
    # Something for `spool --replay` to do: it logs what it replayed.
    from phuxanh.config import load_config
    from phuxanh.schema import Item
    from phuxanh.spool import SpoolWriter

    writer = SpoolWriter(load_config(REPO / "config").data_dir)
    writer.append([Item.model_validate({
        "id": "u:000000000000000000000001", "url": "https://baolaocai.vn/a.html",
        "canonical_url": "https://baolaocai.vn/a.html", "source": "baolaocai",
        "published_at": "2026-03-10T08:00:00+07:00", "date_source": "import",
        "fetched_at": "2026-03-10T08:00:00+07:00", "title": "Chỉ thị 57"})])
    writer.close()
    runner = CliRunner()
    commands = [
        ["-vv", "spool", "--replay"],
        ["-vv", "users", "add", "lan", "--role", "admin", "--password-stdin"],
        ["-vv", "users", "list"],
        ["-vv", "users", "passwd", "lan", "--password-stdin"],
        ["-vv", "ingest", str(items)],
        ["-vv", "ingest", str(bad_items)],
        ["-vv", "stats", "--json"],
        ["-vv", "search", "chi thi 57"],
        ["-vv", "dedup"],
        ["-vv", "spool"],
        ["-vv", "sources", "check"],
        ["-vv", "--debug", "stats"],
    ]
    outputs = []
    with caplog.at_level(logging.DEBUG):
        for command in commands:
            result = runner.invoke(main, command, input=USER_PASSWORD + "\n")
            outputs.append((command, result.output + (str(result.exception or ""))))
    ran = {" ".join(command): output for command, output in outputs}
    assert "added lan (admin)" in ran["-vv users add lan --role admin --password-stdin"]
    for command, output in outputs:
        _assert_clean(output, " ".join(command))
    _assert_clean(caplog.text, "the CLI's logs")
    assert caplog.records, "debug logging was not on: the check above proved nothing"


def test_a_too_short_secret_is_refused_without_echoing_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from dashboard.app import create_app
    from phuxanh.config import Config
    from phuxanh.errors import ConfigError
    from phuxanh.store.sqlite import SQLiteStore

    monkeypatch.setenv("PHUXANH_SECRET_KEY", "shortkey1")
    store = SQLiteStore(tmp_path / "t.db")
    try:
        with pytest.raises(ConfigError) as raised:
            create_app(Config(data_dir=tmp_path), store)
        assert "shortkey1" not in str(raised.value)
    finally:
        store.close()


def test_secrets_in_a_config_file_are_refused_naming_the_file_not_the_value(
        tmp_path: Path) -> None:
    from phuxanh.config import load_config
    from phuxanh.errors import ConfigError

    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "default.yaml").write_text(
        "store:\n  elasticsearch_password: espw-in-a-file-123\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(folder)
    message = str(raised.value)
    assert "default.yaml" in message and "espw-in-a-file-123" not in message


def test_the_dashboard_logs_no_secret_nor_password(
        secrets_env: dict[str, str], app: Any, client_as: Any, store: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    stored_item(store)
    with caplog.at_level(logging.DEBUG):
        anonymous = client_as(None)
        login(anonymous, "admin", USER_PASSWORD)  # a wrong password, typed by someone
        login(anonymous, USER_PASSWORD, "x")  # a password typed into the username field
        client = client_as("admin")
        pages = [client.get(path).get_data(as_text=True)
                 for path in ("/", "/review", "/search", "/_dash-layout")]
        for key, spec in server_callbacks(app):
            pages.append(call_callback(client, callback_payload(key, spec)).get_data(
                as_text=True))
        client.post("/_dash-update-component", json={"broken": True},
                    headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})
    for text in pages:
        _assert_clean(text, "a dashboard response")
    # The session secret signs cookies; the cookies themselves must not carry it either.
    cookies = " ".join(cookie.value for cookie in (
        client.get_cookie("phuxanh_session"), client.get_cookie("_csrf_token")) if cookie)
    _assert_clean(cookies, "the cookies")
    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    _assert_clean(logged, "the dashboard's logs")


@pytest.mark.slow
def test_a_crawl_at_debug_level_logs_no_secret(tmp_path: Path) -> None:
    with serve_site() as site:
        config_dir = write_crawl_config(
            tmp_path / "config",
            "sources:\n  - key: bao-thu-nghiem\n    name: Báo Thử Nghiệm\n    type: news\n"
            f"    feeds:\n      - {site.base}/feeds/thoi-su.rss\n")
        env = {**os.environ, **SECRETS, "PHUXANH_DATA_DIR": str(tmp_path / "data")}
        done = subprocess.run(
            [sys.executable, "-m", "phuxanh.cli", "-vv", "--config", str(config_dir), "crawl"],
            capture_output=True, text=True, env=env, cwd=REPO, timeout=180)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "DEBUG" in output and "stored" in output  # debug logs were on, the crawl ran
    _assert_clean(output, "the crawl's output")


def test_the_elasticsearch_password_is_not_logged_when_the_cluster_refuses_it(
        secrets_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The store sends the password (basic auth) to a cluster that answers 401: neither the
    password nor its base64 form may appear in the error, the output or the debug logs."""
    import base64
    import shutil
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from phuxanh.cli import main

    seen_auth: list[str] = []

    class Refusing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen_auth.append(self.headers.get("Authorization", ""))
            body = b'{"error":{"type":"security_exception","reason":"unable to authenticate"},'\
                   b'"status":401}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-elastic-product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_PUT = do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "default.yaml").write_text(
        "store:\n  backend: elasticsearch\n"
        f"  elasticsearch_url: http://127.0.0.1:{server.server_address[1]}\n"
        "  elasticsearch_username: phuxanh\n", encoding="utf-8")
    for name in ("topics.yaml", "sources.yaml"):
        shutil.copy(REPO / "config" / name, folder / name)
    try:
        with caplog.at_level(logging.DEBUG):
            result = CliRunner().invoke(main, ["-vv", "--config", str(folder), "stats"])
    finally:
        server.shutdown()
        server.server_close()
    password = SECRETS["PHUXANH_ELASTICSEARCH_PASSWORD"]
    token = base64.b64encode(f"phuxanh:{password}".encode()).decode()
    assert any(token in header for header in seen_auth)  # it was sent, to the cluster only
    assert result.exit_code != 0
    text = result.output + caplog.text + str(result.exception or "")
    _assert_clean(text, "the Elasticsearch failure")
    assert token not in text
