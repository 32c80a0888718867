"""Load test: many reviewers on the dashboard at once while a crawl writes (issue 8, item 5).

Builds a temporary data directory with ``--items`` generated items (about a fifth of them
flagged negative, so the review queue is long), one reviewer account per simulated reviewer,
and serves the real dashboard with waitress (``phuxanh serve``, in a child process, as in
production) on 127.0.0.1. Then, for ``--seconds``:

- ``--reviewers`` threads, each a logged-in ``requests`` session, loop like a person at the
  review page: read the queue (Dash callback), open one of its items (callback: returns the
  item and its version), confirm it (callback, with that version). Two reviewers confirming
  the same item is expected: the second gets the "reviewed by someone else" conflict;
- one thread stands in for a crawl, upserting batches of new items (and re-upserting some
  stored ones) into the same SQLite store.

Afterwards every review the server accepted is checked in the store (status, reviewer) and in
the audit log: a review accepted but missing, or overwritten by a later one, is a lost review.
Prints a summary and one JSON object on the last line. Errors and lost reviews must be 0.

    .venv/bin/python bench/load_dashboard.py --items 50000 --reviewers 20 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from phuxanh.schema import VN_TZ, DateSource, Item, Sentiment, url_item_id
from phuxanh.store.sqlite import SQLiteStore
from phuxanh.users import UserStore

REPO = Path(__file__).resolve().parents[1]
TOPIC = "chi-thi-57"
PASSWORD = "mat-khau-tai-thu-nghiem"
SOURCES = [("baochinhphu", "Báo Điện tử Chính phủ", True, "news"),
           ("vnexpress", "VnExpress", True, "news"),
           ("voz", "Diễn đàn VOZ", False, "forum"),
           ("facebook-page", "Trang cộng đồng", False, "social")]


def generate(start: int, count: int, now: datetime, rng: random.Random) -> Iterator[Item]:
    for i in range(start, start + count):
        # The source follows from i: re-generating item i (a re-crawl) gives the same URL.
        key, outlet, official, source_type = SOURCES[i % len(SOURCES)]
        url = f"https://{key}.example.vn/bai/{i}.html"
        published = now - timedelta(seconds=rng.randrange(60 * 24 * 3600))
        label = "negative" if rng.random() < 0.2 else rng.choice(["positive", "neutral"])
        yield Item(
            id=url_item_id(url), url=url, canonical_url=url, source=key,
            source_type=source_type, outlet=outlet, official=official,
            title=f"Bài {i}: triển khai Chỉ thị 57-CT/TW về an ninh mạng",
            text=f"Nội dung bài {i} bàn về Chỉ thị 57 và an toàn thông tin. " * 6,
            published_at=published, date_source=DateSource.PAGE_METADATA, fetched_at=now,
            topics=[TOPIC], matched_terms=["Chỉ thị 57"],
            sentiment=Sentiment(label=label, score=0.5 + rng.random() / 2, model="bench@1",
                                reason="bench"),
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- Dash callbacks, found from the server's own dependency list ----------------------------

def _outputs(key: str) -> list[dict[str, str]]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


@dataclass
class Callback:
    output: str
    inputs: list[dict[str, str]]
    state: list[dict[str, str]]

    def payload(self, values: dict[tuple[str, str], Any], trigger: tuple[str, str]
                ) -> dict[str, Any]:
        def filled(deps: list[dict[str, str]]) -> list[dict[str, Any]]:
            return [{"id": d["id"], "property": d["property"],
                     "value": values.get((d["id"], d["property"]))} for d in deps]

        outputs = _outputs(self.output)
        return {"output": self.output,
                "outputs": outputs if self.output.startswith("..") else outputs[0],
                "inputs": filled(self.inputs), "state": filled(self.state),
                "changedPropIds": [f"{trigger[0]}.{trigger[1]}"]}


def find_callbacks(session: requests.Session, base: str) -> dict[str, Callback]:
    deps = session.get(f"{base}/_dash-dependencies", timeout=30).json()
    wanted = {"queue": "review-queue.options", "detail": "review-loaded.data",
              "confirm": "review-message.children"}
    found = {}
    for kind, output in wanted.items():
        (dep,) = [d for d in deps if output in d["output"] and not d.get("clientside_function")]
        found[kind] = Callback(dep["output"], dep["inputs"], dep.get("state", []))
    return found


# -- the simulated people -------------------------------------------------------------------

@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    # (item id, reviewer, the version the reviewer saw): what the server said it saved
    accepted: list[tuple[str, str, int]] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # 127.0.0.1 only, never through a proxy
    page = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:300]
    answer = session.post(f"{base}/login", allow_redirects=False, timeout=30, data={
        "csrf_token": token.group(1), "username": username, "password": PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"login {username}: HTTP {answer.status_code}")
    session.get(f"{base}/review", timeout=30)  # sets the CSRF cookie Dash echoes back
    session.headers["X-CSRFToken"] = session.cookies.get("_csrf_token") or ""
    return session


def call(session: requests.Session, base: str, payload: dict[str, Any], kind: str,
         results: Results) -> dict[str, Any] | None:
    started = time.perf_counter()
    try:
        answer = session.post(f"{base}/_dash-update-component", json=payload, timeout=60)
    except requests.RequestException as exc:
        results.error(f"{kind} at +{time.perf_counter() - started:.0f} s: "
                      f"{type(exc).__name__}: {exc}")
        return None
    results.timed(kind, time.perf_counter() - started)
    if answer.status_code == 204:
        return {}
    if answer.status_code != 200:
        results.error(f"{kind}: HTTP {answer.status_code}: {answer.text[:200]}")
        return None
    body = answer.json()
    if "app-error-message" in body.get("sideUpdate", {}):  # a callback raised
        results.error(f"{kind}: {body['sideUpdate']['app-error-message']}")
        return None
    return body.get("response", {})


def reviewer(base: str, username: str, callbacks: dict[str, Callback], deadline: float,
             results: Results, seed: int) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    try:
        session = login(base, username)
    except Exception as exc:  # counted; the run goes on with the others
        results.error(f"login {username}: {exc}")
        return
    results.timed("login", time.perf_counter() - started)
    refresh = 0
    while time.monotonic() < deadline:
        queue = call(session, base, callbacks["queue"].payload(
            {("review-order", "value"): "priority", ("review-refresh", "data"): refresh},
            ("review-refresh", "data")), "queue", results)
        options = ((queue or {}).get("review-queue") or {}).get("options") or []
        if not options:
            continue
        # People pick near the top; 20 reviewers on the same top items make real conflicts.
        item_id = rng.choice(options[: min(len(options), 15)])["value"]
        detail = call(session, base, callbacks["detail"].payload(
            {("review-queue", "value"): item_id}, ("review-queue", "value")), "detail", results)
        loaded = ((detail or {}).get("review-loaded") or {}).get("data")
        if not loaded:
            continue
        answer = call(session, base, callbacks["confirm"].payload(
            {("review-confirm", "n_clicks"): 1, ("review-loaded", "data"): loaded,
             ("review-refresh", "data"): refresh}, ("review-confirm", "n_clicks")),
            "confirm", results)
        if answer is None:
            continue
        if "review-refresh" in answer:  # saved: the page refreshes its queue
            refresh = int(answer["review-refresh"]["data"])
            with results.lock:
                results.accepted.append((loaded["id"], username, int(loaded["version"])))
        elif "review-reload" in answer:  # someone else was first: the page reloads the item
            with results.lock:
                results.conflicts += 1
        else:
            results.error(f"confirm: neither saved nor a conflict: {str(answer)[:200]}")


def crawl_writer(db: Path, start: int, deadline: float, batch: int, pause: float,
                 written: list[int], errors: list[str]) -> None:
    """A crawl stand-in: new items in batches, plus re-upserts of stored ones (updates)."""
    rng = random.Random(7)
    store = SQLiteStore(db)
    now = datetime.now(VN_TZ)
    try:
        while time.monotonic() < deadline:
            fresh = list(generate(start + written[0], batch, now, rng))
            again = list(generate(rng.randrange(max(1, start - 5)), 5, now, rng))
            try:
                store.upsert(fresh + again)
                written[0] += batch
            except Exception as exc:
                errors.append(f"crawl writer: {type(exc).__name__}: {exc}")
            time.sleep(pause)
    finally:
        store.close()


# -- the run --------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def verify(db: Path, accepted: list[tuple[str, str, int]]) -> dict[str, int]:
    """Every accepted review in the audit log (actor and resulting version), and the item's
    stored review is the last accepted one. Two reviews accepted from the same version of an
    item would be a lost update: the version check must turn the second into a conflict. (A
    reviewer who opened the item after someone else's decision, saw it, and decided again is
    a new version, not a lost update.)"""
    store = SQLiteStore(db)
    try:
        audit: set[tuple[str, str, int]] = set()
        for entry in store.audit_log(action="review", limit=10_000_000):
            audit.add((entry.target, entry.actor, int(entry.details.get("version", -1))))
        latest: dict[str, tuple[int, str]] = {}
        seen_versions: set[tuple[str, int]] = set()
        lost = same_version = 0
        for item_id, username, version in accepted:
            if (item_id, version) in seen_versions:
                same_version += 1
            seen_versions.add((item_id, version))
            if (item_id, username, version + 1) not in audit:
                lost += 1
            latest[item_id] = max(latest.get(item_id, (-1, "")), (version, username))
        for item_id, (_version, username) in latest.items():
            item = store.get(item_id)
            if item is None or item.review.status != "confirmed" or (
                    item.review.reviewer != username):
                lost += 1
        return {"lost_reviews": lost, "accepted_from_same_version": same_version,
                "re_reviewed_items": len(accepted) - len(latest), "audit_entries": len(audit)}
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--crawl-batch", type=int, default=50, help="items per crawl write")
    parser.add_argument("--crawl-pause", type=float, default=1.0, help="seconds between writes")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="phuxanh-load-") as folder:
        data_dir = Path(folder)
        db = data_dir / "phuxanh.db"
        clock = time.perf_counter()
        store = SQLiteStore(db)
        rng = random.Random(42)
        now = datetime.now(VN_TZ)
        items = generate(0, args.items, now, rng)
        while chunk := [item for _, item in zip(range(5000), items, strict=False)]:
            store.upsert(chunk)
        store.close()
        fill_s = time.perf_counter() - clock
        from phuxanh.config import load_config

        users = UserStore.for_config(load_config(REPO / "config", env={},
                                                 overrides={"data_dir": str(data_dir)}))
        names = [f"duyet{n:02d}" for n in range(args.reviewers)]
        for name in names:
            users.add_user(name, PASSWORD, "reviewer")
        print(f"store: {args.items} items in {fill_s:.1f} s; {len(names)} reviewers",
              flush=True)

        port = free_port()
        # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
        server_log = (data_dir / "server.log").open("w", encoding="utf-8")
        env = {**os.environ, "PHUXANH_SECRET_KEY": "load-test-" + "k" * 40,
               "PHUXANH_DATA_DIR": str(data_dir), "NO_PROXY": "127.0.0.1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "phuxanh.cli", "--config", str(REPO / "config"),
             "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=server_log, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if requests.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if server.poll() is not None:
                    raise RuntimeError("the server stopped: " + (data_dir / "server.log")
                                       .read_text(encoding="utf-8")[-2000:])
                time.sleep(0.2)
            callbacks = find_callbacks(login(base, names[0]), base)
            results = Results()
            written, writer_errors = [0], []
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=crawl_writer, args=(
                db, args.items, deadline, args.crawl_batch, args.crawl_pause, written,
                writer_errors))]
            threads += [threading.Thread(target=reviewer, args=(
                base, name, callbacks, deadline, results, n)) for n, name in enumerate(names)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            server_log.close()
        log_tail = (data_dir / "server.log").read_text(encoding="utf-8").splitlines()[-5:]
        checked = verify(db, results.accepted)
        store = SQLiteStore(db)
        stored_total = store.count()
        store.close()

    requests_made = sum(len(v) for k, v in results.latencies.items() if k != "login")
    report: dict[str, Any] = {
        "items": args.items, "reviewers": args.reviewers, "seconds": round(elapsed, 1),
        "requests": requests_made, "requests_per_s": round(requests_made / elapsed, 1),
        "reviews_accepted": len(results.accepted), "conflicts": results.conflicts,
        "errors": len(results.errors) + len(writer_errors),
        "crawl_items_written": written[0],
        "crawl_items_missing": args.items + written[0] - stored_total,
        **checked, "latency_ms": {},
    }
    for kind, values in sorted(results.latencies.items()):
        report["latency_ms"][kind] = {
            "n": len(values), "p50": round(1000 * statistics.median(values), 1),
            "p95": round(1000 * percentile(values, 0.95), 1),
            "p99": round(1000 * percentile(values, 0.99), 1)}
    print(f"{requests_made} callback requests in {elapsed:.0f} s "
          f"({report['requests_per_s']}/s) by {args.reviewers} reviewers while the crawl "
          f"stand-in wrote {written[0]} items")
    for kind, row in report["latency_ms"].items():
        print(f"  {kind:<8} n={row['n']:<6} p50 {row['p50']:>7} ms  p95 {row['p95']:>7} ms  "
              f"p99 {row['p99']:>7} ms")
    print(f"reviews accepted {len(results.accepted)}, conflicts {results.conflicts} "
          f"(expected: two people on one item), errors {report['errors']}, lost reviews "
          f"{checked['lost_reviews']}, accepted from the same version "
          f"{checked['accepted_from_same_version']}, crawl items "
          f"missing {report['crawl_items_missing']}")
    for message in (results.errors + writer_errors)[:10]:
        print(f"  error: {message}")
    if report["errors"]:
        print("server log, last lines:\n  " + "\n  ".join(log_tail))
    print(json.dumps(report, ensure_ascii=False))
    bad = report["errors"] or checked["lost_reviews"] or checked["accepted_from_same_version"] or (
        report["crawl_items_missing"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
