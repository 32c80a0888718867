"""The shipped default model (classify/artifacts/default) and config/narratives.yaml."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from classify.base import DEFAULT_MODEL_DIR, REPO_ROOT, Classifier, Doc, load_classifier

SEED = REPO_ROOT / "classify" / "data" / "seed_directive57.jsonl"

# Clear in-domain sentences written for this test, NOT in the training data (checked below).
CLEAR = [
    ("positive", "Tôi hoàn toàn ủng hộ chỉ thị này, bảo vệ dữ liệu người dân là việc rất "
                 "đúng đắn."),
    ("positive", "Cảm ơn các chiến sĩ công an đã giúp bà con phòng chống lừa đảo qua mạng hiệu "
                 "quả, ai cũng phấn khởi."),
    ("positive", "Chủ trương đúng, thiết thực, mạng xã hội sẽ lành mạnh hơn nhiều 👍"),
    ("negative", "Thủ tục xác thực rườm rà, ứng dụng lỗi liên tục, dân khổ quá."),
    ("negative", "Tôi rất lo ngại dữ liệu cá nhân bị lộ lọt khi tập trung một chỗ, chẳng ai chịu "
                 "trách nhiệm."),
    ("negative", "Triển khai hình thức, chỉ hô khẩu hiệu, lừa đảo vẫn tràn lan, thất vọng "
                 "thật sự."),
    ("neutral", "Sáng 20/5, UBND huyện tổ chức hội nghị triển khai kế hoạch thực hiện chỉ thị cho "
                "cán bộ chủ chốt."),
    ("neutral", "Cho mình hỏi xác thực tài khoản mạng xã hội thì làm ở đâu vậy mọi người?"),
    ("neutral", "Theo kế hoạch, các sở, ngành gửi báo cáo kết quả rà soát về Công an tỉnh trước "
                "ngày 30/9."),
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier()


def test_test_sentences_are_not_training_data() -> None:
    seed = {json.loads(line)["text"] for line in SEED.open(encoding="utf-8")}
    assert not seed & {text for _, text in CLEAR}


def test_default_model_labels_clear_unseen_sentences(classifier: Classifier) -> None:
    predictions = classifier.predict([Doc(title="", text=text) for _, text in CLEAR])
    got = [p.sentiment for p in predictions]
    assert got == [label for label, _ in CLEAR]
    for prediction in predictions:
        assert 0.0 <= prediction.sentiment_score <= 1.0
        assert prediction.reason  # every label comes with something a reviewer can read
        assert prediction.misinformation == "unlikely"


def test_default_classifier_flags_a_claim_but_not_its_rebuttal(classifier: Classifier) -> None:
    claim = Doc("", "Nghe nói theo chỉ thị 57 ai dùng VPN là vi phạm pháp luật, bị phạt đấy.")
    rebuttal = Doc(
        "Sự thật về tin đồn cấm VPN",
        "Mạng xã hội lan truyền rằng theo Chỉ thị 57 ai dùng VPN là vi phạm pháp luật. "
        "Thông tin này là sai sự thật.",
    )
    flagged, refuted = classifier.predict([claim, rebuttal])
    assert (flagged.misinformation, flagged.narrative_id) == ("likely", "vpn-pham-phap")
    assert "vpn-pham-phap" in flagged.misinformation_reason
    assert (refuted.misinformation, refuted.narrative_id) == ("unlikely", None)
    assert "bác bỏ" in refuted.misinformation_reason


def test_default_model_is_self_described_and_small() -> None:
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    assert (DEFAULT_MODEL_DIR / "MODEL_CARD.md").is_file()
    assert metrics["model"] == f"{config['name']}@{config['version']}"
    real = metrics["real_test"]
    # The shipped default is the one that did best on real texts it never saw: the mix must
    # beat each of its parts there, and the majority class by far.
    assert real["ensemble"]["macro_f1"] > real["linear_alone"]["macro_f1"]
    assert real["ensemble"]["macro_f1"] > real["e5_head_alone"]["macro_f1"]
    assert real["ensemble"]["macro_f1"] > real["majority_baseline"]["macro_f1"] + 0.3
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file())
    assert size < 5 * 1024 * 1024


def test_default_model_reproduces_its_recorded_test_score() -> None:
    """The files shipped are the ones measured: re-scoring the real test passages gives the
    macro-F1 written in metrics.json."""
    from classify.evaluate import evaluate
    from classify.training import read_real_rows

    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    _, test_rows = read_real_rows(REPO_ROOT / "classify" / "data" / "real")
    data = Path(tempfile.mkdtemp()) / "real-test.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in test_rows),
                    encoding="utf-8")
    result = evaluate(None, data)
    assert result["model"] == metrics["model"]
    assert result["macro_f1"] == pytest.approx(metrics["real_test"]["ensemble"]["macro_f1"],
                                               abs=1e-3)


def test_model_string_names_both_parts(classifier: Classifier) -> None:
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert classifier.name_version == f"{config['name']}@{config['version']}+narratives@1"
    (prediction,) = classifier.predict([Doc("Tiêu đề", "Nội dung ngắn về an ninh mạng.")])
    assert prediction.model == classifier.name_version
