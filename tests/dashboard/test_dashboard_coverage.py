"""Đưa tin (coverage by outlet): the data function against a real SQLiteStore, the press
restriction, the view, the chart, the exports (and their audit entries), the targets config.
Callbacks are called as functions inside a request with a logged-in user."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import flask
import pytest
from openpyxl import load_workbook

from dashboard.app import create_app
from dashboard.context import Services
from dashboard.data import DashboardData, coverage, visible_sources
from dashboard.figures import TARGET_COLORS, outlet_target_figure, target_status
from dashboard.i18n import translator
from dashboard.pages import coverage as page
from phuxanh.config import Source, load_config
from phuxanh.errors import PermissionDenied
from phuxanh.schema import VN_TZ, DateSource, Item, Sentiment, url_item_id
from phuxanh.users import User

from .test_dashboard_app import find, text_of

TOPIC, OTHER_TOPIC = "chi-thi-57", "chuyen-doi-so"
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=VN_TZ)  # Wednesday of 2026-W13
THIS_MONDAY = date(2026, 3, 23)


def user(role: str, outlets: tuple[str, ...] = (), name: str = "lan") -> User:
    return User(username=name, role=role, outlets=outlets, disabled=False, failed_count=0,
                locked_until=None, created_at=NOW, last_login=None)


def article(source: str, weeks_ago: int, n: int, *, topics: tuple[str, ...] = (TOPIC,),
            sentiment: str = "positive", official: bool = True, dated: bool = True) -> Item:
    day = THIS_MONDAY - timedelta(weeks=weeks_ago) + timedelta(days=1)
    at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=VN_TZ)
    url = f"https://{source}.example.vn/{weeks_ago}-{n}-{'-'.join(topics)}.html"
    return Item(id=url_item_id(url), url=url, canonical_url=url, source=source,
                outlet=source.upper(), official=official, title=f"Bài {n}", text="Chỉ thị 57",
                published_at=at, fetched_at=at, topics=list(topics),
                date_source=DateSource.PAGE_METADATA if dated else DateSource.CRAWL_TIME,
                sentiment=Sentiment(label=sentiment, score=0.9, model="test@1"))


SOURCES = [
    Source(key="baochinhphu", name="Báo Chính phủ", official=True, weekly_target=3),
    Source(key="nhandan", name="Nhân Dân", official=True, weekly_target={TOPIC: 2}),
    Source(key="baoquangninh", name="Báo Quảng Ninh", official=True, weekly_target=1),
    Source(key="diendan", name="Diễn đàn mẫu", type="forum"),
    Source(key="tat", name="Nguồn đã tắt", enabled=False, weekly_target=5),
]


@pytest.fixture
def filled(config, store):
    """Weeks ago -> items: baochinhphu 3,3,2,1 (+ one this week); nhandan 2 a week until it
    went quiet last week; baoquangninh nothing ever; diendan 1 two weeks ago; an unconfigured
    source 'la' 4 last week. Off-window, undated and other-topic items must not count."""
    config.sources = list(SOURCES)
    items = []
    for weeks_ago, count in ((0, 1), (1, 3), (2, 3), (3, 2), (4, 1)):
        items += [article("baochinhphu", weeks_ago, n) for n in range(count)]
    for weeks_ago in (2, 3, 4):
        items += [article("nhandan", weeks_ago, n) for n in range(2)]
    items.append(article("diendan", 2, 0, sentiment="negative", official=False))
    items += [article("la", 1, n, official=False) for n in range(4)]
    items.append(article("baochinhphu", 9, 0))  # before an 8-week window
    items.append(article("baochinhphu", 1, 99, dated=False))  # dated only by crawl time
    items.append(article("baochinhphu", 1, 98, topics=(OTHER_TOPIC,)))
    store.upsert(items)
    return config


@pytest.fixture
def services(filled, store) -> Services:
    return Services(config=filled, data=DashboardData(store, clock=lambda: NOW),
                    t=translator("vi"))


def rows_by_key(cov) -> dict[str, tuple[int, ...]]:
    return {row.source: row.counts for row in cov.rows}


def test_counts_per_outlet_per_week_with_targets(services) -> None:
    cov = coverage(services.data, services.config.sources, TOPIC, 5, None)
    assert cov.weeks[0] == THIS_MONDAY - timedelta(weeks=4) and cov.weeks[-1] == THIS_MONDAY
    assert cov.complete == 4 and cov.current_week_running and cov.latest_complete == 3
    assert rows_by_key(cov) == {
        "baochinhphu": (1, 2, 3, 3, 1),
        "nhandan": (2, 2, 2, 0, 0),
        "baoquangninh": (0, 0, 0, 0, 0),
        "diendan": (0, 0, 1, 0, 0),
        "la": (0, 0, 0, 4, 0),  # not configured, but it published: listed under its key
    }  # the disabled source with nothing stored is left out
    targets = {row.source: row.target for row in cov.rows}
    assert targets == {"baochinhphu": 3, "nhandan": 2, "baoquangninh": 1, "diendan": None,
                       "la": None}
    # Outlets with a target first, official first, then by name.
    assert [row.source for row in cov.rows][:3] == ["baochinhphu", "baoquangninh", "nhandan"]
    # nhandan and diendan covered the topic and stopped; baoquangninh never did but has a
    # target; "la" published last week; baochinhphu is fine.
    assert {row.source for row in cov.silent} == {"nhandan", "baoquangninh", "diendan"}
    # A per-topic target does not apply to another topic.
    other = coverage(services.data, services.config.sources, OTHER_TOPIC, 5, None)
    assert {row.source: row.target for row in other.rows}["nhandan"] is None
    assert rows_by_key(other)["baochinhphu"] == (0, 0, 0, 1, 0)


def test_a_past_window_is_complete_and_silence_needs_the_latest_weeks(services) -> None:
    cov = coverage(services.data, services.config.sources, TOPIC, 3, None,
                   end_week=THIS_MONDAY - timedelta(weeks=2))
    assert cov.complete == 3 and not cov.current_week_running
    assert rows_by_key(cov)["nhandan"] == (2, 2, 2)
    assert {row.source for row in cov.silent} == {"baoquangninh"}
    two = coverage(services.data, services.config.sources, TOPIC, 5, None, silent_weeks=2)
    assert {row.source for row in two.silent} == {"baoquangninh"}  # nhandan: only 1 quiet week


def test_a_press_user_sees_only_their_outlets(services) -> None:
    press = user("press", ("nhandan", "la"))
    assert visible_sources(press) == ("nhandan", "la")
    assert visible_sources(user("viewer")) is None
    assert visible_sources(user("admin")) is None
    with pytest.raises(PermissionDenied):
        visible_sources(None)
    cov = page.load(press, TOPIC, 4, services)
    assert cov.restricted
    assert rows_by_key(cov) == {"nhandan": (2, 2, 0, 0), "la": (0, 0, 4, 0)}
    assert len(page.load(press, TOPIC, 5, services).weeks) == page.DEFAULT_WEEKS  # not offered
    nobody = page.load(user("press", ()), TOPIC, 4, services)
    assert nobody.rows == ()
    content, _period = page.update(user("press", ()), TOPIC, 4, services)
    assert find(content, "coverage-empty") is not None
    assert "chưa được gán đơn vị" in text_of(content)


def test_the_view_marks_each_week_and_the_silent_outlets(services) -> None:
    content, period = page.update(user("viewer"), TOPIC, 4, services)
    assert period.startswith("4 tuần gần nhất: 02/03/2026 – 29/03/2026")
    silent = find(content, "coverage-silent")
    assert "3 đơn vị im lặng" in text_of(silent)
    assert "Nhân Dân" in text_of(silent) and "Báo Quảng Ninh" in text_of(silent)
    table = find(content, "coverage-table")
    header = [text_of(th) for th in table.children[0].children.children]
    assert header[2] == "Tuần 10 (02/03)" and header[-3] == "Tuần 13 (23/03) (đang diễn ra)"
    rows = {getattr(tr, "data-source"): tr for tr in table.children[1].children}
    cells = rows["baochinhphu"].children
    assert [cell.className for cell in cells[2:6]] == [
        "num cov-under", "num cov-met", "num cov-met", "num cov-running"]
    assert [text_of(cell) for cell in cells[2:6]] == ["2", "3", "3", "1"]
    assert text_of(cells[-1]) == "Đạt chỉ tiêu"
    assert rows["nhandan"].className == "problem" and text_of(rows["nhandan"].children[-1]) == \
        "Im lặng"
    assert rows["nhandan"].children[4].className == "num cov-zero"
    assert rows["diendan"].children[4].className == "num cov-none"
    assert rows["baochinhphu"].children[3].title == "Đạt chỉ tiêu"
    graph = find(content, "coverage-graph")
    bars = graph.figure.data[0]
    assert list(bars.x) == [3, 0, 0, 0, 4]  # the latest complete week, table order


def test_outlet_target_figure() -> None:
    t = translator("vi")
    figure = outlet_target_figure(["A", "B", "C", "D"], [5, 1, 0, 2], [3, 3, 2, None],
                                  "Tuần 12 (16/03)", t)
    bars, targets = figure.data
    assert bars.orientation == "h" and list(bars.y) == ["A", "B", "C", "D"]
    assert list(bars.marker.color) == [TARGET_COLORS[s] for s in ("met", "under", "zero",
                                                                  "none")]
    assert list(bars.customdata) == ["Đạt chỉ tiêu", "Dưới chỉ tiêu", "Không có bài",
                                     "Không giao chỉ tiêu"]
    assert list(targets.y) == ["A", "B", "C"] and list(targets.x) == [3, 3, 2]
    assert figure.layout.yaxis.autorange == "reversed"
    assert bars.name == "Số bài Tuần 12 (16/03)"
    no_targets = outlet_target_figure(["A"], [0], [None], "x", t)
    assert len(no_targets.data) == 1 and list(no_targets.layout.xaxis.range) == [0, 1]
    assert target_status(0, None) == "none" and target_status(0, 0) == "met"


def test_csv_and_xlsx_exports_are_audited(services, store) -> None:
    sent = page.export("csv", user("viewer", name="lan"), TOPIC, 4, services)
    assert sent["filename"] == "phuxanh-dua-tin-chi-thi-57-20260323.csv"
    raw = base64.b64decode(sent["content"])
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Đơn vị", "Mã nguồn", "Chính thống", "Chỉ tiêu/tuần"]
    by_key = {row[1]: row for row in rows[1:]}
    assert by_key["baochinhphu"][3:9] == ["3", "2", "3", "3", "1", "9"]
    assert by_key["nhandan"][-1] == "Có" and by_key["diendan"][3] == ""

    press = user("press", ("nhandan",), name="bao")
    sent = page.export("xlsx", press, TOPIC, 4, services)
    book = load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "Đưa tin"
    assert [row[1] for row in values[1:]] == ["nhandan"]  # only the press user's outlet
    assert values[1][3:9] == [2, 2, 2, 0, 0, 4]  # target, four weeks, total
    assert sheet.cell(row=2, column=7).fill.fgColor.rgb.endswith("FFEBEE")  # zero: red

    exports = store.audit_log(limit=10, action="export")
    assert [(e.actor, e.target) for e in exports] == [
        ("bao", "phuxanh-dua-tin-chi-thi-57-20260323.xlsx"),
        ("lan", "phuxanh-dua-tin-chi-thi-57-20260323.csv")]
    assert exports[0].details["outlets"] == ["nhandan"] and exports[0].details["restricted"]
    assert exports[1].details["format"] == "csv" and not exports[1].details["restricted"]


def test_callbacks_run_for_the_logged_in_user(filled, store) -> None:
    app = create_app(filled, store, clock=lambda: NOW, testing=True)
    with app.server.test_request_context("/coverage"):
        flask.g.phuxanh_user = user("press", ("la",), name="bao")
        content, _period = page.on_change(TOPIC, 4)
        table = find(content, "coverage-table")
        assert [getattr(tr, "data-source") for tr in table.children[1].children] == ["la"]
        flask.g.phuxanh_user = user("viewer")
        sent = page.on_xlsx(1, TOPIC, 4)
        assert sent["filename"].endswith(".xlsx")
    with app.server.test_request_context("/coverage"), pytest.raises(PermissionDenied):
        page.on_change(TOPIC, 4)  # nobody logged in


def test_the_page_is_in_the_nav(filled, store, logged_in) -> None:
    app = create_app(filled, store, testing=True)
    client = logged_in(app)
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert page.NAV in layout and "Đưa tin" in layout and "Báo cáo tuần" in layout


def test_weekly_targets_in_config(tmp_path: Path) -> None:
    assert Source(key="a", name="A", weekly_target=3).target_for("x") == 3
    assert Source(key="a", name="A", weekly_target={"x": 2}).target_for("x") == 2
    assert Source(key="a", name="A", weekly_target={"x": 2}).target_for("y") is None
    assert Source(key="a", name="A").target_for("x") is None
    with pytest.raises(ValueError, match="0 or more"):
        Source(key="a", name="A", weekly_target=-1)
    shipped = load_config()  # config/sources.yaml sets examples for the official channels
    targets = {source.key: source.target_for("chi-thi-57") for source in shipped.sources}
    assert targets["baochinhphu"] and targets["nhandan"]
    assert targets["bbc-vietnamese"] is None
