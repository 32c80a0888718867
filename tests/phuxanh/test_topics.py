from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from phuxanh.config import Topic, load_config
from phuxanh.errors import ConfigError
from phuxanh.topics import TopicMatch, TopicMatcher

TOPIC = Topic(
    key="chi-thi-57",
    name="Chỉ thị 57",
    terms=["Chỉ thị số 57-CT/TW", "Chỉ thị 57", "57-CT/TW"],
    exclude=["Chỉ thị 57/CT-TTg"],
)


@pytest.mark.parametrize(
    "text",
    ["Triển khai Chỉ thị số 57-CT/TW của Ban Bí thư", "chi thi so 57 CT-TW ve an ninh mang",
     "CHỈ THỊ 57 ĐI VÀO CUỘC SỐNG", "theo 57-CT/TW,"],
)
def test_variants_match(text: str) -> None:
    [match] = TopicMatcher([TOPIC]).match("", text)
    assert match.topic == "chi-thi-57" and match.terms


@pytest.mark.parametrize(
    "text", ["Chỉ thị 157 về đất đai", "Nghị định 57", "Chỉ thị 57/CT-TTg của Thủ tướng", ""],
)
def test_non_mentions_do_not_match(text: str) -> None:
    assert TopicMatcher([TOPIC]).match("Tin địa phương", text) == []


def test_records_which_terms_matched() -> None:
    [match] = TopicMatcher([TOPIC]).match("Chỉ thị 57", "quán triệt Chỉ thị số 57-CT/TW")
    assert set(match.terms) == {"Chỉ thị số 57-CT/TW", "Chỉ thị 57", "57-CT/TW"}


# --- topics with a query ----------------------------------------------------------------------

QUERY_TOPIC = Topic(
    key="an-ninh-mang",
    name="An ninh mạng",
    query='("an ninh mạng" OR "an toàn thông tin") AND NOT "Chỉ thị 57/CT-TTg"',
)


def test_a_topic_may_have_only_a_query() -> None:
    matcher = TopicMatcher([QUERY_TOPIC])
    [match] = matcher.match("Tin trong tỉnh", "Diễn tập an toàn thông tin")
    assert match == TopicMatch("an-ninh-mang", ("an toàn thông tin",), query=True)
    assert matcher.match("", "Chỉ thị 57/CT-TTg về an ninh mạng") == []
    assert matcher.match("", "an ninh trật tự") == []


def test_terms_or_query_and_the_leaves_follow_the_terms() -> None:
    topic = Topic(key="t", name="t", terms=["Chỉ thị 57"], query='"Chỉ thị" NEAR/2 57')
    matcher = TopicMatcher([topic])
    [both] = matcher.match("Chỉ thị 57", "")
    assert both.terms == ("Chỉ thị 57", "Chỉ thị", "57") and both.query
    [by_query] = matcher.match("", "Chỉ thị mới số 57")
    assert by_query.terms == ("Chỉ thị", "57") and by_query.query
    [by_terms] = TopicMatcher([Topic(key="t", name="t", terms=["Chỉ thị 57"], query="zzz")]
                              ).match("", "Chỉ thị 57")
    assert by_terms == TopicMatch("t", ("Chỉ thị 57",))  # positional construction still works


def test_exclude_overrides_the_query_too() -> None:
    topic = Topic(key="t", name="t", query="mạng", exclude=["mạng lưới"])
    assert TopicMatcher([topic]).match("", "mạng lưới điện") == []
    assert TopicMatcher([topic]).match("", "mạng xã hội")


def test_a_topic_needs_terms_or_a_query() -> None:
    with pytest.raises(ValidationError, match="needs terms, a query or both"):
        Topic(key="t", name="t")
    with pytest.raises(ValidationError, match="needs terms, a query or both"):
        Topic(key="t", name="t", terms=[])


def test_a_bad_query_fails_at_config_load_naming_file_index_and_column(tmp_path: Path) -> None:
    (tmp_path / "default.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    (tmp_path / "topics.yaml").write_text(
        "topics:\n"
        "  - {key: a, name: A, terms: [x]}\n"
        "  - key: b\n    name: B\n    query: '(\"Chỉ thị\" OR 57'\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    message = str(raised.value)
    assert f"{tmp_path / 'topics.yaml'}: topics[1].query:" in message
    assert "expected ')' at column 17 but found end of query" in message


def test_shipped_query_catches_forms_the_terms_miss() -> None:
    matcher = TopicMatcher(load_config().topics)
    by_query = [
        "Triển khai Chỉ thị mới số 57 của Ban Bí thư về an ninh mạng",
        "Chỉ thị của Ban Bí thư số 57 về bảo vệ dữ liệu",
        "Thực hiện 57-CT/TƯ trong toàn tỉnh",
        "#ChiThi57 #anninhmang",
        "Quán triệt Chỉ thị số 57CT/TW",
        "Vietnam implements Directive No. 57 on cybersecurity",
    ]
    for text in by_query:
        [match] = matcher.match("", text)
        assert match.topic == "chi-thi-57" and match.query, text
    not_the_directive = [
        "Ban Bí thư đã ban hành tổng số 57 chỉ thị về an ninh mạng, dữ liệu",
        "Quán triệt các chỉ thị, nghị quyết số 57 về chuyển đổi số và dữ liệu",
        "Chỉ thị mới số 57 về quản lý đất đai",  # not the directive's subject
        "Nghị quyết 57-NQ/TW về khoa học, công nghệ",
    ]
    for text in not_the_directive:
        assert matcher.match("", text) == [], text
