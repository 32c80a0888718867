"""classify.public_eval on tiny fake copies of the public sets, written here in each set's real
file layout (no ../shared needed), with a fake embedder so no model is loaded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from classify import public_eval
from classify.models import e5_embed
from phuxanh.errors import InputError

POSITIVE = ["giảng viên nhiệt tình vui vẻ", "bài giảng rất hay dễ hiểu",
            "sản phẩm tốt đóng gói đẹp", "máy chạy mượt pin rất tốt",
            "thầy dạy tận tình rất hay", "chất lượng tuyệt vời rất tốt"]
NEGATIVE = ["phòng học nóng quá không tốt", "thầy dạy khó hiểu quá tệ",
            "hàng lỗi giao chậm quá tệ", "máy nóng pin tụt quá nhanh",
            "giáo trình thiếu và chán quá", "sản phẩm kém không như ảnh"]
NEUTRAL = ["lớp học vào buổi sáng thứ hai", "môn này có ba tín chỉ", "máy có hai phiên bản màu",
           "giáo trình gồm mười chương", "lịch thi sẽ báo sau", "máy ra mắt năm ngoái"]


def _rows(n_per_class: int, classes: dict[int, list[str]], split: str,
          extra: dict[str, object] | None = None) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(n_per_class):
        for label, texts in classes.items():
            # A numbered variant so texts differ (identical texts are kept in one fold).
            rows.append({"text": f"{texts[i % len(texts)]} {split} số {i}", "label": label,
                         "split": split, **(extra or {})})
    return rows


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The three sentiment sets in their shared/data layout and label conventions."""
    root = tmp_path / "data"
    vsfc = {0: NEGATIVE, 1: NEUTRAL, 2: POSITIVE}  # README: 0 neg, 1 neu, 2 pos
    for split, n in (("train", 12), ("dev", 4)):
        _write(root / "uit_vsfc" / f"{split}.jsonl",
               _rows(n, vsfc, split, {"topic": 0, "topic_name": "lecturer"}))
    vlsp = {-1: NEGATIVE, 0: NEUTRAL, 1: POSITIVE}  # README: -1 neg, 0 neu, 1 pos; no dev
    _write(root / "vlsp2016_sa" / "train.jsonl", _rows(12, vlsp, "train"))
    aivivn = {0: POSITIVE, 1: NEGATIVE}  # README: 0 positive, 1 negative; no neutral
    for split, n in (("train", 12), ("dev", 4)):
        _write(root / "aivivn2019_sa" / f"{split}.jsonl",
               _rows(n, aivivn, split, {"orig_id": "train_000000"}))
    return root


class FakeEmbedder:
    """384-d unit vectors: a hashed random part plus one direction per sentiment word, so a
    head on them can learn something. Counts the texts it is asked to embed."""

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def __call__(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        rows = []
        for text in texts:
            seed = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)
            vector = np.random.default_rng(seed).normal(scale=0.1, size=e5_embed.DIM)
            vector[0] += 1.0 if any(w in text for w in ("tốt", "hay", "tuyệt")) else 0.0
            vector[1] += 1.0 if any(w in text for w in ("tệ", "quá", "kém", "chán")) else 0.0
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows, dtype=np.float32)


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    fake = FakeEmbedder()
    monkeypatch.setattr(e5_embed, "embed_passages", fake)
    return fake


def test_readers_map_each_sets_labels(data_dir: Path) -> None:
    vsfc = public_eval.read_split(data_dir / "uit_vsfc", public_eval.SETS["uit_vsfc"], "train")
    assert vsfc.labels[:3] == ["negative", "neutral", "positive"]
    assert vsfc.texts[0].startswith("phòng học nóng")
    vlsp = public_eval.read_split(data_dir / "vlsp2016_sa", public_eval.SETS["vlsp2016_sa"],
                                  "train")
    assert vlsp.labels[:3] == ["negative", "neutral", "positive"]
    aivivn = public_eval.read_split(data_dir / "aivivn2019_sa",
                                    public_eval.SETS["aivivn2019_sa"], "dev")
    # AIVIVN's convention is the reverse of the others: 0 is positive, 1 negative.
    assert aivivn.labels[:2] == ["positive", "negative"]
    assert aivivn.texts[0].startswith("giảng viên nhiệt tình")
    assert set(aivivn.labels) == {"positive", "negative"}


def test_reader_names_file_and_line_of_a_bad_label(tmp_path: Path) -> None:
    path = tmp_path / "aivivn2019_sa" / "train.jsonl"
    _write(path, [{"text": "tốt", "label": 0}, {"text": "tệ", "label": 2}])
    with pytest.raises(InputError, match=r"train\.jsonl:2: label 2"):
        public_eval.read_split(tmp_path / "aivivn2019_sa", public_eval.SETS["aivivn2019_sa"],
                               "train")


def test_limit_is_stratified_and_deterministic() -> None:
    split = public_eval.Split([f"t{i}" for i in range(100)],
                              ["positive"] * 80 + ["negative"] * 20)
    first = public_eval.limit(split, 10)
    assert first == public_eval.limit(split, 10)
    assert sorted(first.labels) == ["negative"] * 2 + ["positive"] * 8
    assert public_eval.limit(split, None) is split


def test_missing_sets_are_skipped_with_a_message(tmp_path: Path, fake_embedder: FakeEmbedder,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "vlsp2016_sa").mkdir()  # present but without its train file
    output = public_eval.run(["uit_vsfc", "vlsp2016_sa"], tmp_path / "nowhere", tmp_path / "c")
    assert output["sets"] == {}
    reasons = {s["set"]: s["reason"] for s in output["skipped"]}
    assert "not found" in reasons["uit_vsfc"] and "../shared" in reasons["uit_vsfc"]
    output = public_eval.run(["vlsp2016_sa"], tmp_path, tmp_path / "c")
    assert "lacks train.jsonl" in output["skipped"][0]["reason"]
    assert "skipped uit_vsfc" in capsys.readouterr().err
    assert fake_embedder.calls == 0


def test_embedding_cache_reuses_and_resumes(tmp_path: Path, fake_embedder: FakeEmbedder,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"câu số {i}" for i in range(10)]
    first = public_eval.cached_embeddings(texts, tmp_path, "s-train")
    assert first.shape == (10, e5_embed.DIM) and fake_embedder.texts == 10
    again = public_eval.cached_embeddings(texts, tmp_path, "s-train")
    assert np.array_equal(first, again) and fake_embedder.texts == 10  # served from the cache
    public_eval.cached_embeddings([*texts[:9], "khác"], tmp_path, "s-train")
    assert fake_embedder.texts == 20  # other texts, other key: embedded again

    # Interrupted after the first block: the rerun embeds only the rest.
    monkeypatch.setattr(public_eval, "EMBED_BLOCK", 4)
    calls = {"n": 0}

    def failing(batch: Sequence[str]) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("interrupted")
        return fake_embedder(batch)

    other = [f"dòng {i}" for i in range(10)]
    with pytest.raises(RuntimeError):
        public_eval.cached_embeddings(other, tmp_path, "o-train", failing)
    before = fake_embedder.texts
    resumed = public_eval.cached_embeddings(other, tmp_path, "o-train")
    assert fake_embedder.texts - before == 6
    assert np.allclose(resumed, FakeEmbedder()(other))
    assert not (tmp_path / "o-train.partial.npy").exists()


def test_run_writes_the_expected_structure(data_dir: Path, tmp_path: Path,
                                           fake_embedder: FakeEmbedder,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public_eval.json"
    code = public_eval.main(["--out", str(out), "--data-dir", str(data_dir), "--cache-dir",
                             str(tmp_path / "cache"), "--folds", "2"])
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["sets"]) == {"uit_vsfc", "vlsp2016_sa", "aivivn2019_sa"}
    assert result["skipped"] == [] and result["folds"] == 2
    for name, entry in result["sets"].items():
        for model in ("tfidf_baseline", "recipe", "e5_head_alone"):
            assert 0.0 <= entry[model]["macro_f1"] <= 1.0
            assert 0.0 <= entry[model]["weighted_f1"] <= 1.0
            assert entry[model]["n"] == entry["n_eval"]
            assert set(entry[model]["per_class"]) == set(entry["labels"])
        delta = round(100 * (entry["recipe"]["macro_f1"]
                             - entry["tfidf_baseline"]["macro_f1"]), 2)
        assert entry["recipe_minus_baseline_macro_f1_points"] == delta
        assert entry["recipe_beats_baseline_by_5_points"] == (delta >= 5.0)
        low, high = entry["recipe_minus_baseline_ci95_points"]
        assert low <= high
        assert entry["published"] == public_eval.PUBLISHED[name]
        assert "as_is" in entry["shipped_default"], entry["shipped_default"]
        assert entry["shipped_default"]["as_is"]["n"] == entry["n_eval"]

    vsfc = result["sets"]["uit_vsfc"]
    assert vsfc["n_train"] == 36 and vsfc["n_eval"] == 12
    assert vsfc["label_counts_eval"] == {"negative": 4, "neutral": 4, "positive": 4}
    assert vsfc["selection"]["baseline"]["C"] in public_eval.BASELINE_C_GRID
    assert 0.0 <= vsfc["selection"]["recipe"]["alpha"] <= 1.0

    vlsp = result["sets"]["vlsp2016_sa"]
    assert "cross-validation" in vlsp["evaluation"]
    assert vlsp["n_eval"] == vlsp["n_train"] == 36  # every train row scored once
    assert len(vlsp["selection"]["per_outer_fold"]) == 2

    aivivn = result["sets"]["aivivn2019_sa"]
    assert aivivn["labels"] == ["positive", "negative"]
    assert "no neutral" in aivivn["neutral_handling"]
    shipped = aivivn["shipped_default"]
    assert shipped["as_is"]["macro_f1_over"] == ["positive", "negative"]
    assert set(shipped["neutral_to_polar"]["per_class"]) == {"positive", "negative"}

    # The shipped model was served from the embedding cache: nothing embedded twice.
    cache_files = sorted(p.name for p in (tmp_path / "cache").glob("*.npy"))
    assert cache_files == ["aivivn2019_sa-dev.npy", "aivivn2019_sa-train.npy",
                           "uit_vsfc-dev.npy", "uit_vsfc-train.npy", "vlsp2016_sa-train.npy"]
    table = capsys.readouterr().out
    assert table.startswith("| set |") and "| vlsp2016_sa | CV on train |" in table
    assert fake_embedder.texts == 36 + 12 + 36 + 24 + 8


def test_limit_train_uses_its_own_cache(data_dir: Path, tmp_path: Path,
                                        fake_embedder: FakeEmbedder) -> None:
    output = public_eval.run(["uit_vsfc"], data_dir, tmp_path / "cache", limit_n=24,
                             n_folds=2, score_shipped=False)
    entry = output["sets"]["uit_vsfc"]
    assert entry["n_train"] == 24 and entry["limit_train"] == 24
    assert "shipped_default" not in entry
    assert (tmp_path / "cache" / "uit_vsfc-train-limit24.npy").exists()
    assert not (tmp_path / "cache" / "uit_vsfc-train.npy").exists()


def test_bootstrap_interval_of_a_gap() -> None:
    truth = ["positive", "negative"] * 50
    right = np.array([0, 1] * 50)
    half = np.array([0, 1] * 25 + [1, 0] * 25)
    low, high = public_eval.bootstrap_delta(truth, half, right, ["positive", "negative"])
    assert 30.0 < low <= high < 70.0  # the true gap is 100 - 50 = 50 points
    assert public_eval.bootstrap_delta(truth, right, right, ["positive", "negative"]) == (0, 0)


def test_a_query_prefix_run_has_its_own_cache_and_serves_the_shipped_model(
    data_dir: Path, tmp_path: Path,
) -> None:
    """The shipped default embeds with e5's "query: " prefix; a run with that prefix keeps its
    embeddings apart from the "passage: " ones and serves the shipped model from them."""
    from classify.base import load_classifier

    assert load_classifier(None).model.embed_prefix == "query"
    fake = FakeEmbedder()
    output = public_eval.run(["uit_vsfc"], data_dir, tmp_path / "cache", n_folds=2, embed=fake,
                             prefix="query")
    assert output["embed_prefix"] == "query"
    assert sorted(p.name for p in (tmp_path / "cache" / "query").glob("*.npy")) == [
        "uit_vsfc-dev.npy", "uit_vsfc-train.npy"]
    assert not list((tmp_path / "cache").glob("*.npy"))
    assert "as_is" in output["sets"]["uit_vsfc"]["shipped_default"]
    assert fake.texts == 36 + 12  # nothing embedded twice, nothing embedded elsewhere
    with pytest.raises(InputError, match="unknown e5 prefix"):
        public_eval.run(["uit_vsfc"], data_dir, tmp_path / "cache", prefix="document")
