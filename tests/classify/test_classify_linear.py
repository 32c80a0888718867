from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from classify.base import ModelError
from classify.models.linear import LinearSentimentModel, softmax
from classify.preprocess import chunks, preprocess

TEXTS = [
    "Tôi rất ủng hộ, chính sách đúng đắn và thiết thực.",
    "Thủ tục quá rườm rà, ứng dụng lỗi suốt ngày.",
    "Hội nghị diễn ra vào sáng thứ hai tuần sau.",
    "",
]


def test_save_load_round_trip_gives_identical_predictions(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    model = LinearSentimentModel.load(tiny_model_dir)
    copy = tmp_path / "copy"
    model.save(copy)
    again = LinearSentimentModel.load(copy)
    first, second = model.predict_texts(TEXTS), again.predict_texts(TEXTS)
    assert [r.label for r in first] == [r.label for r in second]
    assert [r.reason for r in first] == [r.reason for r in second]
    for a, b in zip(first, second, strict=True):
        assert a.probabilities == b.probabilities  # bit-identical, not approximately equal
    assert again.name_version == "tiny-linear@0.0.1"


def test_model_directory_is_data_only(tiny_model_dir: Path) -> None:
    config = json.loads((tiny_model_dir / "config.json").read_text(encoding="utf-8"))
    for key in ("name", "version", "labels", "preprocess_version", "created_at", "features",
                "temperature", "chunk_max_words"):
        assert key in config
    assert config["labels"] == ["positive", "neutral", "negative"]
    vocabulary = json.loads((tiny_model_dir / "vocabulary.json").read_text(encoding="utf-8"))
    with np.load(tiny_model_dir / "weights.npz", allow_pickle=False) as weights:
        assert weights["coef"].shape == (3, len(vocabulary))
    assert not list(tiny_model_dir.glob("*.pkl")) and not list(tiny_model_dir.glob("*.joblib"))


def test_learns_the_tiny_training_data(tiny_model_dir: Path) -> None:
    model = LinearSentimentModel.load(tiny_model_dir)
    results = model.predict_texts(TEXTS[:3])
    assert [r.label for r in results] == ["positive", "negative", "neutral"]
    for r in results:
        assert abs(sum(r.probabilities.values()) - 1.0) < 1e-9
        assert r.score == max(r.probabilities.values())


def test_reason_names_content_phrases_from_the_text(tiny_model_dir: Path) -> None:
    text = "Thủ tục quá rườm rà, mất cả buổi sáng."
    (result,) = LinearSentimentModel.load(tiny_model_dir).predict_texts([text])
    assert result.reason.startswith("tiêu cực vì: '")
    phrases = result.reason.removeprefix("tiêu cực vì: '").removesuffix("'").split("', '")
    assert 1 <= len(phrases) <= 4
    for phrase in phrases:  # every phrase shown is words of this text
        assert all(word in text.lower() for word in phrase.split()), phrase
    assert "'quá'" not in result.reason and "'cả'" not in result.reason  # function words


def test_empty_text_is_neutral_with_a_reason(tiny_model_dir: Path) -> None:
    (result,) = LinearSentimentModel.load(tiny_model_dir).predict_texts([""])
    assert result.label == "neutral"
    assert "không có từ ngữ" in result.reason


def test_long_text_is_the_length_weighted_mean_of_its_chunks(tiny_model_dir: Path) -> None:
    model = LinearSentimentModel.load(tiny_model_dir)  # chunk_max_words = 12 in the fixture
    text = ("Tôi rất ủng hộ chính sách này, người dân được bảo vệ tốt hơn hẳn.\n"
            "Nhưng thủ tục rườm rà quá, ứng dụng lỗi liên tục, người già bị khóa sim mà "
            "không ai hướng dẫn, bực mình thật sự.")
    pieces = chunks(text, model.chunk_max_words)
    assert len(pieces) > 1
    processed = [preprocess(p) for p in pieces]
    probs = model.predict_proba_processed(processed)
    weights = np.array([len(p.split()) for p in processed], dtype=float)
    expected = (weights / weights.sum()) @ probs
    (result,) = model.predict_texts([text])
    got = np.array([result.probabilities[label] for label in model.labels])
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_temperature_scales_confidence_without_changing_the_label(tiny_model_dir: Path) -> None:
    model = LinearSentimentModel.load(tiny_model_dir)
    sharp = model.predict_texts(TEXTS[:3])
    model.temperature = 3.0
    soft = model.predict_texts(TEXTS[:3])
    assert [r.label for r in sharp] == [r.label for r in soft]
    assert all(s.score < h.score for s, h in zip(soft, sharp, strict=True))


def test_wrong_preprocess_version_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "old"
    shutil.copytree(tiny_model_dir, broken)
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    config["preprocess_version"] = "0"
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match=r"config\.json.*preprocess_version"):
        LinearSentimentModel.load(broken)


@pytest.mark.parametrize("missing", ["config.json", "vocabulary.json", "weights.npz"])
def test_missing_file_is_named(tiny_model_dir: Path, tmp_path: Path, missing: str) -> None:
    broken = tmp_path / "partial"
    shutil.copytree(tiny_model_dir, broken)
    (broken / missing).unlink()
    with pytest.raises(ModelError, match=missing.replace(".", r"\.")):
        LinearSentimentModel.load(broken)


def test_mismatched_weights_are_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "shape"
    shutil.copytree(tiny_model_dir, broken)
    vocabulary = json.loads((broken / "vocabulary.json").read_text(encoding="utf-8"))
    (broken / "vocabulary.json").write_text(json.dumps(vocabulary[:-1]), encoding="utf-8")
    with pytest.raises(ModelError):
        LinearSentimentModel.load(broken)


def test_softmax_is_stable_for_large_logits() -> None:
    probs = softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.isfinite(probs).all()
    assert probs[0, 0] == pytest.approx(1.0)
