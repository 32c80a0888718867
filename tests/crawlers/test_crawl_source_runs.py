from __future__ import annotations

from datetime import datetime

from crawlers.run import report_from_stats, source_runs
from phuxanh.schema import VN_TZ
from phuxanh.store.base import SourceRun

START = datetime(2026, 3, 15, 8, 0, tzinfo=VN_TZ)
END = datetime(2026, 3, 15, 8, 5, tzinfo=VN_TZ)


def test_one_run_per_source_from_the_per_source_counters() -> None:
    stats = {
        "phuxanh/source/a/feeds": 2, "phuxanh/source/a/articles": 5,
        "phuxanh/source/a/requested": 6, "phuxanh/source/a/new": 3,
        "phuxanh/source/a/dropped": 1, "phuxanh/source/a/errors": 1,
        "phuxanh/source/b/sitemaps": 1, "phuxanh/source/b/not_modified": 1,
        "phuxanh/source/c/errors": 2,
        "phuxanh/source/other/feeds": 9,  # not crawled this time: no run
    }
    runs = source_runs(stats, ["a", "b", "c", "d"], START, END,
                       {"c": "https://c.vn/rss: feed_http_500"})
    assert runs == [
        SourceRun("a", START, END, fetched=7, new=3, not_modified=0, dropped=1, errors=1),
        SourceRun("b", START, END, fetched=1, new=0, not_modified=1),
        SourceRun("c", START, END, errors=2, error_sample="https://c.vn/rss: feed_http_500"),
        SourceRun("d", START, END),  # nothing at all: a silent source
    ]
    assert runs[2].failed and not runs[0].failed and not runs[1].failed


def test_report_has_not_modified_and_refused_dates() -> None:
    report = report_from_stats({
        "phuxanh/not_modified": 3, "phuxanh/dropped_date/future": 2,
        "phuxanh/dropped/http_404": 1,
    }, [])
    assert report.not_modified == 3
    assert report.dropped_dates == {"future": 2}
    assert report.dropped == {"http_404": 1}
