"""Issue 8, faults: processes opening a brand-new store at the same moment (the dashboard and
a crawl started together on a fresh install, or a test polling a crawl) all succeed; before
the fix in ``SQLiteStore._migrate`` the loser failed with "table items already exists"."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from phuxanh.store.sqlite import SQLiteStore


def _open(path: str, ready: object, results: object) -> None:
    ready.wait()  # type: ignore[attr-defined]
    try:
        store = SQLiteStore(path)
        version = store.schema_version
        store.close()
        results.put(("ok", version))  # type: ignore[attr-defined]
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", f"{type(exc).__name__}: {exc}"))  # type: ignore[attr-defined]


def test_several_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    outcomes = []
    for round_ in range(6):
        path = str(tmp_path / f"fresh-{round_}.db")
        ready, results = context.Event(), context.Queue()
        workers = [context.Process(target=_open, args=(path, ready, results))
                   for _ in range(4)]
        for worker in workers:
            worker.start()
        ready.set()  # all at once
        for worker in workers:
            worker.join(timeout=60)
        outcomes += [results.get(timeout=10) for _ in workers]
    errors = [detail for status, detail in outcomes if status == "error"]
    assert errors == []
    assert len({version for _status, version in outcomes}) == 1
