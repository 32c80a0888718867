from __future__ import annotations

import pytest

from phuxanh.config import Topic
from phuxanh.topics import TopicMatcher

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
