"""Encoding pages the way legacy Vietnamese sites did: windows-1258.

windows-1258 has no code points for most Vietnamese letters with a tone (ạ, ệ, ữ ...). Windows
writes them as a base letter (which may carry a circumflex, breve or horn: â ê ô ă ơ ư) followed
by a *combining* tone mark, so the decoded text is not NFC. That is exactly what a crawler must
cope with: decode with the declared charset, then normalise to NFC.
"""

from __future__ import annotations

import unicodedata

# The five combining tone marks windows-1258 has code points for.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _encode_cp1258(text: str) -> bytes:
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if c not in _TONE_MARKS)
        )
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        try:
            out += (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            # Not Vietnamese at all (an arrow, an emoji): an HTML character reference.
            out += f"&#{ord(char)};".encode("ascii")
    return bytes(out)


def encode_page(text: str, charset: str) -> bytes:
    """``text`` (an HTML page) as bytes in ``charset`` ("utf-8" or "windows-1258")."""
    name = charset.lower()
    if name in {"utf-8", "utf8"}:
        return text.encode("utf-8")
    if name in {"windows-1258", "cp1258"}:
        return _encode_cp1258(text)
    raise ValueError(f"unsupported page charset {charset!r}")


def decode_page(data: bytes, charset: str) -> str:
    """The inverse of :func:`encode_page`, normalised to NFC (what a careful crawler does)."""
    return unicodedata.normalize("NFC", data.decode(charset))
