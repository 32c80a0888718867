from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from classify import evaluate as evaluate_cli
from classify import train as train_cli
from classify.metrics import expected_calibration_error, majority_baseline, report
from classify.models.features import FeatureSettings
from classify.preprocess import preprocess
from classify.training import (
    Candidate,
    fit,
    grouped_folds,
    near_duplicate_groups,
    read_labelled,
)
from phuxanh.errors import InputError


def test_fitting_is_deterministic(tiny_data: list[dict[str, str]]) -> None:
    rows = tiny_data
    processed = [preprocess(r["text"]) for r in rows]
    labels = [r["label"] for r in rows]
    candidate = Candidate("t", FeatureSettings(char_ngrams=(2, 4), min_df=1), c=2.0)
    first = fit(processed, labels, candidate)
    second = fit(list(processed), list(labels), candidate)
    assert first.vectorizer.vocabulary == second.vectorizer.vocabulary
    assert np.array_equal(first.coef, second.coef)
    assert np.array_equal(first.intercept, second.intercept)


def test_near_duplicates_share_a_group_and_never_straddle_a_split(
    tiny_data: list[dict[str, str]],
) -> None:
    texts = [r["text"] for r in tiny_data]
    texts.append(texts[0] + " Thật vậy.")  # a near-copy of row 0
    labels = [r["label"] for r in tiny_data] + [tiny_data[0]["label"]]
    groups = near_duplicate_groups(texts, threshold=0.5)
    assert groups[0] == groups[-1]
    assert len(set(groups)) == len(texts) - 1
    for train, test in grouped_folds(labels, groups, n_splits=5, seed=3):
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_read_labelled_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "label": "positive"}\n\n{"text": "b", "label": "good"}\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:3: label must be one of"):
        read_labelled(path)


def test_metrics_on_a_known_case() -> None:
    labels = ["positive", "neutral", "negative"]
    result = report(["positive", "positive", "negative", "neutral"],
                    ["positive", "negative", "negative", "neutral"], labels)
    assert result["accuracy"] == 0.75
    assert result["per_class"]["negative"]["precision"] == 0.5
    assert result["per_class"]["positive"]["recall"] == 0.5
    assert result["confusion"]["rows_true_columns_predicted"] == [[1, 0, 1], [0, 1, 0], [0, 0, 1]]
    base = majority_baseline(["neutral", "neutral", "positive"], ["neutral", "positive"], labels)
    assert base == {"label": "neutral", "accuracy": 0.5, "macro_f1": pytest.approx(0.2222, 1e-3)}
    # Perfectly confident and always right: no calibration error; confident and wrong: 1.
    assert expected_calibration_error(np.array([[1.0, 0, 0]]), np.array([0])) == 0.0
    assert expected_calibration_error(np.array([[1.0, 0, 0]]), np.array([1])) == 1.0


def test_train_cli_writes_a_complete_model_directory(
    tiny_jsonl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model"
    # A tiny "real texts" folder: one document to train on, one held out by the split.
    real = tmp_path / "real"
    real.mkdir()
    passages = [
        {"text": "Luật mới bảo vệ tốt quyền lợi người dân trên mạng.", "label": "positive",
         "doc": "a"},
        {"text": "Quy định này rườm rà, gây khó cho doanh nghiệp.", "label": "negative",
         "doc": "a"},
        {"text": "Nghị định có hiệu lực từ tháng sau.", "label": "neutral", "doc": "b"},
        {"text": "Chúng tôi lo ngại dữ liệu cá nhân bị thu thập quá mức.", "label": "negative",
         "doc": "b"},
        {"text": "Không thuộc tài liệu nào trong split.", "label": "neutral", "doc": "c"},
    ]
    (real / "texts.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in passages), encoding="utf-8")
    (real / "split.json").write_text(json.dumps({"train": ["a"], "test": ["b"]}), "utf-8")
    code = train_cli.main([
        "--out", str(out), "--data", str(tiny_jsonl), "--seed", "5", "--with-vsfc",
        "--vsfc-dir", str(tmp_path / "no-such-dir"), "--narratives-eval",
        str(tmp_path / "none.jsonl"), "--version", "9.9.9", "--real-data", str(real),
    ])
    assert code == 0
    err = capsys.readouterr().err
    assert "UIT-VSFC not found" in err
    assert "1 real train rows" not in err  # two passages of doc "a"
    assert "2 real train rows, 2 real test" in err
    for name in ("config.json", "vocabulary.json", "weights.npz", "metrics.json",
                 "MODEL_CARD.md", "narrative_background.json"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    test_rows = set(metrics["dataset"]["test_rows"])
    assert test_rows and len(test_rows) == metrics["dataset"]["n_test"]
    assert metrics["dataset"]["n_train"] + metrics["dataset"]["n_test"] == 45
    assert metrics["held_out"]["comparison"]["with_vsfc"] is None
    for key in ("macro_f1", "accuracy", "per_class", "confusion", "ece"):
        assert key in metrics["held_out"]["shipped"]
    assert "majority_baseline" in metrics
    assert metrics["real_test"]["test"]["n"] == 2
    assert metrics["dataset"]["n_extra"] == 2
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "written by us" in card and "optimistic" in card
    assert "Results on real published texts" in card
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["version"] == "9.9.9"

    capsys.readouterr()
    assert evaluate_cli.main(["--model", str(out), "--data", str(tiny_jsonl)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["model"] == "baseline-linear@9.9.9"
    assert printed["n"] == 45
    assert {"macro_f1", "accuracy", "per_class", "confusion", "ece", "majority_baseline"} <= set(
        printed)


def test_evaluate_cli_reports_a_missing_model_as_one_line(
    tmp_path: Path, tiny_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate_cli.main(["--model", str(tmp_path / "nope"), "--data", str(tiny_jsonl)]) == 2
    assert "nope: model directory not found" in capsys.readouterr().err
