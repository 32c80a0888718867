"""``phuxanh import`` and ``phuxanh submit`` through click's runner, with the repo's config
(the shipped ``bang-tieng-viet`` profile) and a local site on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from phuxanh.cli import EXIT_CONFIG, EXIT_ERROR, main
from phuxanh.config import load_config
from phuxanh.store.sqlite import SQLiteStore

ARTICLE = (Path(__file__).resolve().parents[1] / "fixtures" / "html" / "site"
           / "chi-thi-57-an-ninh-mang.html")
HEADER = ["Link", "Tiêu đề", "Nội dung", "Ngày đăng", "Nguồn", "Tác giả", "Lượt thích"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def store() -> SQLiteStore:
    return SQLiteStore(load_config().sqlite_path)


def write_export(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


GOOD = ["https://vnexpress.net/quan-triet-chi-thi-57.html", "Quán triệt Chỉ thị 57",
        "Hội nghị quán triệt Chỉ thị số 57-CT/TW về an ninh mạng.", "08/03/2026 09:00",
        "VnExpress", "Lê Phóng Viên", "120"]
BAD = ["https://vnexpress.net/x.html", "x", "Chỉ thị số 57-CT/TW", "hôm nọ", "", "", ""]


def test_import_with_the_shipped_profile(tmp_path: Path) -> None:
    path = write_export(tmp_path / "xuat.csv", [GOOD, BAD])
    result = run("import", str(path), "--profile", "bang-tieng-viet")
    assert result.exit_code == 0, result.output
    assert "2 rows (csv, profile bang-tieng-viet): 1 accepted, 1 rejected" in result.output
    assert "stored 1 new" in result.output
    assert "row 3: published_at: unrecognised date 'hôm nọ'" in result.output
    assert "rejected rows: " in result.output
    again = run("import", str(path), "--profile", "bang-tieng-viet")
    assert "stored 0 new, 0 updated, 1 unchanged" in again.output
    opened = store()
    try:
        assert opened.count() == 1
        assert [e.action for e in opened.audit_log(action="import")] == ["import", "import"]
    finally:
        opened.close()


def test_import_strict_and_dry_run(tmp_path: Path) -> None:
    path = write_export(tmp_path / "xuat.csv", [GOOD, BAD])
    strict = run("import", str(path), "--profile", "bang-tieng-viet", "--strict")
    assert strict.exit_code == EXIT_ERROR
    assert "1 rows rejected; nothing stored (--strict)" in strict.output
    dry = run("import", str(path), "--profile", "bang-tieng-viet", "--dry-run")
    assert dry.exit_code == 0 and "nothing stored" in dry.output
    opened = store()
    try:
        assert opened.count() == 0
    finally:
        opened.close()


def test_import_errors_are_one_line(tmp_path: Path) -> None:
    path = write_export(tmp_path / "xuat.csv", [GOOD])
    unknown = run("import", str(path), "--profile", "khong-co")
    assert unknown.exit_code == EXIT_CONFIG
    assert "no profile 'khong-co'" in unknown.output
    broken = tmp_path / "hong.csv"
    broken.write_bytes(b"url;published_at\nhttps://x.vn/\xff;01/03/2026\n")
    result = run("import", str(broken))
    assert result.exit_code == EXIT_ERROR
    assert f"{broken}: line 2: bytes that are not utf-8" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def site() -> Iterator[str]:
    pages = {"/robots.txt": (b"User-agent: *\nDisallow: /noi-bo/\n", "text/plain")}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, kind = pages.get(self.path, (b"<html>404</html>", "text/html"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    pages["/bai.html"] = (ARTICLE.read_text("utf-8").replace("{base}", base).encode(),
                          "text/html; charset=utf-8")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_submit_stores_and_prints_the_item(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_SUBMIT__ALLOW_PRIVATE_HOSTS", "true")
    result = run("submit", f"{site}/bai.html", "--by", "lan", "--json")
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)
    assert item["title"] == "Triển khai Chỉ thị số 57-CT/TW về an ninh mạng"
    assert item["source"] == "submitted" and item["topics"] == ["chi-thi-57"]
    assert item["sentiment"]["label"] in {"positive", "neutral", "negative"}
    opened = store()
    try:
        (entry,) = opened.audit_log(action="submit")
        assert (entry.actor, entry.target) == ("lan", item["id"])
    finally:
        opened.close()


def test_submit_errors_are_one_line(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = run("submit", f"{site}/bai.html")  # 127.0.0.1 is refused by default
    assert refused.exit_code == EXIT_ERROR
    assert "private or local address" in refused.output
    monkeypatch.setenv("PHUXANH_SUBMIT__ALLOW_PRIVATE_HOSTS", "true")
    robots = run("submit", f"{site}/noi-bo/x.html")
    assert robots.exit_code == EXIT_ERROR and "robots.txt" in robots.output
    missing = run("submit", f"{site}/khong-co.html")
    assert missing.exit_code == EXIT_ERROR and "HTTP 404" in missing.output
    assert "Traceback" not in refused.output + robots.output + missing.output
