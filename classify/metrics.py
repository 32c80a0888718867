"""Classification metrics for the model card and ``classify.evaluate``, in plain numpy.

ECE (expected calibration error) uses the top-label probability in 10 equal-width bins: the
mean gap between how confident the model is and how often it is right, weighted by bin size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np


def expected_calibration_error(probs: np.ndarray, true_index: np.ndarray, bins: int = 10
                               ) -> float:
    if len(true_index) == 0:
        return 0.0
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == true_index).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in pairwise(edges):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            total += in_bin.mean() * abs(confidence[in_bin].mean() - correct[in_bin].mean())
    return float(total)


def log_loss(probs: np.ndarray, true_index: np.ndarray) -> float:
    picked = probs[np.arange(len(true_index)), true_index]
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


def report(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    labels: Sequence[str],
    probs: np.ndarray | None = None,
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1, confusion matrix (rows: true label,
    columns: predicted, in ``labels`` order) and, with ``probs`` (columns in ``labels`` order),
    ECE and log loss."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for true, pred in zip(y_true, y_pred, strict=True):
        matrix[index[true], index[pred]] += 1
    per_class: dict[str, dict[str, float]] = {}
    for i, label in enumerate(labels):
        tp = matrix[i, i]
        predicted = matrix[:, i].sum()
        support = matrix[i, :].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(float(precision), 4),
                            "recall": round(float(recall), 4), "f1": round(float(f1), 4),
                            "support": int(support)}
    n = int(matrix.sum())
    result: dict[str, Any] = {
        "n": n,
        "accuracy": round(float(np.trace(matrix) / n), 4) if n else 0.0,
        "macro_f1": round(float(np.mean([c["f1"] for c in per_class.values()])), 4),
        "per_class": per_class,
        "confusion": {"labels": list(labels), "rows_true_columns_predicted": matrix.tolist()},
    }
    if probs is not None:
        true_index = np.array([index[label] for label in y_true])
        result["ece"] = round(expected_calibration_error(probs, true_index), 4)
        result["log_loss"] = round(log_loss(probs, true_index), 4)
    return result


def majority_baseline(
    train_labels: Sequence[str], y_true: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Always predict the most frequent training label (ties: first in ``labels``)."""
    counts = Counter(train_labels)
    majority = max(labels, key=lambda label: (counts[label], -labels.index(label)))
    result = report(y_true, [majority] * len(y_true), labels)
    return {"label": majority, "accuracy": result["accuracy"], "macro_f1": result["macro_f1"]}
