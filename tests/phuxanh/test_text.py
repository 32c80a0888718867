from __future__ import annotations

import unicodedata

import pytest

from phuxanh.text import clean, clean_multiline, fold, fold_words, nfc, normalize_tone_marks


def test_fold_removes_marks_and_folds_d() -> None:
    assert fold("Chỉ thị 57 an ninh mạng") == "chi thi 57 an ninh mang"
    assert fold("Đà Nẵng ĐIỆN BIÊN") == "da nang dien bien"


def test_fold_is_the_same_for_nfd_input() -> None:
    text = "Bảo đảm an toàn thông tin và an ninh dữ liệu"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà bình", "hòa bình"), ("thuỷ điện", "thủy điện"), ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"),
     ("HOÀ", "HÒA")],
)
def test_old_style_tone_marks_become_new_style(old: str, new: str) -> None:
    assert normalize_tone_marks(old) == new


@pytest.mark.parametrize("word", ["hoàng hôn", "quý vị", "quỳ gối", "khoảng", "thuyền"])
def test_tone_marks_inside_a_syllable_or_after_q_are_left_alone(word: str) -> None:
    assert normalize_tone_marks(word) == word


def test_clean_collapses_space_and_normalises() -> None:
    assert clean("  Hoà \t bình\n ") == "Hòa bình"
    assert clean(unicodedata.normalize("NFD", "mạng")) == nfc("mạng")


def test_clean_multiline_keeps_paragraphs() -> None:
    assert clean_multiline("Đoạn  một\n\n\n  Đoạn hai ") == "Đoạn một\nĐoạn hai"


def test_fold_words() -> None:
    assert fold_words("Chỉ thị số 57-CT/TW!") == ["chi", "thi", "so", "57", "ct", "tw"]
