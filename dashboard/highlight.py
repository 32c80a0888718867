"""Matched terms in crawled text, marked without ever producing HTML: the text stays plain
strings and each match becomes an ``html.Mark`` component (React escapes strings). Matching
ignores case and diacritics, so "chi thi 57" marks "Chỉ thị 57"."""

from __future__ import annotations

import re
from typing import Any

from dash import html

from phuxanh.text import fold


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``text`` folded one character at a time, with each folded character's index in ``text``
    (folding can change lengths: a decomposed letter loses its marks)."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        folded = " " if char.isspace() else fold(char)
        for piece in folded:
            chars.append(piece)
            where.append(index)
    return "".join(chars), where


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``terms`` in ``text``, found without regard to
    case or diacritics, on word boundaries."""
    words = [fold(term).split() for term in terms]
    alternatives = sorted(
        {r"\s+".join(re.escape(w) for w in ws) for ws in words if ws}, key=len, reverse=True
    )
    if not alternatives or not text:
        return []
    folded, where = _folded_with_positions(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    return [(where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer(folded)
            if m.end() > m.start()]


def highlight(text: str, terms: list[str]) -> list[Any]:
    """``text`` as strings and ``html.Mark`` components: never HTML."""
    parts: list[Any] = []
    last = 0
    for start, end in match_spans(text, terms):
        if start > last:
            parts.append(text[last:start])
        parts.append(html.Mark(text[start:end]))
        last = end
    if last < len(text):
        parts.append(text[last:])
    return parts


def snippet(text: str, terms: list[str], width: int = 240) -> str:
    """About ``width`` characters of ``text`` around the first match of ``terms`` (the start
    of the text when nothing matches), with an ellipsis where it was cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    spans = match_spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    if start > 0:  # start on a word boundary
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")

