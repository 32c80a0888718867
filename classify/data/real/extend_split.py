"""Place new documents of texts.jsonl in split.json without moving any already-placed doc.

A new doc that is a near-duplicate (folded character 3-5-gram cosine >= 0.5, the threshold
of classify.train) of an already-placed doc follows that doc; any other new cluster goes to
test when a stable hash of its first doc id falls in the lowest 40 %. Also writes the views
/tmp/real_{train,test,all}.jsonl (text, label, register) for classify.evaluate and
classify.train --extra-data.

Run: .venv/bin/python classify/data/real/extend_split.py
"""

from __future__ import annotations

import collections
import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from classify.training import near_duplicate_groups  # noqa: E402

TEST_SHARE = 40  # percent of new, unrelated clusters sent to test


def main() -> None:
    rows = [json.loads(line) for line in (HERE / "texts.jsonl").read_text().splitlines()
            if line.strip()]
    old = json.loads((HERE / "split.json").read_text())
    where = {d: "test" for d in old["test"]} | {d: "train" for d in old["train"]}

    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_group: dict[int, set[str]] = collections.defaultdict(set)
    groups = near_duplicate_groups([r["text"] for r in rows], 0.5)
    for row, group in zip(rows, groups, strict=True):
        by_group[group].add(row["doc"])
        find(row["doc"])
    pairs = []
    for docs in by_group.values():
        ordered = sorted(docs)
        if len(ordered) > 1:
            pairs.append(ordered)
        for doc in ordered[1:]:
            parent[find(ordered[0])] = find(doc)

    clusters: dict[str, list[str]] = collections.defaultdict(list)
    for doc in {r["doc"] for r in rows}:
        clusters[find(doc)].append(doc)

    added: collections.Counter[str] = collections.Counter()
    for docs in clusters.values():
        new = [d for d in docs if d not in where]
        if not new:
            continue
        placed = {where[d] for d in docs if d in where}
        if placed:
            side = "test" if placed == {"test"} else "train"  # never leak into test
        else:
            digest = hashlib.sha256(sorted(docs)[0].encode()).hexdigest()
            side = "test" if int(digest, 16) % 100 < TEST_SHARE else "train"
        for doc in new:
            where[doc] = side
            added[side] += 1

    split = {side: sorted(d for d, s in where.items() if s == side) for side in ("train", "test")}
    test = set(split["test"])
    views = {"test": [r for r in rows if r["doc"] in test],
             "train": [r for r in rows if r["doc"] not in test],
             "all": rows}
    meta = {k: v for k, v in old.items() if k not in ("train", "test")}
    meta["n_docs"] = {side: len(docs) for side, docs in split.items()}
    meta["n_passages"] = {side: len(views[side]) for side in ("train", "test")}
    meta["labels"] = {side: dict(collections.Counter(r["label"] for r in views[side]))
                      for side in ("train", "test")}
    meta["near_duplicate_doc_clusters"] = pairs
    meta["extended"] = ("docs added after the first freeze were placed by extend_split.py "
                        "(near-duplicate follows placed doc; else stable hash <40% -> test); "
                        "earlier assignments unchanged")
    (HERE / "split.json").write_text(
        json.dumps({**meta, **split}, ensure_ascii=False, indent=1) + "\n")
    for name, selected in views.items():
        out = Path(tempfile.gettempdir()) / f"real_{name}.jsonl"
        with out.open("w", encoding="utf-8") as handle:
            for r in selected:
                view = {"text": r["text"], "label": r["label"], "register": r["register"]}
                handle.write(json.dumps(view, ensure_ascii=False) + "\n")
    summary = {k: meta[k] for k in ("n_docs", "n_passages", "labels")}
    print("added", dict(added), json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
