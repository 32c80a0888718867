"""The search syntax both stores accept, parsed once (phuxanh/store/search_syntax.py)."""

from __future__ import annotations

from phuxanh.store.search_syntax import ParsedQuery, parse_search, written_words
from phuxanh.store.sqlite_sql import fts_query


def test_words_phrases_or_and_exclusions_fold_like_the_index() -> None:
    parsed = parse_search('Chỉ thị 57 "an ninh mạng" Đà OR Huế -giả -lừa_đảo')
    assert parsed == ParsedQuery(
        required=((("chi",),), (("thi",),), (("57",),), (("an", "ninh", "mang"),),
                  (("da",), ("hue",))),
        excluded=(("gia",), ("lua", "dao")),
    )


def test_nothing_searchable_and_a_leading_or_is_a_word() -> None:
    assert parse_search('  -"" -- ""  ') is None
    assert parse_search("-chỉ -thị") is None  # only exclusions: nothing to look for
    assert parse_search("OR an") == ParsedQuery(((("or",),), (("an",),)), ())


def test_the_embedded_store_renders_it_as_fts5() -> None:
    assert fts_query('an ninh OR "bảo mật" -lộ') == '"an" AND ("ninh" OR "bao mat") NOT "lo"'
    assert fts_query("---") is None
    assert written_words("Đà Nẵng OR Huế") == ["Đà", "Nẵng", "Huế"]


def test_a_quoted_phrase_can_be_excluded() -> None:
    assert parse_search('an ninh -"tin giả"') == ParsedQuery(
        ((("an",),), (("ninh",),)), (("tin", "gia"),))
    assert fts_query('an ninh -"tin giả"') == '"an" AND "ninh" NOT "tin gia"'
