"""Crawl benchmark: phuxanh's real crawl over a generated local site, against news-please and
against trafilatura extraction alone.

    .venv/bin/python bench/crawl.py --articles 10000

1. Builds a site of N Vietnamese article pages (bench/crawlsite.py: eight outlets in the demo's
   five CMS markups, 300-1500 words each, ~90% citing "Chỉ thị 57-CT/TW", dated over the last
   60 days, one RSS feed per outlet listing all its articles) into a temp dir and serves it from
   memory on 127.0.0.2-9 (one loopback host per outlet, like separate domains; asyncio,
   HTTP/1.1 keep-alive). The server's own throughput is measured first with a concurrent
   keep-alive client in another process.
2. phuxanh: ``python -m crawlers.run --config DIR`` in a subprocess (sources = the local feeds,
   no download delay, no AutoThrottle, 16 requests per domain, robots.txt obeyed, a temp data
   dir). Wall time from process start to exit -> pages/s (article pages fetched) and items/s
   (stored); RSS of that process polled from /proc, reported at 25/50/75/100% of the articles.
3. news-please (PyPI, in its own venv, default: /tmp/np-venv; ``--news-please-python``): its
   RssCrawler over each outlet's host (its "/" advertises the feed), same site, its shipped
   defaults otherwise (5 crawler processes in parallel, 4 extractors, HTML + JSON files) but
   the same 16 concurrent requests; pages/s = article pages it fetched / wall time of the
   ``news-please`` command. It cannot start on the windows-1258 outlet (its RssCrawler
   decodes the front page as UTF-8), so it fetches 7/8 of the pages; its rate counts those.
4. Ceiling: ``trafilatura.extract`` on the same pages' HTML from memory, one process.

The machine is shared, so CPU seconds are measured too (``getrusage`` of each command and its
children; ``process_time`` for the ceiling) and reported per CPU-second beside the wall-clock
rates. Experiments: ``--profile cprofile`` writes crawl.prof into the work dir;
``--scrapy-set NAME=VALUE`` and ``--patch NAME`` run the crawl through bench/crawlprobe.py
with a setting or code change applied in memory (the JSON's ``what_if`` then says so; those
numbers are not the shipped code's).

Prints readable lines, then one JSON object on the last line. The work dir is a temp dir
removed at the end; ``--keep DIR`` works in DIR and keeps it (site, configs, logs, profile,
results.json with every figure).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawlsite import MemoryServer, Site, build_site, free_port  # noqa: E402

NEWS_PLEASE_VENV = Path("/tmp/np-venv")
CONCURRENCY = 16  # crawl.concurrent_requests_per_domain's maximum (phuxanh.config)
_CLIENT = r"""
import asyncio, sys, time
paths = open(sys.argv[2]).read().split()
host, port = "127.0.0.1", int(sys.argv[1])
conns = int(sys.argv[3])
async def worker(queue, done):
    reader, writer = await asyncio.open_connection(host, port)
    while queue:
        path = queue.pop()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        done.append(length)
    writer.close()
async def main():
    queue, done = list(paths), []
    start = time.perf_counter()
    await asyncio.gather(*(worker(queue, done) for _ in range(conns)))
    elapsed = time.perf_counter() - start
    print(len(done), elapsed, sum(done))
asyncio.run(main())
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def server_throughput(server: MemoryServer, site: Site, work: Path, limit: int = 5000
                      ) -> dict[str, float]:
    """Article pages/s the server delivers to a keep-alive asyncio client (16 connections) in
    another process: a lower bound on what the server can do (the client costs CPU too)."""
    paths = work / "fetch-paths.txt"
    paths.write_text("\n".join(site.article_paths[:limit]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _CLIENT, str(server.port), str(paths), str(CONCURRENCY)],
        capture_output=True, text=True, check=True, timeout=600,
    )
    count, elapsed, size = result.stdout.split()
    server.reset_counts()
    return {"pages": int(count), "pages_per_s": int(count) / float(elapsed),
            "mib_per_s": int(size) / float(elapsed) / 2**20}


def _rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in KiB; (0, 0) once it has gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as handle:
                    children = [int(child) for child in handle.read().split()]
                found.extend(children)
                todo.extend(children)
        except (OSError, ValueError):
            continue
    return found


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants (the parser workers), in KiB.
    PSS, not RSS: forked workers share their parent's pages, which RSS would count twice."""
    total = 0
    for member in (pid, *_descendants(pid)):
        try:
            with open(f"/proc/{member}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError):
            pass
    return total


def run_measured(command: list[str], server: MemoryServer, expected_articles: int,
                 log_path: Path, cwd: Path, timeout: float) -> dict[str, object]:
    """Run ``command``, polling its process tree's memory and the server's article count."""
    server.reset_counts()
    # (articles served so far, PSS KiB of the process and its children)
    samples: list[tuple[int, int]] = []
    peak_hwm = 0
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, cwd=cwd,
                                   env=_env())
        out: list[bytes] = []
        reader = threading.Thread(target=lambda: out.append(process.stdout.read()),  # type: ignore[union-attr]
                                  daemon=True)
        reader.start()
        while process.poll() is None:
            rss, hwm = _rss_kib(process.pid)
            if rss:
                samples.append((server.counter.articles, _tree_pss_kib(process.pid) or rss))
                peak_hwm = max(peak_hwm, hwm)
            if time.perf_counter() - started > timeout:
                process.kill()
                break
            time.sleep(0.1)
        process.wait()
        wall = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        reader.join(timeout=10)
    times = server.counter.article_times
    fetch_window = (times[-1] - times[0]) if len(times) > 1 else 0.0
    rss_at = []
    served = server.counter.articles
    for share in (0.25, 0.5, 0.75, 1.0):
        mark = share * max(served, 1)
        at = [rss for count, rss in samples if count >= mark]
        rss_at.append(round(at[0] / 1024, 1) if at else None)
    if rss_at[-1] is None and samples:
        rss_at[-1] = round(samples[-1][1] / 1024, 1)
    return {
        "returncode": process.returncode,
        "wall_s": wall,
        # CPU seconds of the command and every descendant it waited for (user + system)
        "cpu_s": (cpu_after.ru_utime - cpu_before.ru_utime)
        + (cpu_after.ru_stime - cpu_before.ru_stime),
        "stdout": b"".join(out).decode("utf-8", "replace"),
        "articles_served": served,
        "requests_served": server.counter.requests,
        "fetch_window_s": fetch_window,
        # the crawl process's own peak RSS, and the highest PSS sample of its process tree
        "peak_rss_mb": round(peak_hwm / 1024, 1),
        "peak_tree_pss_mb": round(max((r for _, r in samples), default=0) / 1024, 1),
        "rss_mb_at": rss_at,
        "expected": expected_articles,
    }


# ----------------------------------------------------------------------------- phuxanh


def write_phuxanh_config(site: Site, config_dir: Path, data_dir: Path,
                         parse_workers: int | None = None) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    default = {
        "data_dir": str(data_dir),
        "timezone": "Asia/Ho_Chi_Minh",
        "topics_file": "topics.yaml",
        "sources_file": "sources.yaml",
        "store": {"backend": "sqlite", "sqlite_path": "phuxanh.db"},
        "crawl": {
            "user_agent": "phuxanh-bench/0.1 (crawl benchmark; local site)",
            "obey_robots": True,
            "download_delay": 0,
            "autothrottle": False,
            "concurrent_requests_per_domain": CONCURRENCY,
            "timeout_seconds": 30,
            "retry_times": 1,
            "max_page_bytes": 8_000_000,
            "max_age_days": 120,
        },
    }
    if parse_workers is not None:  # otherwise the product's default (crawlers/parse_pool.py)
        default["crawl"]["parse_workers"] = parse_workers  # type: ignore[index]
    (config_dir / "default.yaml").write_text(yaml.safe_dump(default, sort_keys=False),
                                             encoding="utf-8")
    shutil.copy(ROOT / "config" / "topics.yaml", config_dir / "topics.yaml")
    sources = [
        {"key": f"bench-{outlet.key}", "name": outlet.name, "type": outlet.type,
         "official": outlet.official, "province": outlet.province,
         "domain": site.feed_urls[outlet.key].split("/")[2].split(":")[0],
         "feeds": [site.feed_urls[outlet.key]]}
        for outlet in site.outlets
    ]
    (config_dir / "sources.yaml").write_text(
        yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")


def run_phuxanh(site: Site, server: MemoryServer, work: Path, profile: str | None,
                what_if: list[str], parse_workers: int | None = None) -> dict[str, object]:
    """The real crawl in a subprocess; ``what_if`` (bench/crawlprobe.py arguments) runs it
    with settings or code changed in memory instead, for experiments."""
    config_dir, data_dir = work / "phuxanh-config", work / "phuxanh-data"
    if data_dir.exists():
        shutil.rmtree(data_dir)  # a fresh store: every article is new
    write_phuxanh_config(site, config_dir, data_dir, parse_workers)
    target = ["-m", "crawlers.run"]
    if what_if:
        target = [str(Path(__file__).resolve().parent / "crawlprobe.py"), *what_if, "--"]
    command = [sys.executable, *target, "--config", str(config_dir)]
    if profile == "cprofile":
        command = [sys.executable, "-m", "cProfile", "-o", str(work / "crawl.prof"),
                   *target, "--config", str(config_dir)]
    elif profile == "py-spy":
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        command = [spy, "record", "--rate", "200", "--format", "raw", "--output",
                   str(work / "crawl.pyspy.txt"), "--", *command]
    result = run_measured(command, server, len(site.article_paths), work / "phuxanh.log",
                          ROOT, timeout=3600)
    lines = [line for line in str(result["stdout"]).splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    result["report"] = report
    result["articles_fetched"] = int(report.get("articles_fetched", 0))
    stored = report.get("items_stored", {})
    result["items_stored"] = int(stored.get("inserted", 0)) + int(stored.get("updated", 0))
    return result


# ----------------------------------------------------------------------------- news-please


def write_news_please_config(site: Site, config_dir: Path, data_dir: Path, python: Path
                             ) -> None:
    import configparser

    package = subprocess.run(
        [str(python), "-c", "import newsplease, os; print(os.path.dirname(newsplease.__file__))"],
        capture_output=True, text=True, check=True).stdout.strip()
    config_dir.mkdir(parents=True, exist_ok=True)
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(Path(package) / "config" / "config.cfg", encoding="utf-8")
    parser.set("Crawler", "default", "RssCrawler")
    parser.set("Files", "working_path", str(data_dir))
    parser.set("Files", "relative_to_start_processes_file", "True")
    # Like phuxanh's run: same concurrency; its other defaults (extractors, pipelines that
    # write each page's HTML and JSON, 5 crawler processes in parallel) stay as shipped.
    parser.set("Scrapy", "CONCURRENT_REQUESTS", str(CONCURRENCY))
    parser.set("Scrapy", "CONCURRENT_REQUESTS_PER_DOMAIN", str(CONCURRENCY))
    with open(config_dir / "config.cfg", "w", encoding="utf-8") as handle:
        parser.write(handle)
    # news-please's RssCrawler starts at a site's root ("http://host/") and follows the first
    # RSS feed that page advertises: each outlet's host serves its front page at "/".
    sitelist = {"base_urls": [{"url": site.home_urls[o.key].rsplit("/", 2)[0] + "/",
                               "crawler": "RssCrawler"}
                              for o in site.outlets]}
    (config_dir / "sitelist.hjson").write_text(json.dumps(sitelist, indent=1),
                                               encoding="utf-8")


def run_news_please(site: Site, server: MemoryServer, work: Path, python: Path
                    ) -> dict[str, object]:
    config_dir, data_dir = work / "np-config", work / "np-data"
    write_news_please_config(site, config_dir, data_dir, python)
    command = [str(python.parent / "news-please"), "-c", str(config_dir), "-no-confirm"]
    result = run_measured(command, server, len(site.article_paths), work / "news-please.log",
                          work, timeout=3600)
    result["json_files"] = sum(1 for _ in data_dir.rglob("*.json")) if data_dir.exists() else 0
    return result


# ----------------------------------------------------------------------------- ceiling


def extraction_ceiling(site: Site, limit: int | None) -> dict[str, float]:
    import trafilatura

    paths = site.article_paths[:limit] if limit else site.article_paths
    pages = []
    for path in paths:
        ctype, body = site.pages[path]
        charset = ctype.rsplit("charset=", 1)[-1]
        pages.append((site.urls[path], body.decode(charset)))
    for url, html in pages[:20]:  # warm-up
        trafilatura.extract(html, url=url)
    empty = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for url, html in pages:
        if not trafilatura.extract(html, url=url):
            empty += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"pages": len(pages), "seconds": elapsed, "pages_per_s": len(pages) / elapsed,
            "pages_per_cpu_s": len(pages) / cpu, "empty": empty}


def _loadavg() -> list[float]:
    try:
        return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000, help="article pages to generate")
    parser.add_argument("--skip-news-please", action="store_true")
    parser.add_argument("--news-please-python", type=Path,
                        default=NEWS_PLEASE_VENV / "bin" / "python",
                        help="python of the venv news-please is installed in")
    parser.add_argument("--ceiling-pages", type=int, default=None,
                        help="extract only this many pages for the ceiling (default: all)")
    parser.add_argument("--profile", choices=("cprofile", "py-spy"), default=None,
                        help="profile the phuxanh crawl process (slows it down)")
    parser.add_argument("--scrapy-set", action="append", default=[], metavar="NAME=VALUE",
                        help="experiment: override a crawlers/settings.py value in memory")
    parser.add_argument("--patch", action="append", default=[],
                        help="experiment: a code change from bench/crawlprobe.py")
    parser.add_argument("--parse-workers", type=int, default=None,
                        help="crawl.parse_workers for the phuxanh crawl (default: the "
                        "product's default, one per core beyond the first)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="work here and keep it (site, configs, logs, profiles)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="phuxanh-bench-crawl-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = _loadavg()
    print(f"work dir {work}; load average {load_before} on {os.cpu_count()} CPUs")
    port = free_port()
    started = time.perf_counter()
    site = build_site(args.articles, port, out_dir=work / "site")
    words = sorted(site.words)
    print(f"site: {len(site.article_paths)} articles ({site.on_topic} cite the directive), "
          f"{len(site.outlets)} outlets, words p50 {words[len(words) // 2]} "
          f"[{words[0]}-{words[-1]}], mean page {site.article_bytes / len(words) / 1024:.1f} "
          f"KiB, built in {time.perf_counter() - started:.1f} s")

    results: dict[str, object] = {}
    with MemoryServer(site, port) as server:
        fetch = server_throughput(server, site, work)
        print(f"server: {fetch['pages_per_s']:.0f} article pages/s "
              f"({fetch['mib_per_s']:.0f} MiB/s) to a 16-connection keep-alive client")

        what_if = [*(f"--set={v}" for v in args.scrapy_set),
                   *(f"--patch={v}" for v in args.patch)]
        phuxanh = run_phuxanh(site, server, work, args.profile, what_if, args.parse_workers)
        if phuxanh["returncode"] != 0 or not phuxanh["report"]:
            print(f"phuxanh crawl failed (exit {phuxanh['returncode']}); see "
                  f"{work / 'phuxanh.log'}")
        report = phuxanh["report"]
        assert isinstance(report, dict)
        wall = float(phuxanh["wall_s"])  # type: ignore[arg-type]
        pages_per_s = int(phuxanh["articles_fetched"]) / wall  # type: ignore[call-overload]
        items_per_s = int(phuxanh["items_stored"]) / wall  # type: ignore[call-overload]
        print(f"phuxanh: {phuxanh['articles_fetched']} articles fetched, "
              f"{phuxanh['items_stored']} stored, dropped {report.get('dropped')}, "
              f"{len(report.get('errors', []))} errors, in {wall:.1f} s -> "
              f"{pages_per_s:.1f} pages/s, {items_per_s:.1f} items/s "
              f"(first to last article served: {phuxanh['fetch_window_s']:.1f} s)")
        cpu = float(phuxanh["cpu_s"])  # type: ignore[arg-type]
        pages_per_cpu_s = int(phuxanh["articles_fetched"]) / cpu  # type: ignore[call-overload]
        print(f"phuxanh CPU: {cpu:.1f} s ({cpu / wall:.0%} of a core over the wall time) -> "
              f"{pages_per_cpu_s:.1f} pages per CPU-second")
        print(f"phuxanh memory: crawl process peak RSS {phuxanh['peak_rss_mb']} MB; with its "
              f"parser workers peak PSS {phuxanh['peak_tree_pss_mb']} MB, PSS at 25/50/75/100% "
              f"of the articles {phuxanh['rss_mb_at']} MB")

        np_pages_per_s = np_pages_per_cpu_s = None
        np_fetched = None
        if not args.skip_news_please:
            if not args.news_please_python.exists():
                print(f"news-please: skipped, no {args.news_please_python} "
                      "(python3 -m venv /tmp/np-venv && /tmp/np-venv/bin/pip install "
                      "news-please)")
            else:
                news = run_news_please(site, server, work, args.news_please_python)
                np_wall = float(news["wall_s"])  # type: ignore[arg-type]
                served = int(news["articles_served"])  # type: ignore[call-overload]
                print(f"news-please: exit {news['returncode']}, {served} article pages "
                      f"fetched, {news['json_files']} JSON articles written, in "
                      f"{np_wall:.1f} s; peak RSS of the main process "
                      f"{news['peak_rss_mb']} MB (log {work / 'news-please.log'})")
                if news["returncode"] == 0 and served:
                    np_pages_per_s = served / np_wall
                    np_fetched = served
                    np_cpu = float(news["cpu_s"])  # type: ignore[arg-type]
                    np_pages_per_cpu_s = served / np_cpu
                    print(f"news-please: {np_pages_per_s:.1f} pages/s; CPU {np_cpu:.1f} s "
                          f"(all its processes) -> {np_pages_per_cpu_s:.1f} pages per "
                          "CPU-second")
                results["news_please"] = {k: v for k, v in news.items() if k != "stdout"}

    ceiling = extraction_ceiling(site, args.ceiling_pages)
    print(f"ceiling: trafilatura.extract alone {ceiling['pages_per_s']:.1f} pages/s over "
          f"{ceiling['pages']} pages ({ceiling['empty']} empty), "
          f"{ceiling['pages_per_cpu_s']:.1f} pages per CPU-second")

    summary = {
        "benchmark": "crawl",
        "articles": args.articles,
        "pages_per_s": round(pages_per_s, 1),
        "items_per_s": round(items_per_s, 1),
        "articles_fetched": phuxanh["articles_fetched"],
        "items_stored": phuxanh["items_stored"],
        "articles_citing_directive": site.on_topic,  # what a correct crawl stores
        "wall_s": round(wall, 1),
        "peak_rss_mb": phuxanh["peak_rss_mb"],
        "rss_mb_at": phuxanh["rss_mb_at"],  # PSS of the process tree (the name is kept)
        "peak_tree_pss_mb": phuxanh["peak_tree_pss_mb"],
        "parse_workers": args.parse_workers,
        "news_please_pages_per_s": round(np_pages_per_s, 1) if np_pages_per_s else None,
        "news_please_pages_fetched": np_fetched,
        "ceiling_pages_per_s": round(ceiling["pages_per_s"], 1),
        "vs_news_please": round(pages_per_s / np_pages_per_s, 2) if np_pages_per_s else None,
        "vs_extraction_ceiling": round(pages_per_s / ceiling["pages_per_s"], 2),
        "server_pages_per_s": round(fetch["pages_per_s"], 1),
        # The machine is shared: per CPU-second figures are what other jobs disturb least.
        "pages_per_cpu_s": round(pages_per_cpu_s, 1),
        "news_please_pages_per_cpu_s": round(np_pages_per_cpu_s, 1) if np_pages_per_cpu_s
        else None,
        "ceiling_pages_per_cpu_s": round(ceiling["pages_per_cpu_s"], 1),
        "vs_news_please_cpu": round(pages_per_cpu_s / np_pages_per_cpu_s, 2)
        if np_pages_per_cpu_s else None,
        "vs_extraction_ceiling_cpu": round(pages_per_cpu_s / ceiling["pages_per_cpu_s"], 2),
        "load_average_before": load_before,
        "profile": args.profile,
        "what_if": what_if or None,  # not the shipped code when set
        "python": sys.version.split()[0],
    }
    results["phuxanh"] = {k: v for k, v in phuxanh.items() if k != "stdout"}
    results["ceiling"] = ceiling
    results["server"] = fetch
    results["summary"] = summary
    (work / "results.json").write_text(json.dumps(results, indent=1, default=str),
                                       encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
