from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phuxanh.topic_query import MAX_DEPTH, Document, QueryError, match_words, parse_query


def check(query: str, text: str, title: str = "") -> tuple[bool, tuple[str, ...]]:
    return parse_query(query).evaluate(Document(title, text))


def matches(query: str, text: str) -> bool:
    return parse_query(query).matches("", text)


# --- precedence and operators ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", True),  # a OR (b AND c)
        ("b c", True),
        ("b", False),
        ("c", False),
    ],
)
def test_and_binds_tighter_than_or(text: str, expected: bool) -> None:
    assert matches("a OR b AND c", text) is expected
    assert matches("a OR b c", text) is expected  # implicit AND, same precedence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x y z", True),  # (x NEAR/0 y) AND z
        ("x y", False),
        ("x q y z", False),  # x and y not adjacent
        ("z y x", True),  # NEAR is either order
    ],
)
def test_near_binds_tighter_than_and(text: str, expected: bool) -> None:
    assert matches("x NEAR/0 y AND z", text) is expected


def test_not_binds_tighter_than_and_and_or() -> None:
    query = "NOT a OR b"  # (NOT a) OR b
    assert matches(query, "c")
    assert matches(query, "a b")
    assert not matches(query, "a")
    assert matches("NOT a b", "b") and not matches("NOT a b", "a b")  # (NOT a) AND b


def test_dash_is_not() -> None:
    assert matches('"an ninh mạng" -lừa', "an ninh mạng")
    assert not matches('"an ninh mạng" -lừa', "an ninh mạng lừa đảo")
    assert not matches('mạng -"lừa đảo"', "mạng lừa đảo")
    assert not matches("mạng -(lừa OR gạt)", "mạng gạt")
    assert matches("an-ninh", "an ninh")  # a dash inside a word is punctuation, not NOT


def test_double_negation_cancels() -> None:
    assert matches("NOT NOT a", "a") and not matches("NOT NOT a", "b")
    assert matches("NOT " * 10_001 + "a", "b")


def test_lower_case_keywords_are_words() -> None:
    assert matches("a or b", "a or b")
    assert not matches("a or b", "a")
    assert matches("near", "Near")


def test_parentheses_group() -> None:
    query = '("an ninh mạng" OR "an toàn thông tin") AND NOT "Chỉ thị 57/CT-TTg"'
    assert matches(query, "Bảo đảm an toàn thông tin")
    assert not matches(query, "Chỉ thị 57/CT-TTg về an ninh mạng")
    assert not matches(query, "an ninh trật tự")


# --- NEAR -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chỉ thị 57", True),  # 0 words between
        ("Chỉ thị số 57", True),
        ("Chỉ thị mới số 57", True),
        ("Chỉ thị của Ban Bí 57", True),  # 3 between: the limit
        ("Chỉ thị của Ban Bí thư 57", False),  # 4 between
        ("57 là số chỉ thị", True),  # the other order, 2 between
        ("57 a b c d chỉ thị", False),  # the other order, 4 between
        ("Chỉ thị", False),
        ("57", False),
    ],
)
def test_near_distance_both_orders(text: str, expected: bool) -> None:
    assert matches('"Chỉ thị" NEAR/3 57', text) is expected


def test_near_zero_is_adjacent_and_operands_do_not_overlap() -> None:
    assert matches("a NEAR/0 b", "b a")
    assert not matches("a NEAR/0 b", "a x b")
    # One "57" cannot be both operands, nor can overlapping phrases count as near.
    assert not matches("57 NEAR/5 57", "Chỉ thị 57")
    assert matches("57 NEAR/5 57", "57 và 57")
    assert not matches('"chỉ thị" NEAR/5 "thị 57"', "chỉ thị 57")


def test_near_with_or_groups_and_chains() -> None:
    query = '("Chỉ thị" OR CT) NEAR/1 (57 OR "năm mươi bảy")'
    assert check(query, "theo CT số 57") == (True, ("CT", "57"))
    assert check(query, "Chỉ thị năm mươi bảy") == (True, ("Chỉ thị", "năm mươi bảy"))
    assert not matches(query, "CT của ban 57")
    chain = "a NEAR/1 b NEAR/1 c"  # (a NEAR b) spans from a to b, then NEAR c
    assert matches(chain, "a b x c")
    assert matches(chain, "c a x b")
    assert not matches(chain, "a b x y c")


def test_near_only_records_phrases_that_were_near() -> None:
    query = '("Chỉ thị" OR CT) NEAR/1 57'
    # "Chỉ thị" occurs, but far from any 57: only CT took part in the match.
    assert check(query, "Chỉ thị này rất dài, sau đó nói CT 57") == (True, ("CT", "57"))


def test_near_across_title_and_body() -> None:
    assert check('"Chỉ thị" NEAR/1 57', "57-CT/TW của Ban Bí thư", title="Quán triệt Chỉ thị")[0]


# --- phrases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Chỉ thị số 57-CT/TW", "chi thi so 57 ct tw", "CHỈ THỊ SỐ 57/CT-TW", "chỉ  thị\nsố 57.CT.TW",
     "Chỉ thị số 57 - CT / TW"],
)
def test_phrases_ignore_case_diacritics_and_punctuation(text: str) -> None:
    assert matches('"Chỉ thị số 57-CT/TW"', text)
    assert matches("57-CT/TW", text)  # a bare word with punctuation is a phrase too


def test_d_with_stroke_folds_to_d() -> None:
    assert matches('"Đà Nẵng"', "da nang")
    assert matches('"da nang"', "ĐÀ NẴNG")
    assert matches("đảng", "Dang uy")


def test_decomposed_input_matches() -> None:
    import unicodedata

    assert matches('"an toàn thông tin"', unicodedata.normalize("NFD", "An toàn thông tin"))
    assert matches(unicodedata.normalize("NFD", '"an toàn"'), "an toàn")


def test_whole_words_only() -> None:
    assert not matches("57", "Chỉ thị 157")
    assert not matches('"Chỉ thị 57"', "Chỉ thị 570")
    assert not matches("mang", "mạnh mẽ")  # folds to "manh", a different word
    assert not matches('"an ninh"', "an ninhmang")


def test_phrase_words_must_be_consecutive() -> None:
    assert not matches('"an ninh mạng"', "an ninh trên mạng")
    assert matches("an ninh mạng", "an ninh trên mạng")  # three ANDed words


# --- what matched -----------------------------------------------------------------------------


def test_records_matched_leaves_as_written_in_query_order() -> None:
    query = '"Chỉ thị 57" OR "57-CT/TW" OR ("Chỉ thị" NEAR/3 57)'
    matched, leaves = check(query, "quán triệt 57-CT/TW, tức Chỉ thị 57")
    assert matched
    assert leaves == ("Chỉ thị 57", "57-CT/TW", "Chỉ thị", "57")


def test_leaves_skip_failed_branches_and_negations() -> None:
    query = '(a b) OR c AND NOT d'
    assert check(query, "a c") == (True, ("c",))  # "a b" failed as a whole
    assert check(query, "a b d") == (True, ("a", "b"))
    assert check(query, "c d") == (False, ())


def test_leaves_are_cleaned_nfc() -> None:
    import unicodedata

    query = parse_query(unicodedata.normalize("NFD", '"Hoà  Bình"'))
    assert query.leaves == ("Hòa Bình",)  # stored text form: NFC, new-style tone marks


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('("Chỉ thị" OR 57', r"expected '\)' at column 17 but found end of query"),
        ("", "expected a phrase, a word or '\\(' at column 1 but found end of query"),
        ("a OR", "at column 5 but found end of query"),
        ("OR a", "at column 1 but found 'OR'"),
        ("a AND OR b", "at column 7 but found 'OR'"),
        ("a )", r"expected end of query at column 3 but found '\)'"),
        ("()", r"at column 2 but found '\)'"),
        ('"Chỉ thị 57', "expected '\"' at column 12 .*opened at column 1"),
        ('a "" b', "expected a phrase with letters or digits at column 3"),
        ("a / b", "expected a phrase with letters or digits at column 3 but found '/'"),
        ("NEAR/x a", "expected NEAR/<number of words> at column 1"),
        ("a NEAR b", "expected NEAR/<number of words> at column 3"),
        ("a NEAR/3", "at column 9 but found end of query"),
        ("a - b", "expected a phrase or '\\(' right after '-' at column 4"),
        ("(a b) NEAR/2 c", "expected a phrase or an OR of phrases at column 2"),
        ("a NEAR/2 NOT b", "expected a phrase or an OR of phrases at column 10"),
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), f"at most {MAX_DEPTH} levels"),
    ],
)
def test_errors_name_column_and_expectation(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as raised:
        parse_query(query)
    assert isinstance(raised.value, ValueError)


def test_error_columns_count_characters_not_bytes() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query('"Đường dây nóng" AND (')
    assert raised.value.column == 23


def test_nesting_up_to_the_limit_parses() -> None:
    query = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_query(query).matches("a")


# --- properties -------------------------------------------------------------------------------

_QUERY_ALPHABET = st.sampled_from(
    [*'()"-/ ', "AND", "OR", "NOT", "NEAR/2", "NEAR", " a", " b", "đ", "57", "\n", "ị"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_QUERY_ALPHABET, max_size=30).map("".join)))
def test_parsing_arbitrary_text_fails_only_with_value_error(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as exc:
        error: QueryError | None = exc
    else:
        error = None
        # Whatever parses also evaluates, on any document, without error.
        query.evaluate(Document("a b", text))
    assert error is None or 1 <= error.column <= len(text) + 1


_WORDS = st.sampled_from(["a", "b", "c", "đ", "57"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=12), _WORDS, _WORDS, st.integers(0, 4))
def test_near_agrees_with_a_direct_scan(doc: list[str], x: str, y: str, n: int) -> None:
    expected = any(
        word_i == x and word_j == y and 0 <= abs(i - j) - 1 <= n
        for i, word_i in enumerate(doc) for j, word_j in enumerate(doc)
    )
    assert matches(f"{x} NEAR/{n} {y}", " ".join(doc)) is expected


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=8), _WORDS, _WORDS)
def test_boolean_operators_agree_with_python(doc: list[str], x: str, y: str) -> None:
    text, present = " ".join(doc), set(doc)
    assert matches(f"{x} OR {y}", text) is (x in present or y in present)
    assert matches(f"{x} AND {y}", text) is (x in present and y in present)
    assert matches(f"{x} -{y}", text) is (x in present and y not in present)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "Đ", "57-", "/", "ạ,", "  ", "_", "x_ "]), max_size=20),
       st.lists(_WORDS, min_size=1, max_size=3))
def test_phrase_positions_agree_with_a_word_scan(pieces: list[str], phrase: list[str]) -> None:
    text = " ".join(pieces)
    words = match_words(text)
    expected = [i for i in range(len(words)) if words[i:i + len(phrase)] == phrase]
    assert Document("", text).starts(" " + " ".join(phrase) + " ") == expected


def test_errors_in_multi_line_queries_also_give_line_and_column() -> None:
    with pytest.raises(QueryError, match=r"at column 13 .*\[line 2, column 6 of the query\]"):
        parse_query("a OR b\n  OR )")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("aàđĐ .,\n-_\t!ệ́ố1"), max_size=12),
                min_size=1, max_size=3))
def test_a_document_of_several_texts_reads_as_their_join(texts: list[str]) -> None:
    """Document folds each text on its own (so the store can reuse the folded forms); the
    result must be what folding the texts joined by a newline gives."""
    from phuxanh.topic_query import match_form

    assert Document(*texts).haystack == match_form("\n".join(texts))
