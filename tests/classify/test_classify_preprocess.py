from __future__ import annotations

import unicodedata

import pytest

from classify.preprocess import PREPROCESS_VERSION, chunks, preprocess

# The exact output for one sentence under each preprocessing version. If this test fails you
# changed what preprocess() produces: bump PREPROCESS_VERSION (models trained on the old form
# then refuse to load instead of silently losing vocabulary) and add the new golden string.
GOLDEN_INPUT = "Chỉ thị 57 ko dc j 😀😀 xem https://baochinhphu.vn/a.htm @NguyenVanA Hoà bình!!!"
GOLDEN = {
    "1": "chỉ_thị 57 không được gì 😀 😀 xem URL MENTION hòa_bình ! ! !",
}


def test_golden_output_matches_the_version() -> None:
    assert PREPROCESS_VERSION in GOLDEN, "bumped the version? add its golden output"
    assert preprocess(GOLDEN_INPUT) == GOLDEN[PREPROCESS_VERSION]


@pytest.mark.parametrize(("raw", "expected"), [
    ("ko dc j", "không được gì"),
    ("K đc đâu mn", "không được đâu mọi người"),
    ("tk mxh", "tài khoản mạng xã hội"),
    ("làm ntn vậy", "làm như thế nào vậy"),
])
def test_teencode_is_expanded(raw: str, expected: str) -> None:
    # Compared without word-segmentation underscores: where words join is underthesea's call.
    assert preprocess(raw).replace("_", " ") == expected


def test_k_after_a_number_is_a_thousand_not_a_negation() -> None:
    out = preprocess("giá 50k thôi")
    assert "không" not in out
    assert "50" in out


def test_urls_and_mentions_are_masked_but_emails_are_not_mentions() -> None:
    out = preprocess(
        "xem https://vnexpress.net/a-b-1.html?x=1 và www.example.com/p, hỏi @an_nguyen"
    )
    assert out.split().count("URL") == 2
    assert "MENTION" in out.split()
    assert "vnexpress" not in out and "example" not in out and "an_nguyen" not in out
    assert "MENTION" not in preprocess("gửi về a@b.com nhé").split()


def test_nfc_and_nfd_input_give_the_same_output() -> None:
    text = "Bảo vệ dữ liệu cá nhân của người dân là việc hệ trọng"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text  # the test means something only if the forms differ
    assert preprocess(nfd) == preprocess(text)


def test_old_style_tone_marks_are_unified() -> None:
    assert preprocess("thuỷ lợi hoà bình") == preprocess("thủy lợi hòa bình")


def test_emoji_are_kept_as_separate_tokens() -> None:
    tokens = preprocess("hay quá😀😀 🤷‍♀️ tự hào🇻🇳 👍🏽").split()
    assert tokens.count("😀") == 2
    assert "🤷" in tokens  # the ZWJ sequence is one token, not four
    assert "🇻🇳" in tokens  # a flag stays one token
    assert "👍" in tokens  # skin tone dropped
    assert not any("\u200d" in t or ("_" in t and "😀" in t) for t in tokens)


def test_emoticons_become_emoji_and_letter_runs_collapse() -> None:
    tokens = preprocess("chán quááá :( 1000").split()
    assert "🙁" in tokens
    assert "quá" in tokens
    assert "1000" in tokens  # digits are never collapsed


def test_lower_cased_except_placeholders() -> None:
    out = preprocess("BỘ CÔNG AN thông báo https://bocongan.gov.vn")
    assert out == out.replace("URL", "url").lower().replace("url", "URL")
    assert "URL" in out


def test_empty_and_blank_text() -> None:
    assert preprocess("") == ""
    assert preprocess("   \n ") == ""


def test_chunks_keep_every_word_in_order_and_respect_the_limit() -> None:
    paragraphs = [
        "Đoạn một ngắn.",
        " ".join(f"từ{i}" for i in range(25)) + ". Câu thứ hai của đoạn dài.",
        "Đoạn ba cũng ngắn.",
    ]
    text = "\n".join(paragraphs)
    pieces = chunks(text, max_words=10)
    assert all(len(p.split()) <= 10 for p in pieces)
    assert " ".join(" ".join(p.split()) for p in pieces).split() == text.split()


def test_chunks_merge_short_paragraphs_and_handle_empty_text() -> None:
    assert chunks("a b\nc d\ne f", max_words=10) == ["a b\nc d\ne f"]
    assert chunks("", max_words=10) == []
    with pytest.raises(ValueError, match="max_words"):
        chunks("a", max_words=0)
