from __future__ import annotations

import codecs
import gzip
import unicodedata
from typing import Any

import pytest

from crawlers.extract.encoding import choose_encoding, decode_html, gunzip, vietnamese_score
from phuxanh.errors import InputError

URL = "https://baolaocai.vn/song-dep-tu-nhung-dieu-gian-di-post404649.html"
VIETNAMESE = (
    "<p>Triển khai Chỉ thị số 57-CT/TW về bảo đảm an ninh mạng, an toàn thông tin và an ninh "
    "dữ liệu; người dân được hướng dẫn nhận diện lừa đảo trực tuyến.</p>"
)


def _page(charset_meta: str = "") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>Tin</title></head>"
        f"<body>{VIETNAMESE}</body></html>"
    )


def test_undecoded_gzip_fixture_is_gunzipped(fixture_bytes: Any) -> None:
    raw = fixture_bytes("html/baolaocai_article_undecoded_gzip.html")
    assert raw[:3] == b"\x1f\x8b\x08"
    text = decode_html(raw, "text/html; charset=utf-8", URL)
    assert text == unicodedata.normalize(
        "NFC", fixture_bytes("html/baolaocai_article.html").decode("utf-8")
    )
    assert "Sống đẹp từ những điều giản dị" in text


def test_gzip_bomb_is_refused_naming_the_url() -> None:
    bomb = gzip.compress(b"a" * 5_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(InputError, match=r"baolaocai\.vn.*more than 1000000 bytes"):
        decode_html(bomb, "text/html", URL, max_bytes=1_000_000)


@pytest.mark.parametrize("body", [
    b"\x1f\x8b" + b"not gzip at all" * 10,
    gzip.compress(_page().encode())[:-30],  # truncated transfer
])
def test_broken_gzip_is_an_input_error(body: bytes) -> None:
    with pytest.raises(InputError, match=r"baolaocai\.vn"):
        gunzip(body, URL)


def test_binary_bodies_are_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    with pytest.raises(InputError, match="binary"):
        decode_html(png, "text/html", URL)


def test_windows_1258_declared_in_the_header(cp1258: Any) -> None:
    body = cp1258(_page())
    assert b"\xd2" in body  # a combining hook, the mark of windows-1258
    text = decode_html(body, "text/html; charset=windows-1258", URL)
    assert VIETNAMESE in text
    assert text == unicodedata.normalize("NFC", text)  # tone marks composed


def test_windows_1258_declared_in_meta_only(cp1258: Any) -> None:
    text = decode_html(cp1258(_page("windows-1258")), None, URL)
    assert VIETNAMESE in text


def test_declared_utf8_but_sent_windows_1258(cp1258: Any) -> None:
    body = cp1258(_page("utf-8"))
    assert choose_encoding(body, "text/html; charset=utf-8") == "cp1258"
    assert VIETNAMESE in decode_html(body, "text/html; charset=utf-8", URL)


def test_declared_latin1_but_sent_windows_1258(cp1258: Any) -> None:
    body = cp1258(_page())
    assert VIETNAMESE in decode_html(body, "text/html; charset=iso-8859-1", URL)


def test_declared_windows_1258_but_sent_utf8() -> None:
    body = _page("windows-1258").encode("utf-8")
    assert choose_encoding(body, "text/html; charset=windows-1258") == "utf-8"
    assert VIETNAMESE in decode_html(body, "text/html; charset=windows-1258", URL)


def test_a_western_page_keeps_its_declared_encoding() -> None:
    body = "<p>Le café est très bon à Paris, déjà célèbre.</p>".encode("cp1252")
    assert choose_encoding(body, "text/html; charset=iso-8859-1") == "cp1252"
    assert "café" in decode_html(body, "text/html; charset=iso-8859-1", URL)


@pytest.mark.parametrize(("bom", "codec"), [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
])
def test_byte_order_marks_win(bom: bytes, codec: str) -> None:
    body = bom + _page("windows-1258").encode(codec)
    text = decode_html(body, "text/html; charset=windows-1258", URL)
    assert VIETNAMESE in text
    assert not text.startswith("\ufeff")


def test_nfd_input_comes_out_nfc() -> None:
    body = unicodedata.normalize("NFD", _page("utf-8")).encode("utf-8")
    assert VIETNAMESE in decode_html(body, None, URL)


def test_vietnamese_score_prefers_the_right_decoding(cp1258: Any) -> None:
    body = cp1258(VIETNAMESE)
    right = unicodedata.normalize("NFC", body.decode("cp1258"))
    wrong = unicodedata.normalize("NFC", body.decode("cp1252"))
    assert vietnamese_score(right) > 10 > vietnamese_score(wrong)


def test_utf8_with_a_few_stray_bytes_stays_utf8() -> None:
    body = _page("utf-8").encode("utf-8").replace(b"</body>", b"\x93trich dan\x94 \xe1\xba</body>")
    assert choose_encoding(body, "text/html; charset=utf-8") == "utf-8"
    assert VIETNAMESE in decode_html(body, "text/html; charset=utf-8", URL)
