"""Fine-tune a transformers checkpoint into a sentiment model directory, on the CPU.

    python -m classify.train_transformer --base DIR_OR_ID --data FILE.jsonl --out DIR \\
        [--epochs 2] [--seed 13] [--lora] [--max-steps N]

``--data`` rows are JSON objects with ``text`` and ``label`` (positive/neutral/negative). A
stratified part (``--test-fraction``) is held out, chosen by the seed, and scored into
``metrics.json``. The base is any checkpoint directory (``python -m classify.e5_rebuild``
writes one for multilingual-e5-small); a hub id works only where the hub is reachable.

CPU-friendly and deterministic: the seed fixes the split, the shuffling, the new head and
dropout; deterministic torch kernels are requested; the embeddings (a third of e5-small's
weights, and what overfits first on small data) are frozen. ``--lora`` trains low-rank
adapters on query/value with peft (plus the new head) and merges them before saving, so the
output loads without peft.

The output is a self-describing directory that ``load_classifier`` reads: the checkpoint with
``"backend": "transformers"`` and a ``phuxanh`` object (name, version, labels, preprocessing
version, input form, training provenance) in ``config.json``, the tokenizer, ``metrics.json``,
``narrative_background.json`` and a ``MODEL_CARD.md`` stub.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classify.base import ModelError
from classify.metrics import report
from classify.preprocess import PREPROCESS_VERSION, preprocess
from classify.training import LABELS, read_labelled_rows
from phuxanh.errors import InputError
from phuxanh.text import clean

logger = logging.getLogger(__name__)

def read_rows(path: Path) -> list[dict[str, str]]:
    """Labelled rows (text, label), read and checked like every other training file."""
    rows = [{"text": row["text"], "label": row["label"]} for row in read_labelled_rows(path)]
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def split(rows: Sequence[dict[str, str]], fraction: float, seed: int
          ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Stratified train/held-out split; at least one row of each label stays in training."""
    generator = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    train: list[dict[str, str]] = []
    held: list[dict[str, str]] = []
    for label in LABELS:
        group = [row for row in rows if row["label"] == label]
        generator.shuffle(group)
        n_held = min(round(len(group) * fraction), max(len(group) - 1, 0))
        held.extend(group[:n_held])
        train.extend(group[n_held:])
    return train, held


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)  # libraries underneath may read numpy's global state
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _freeze_embeddings(model: Any) -> int:
    """Freeze the embedding block (word, position, type, its LayerNorm); returns how many
    parameters were frozen."""
    base = getattr(model, model.base_model_prefix, model)
    module = getattr(base, "embeddings", None)
    if module is None:  # architectures without an embeddings block: the word embeddings
        module = model.get_input_embeddings()
    frozen = 0
    for parameter in module.parameters():
        parameter.requires_grad_(False)
        frozen += parameter.numel()
    return frozen


def _add_lora(model: Any, r: int) -> Any:
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=r, lora_alpha=2 * r, lora_dropout=0.1, target_modules=["query", "value"],
                        modules_to_save=["classifier", "pooler"], task_type="SEQ_CLS")
    return get_peft_model(model, config)


def _predict(model: Any, tokenizer: Any, texts: Sequence[str], max_length: int,
             batch_size: int) -> np.ndarray:
    import torch

    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            encoded = tokenizer(list(texts[start:start + batch_size]), padding=True,
                                truncation=True, max_length=max_length, return_tensors="pt")
            out.append(torch.softmax(model(**encoded).logits.float(), -1).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(LABELS)))


def train(base: str, data: Path, out: Path, *, epochs: int = 2, seed: int = 13,
          batch_size: int = 16, learning_rate: float = 5e-5, max_length: int = 128,
          test_fraction: float = 0.2, max_steps: int | None = None, lora: bool = False,
          lora_r: int = 8, segmented: bool = False, name: str = "transformer-sentiment",
          version: str | None = None) -> dict[str, Any]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    started = time.perf_counter()
    _seed_everything(seed)
    rows = read_rows(data)
    train_rows, held_rows = split(rows, test_fraction, seed)
    prepare = preprocess if segmented else clean  # NFC first in both
    train_texts = [prepare(row["text"]) for row in train_rows]
    held_texts = [prepare(row["text"]) for row in held_rows]

    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={label: i for i, label in enumerate(LABELS)},
            ignore_mismatched_sizes=True,
        )
    except OSError as exc:
        raise ModelError(
            f"{base}: cannot load the base checkpoint; a hub id needs the Hugging Face hub, "
            f"which these machines cannot reach: pass a local directory "
            f"({str(exc).splitlines()[0]})"
        ) from None
    frozen = _freeze_embeddings(model)
    if lora:
        model = _add_lora(model, lora_r)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    targets = torch.tensor([LABELS.index(row["label"]) for row in train_rows])
    order_generator = np.random.default_rng(seed)
    steps = 0
    losses: list[float] = []
    model.train()
    for _epoch in range(epochs):
        order = order_generator.permutation(len(train_texts))
        for start in range(0, len(order), batch_size):
            if max_steps is not None and steps >= max_steps:
                break
            batch = order[start:start + batch_size]
            encoded = tokenizer([train_texts[i] for i in batch], padding=True, truncation=True,
                                max_length=max_length, return_tensors="pt")
            loss = model(**encoded, labels=targets[batch]).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            steps += 1
    if lora:
        model = model.merge_and_unload()  # a plain checkpoint: loading needs no peft

    metrics: dict[str, Any] = {"n_train": len(train_rows), "n_held_out": len(held_rows)}
    if held_rows:
        probs = _predict(model, tokenizer, held_texts, max_length, batch_size)
        predicted = [LABELS[i] for i in probs.argmax(axis=1)]
        metrics["held_out"] = report([row["label"] for row in held_rows], predicted, LABELS,
                                     probs)
    data_sha = hashlib.sha256(data.read_bytes()).hexdigest()
    version = version or datetime.now(UTC).strftime("%Y%m%d") + f"-{data_sha[:8]}-s{seed}"
    training = {
        "base": str(base), "data": str(data), "data_sha256": data_sha, "seed": seed,
        "epochs": epochs, "steps": steps, "batch_size": batch_size,
        "learning_rate": learning_rate, "max_length": max_length,
        "test_fraction": test_fraction, "frozen_embedding_parameters": frozen,
        "lora": {"r": lora_r, "target_modules": ["query", "value"], "merged": True}
        if lora else None,
        "final_loss": round(losses[-1], 4) if losses else None,
        "seconds": round(time.perf_counter() - started, 1),
    }
    model.config.backend = "transformers"
    model.config.phuxanh = {
        "name": name, "version": version, "labels": list(LABELS),
        "preprocess_version": PREPROCESS_VERSION,
        "input": "segmented" if segmented else "raw",
        "max_length": max_length,
        # A Vietnamese syllable is about 1.3 e5/XLM-R tokens: chunks must fit max_length.
        "chunk_max_words": max(16, int(max_length * 0.6)),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training": training,
    }
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    metrics["training"] = training
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    from classify.narratives import BACKGROUND_FILE, Background

    Background.from_texts(row["text"] for row in train_rows).save(out / BACKGROUND_FILE)
    (out / "MODEL_CARD.md").write_text(_model_card(name, version, metrics), encoding="utf-8")
    return metrics


def _model_card(name: str, version: str, metrics: dict[str, Any]) -> str:
    held = metrics.get("held_out") or {}
    training = metrics["training"]
    lines = [
        f"# {name} {version}", "",
        "Sentiment toward the tracked topic (positive / neutral / negative), fine-tuned with "
        "`python -m classify.train_transformer`. A stub: fill in the data, its licences and "
        "the known limits before shipping.", "",
        f"- base: `{training['base']}`", f"- data: `{training['data']}` "
        f"(sha256 {training['data_sha256'][:12]}), seed {training['seed']}",
        f"- {metrics['n_train']} training rows, {metrics['n_held_out']} held out",
        f"- {training['epochs']} epochs, {training['steps']} steps, embeddings frozen, "
        f"LoRA: {'r=' + str(training['lora']['r']) if training['lora'] else 'no'}", "",
        "## Held-out scores", "",
    ]
    if held:
        lines += [f"- accuracy {held['accuracy']:.3f}, macro-F1 {held['macro_f1']:.3f}"]
    else:
        lines += ["- none (no held-out rows)"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classify.train_transformer",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="checkpoint directory (or hub id)")
    parser.add_argument("--data", type=Path, required=True, help="JSONL with text and label")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--max-steps", type=int, help="stop after this many steps (smoke runs)")
    parser.add_argument("--lora", action="store_true", help="train LoRA adapters (needs peft)")
    parser.add_argument("--segmented", action="store_true",
                        help="feed word-segmented text (PhoBERT); default raw NFC text")
    parser.add_argument("--name", default="transformer-sentiment")
    parser.add_argument("--version")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        metrics = train(args.base, args.data, args.out, epochs=args.epochs, seed=args.seed,
                        batch_size=args.batch_size, learning_rate=args.lr,
                        max_length=args.max_length, test_fraction=args.test_fraction,
                        max_steps=args.max_steps, lora=args.lora, segmented=args.segmented,
                        name=args.name, version=args.version)
    except (ModelError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    held = metrics.get("held_out") or {}
    print(json.dumps({"out": str(args.out), "n_train": metrics["n_train"],
                      "macro_f1": held.get("macro_f1"), "accuracy": held.get("accuracy")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
