"""The sources page (Nguồn): :func:`sources_view` called directly against a real SQLiteStore
with recorded crawl runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dash import html

from dashboard import ids
from dashboard.context import Services
from dashboard.data import DashboardData
from dashboard.i18n import translator
from dashboard.pages import sources
from phuxanh.config import Source
from phuxanh.schema import VN_TZ
from phuxanh.store.base import SourceRun

from .test_dashboard_review import walk

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def configured(config):
    config.sources = [
        Source(key="baochinhphu", name="Báo Chính phủ", official=True,
               feeds=["https://baochinhphu.vn/rss.xml"], sitemaps=["https://baochinhphu.vn/s.xml"]),
        Source(key="aaa-ok", name="A Báo tốt", province="Hà Nội",
               feeds=["https://a.example.vn/rss"]),
        Source(key="im-lang", name="Báo im lặng", type="forum",
               search_query="chỉ thị 57"),
        Source(key="moi", name="Nguồn mới", enabled=False,
               listings=["https://m.example.vn/c"], link_pattern="/bai-"),
    ]
    return config


@pytest.fixture
def services(configured, store) -> Services:
    return Services(config=configured, data=DashboardData(store, clock=lambda: NOW),
                    t=translator("vi"))


def run(source: str, days_ago: float, *, new: int = 0, fetched: int = 1, errors: int = 0,
        error: str = "") -> SourceRun:
    at = NOW - timedelta(days=days_ago)
    return SourceRun(source=source, started_at=at - timedelta(minutes=1), finished_at=at,
                     fetched=fetched, new=new, errors=errors, error_sample=error)


def rows_of(page) -> list:
    return [c for c in walk(page) if isinstance(c, html.Tr) and
            getattr(c, "data-source", None) is not None]


def cells(row) -> list[str]:
    return ["".join(x for x in walk(td) if isinstance(x, str))
            for td in row.children if isinstance(td, html.Td)]


def test_a_failing_source_comes_first(services, store) -> None:
    store.record_source_runs([
        run("aaa-ok", 2, new=3), run("aaa-ok", 0.1, new=1),
        run("baochinhphu", 3, new=5),
        run("baochinhphu", 1, fetched=0, errors=1, error="HTTP 503 tại /rss.xml"),
        run("baochinhphu", 0.2, fetched=0, errors=2, error="HTTP 503 tại /rss.xml <b>"),
        run("im-lang", 10, new=2), run("im-lang", 0.5, new=0),
        run("da-xoa", 30, new=1),
    ])
    page = sources.sources_view(services)
    rows = rows_of(page)
    order = [getattr(row, "data-source") for row in rows]
    assert order == ["baochinhphu", "da-xoa", "im-lang", "aaa-ok", "moi"]  # most silent first
    assert [row.className for row in rows] == ["problem", "problem", "problem", None, None]
    failing = cells(rows[0])
    assert failing[0] == "Báo Chính phủbaochinhphu"
    assert failing[1:6] == ["Báo điện tử", "Có", "Toàn quốc", "Có", "1 RSS, 1 sitemap"]
    assert failing[6] == "3" and failing[10] == "2"  # runs, errors in a row
    assert failing[8] == (NOW - timedelta(days=3)).strftime("%d/%m/%Y %H:%M")  # last success
    assert failing[12] == "HTTP 503 tại /rss.xml <b>"  # a plain string, never HTML
    silent = cells(rows[2])
    assert silent[5] == "tìm kiếm tin tổng hợp" and silent[11] == "10"
    never = cells(rows[4])
    assert never[4] == "Không" and never[6] == "0" and never[7] == "chưa có"
    assert "không còn trong cấu hình" in cells(rows[1])[0]
    summary = [c for c in walk(page) if getattr(c, "id", None) == ids.SOURCES_SUMMARY]
    assert summary[0].children == "3/5 nguồn cần kiểm tra."


def test_no_source_at_all(config, store) -> None:
    services = Services(config=config, data=DashboardData(store, clock=lambda: NOW),
                        t=translator("vi"))
    page = sources.sources_view(services)
    empty = [c for c in walk(page) if getattr(c, "id", None) == ids.SOURCES_EMPTY]
    assert empty and "config/sources.yaml" in empty[0].children


def test_all_fine(services, store) -> None:
    store.record_source_runs([run(key, 0.1, new=1) for key in
                              ("baochinhphu", "aaa-ok", "im-lang", "moi")])
    page = sources.sources_view(services)
    assert not [row for row in rows_of(page) if row.className]
    summary = [c for c in walk(page) if getattr(c, "id", None) == ids.SOURCES_SUMMARY]
    assert summary[0].children == "Cả 4 nguồn đều hoạt động bình thường."
