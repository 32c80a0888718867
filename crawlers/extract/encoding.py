"""Response bytes -> text, for the encodings Vietnamese sites actually send.

Order of evidence, strongest first:

1. A gzip body (magic bytes ``1f 8b``) that nobody decoded: some servers gzip without a
   ``Content-Encoding`` header, and some saved pages are the raw transfer. We gunzip it with a
   cap on the output (a small body may inflate to gigabytes) or refuse with the URL named.
2. A byte-order mark.
3. If the bytes are valid UTF-8 and contain non-ASCII, they are UTF-8, whatever the page
   declares: text in a legacy 8-bit encoding is practically never valid UTF-8 by accident,
   while "declares windows-1258, was re-saved as UTF-8" happens.
4. Otherwise the declared charset (HTTP header first, then ``<meta charset>``/XML prolog),
   UTF-8 (with replacement characters) and the two legacy encodings Vietnamese pages use,
   windows-1258 and windows-1252, compete on a score (see :func:`vietnamese_score`); the
   declared one wins ties. This rescues a page that declares utf-8 and sends windows-1258, and
   keeps a UTF-8 page with a few broken bytes UTF-8.

windows-1258 writes most tone marks as combining characters after the letter, so the result is
always NFC-normalised. TCVN3 and VNI (pre-Unicode font encodings) have no Python codec and are
not handled; such pages come out as Latin letters with the wrong marks.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zlib

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from phuxanh.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_BYTES = 16_000_000
# The letters only Vietnamese uses: the precomposed block U+1EA0..U+1EF9 (ạ ả ấ ... ỹ) plus
# ă đ ơ ư. windows-1252 cannot produce any of them, windows-1258 produces them for real text.
_VIETNAMESE_ONLY = frozenset(
    [chr(code) for code in range(0x1EA0, 0x1EFA)] + list("ăĂđĐơƠưƯ")
)
_LEGACY = ("cp1258", "cp1252")
# Scoring reads this much; enough for a page's head and its first paragraphs.
_SCORE_CHARS = 200_000


def gunzip(body: bytes, url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress a gzip body, refusing more than ``max_bytes`` of output (a zip bomb) or a
    truncated or corrupt stream, with the URL named."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(f"{url}: body is gzip data that does not decompress ({exc})") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise InputError(
            f"{url}: gzip body decompresses to more than {max_bytes} bytes; refused"
        )
    if not inflater.eof:
        raise InputError(f"{url}: gzip body is truncated")
    return out


def undo_gzip(body: bytes, url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """``body`` itself, or its decompressed content when it is a gzip stream."""
    return gunzip(body, url, max_bytes) if body[:2] == GZIP_MAGIC else body


def _codec(name: str | None) -> str | None:
    """Python's canonical codec name, or None for a name Python does not know."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# Counting with regular expressions instead of a Python loop per character: 8.1 -> 3.2 ms on a
# windows-1258 page, where three candidate decodings are scored (bench/crawl.py).
_VIETNAMESE_RE = re.compile("[" + re.escape("".join(sorted(_VIETNAMESE_ONLY))) + "]")
_BAD_RE = re.compile("[\ufffd\x80-\x9f]")
# The blocks of combining marks a wrong 8-bit decoding leaves uncomposed.
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def vietnamese_score(text: str) -> int:
    """How much ``text`` looks like correctly decoded Vietnamese: Vietnamese-only letters, minus
    replacement characters, C1 control characters and combining marks left uncomposed (what a
    wrong 8-bit decoding produces)."""
    text = text[:_SCORE_CHARS]
    return (len(_VIETNAMESE_RE.findall(text)) - 2 * len(_BAD_RE.findall(text))
            - len(_COMBINING_RE.findall(text)))


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bom(body: bytes) -> tuple[str, int] | None:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return name, len(bom)
    return None


def choose_encoding(body: bytes, content_type: str | None) -> str:
    """The codec to decode ``body`` with (gzip already undone). See the module docstring."""
    found = _bom(body)
    if found:
        return found[0]
    if body.isascii() or _is_utf8(body):
        return "utf-8"
    declared = [
        codec
        for codec in (
            _codec(http_content_type_encoding(content_type or "")),
            _codec(html_body_declared_encoding(body)),
        )
        if codec
    ]
    # UTF-8 stays a candidate: a UTF-8 page with a few stray bytes (a truncated character, one
    # pasted windows-1252 quote) must not be decoded whole as windows-1258.
    candidates = [c for c in dict.fromkeys([*declared, "utf-8", *_LEGACY]) if c != "ascii"]
    # max() keeps the first of equal scores, so a declared encoding wins a tie.
    return max(
        candidates,
        key=lambda codec: vietnamese_score(
            unicodedata.normalize("NFC", body[: _SCORE_CHARS * 2].decode(codec, "replace"))
        ),
    )


def decode_html(
    body: bytes, content_type: str | None, url: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> str:
    """Page bytes as NFC text. Raises InputError naming ``url`` for a gzip stream that cannot be
    (or must not be) inflated, or for a body that is binary rather than text."""
    body = undo_gzip(body, url, max_bytes)
    encoding = choose_encoding(body, content_type)
    found = _bom(body)
    text = body[found[1]:].decode(encoding, "replace") if found else body.decode(
        encoding, "replace"
    )
    head = text[:4096]
    if head.count("\x00") > 8 or head.count("\ufffd") > len(head) // 4:
        raise InputError(f"{url}: body is binary data, not text (decoded as {encoding})")
    return unicodedata.normalize("NFC", text)
