"""The sample site server: right headers, quiet, and gone after the block."""

from __future__ import annotations

import unicodedata
import urllib.error
import urllib.request
from datetime import date, datetime
from email.message import Message
from pathlib import Path

import feedparser
import pytest

from demo.server import content_type, serve_directory
from demo.site import build_site
from phuxanh.schema import VN_TZ


def fetch(url: str, method: str = "GET") -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        # headers stay a Message: look-ups ignore case (http.server sends "Content-type")
        return response.status, response.headers, response.read()


def test_serves_the_site_with_the_right_headers(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with serve_directory(tmp_path) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert int(base_url.rsplit(":", 1)[1]) > 0
        # Built after the server started: the pages need its base URL.
        site = build_site(tmp_path, date(2026, 3, 10), base_url,
                          now=datetime(2026, 3, 10, 12, tzinfo=VN_TZ))
        for outlet in site.outlets:
            status, headers, body = fetch(outlet.feed_url)
            assert status == 200
            kind = "atom" if outlet.feed_format == "atom" else "rss"
            assert headers["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
            assert len(feedparser.parse(body).entries) > 0
            page = next(a for a in site.articles if a.outlet == outlet.key)
            status, headers, body = fetch(page.url)
            assert status == 200
            assert headers["Content-Type"] == f"text/html; charset={outlet.charset}"
            assert page.title in unicodedata.normalize("NFC", body.decode(outlet.charset))
        status, headers, body = fetch(site.robots_url)
        assert headers["Content-Type"].startswith("text/plain")
        assert b"Disallow: /admin/" in body
        status, headers, _ = fetch(site.articles[0].url, method="HEAD")
        assert status == 200 and int(headers["Content-Length"]) > 1000
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(base_url + "/khong-co-trang-nay.html")
        assert missing.value.code == 404
    # Quiet: no request log on stdout or stderr.
    captured = capsys.readouterr()
    assert "GET" not in captured.out + captured.err
    with pytest.raises(urllib.error.URLError):
        fetch(base_url + "/robots.txt")


def test_the_legacy_outlet_is_served_as_windows_1258(tmp_path: Path) -> None:
    with serve_directory(tmp_path) as base_url:
        site = build_site(tmp_path, date(2026, 3, 10), base_url)
        legacy = next(a for a in site.articles if a.outlet == "cong-mau")
        _, headers, body = fetch(legacy.url)
    assert headers["Content-Type"] == "text/html; charset=windows-1258"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_root_is_created_and_a_fixed_port_can_be_reused(tmp_path: Path) -> None:
    root = tmp_path / "not-yet"
    with serve_directory(root) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        assert root.is_dir()
    with serve_directory(root, port=port) as again:
        assert again == base_url


def test_busy_port_raises_oserror(tmp_path: Path) -> None:
    with serve_directory(tmp_path) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        with pytest.raises(OSError, match="in use"), serve_directory(tmp_path, port=port):
            pass


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("a.html", b'<html><head><meta charset="windows-1258">', "text/html; charset=windows-1258"),
    ("a.htm", b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=UTF-8'>",
     "text/html; charset=utf-8"),
    ("a.html", b"<html>", "text/html; charset=utf-8"),
    ("rss.xml", b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">',
     "application/rss+xml; charset=utf-8"),
    ("atom.xml", b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="x">',
     "application/atom+xml; charset=utf-8"),
    ("robots.txt", b"User-agent: *", "text/plain; charset=utf-8"),
])
def test_content_type(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert content_type(str(path)) == expected
