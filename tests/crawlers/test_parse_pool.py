"""Article pages parsed in worker processes (crawlers/parse_pool.py): the same result as in
the crawl process, failures reported by reason, and a worker that dies costs no page."""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from crawlers import parse_pool
from crawlers.extract.article import extract_article
from crawlers.extract.encoding import decode_html
from crawlers.extract.item import build_item
from crawlers.parse_pool import (
    PageJob,
    ParsedPage,
    ParseFailure,
    ParsePool,
    auto_workers,
    parse_page,
)
from phuxanh.config import Source
from phuxanh.schema import VN_TZ

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
FETCHED = datetime(2026, 3, 20, 9, 0, tzinfo=VN_TZ)
PAGES = sorted(path for path in FIXTURES.glob("*_article*.html"))
SOURCE = Source(key="bao", name="Báo Thử", official=True, province="Lào Cai")


def job(path: Path, **changes: object) -> PageJob:
    fields: dict[str, object] = {
        "body": path.read_bytes(), "content_type": "text/html", "max_bytes": 8_000_000,
        "url": f"https://example.vn/{path.stem}.html", "fetched_at": FETCHED,
        "source": SOURCE,
    }
    fields.update(changes)
    return PageJob(**fields)  # type: ignore[arg-type]


def run_all(pool: ParsePool, jobs: list[PageJob]) -> list[ParsedPage | ParseFailure]:
    async def gather() -> list[ParsedPage | ParseFailure]:
        return list(await asyncio.gather(*(pool.parse(one) for one in jobs)))

    try:
        return asyncio.run(gather())
    finally:
        pool.close()


def test_parse_page_is_decode_extract_and_build() -> None:
    page = FIXTURES / "baolaocai_article_undecoded_gzip.html"
    url = "https://example.vn/a.html"
    article = extract_article(decode_html(page.read_bytes(), "text/html", url), url, FETCHED)
    parsed = parse_page(job(page, url=url))
    assert isinstance(parsed, ParsedPage)
    assert parsed.item == build_item(article, SOURCE, url, FETCHED)
    assert (parsed.item.outlet, parsed.item.official) == ("Báo Thử", True)
    assert (parsed.date_notes, parsed.date_rejections) == (
        article.date_notes, article.date_rejections)


def test_pages_that_hold_no_article_say_why() -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000)
    failure = parse_page(PageJob(bomb, "text/html", "https://x.vn/bom.html", FETCHED, SOURCE,
                                 1_000_000))
    assert isinstance(failure, ParseFailure) and failure.reason == "undecodable"
    assert "https://x.vn/bom.html" in failure.detail
    empty = parse_page(PageJob(b"<html><body><nav>Trang chu</nav></body></html>",
                               "text/html", "https://x.vn/trong.html", FETCHED, SOURCE,
                               1_000_000))
    assert isinstance(empty, ParseFailure) and empty.reason == "no_text"


def test_workers_give_what_the_crawl_process_gives() -> None:
    assert len(PAGES) >= 8
    jobs = [job(path) for path in PAGES]
    in_process = run_all(ParsePool(0), jobs)
    in_workers = run_all(ParsePool(2), jobs)
    assert in_workers == in_process
    assert all(isinstance(result, ParsedPage) for result in in_process)


def test_the_default_is_a_worker_per_core_when_there_are_several() -> None:
    assert [auto_workers(cores) for cores in (1, 2, 3, 8, 64)] == [0, 2, 3, 4, 4]
    with pytest.raises(ValueError, match="-1"):
        ParsePool(-1)


def _as_parse_page(function: Callable[[PageJob], ParsedPage | ParseFailure]
                   ) -> Callable[[PageJob], ParsedPage | ParseFailure]:
    # Jobs are sent by reference to crawlers.parse_pool.parse_page; the forked workers see the
    # patched module, so naming the stand-in that way makes them run it.
    function.__module__, function.__qualname__ = parse_pool.__name__, "parse_page"
    return function


def test_a_worker_that_dies_costs_no_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                                          ) -> None:
    marker = tmp_path / "died-once"
    real = parse_page

    @_as_parse_page
    def dies_on_first_sight(one: PageJob) -> ParsedPage | ParseFailure:
        if "dantri" in one.url and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(one)

    monkeypatch.setattr(parse_pool, "parse_page", dies_on_first_sight)
    pool = ParsePool(1)
    pool.start()  # forked after the patch
    results = run_all(pool, [job(path) for path in PAGES])
    assert marker.exists() and pool.restarts >= 1
    assert all(isinstance(result, ParsedPage) for result in results), results


def test_a_page_that_kills_every_worker_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = parse_page

    @_as_parse_page
    def always_dies_on_dantri(one: PageJob) -> ParsedPage | ParseFailure:
        if "dantri" in one.url:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(one)

    monkeypatch.setattr(parse_pool, "parse_page", always_dies_on_dantri)
    pool = ParsePool(1)
    pool.start()
    dantri = next(path for path in PAGES if "dantri" in path.name)
    (result,) = run_all(pool, [job(dantri)])
    assert isinstance(result, ParseFailure) and result.reason == "parser_crashed"
    # the pool works again afterwards
    monkeypatch.setattr(parse_pool, "parse_page", real)
    other = next(path for path in PAGES if "dantri" not in path.name)
    (again,) = run_all(ParsePool(1), [job(other)])
    assert isinstance(again, ParsedPage)


def test_a_bug_in_the_parser_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    @_as_parse_page
    def broken(one: PageJob) -> ParsedPage | ParseFailure:
        raise RuntimeError(f"bug while parsing {one.url}")

    monkeypatch.setattr(parse_pool, "parse_page", broken)
    pool = ParsePool(1)
    pool.start()
    with pytest.raises(RuntimeError, match="bug while parsing"):
        run_all(pool, [job(PAGES[0])])


def test_feeds_parse_in_a_worker_as_here_and_their_errors_come_back() -> None:
    from crawlers.extract.feed import parse_feed
    from phuxanh.errors import InputError

    feeds = [feed for feed in sorted((FIXTURES.parent / "feeds").glob("*.*"))
             if feed.suffix in {".rss", ".xml"} and "broken" not in feed.name]
    assert len(feeds) >= 4
    url = "https://example.vn/rss"

    async def both(pool: ParsePool) -> list[object]:
        return [await pool.call(parse_feed, feed.read_bytes(), url) for feed in feeds]

    pool = ParsePool(1)
    try:
        assert asyncio.run(both(pool)) == asyncio.run(both(ParsePool(0)))
        with pytest.raises(InputError, match=r"https://example\.vn/hong: not a readable"):
            asyncio.run(pool.call(parse_feed, b"<html>not a feed</html>",
                                  "https://example.vn/hong"))
    finally:
        pool.close()
