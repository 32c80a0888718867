"""What a user types into search, parsed once for every backend.

Words are ANDed, "quoted words" are phrases, a leading ``-`` excludes a word or phrase, and
``OR`` between two terms makes either enough. Everything is folded the way the stores index
text (case, diacritics, đ→d), so "chi thi 57 an ninh mang" finds "Chỉ thị 57 an ninh mạng".
Each backend renders the parsed query in its own language (sqlite_sql.fts_query for FTS5,
elastic_query.text_query for Elasticsearch), so both accept exactly the same syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from phuxanh.text import fold

# A quoted phrase (optionally -"excluded"), or any other run of non-space characters.
_PHRASE_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD_RE = re.compile(r"\w+")

Phrase = tuple[str, ...]  # folded words, matched as a phrase (one word: a single term)


@dataclass(frozen=True)
class ParsedQuery:
    required: tuple[tuple[Phrase, ...], ...]  # every group must match; a group is an OR
    excluded: tuple[Phrase, ...]  # none may match


def parse_search(query: str) -> ParsedQuery | None:
    """The query's phrases, or None when nothing searchable is left."""
    required: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    pending_or = False
    for match in _PHRASE_RE.finditer(query):
        quoted, bare = match.group(2), match.group(3)
        if bare == "OR" and required:
            pending_or = True
            continue
        if quoted is not None:
            exclude, raw = match.group(1) == "-", quoted
        else:
            exclude, raw = bare.startswith("-"), bare.lstrip("-")
        # "_" joins words in underthesea's segmented text; the indexes split on it.
        words = tuple(_WORD_RE.findall(fold(raw).replace("_", " ")))
        if not words:
            continue
        if exclude:
            excluded.append(words)
        elif pending_or:
            required[-1].append(words)
            pending_or = False
        else:
            required.append([words])
    if not required:
        return None
    return ParsedQuery(tuple(tuple(group) for group in required), tuple(excluded))


def written_words(query: str) -> list[str]:
    """The words as typed (diacritics kept), without the OR operator: for ranking exact
    matches higher."""
    return [word for word in _WORD_RE.findall(query) if word != "OR"]
