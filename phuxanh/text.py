"""Vietnamese text normalisation shared by every stage.

Two forms matter:
- ``nfc(text)``: what we store and show. Unicode NFC, so "ạ" is one code point whatever the
  page sent (NFD input from some CMSs and from macOS copy-paste is common).
- ``fold(text)``: what we match and search on. Lower case, no tone or vowel marks, and
  ``đ`` -> ``d``. ``đ``/``Đ`` have no Unicode decomposition, so stripping combining marks alone
  keeps them ("da nang" would miss "Đà Nẵng"); we fold them explicitly.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")

# Old-style tone placement (hoà, thuỷ, khoẻ) versus the new style (hòa, thủy, khỏe) that most
# outlets and underthesea use. Both spellings occur in the same outlet; we store the new style so
# exact-match features (the classifier's vocabulary, dedup hashes) see one form.
_OLD_TO_NEW_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Only at the end of a syllable ("hoàng" keeps its mark on the a, as everyone writes it) and
# never after q ("quý" is spelled the same in both styles: the u belongs to the consonant).
_TONE_RE = re.compile(
    r"(?<![qQ])(" + "|".join(map(re.escape, _OLD_TO_NEW_TONE)) + r")(?!\w)",
    re.IGNORECASE,
)


def nfc(text: str) -> str:
    """Unicode NFC. Idempotent."""
    return unicodedata.normalize("NFC", text)


def normalize_tone_marks(text: str) -> str:
    """Rewrite old-style tone placement ("hoà", "thuỷ") as the new style ("hòa", "thủy")."""

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        replacement = _OLD_TO_NEW_TONE[found.lower()]
        if found.isupper():
            return replacement.upper()
        return replacement[0].upper() + replacement[1:] if found[0].isupper() else replacement

    return _TONE_RE.sub(swap, text)


def clean(text: str) -> str:
    """NFC, new-style tone marks, collapsed white space: the stored form of any text field."""
    return _SPACE_RE.sub(" ", normalize_tone_marks(nfc(text))).strip()


def clean_multiline(text: str) -> str:
    """Like :func:`clean` but keeps paragraph breaks (one blank-free newline between them)."""
    lines = (clean(line) for line in nfc(text).splitlines())
    return "\n".join(line for line in lines if line)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _build_fold_table() -> dict[int, str]:
    """Precomposed letter -> its unmarked base, for every Latin letter with marks. Folding by
    one str.translate is ~10x faster than decomposing every character, and folding runs on
    every stored text."""
    table = {}
    for code in range(0xC0, 0x2000):
        char = chr(code)
        base = _strip_marks(char)
        if base != char and base:
            table[code] = base
    table.update({ord(k): v for k, v in {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}.items()})
    return table


_FOLD_TABLE = _build_fold_table()
_COMBINING_RE = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# One item's title and text are folded in turn by the topic matcher and, when its batch of
# ~100 items is written, by the store's full-text columns (and later by dedup): remembering the
# last 512 results covers a batch, and makes the repeats free (a str caches its own hash, so a
# hit costs a dict lookup, not a pass over the text). At most a few MB of folded text is kept.
@functools.lru_cache(maxsize=512)
def fold(text: str) -> str:
    """Lower-case ASCII-ish form for matching: no diacritics, đ -> d, collapsed spaces."""
    folded = text.translate(_FOLD_TABLE)
    if _COMBINING_RE.search(folded):  # decomposed (NFD) input: strip the loose marks too
        folded = _strip_marks(folded).translate(_FOLD_TABLE)
    return _SPACE_RE.sub(" ", folded.lower()).strip()


_WORD_RE = re.compile(r"\w+", re.UNICODE)


def fold_words(text: str) -> list[str]:
    """Folded word tokens (letters and digits), for term matching and full-text queries."""
    return _WORD_RE.findall(fold(text))
