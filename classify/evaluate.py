"""Score a sentiment model on labelled JSONL and print the metrics as one JSON object.

    python -m classify.evaluate [--model DIR] --data FILE.jsonl [--by register]
    phuxanh evaluate FILE.jsonl [--model DIR] [--by register]

``FILE.jsonl`` rows have ``text`` and ``label`` (positive|neutral|negative), optionally
``title`` and ``register``. The metrics are those of ``metrics.json``: accuracy, macro-F1,
per-class precision/recall/F1, the confusion matrix, ECE and log loss, plus the majority-class
baseline of the evaluated data itself (the score of always answering its commonest label).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from phuxanh.errors import PhuxanhError


def evaluate(model_dir: Path | None, data: Path, by: str | None = None) -> dict[str, Any]:
    """Metrics of the sentiment model in ``model_dir`` (any backend; None: the shipped
    default) on labelled JSONL."""
    import numpy as np

    from classify.base import load_classifier
    from classify.metrics import majority_baseline, report
    from classify.training import LABELS, read_labelled_rows

    model = load_classifier(model_dir).model
    rows = read_labelled_rows(data)
    texts = ["\n".join(p for p in (str(r.get("title") or ""), r["text"]) if p) for r in rows]
    results = model.predict_texts(texts)
    y_true = [r["label"] for r in rows]
    y_pred = [r.label for r in results]
    probs = np.array([[r.probabilities[label] for label in LABELS] for r in results])
    output: dict[str, Any] = {
        "model": model.name_version,
        "data": str(data),
        **report(y_true, y_pred, LABELS, probs),
        "majority_baseline": majority_baseline(y_true, y_true, list(LABELS)),
    }
    if by:
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            groups.setdefault(str(row.get(by, "")), []).append(i)
        output[f"by_{by}"] = {
            key: {k: v for k, v in report([y_true[i] for i in idx], [y_pred[i] for i in idx],
                                          LABELS, probs[idx]).items() if k != "per_class"}
            for key, idx in sorted(groups.items())
        }
    return output


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classify.evaluate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="model directory (default: the shipped one)")
    parser.add_argument("--data", type=Path, required=True, help="labelled JSONL")
    parser.add_argument("--by", help="also report per value of this field (e.g. register)")
    args = parser.parse_args(argv)
    try:
        result = evaluate(args.model, args.data, args.by)
    except PhuxanhError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
