from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from classify.base import DEFAULT_NARRATIVES, REPO_ROOT
from classify.narratives import (
    Background,
    NarrativeMatcher,
    item_sentences,
    load_narratives,
)
from phuxanh.errors import ConfigError

SEED = REPO_ROOT / "classify" / "data" / "seed_directive57.jsonl"


@pytest.fixture(scope="module")
def matcher() -> NarrativeMatcher:
    """As in production: the shipped narratives, background idf from the seed set."""
    texts = [json.loads(line)["text"] for line in SEED.open(encoding="utf-8")]
    return NarrativeMatcher(load_narratives(DEFAULT_NARRATIVES), Background.from_texts(texts))


def test_shipped_narratives_are_complete() -> None:
    narratives = load_narratives(DEFAULT_NARRATIVES)
    assert 6 <= len(narratives.narratives) <= 10
    assert 0 < narratives.settings.suggest <= narratives.settings.confirm <= 1
    for n in narratives.narratives:
        assert re.fullmatch(r"[a-z0-9-]+", n.id)
        assert n.topic == "chi-thi-57"
        assert 2 <= len(n.variants) <= 4
        assert n.rebuttal and n.rebuttal_url is None and n.added_by == "seed"


# Written for this test: not in narratives.yaml, nor in classify/data/narratives_eval.jsonl.
@pytest.mark.parametrize(("text", "narrative_id"), [
    ("Theo chỉ thị 57, từ nay dùng VPN là vi phạm pháp luật và bị phạt tiền đấy ae.",
     "vpn-pham-phap"),
    ("Chỉ thị 57 cấm trẻ em dưới 16 tuổi truy cập Internet, học sinh hết được lên mạng.",
     "cam-tre-em-dung-internet"),
    ("Tài khoản mạng xã hội chưa định danh sẽ bị xóa vĩnh viễn theo chỉ thị 57 nhé cả nhà.",
     "xoa-tai-khoan-chua-dinh-danh"),
])
def test_a_paraphrase_of_a_claim_is_likely(
    matcher: NarrativeMatcher, text: str, narrative_id: str
) -> None:
    match = matcher.match("", text)
    assert match.label == "likely", match
    assert match.narrative_id == narrative_id
    assert match.score >= matcher.settings.suggest
    assert narrative_id in match.reason and match.sentence in text


@pytest.mark.parametrize("text", [
    "Sáng nay Tỉnh ủy tổ chức hội nghị quán triệt Chỉ thị 57 tới cán bộ chủ chốt.",
    "Giá xăng giảm nhẹ từ 15 giờ chiều nay theo điều chỉnh của liên bộ.",
    "Thủ tục xác thực tài khoản rườm rà quá, ứng dụng lỗi liên tục.",
])
def test_an_unrelated_or_same_topic_sentence_is_unlikely(
    matcher: NarrativeMatcher, text: str
) -> None:
    match = matcher.match("", text)
    assert match.label == "unlikely", match
    assert match.score < matcher.settings.suggest


def test_a_rebuttal_quoting_the_claim_is_unlikely_and_says_why(
    matcher: NarrativeMatcher,
) -> None:
    text = ("Thời gian qua, một số trang mạng lan truyền rằng Chỉ thị 57 cấm người dân sử dụng "
            "Facebook, TikTok. Đây là thông tin sai sự thật.")
    match = matcher.match("", text)
    assert match.label == "unlikely"
    assert match.refuted_by == "sai sự thật"
    assert match.raw_score >= matcher.settings.suggest  # it does quote the claim...
    assert "bác bỏ" in match.reason and "cam-mang-xa-hoi" in match.reason  # ...and says so


def test_a_refuting_title_discounts_the_whole_item(matcher: NarrativeMatcher) -> None:
    text = "Theo chỉ thị 57, sử dụng VPN là vi phạm pháp luật, ai dùng sẽ bị phạt."
    assert matcher.match("", text).label == "likely"
    assert matcher.match("Bác bỏ tin đồn về VPN", text).label == "unlikely"


def test_cues_are_matched_with_diacritics(matcher: NarrativeMatcher) -> None:
    # Folded, "không dùng" (do not use) and "không đúng" (not true) are the same string.
    assert matcher._cue("Thông tin này không đúng.") == "không đúng"
    assert matcher._cue("Từ nay không dùng được Facebook nữa.") is None


def test_short_or_empty_text_is_not_matched(matcher: NarrativeMatcher) -> None:
    for title, text in (("", ""), ("", "cấm VPN"), ("VPN", "")):
        match = matcher.match(title, text)
        assert (match.label, match.score, match.narrative_id) == ("unlikely", 0.0, None)


def test_long_sentences_are_also_matched_by_clause() -> None:
    words = " ".join(["người dân quan tâm tới các quy định mới"] * 5)
    sentence = f"{words}; chỉ thị 57 cấm dùng VPN"
    assert "chỉ thị 57 cấm dùng VPN" in item_sentences("", sentence)


def test_background_round_trip(tmp_path: Path) -> None:
    background = Background.from_texts(["an ninh mạng", "an ninh dữ liệu", "bảo mật"])
    background.save(tmp_path / "bg.json")
    assert Background.load(tmp_path / "bg.json") == background


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "narratives.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _valid() -> dict:
    return yaml.safe_load(DEFAULT_NARRATIVES.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["narratives"][0].pop("claim"), r"narratives\[0\]\.claim: missing"),
    (lambda d: d["narratives"][1].update(id="Bad ID"), r"narratives\[1\]\.id"),
    (lambda d: d["narratives"][1].update(id=d["narratives"][0]["id"]), "duplicate id"),
    (lambda d: d["narratives"][0].update(variants="one string"), r"variants: expected a list"),
    (lambda d: d["narratives"][0].update(rebuttal_url="ftp://x"), r"rebuttal_url"),
    (lambda d: d["narratives"][0].update(extra=1), r"unknown field"),
    (lambda d: d["matching"].update(confirm=0.1), r"matching\.confirm"),
    (lambda d: d["matching"].update(suggest=2), r"matching\.suggest"),
    (lambda d: d.pop("version"), r"version: missing"),
])
def test_invalid_narratives_name_the_file_and_field(
    tmp_path: Path, change: object, message: str
) -> None:
    data = _valid()
    change(data)  # type: ignore[operator]
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError, match=message) as caught:
        load_narratives(path)
    assert str(path) in str(caught.value)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_narratives(tmp_path / "none.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("narratives: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_narratives(broken)
