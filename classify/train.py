"""Train the baseline sentiment model and write a self-describing model directory.

    python -m classify.train --out DIR [--data FILE.jsonl] [--extra-data PATH ...] [--seed 13]
                             [--with-vsfc [--vsfc-dir DIR]] [--version 1.0.0]

Deterministic for a seed. The seed set is split once (near-duplicates grouped, labels
stratified) into training and held-out test rows; every choice (features, C, whether to add
UIT-VSFC, the softmax temperature) is made by grouped cross-validation inside the training rows,
and the held-out rows are only scored. The shipped model is the one fitted on the training rows,
so the reported held-out numbers are those of the files written.

UIT-VSFC (student feedback, research-only terms) is compared as auxiliary data only with
``--with-vsfc``; the shipped model is trained without it, so it carries no research-only data
and retrains the same without ../shared. Measured: adding it raised the authored held-out set
but lowered the real-text test (0.625 vs 0.640 macro-F1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classify.base import DEFAULT_NARRATIVES, REPO_ROOT

DEFAULT_DATA = REPO_ROOT / "classify" / "data" / "seed_directive57.jsonl"
DEFAULT_VSFC = REPO_ROOT.parent / "shared" / "data" / "uit_vsfc"
DEFAULT_NARRATIVES_EVAL = REPO_ROOT / "classify" / "data" / "narratives_eval.jsonl"
# Real published texts (classify/data/real/README.md): the train documents are added to
# training; the test documents are the fixed real-text held-out set, never trained on.
DEFAULT_REAL = REPO_ROOT / "classify" / "data" / "real"
DUPLICATE_THRESHOLD = 0.5
N_FOLDS = 5
# Chosen from an exploratory cross-validation on the training rows only: VSFC did not beat the
# in-domain candidates at any weight tried (0.1 .. 3), so two representative settings are kept
# to measure it on every run without spending minutes on a larger grid.
VSFC_GRID: tuple[tuple[float, float], ...] = ((1.0, 1.0), (0.3, 5.0))  # (aux weight, C)
C_GRID: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def read_real(directory: Path) -> tuple[list[Any], list[Any]]:
    """(train, test) Examples from ``texts.jsonl`` split by whole documents in ``split.json``.
    A document in neither list is not used (new rows wait for extend_split.py)."""
    from classify.training import Example, read_real_rows

    def example(row: dict[str, Any]) -> Any:
        return Example(row["text"], row["label"], str(row.get("register", "")),
                       str(row.get("source_url", "")))

    train_rows, test_rows = read_real_rows(directory)
    return [example(row) for row in train_rows], [example(row) for row in test_rows]


def candidates(with_aux: bool) -> list[Any]:
    from classify.models.features import FeatureSettings
    from classify.training import Candidate

    feature_sets = {
        "w12": FeatureSettings(word_ngrams=(1, 2), char_ngrams=None),
        "w12+c24": FeatureSettings(word_ngrams=(1, 2), char_ngrams=(2, 4)),
        "w11+c24": FeatureSettings(word_ngrams=(1, 1), char_ngrams=(2, 4)),
    }
    found = [Candidate(f"{name} C={c:g}", settings, c)
             for name, settings in feature_sets.items() for c in C_GRID]
    if with_aux:
        found += [Candidate(f"w12+c24 C={c:g} +vsfc×{w:g}", feature_sets["w12+c24"], c, w)
                  for w, c in VSFC_GRID]
    return found


def train(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from classify.metrics import expected_calibration_error, log_loss, majority_baseline, report
    from classify.model_card import render
    from classify.models.linear import softmax
    from classify.narratives import BACKGROUND_FILE, Background
    from classify.preprocess import preprocess
    from classify.training import (
        LABELS,
        cross_validate,
        fit,
        fit_temperature,
        grouped_folds,
        logits,
        near_duplicate_groups,
        read_labelled,
        read_vsfc,
    )

    started = time.perf_counter()
    seed_rows = read_labelled(args.data)
    extra_rows = [row for path in args.extra_data for row in read_labelled(path)]
    real_test: list[Any] = []
    if args.real_data is not None and (args.real_data / "split.json").exists():
        real_train, real_test = read_real(args.real_data)
        extra_rows += real_train
        _say(f"{args.real_data}: {len(real_train)} real train rows, {len(real_test)} real test")
    _say(f"{args.data}: {len(seed_rows)} rows; extra rows: {len(extra_rows)}")
    processed = [preprocess(row.text) for row in seed_rows]
    labels = [row.label for row in seed_rows]
    extra_processed = [preprocess(row.text) for row in extra_rows]
    extra_labels = [row.label for row in extra_rows]

    groups = near_duplicate_groups([row.text for row in seed_rows], DUPLICATE_THRESHOLD)
    train_idx, test_idx = grouped_folds(labels, groups, N_FOLDS, args.seed)[0]
    train_processed = [processed[i] for i in train_idx]
    train_labels = [labels[i] for i in train_idx]
    inner_folds = grouped_folds(train_labels, [groups[i] for i in train_idx], N_FOLDS, args.seed)
    _say(f"split: {len(train_idx)} train / {len(test_idx)} held-out test "
         f"({len(set(groups))} near-duplicate groups)")

    aux_processed: list[str] = []
    aux_labels: list[str] = []
    aux_note = ""
    if not args.with_vsfc:
        aux_note = "not used (research-only terms; --with-vsfc to compare)"
    elif not (args.vsfc_dir / "train.jsonl").exists():
        aux_note = f"{args.vsfc_dir} not found"
        _say(f"UIT-VSFC not found at {args.vsfc_dir}: skipping the auxiliary-data comparison "
             "and training on in-domain data only")
    else:
        aux_rows = read_vsfc(args.vsfc_dir)
        aux_processed = [preprocess(row.text) for row in aux_rows]
        aux_labels = [row.label for row in aux_rows]
        _say(f"UIT-VSFC: {len(aux_rows)} auxiliary rows from {args.vsfc_dir}")

    cache: dict[str, list[str]] = {}
    tried: list[dict[str, Any]] = []
    for candidate in candidates(with_aux=bool(aux_processed)):
        scores, oof = cross_validate(
            train_processed, train_labels, inner_folds, candidate,
            aux_processed=aux_processed, aux_labels=aux_labels,
            extra_processed=extra_processed, extra_labels=extra_labels, term_cache=cache,
        )
        tried.append({"candidate": candidate, "scores": scores, "oof": oof,
                      "mean": float(np.mean(scores)), "std": float(np.std(scores))})
        _say(f"  cv {candidate.name:28} macro-F1 {np.mean(scores):.3f} ± {np.std(scores):.3f}")
    # Best mean; on a tie the earlier (simpler) candidate.
    best = max(tried, key=lambda t: (round(t["mean"], 4), -tried.index(t)))
    chosen = best["candidate"]
    temperature = fit_temperature(best["oof"], train_labels)
    _say(f"chosen: {chosen.name} (cv macro-F1 {best['mean']:.3f}); temperature {temperature}")

    test_texts = [seed_rows[i].text for i in test_idx]
    test_labels = [labels[i] for i in test_idx]

    def fit_final(candidate: Any) -> Any:
        use_aux = candidate.aux_weight > 0
        return fit(train_processed, train_labels, candidate,
                   aux_processed=aux_processed if use_aux else (),
                   aux_labels=aux_labels if use_aux else (),
                   extra_processed=extra_processed, extra_labels=extra_labels,
                   name=args.name, version=args.version, term_cache=cache)

    def held_out(model: Any) -> dict[str, Any]:
        results = model.predict_texts(test_texts)
        probs = np.array([[r.probabilities[label] for label in LABELS] for r in results])
        return report(test_labels, [r.label for r in results], LABELS, probs)

    comparison: dict[str, Any] = {}
    for variant, pool in (("in_domain_only", [t for t in tried if t["candidate"].aux_weight == 0]),
                          ("with_vsfc", [t for t in tried if t["candidate"].aux_weight > 0])):
        if not pool:
            comparison[variant] = None
            continue
        top = max(pool, key=lambda t: (round(t["mean"], 4), -tried.index(t)))
        model = fit_final(top["candidate"])
        model.temperature = temperature if top is best else 1.0
        comparison[variant] = {
            "candidate": top["candidate"].describe(),
            "cv_macro_f1_mean": round(top["mean"], 4), "cv_macro_f1_std": round(top["std"], 4),
            "test": held_out(model),
        }

    model = fit_final(chosen)
    raw_test_logits = logits(model, [processed[i] for i in test_idx])
    test_true = np.array([LABELS.index(label) for label in test_labels])
    calibration = {
        "temperature": temperature,
        "fitted_on": "out-of-fold logits of the training rows",
        "ece_before": expected_calibration_error(softmax(raw_test_logits), test_true),
        "ece_after": expected_calibration_error(softmax(raw_test_logits / temperature),
                                                test_true),
        "log_loss_before": log_loss(softmax(raw_test_logits), test_true),
        "log_loss_after": log_loss(softmax(raw_test_logits / temperature), test_true),
    }
    model.temperature = temperature
    shipped = held_out(model)
    _say(f"held-out: macro-F1 {shipped['macro_f1']:.3f}, accuracy {shipped['accuracy']:.3f}, "
         f"ECE {shipped['ece']:.3f}")

    real_report = None
    if real_test:
        # The measure that matters: real published texts, documents never trained on.
        results = model.predict_texts([row.text for row in real_test])
        probs = np.array([[r.probabilities[label] for label in LABELS] for r in results])
        real_labels = [row.label for row in real_test]
        real_report = {
            "data": _relative(args.real_data),
            "sha256": _sha256(args.real_data / "texts.jsonl"),
            "test": report(real_labels, [r.label for r in results], LABELS, probs),
            "majority_baseline": majority_baseline(
                [row.label for row in extra_rows], real_labels, list(LABELS)),
        }
        _say(f"real-text test: macro-F1 {real_report['test']['macro_f1']:.3f} "
             f"on {len(real_test)} passages")

    predictions = model.predict_texts(test_texts)
    per_register: dict[str, dict[str, Any]] = {}
    for i, result in zip(test_idx, predictions, strict=True):
        entry = per_register.setdefault(seed_rows[i].register or "-", {"n": 0, "correct": 0})
        entry["n"] += 1
        entry["correct"] += int(result.label == labels[i])
    for entry in per_register.values():
        entry["accuracy"] = round(entry.pop("correct") / entry["n"], 4)

    # A second estimate that does not hang on one split: the same configuration, grouped
    # 5-fold over the whole seed set.
    all_folds = grouped_folds(labels, groups, N_FOLDS, args.seed)
    full_scores, _ = cross_validate(
        processed, labels, all_folds, chosen,
        aux_processed=aux_processed if chosen.aux_weight > 0 else (),
        aux_labels=aux_labels if chosen.aux_weight > 0 else (),
        extra_processed=extra_processed, extra_labels=extra_labels, term_cache=cache,
    )

    narratives_report = None
    if args.narratives_eval.exists() and args.narratives.exists():
        from classify.narratives_eval import evaluate as evaluate_narratives

        narratives_report = evaluate_narratives(args.narratives, args.narratives_eval, args.data)

    elapsed = time.perf_counter() - started
    metrics: dict[str, Any] = {
        "model": f"{args.name}@{args.version}",
        "dataset": {
            "seed_data": _relative(args.data), "seed_sha256": _sha256(args.data),
            "n_seed": len(seed_rows), "labels": dict(Counter(labels)),
            "registers": dict(Counter(row.register for row in seed_rows)),
            "extra_data": [_relative(p) for p in args.extra_data], "n_extra": len(extra_rows),
            "n_aux": len(aux_processed), "seed": args.seed,
            "duplicate_threshold": DUPLICATE_THRESHOLD, "groups": len(set(groups)),
            "n_train": len(train_idx), "n_test": len(test_idx),
            "test_rows": sorted(int(i) for i in test_idx),
        },
        "selection": {
            "rule": "highest mean macro-F1 over grouped 5-fold CV of the training rows",
            "candidates": [{**t["candidate"].describe(), "cv_macro_f1_mean": round(t["mean"], 4),
                            "cv_macro_f1_std": round(t["std"], 4)} for t in tried],
            "chosen": chosen.describe(),
        },
        "held_out": {"shipped": shipped, "comparison": comparison},
        "majority_baseline": majority_baseline(train_labels, test_labels, list(LABELS)),
        "calibration": {k: round(v, 4) if isinstance(v, float) else v
                        for k, v in calibration.items()},
        "cv_full_seed": {"macro_f1_mean": round(float(np.mean(full_scores)), 4),
                         "macro_f1_std": round(float(np.std(full_scores)), 4),
                         "folds": [round(s, 4) for s in full_scores]},
        "per_register": per_register,
        "narratives": narratives_report,
        "real_test": real_report,
        "aux_note": aux_note,
        "training_seconds": round(elapsed, 1),
    }

    model.extra_config = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training": {
            "seed_data": _relative(args.data), "seed_sha256": metrics["dataset"]["seed_sha256"],
            "extra_data": metrics["dataset"]["extra_data"],
            "aux_data": "uit_vsfc" if chosen.aux_weight > 0 else None,
            "candidate": chosen.describe(), "seed": args.seed,
        },
    }
    out: Path = args.out
    model.save(out)
    Background.from_texts(row.text for row in seed_rows).save(out / BACKGROUND_FILE)
    (out / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "MODEL_CARD.md").write_text(render(model.config(), metrics), encoding="utf-8")
    _say(f"wrote {out} in {elapsed:.1f} s")
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m classify.train", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="in-domain labelled JSONL (text, label, register)")
    parser.add_argument("--extra-data", type=Path, nargs="*", default=[],
                        help="more in-domain JSONL rows, for training only (never tested on)")
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL,
                        help="folder with texts.jsonl + split.json of real published texts")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--vsfc-dir", type=Path, default=DEFAULT_VSFC)
    parser.add_argument("--with-vsfc", action="store_true",
                        help="also compare UIT-VSFC as auxiliary data (research-only terms)")
    parser.add_argument("--name", default="baseline-linear")
    parser.add_argument("--version", default="1.0.0")
    parser.add_argument("--narratives", type=Path, default=DEFAULT_NARRATIVES)
    parser.add_argument("--narratives-eval", type=Path, default=DEFAULT_NARRATIVES_EVAL)
    args = parser.parse_args(argv)
    train(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
