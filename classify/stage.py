"""The classify stage: label records (JSONL) or stored items, in batches, re-runnable.

JSONL contract (stable; other tools read it). Each input object has ``text`` (a string) and
optionally ``title``; the output is the same object plus::

    "sentiment": {"label": "positive|neutral|negative", "score": float, "reason": str},
    "misinformation": {"label": "likely|unlikely", "score": float,
                       "narrative_id": str | null, "reason": str},
    "model": str
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from classify.base import Classifier, Doc, Prediction
from phuxanh.errors import InputError
from phuxanh.schema import Misinformation, Sentiment
from phuxanh.store.base import LabelUpdate, Store

logger = logging.getLogger(__name__)


def _clamp(value: float) -> float:
    # Scores are probabilities or cosines; float error can leave them a hair outside [0, 1].
    return min(max(float(value), 0.0), 1.0)


def _doc(record: Any, where: str) -> Doc:
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: no 'text' string (got {type(text).__name__})")
    title = record.get("title")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise InputError(f"{where}: 'title' must be a string, got {type(title).__name__}")
    return Doc(title=title, text=text)


def _labelled(record: dict[str, Any], prediction: Prediction) -> dict[str, Any]:
    return {
        **record,
        "sentiment": {
            "label": prediction.sentiment,
            "score": _clamp(prediction.sentiment_score),
            "reason": prediction.reason,
        },
        "misinformation": {
            "label": prediction.misinformation,
            "score": _clamp(prediction.misinformation_score),
            "narrative_id": prediction.narrative_id,
            "reason": prediction.misinformation_reason,
        },
        "model": prediction.model,
    }


def _classify_numbered(
    numbered: Iterable[tuple[str, Any]], classifier: Classifier, batch_size: int
) -> Iterator[dict[str, Any]]:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batch: list[tuple[dict[str, Any], Doc]] = []

    def flush() -> Iterator[dict[str, Any]]:
        predictions = classifier.predict([doc for _, doc in batch])
        for (record, _), prediction in zip(batch, predictions, strict=True):
            yield _labelled(record, prediction)
        batch.clear()

    for where, record in numbered:
        batch.append((record, _doc(record, where)))
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()


def classify_records(
    records: Iterable[dict[str, Any]], classifier: Classifier, batch_size: int = 64
) -> Iterator[dict[str, Any]]:
    """Label each record (see the module docstring for the contract), lazily, in batches.
    A record without a ``text`` string raises InputError naming its line (1-based)."""
    numbered = ((f"line {number}", record) for number, record in enumerate(records, start=1))
    return _classify_numbered(numbered, classifier, batch_size)


def _read_jsonl(handle: IO[str], name: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue  # blank lines (a trailing newline, hand-edited files) carry nothing
        try:
            yield f"{name}:{number}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not valid JSON ({exc.msg})") from None


@contextmanager
def _input(path: str | Path) -> Iterator[tuple[IO[str], str]]:
    if str(path) == "-":
        yield sys.stdin, "<stdin>"
        return
    try:
        # Opened outside `with` so that only an error opening the input is reported as one.
        handle = Path(path).open(encoding="utf-8")  # noqa: SIM115 - closed by the `with` below
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        yield handle, str(path)


def classify_jsonl(
    in_path: str | Path, out_path: str | Path, classifier: Classifier, batch_size: int = 64
) -> int:
    """Read UTF-8 JSONL from ``in_path``, write the labelled records to ``out_path`` (``-``:
    stdin/stdout) and return how many were written. A file is written to a temporary name and
    renamed at the end, so a failed run never leaves a half-labelled file behind."""
    count = 0
    with _input(in_path) as (source, name):
        labelled = _classify_numbered(_read_jsonl(source, name), classifier, batch_size)
        if str(out_path) == "-":
            for record in labelled:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
            sys.stdout.flush()
            return count
        target = Path(out_path)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("w", encoding="utf-8") as sink:
                for record in labelled:
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return count


def _label_update(item_id: str, prediction: Prediction) -> LabelUpdate:
    return LabelUpdate(
        item_id=item_id,
        sentiment=Sentiment(
            label=prediction.sentiment,  # type: ignore[arg-type]
            score=_clamp(prediction.sentiment_score),
            model=prediction.model,
            reason=prediction.reason,
        ),
        misinformation=Misinformation(
            label=prediction.misinformation,  # type: ignore[arg-type]
            score=_clamp(prediction.misinformation_score),
            model=prediction.model,
            narrative_id=prediction.narrative_id,
            reason=prediction.misinformation_reason,
        ),
    )


def _predict_isolating_failures(
    classifier: Classifier, batch: list[tuple[str, Doc]]
) -> tuple[list[LabelUpdate], list[tuple[str, str]]]:
    """Predict a batch; when it fails, item by item, so one bad item costs only itself.
    Returns the label updates and the (item id, error) of each item that failed."""
    try:
        predictions = classifier.predict([doc for _, doc in batch])
        return [_label_update(item_id, p) for (item_id, _), p in
                zip(batch, predictions, strict=True)], []
    except Exception:  # any model failure: retry one by one to find the culprit
        logger.warning("batch of %d failed; retrying item by item", len(batch))
    updates: list[LabelUpdate] = []
    failed: list[tuple[str, str]] = []
    for item_id, doc in batch:
        try:
            (prediction,) = classifier.predict([doc])
            updates.append(_label_update(item_id, prediction))
        except Exception as exc:  # counted, logged with the id, and the run goes on
            logger.exception("classify failed for item %s", item_id)
            failed.append((item_id, f"{type(exc).__name__}: {exc}"[:500]))
    return updates, failed


def _record_failures(path: Path, model: str, failed: list[tuple[str, str]]) -> None:
    """Append the failures to ``path`` (JSONL: item_id, at, model, error) for a person to
    read; the items themselves stay unlabelled, which is what makes the next run retry them."""
    from datetime import UTC, datetime

    at = datetime.now(UTC).isoformat(timespec="seconds")
    lines = "".join(json.dumps({"item_id": item_id, "at": at, "model": model, "error": error},
                               ensure_ascii=False) + "\n" for item_id, error in failed)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as sink:
            sink.write(lines)
    except OSError as exc:  # the log of failures must not turn into a failure of the run
        logger.warning("%s: cannot record classify failures (%s)", path, exc.strerror or exc)


def classify_store(
    store: Store, classifier: Classifier, reclassify: bool = False, batch_size: int = 64,
    failures_path: Path | None = None,
) -> dict[str, int]:
    """Label every unclassified item (with ``reclassify``: also every item labelled by another
    model) and write the labels back batch by batch. Returns counts: ``seen``, ``labelled``
    (written), ``failed`` (the classifier raised; logged with the item id, appended to
    ``failures_path`` when given; left unlabelled so the next run retries them)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    counts = {"seen": 0, "labelled": 0, "failed": 0}
    model = classifier.name_version if reclassify else None
    batch: list[tuple[str, Doc]] = []

    def flush() -> None:
        updates, failed = _predict_isolating_failures(classifier, batch)
        counts["failed"] += len(failed)
        if failed and failures_path is not None:
            _record_failures(failures_path, classifier.name_version, failed)
        if updates:
            counts["labelled"] += store.set_labels(updates)
        batch.clear()

    for item in store.iter_unclassified(model=model, batch_size=batch_size):
        counts["seen"] += 1
        batch.append((item.id, Doc(title=item.title, text=item.text)))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    logger.info("classify: %(seen)d seen, %(labelled)d labelled, %(failed)d failed", counts)
    return counts
