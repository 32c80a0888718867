"""The overview (Tổng quan) against a real SQLiteStore: filters wired into the store query,
spike alerts with their text and link, the phủ xanh index with trend and target, unique stories
vs copies, empty states, and the role check, all by calling the page's functions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import flask
import pytest
from dash import dcc, html

from dashboard import ids
from dashboard.app import create_app
from dashboard.context import Services
from dashboard.data import DashboardData, OverviewFilters, week_signals
from dashboard.figures import phu_xanh_figure, stories_figure
from dashboard.i18n import translator
from dashboard.pages import overview
from phuxanh.config import Source
from phuxanh.errors import PermissionDenied
from phuxanh.schema import VN_TZ, Misinformation
from phuxanh.store.base import AggregateRow
from phuxanh.users import UserStore

from .test_dashboard_app import find, text_of
from .test_dashboard_review import walk

NOW = datetime(2025, 11, 20, 10, 0, tzinfo=VN_TZ)  # a Thursday; its week starts 17/11
THIS_MONDAY = date(2025, 11, 17)
TOPIC = "chi-thi-57"


@pytest.fixture
def config(config):
    sources = [Source(key="baodanang", name="Báo Đà Nẵng", province="Đà Nẵng"),
               Source(key="baocantho", name="Báo Cần Thơ", province="Cần Thơ")]
    return config.model_copy(update={"sources": sources})


def services_for(config, store) -> Services:
    return Services(config, DashboardData(store, clock=lambda: NOW), translator("vi"))


def at(weeks_ago: int, day: int = 1) -> datetime:
    start = THIS_MONDAY - timedelta(weeks=weeks_ago) + timedelta(days=day)
    return datetime(start.year, start.month, start.day, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def spiking(store, make_item):
    """Eight quiet weeks then a week where negative items jump in Đà Nẵng; Cần Thơ has a tiny
    jump (3 of 4) that must not alert; Hà Nội (national sources) is steady."""
    items = []

    def add(n: int, when: datetime, sentiment: str, province: str | None, *,
            official: bool = False, misinfo: bool = False) -> None:
        for _ in range(n):
            item = make_item(when, sentiment, official=official)
            item.province = province
            if misinfo:
                item.misinformation = Misinformation(label="likely", score=0.8, model="test@1")
            items.append(item)

    for k in range(1, 9):
        add(18, at(k), "neutral", "Đà Nẵng")
        add(2, at(k), "negative", "Đà Nẵng")
        add(6, at(k), "positive", None, official=True)
        add(9, at(k, 2), "neutral", "Cần Thơ")
        add(1, at(k, 2), "negative", "Cần Thơ")
    add(15, at(0), "neutral", "Đà Nẵng")
    add(15, at(0), "negative", "Đà Nẵng")
    add(5, at(0), "negative", "Đà Nẵng", misinfo=True)  # negative and suspected: counted once
    add(6, at(0), "positive", None, official=True)
    add(1, at(0, 2), "neutral", "Cần Thơ")
    add(3, at(0, 2), "negative", "Cần Thơ")
    store.upsert(items)
    return store


def test_filters_reach_the_store_query(config, spiking, make_item) -> None:
    services = services_for(config, spiking)
    everything = services.data.overview_detail(OverviewFilters(topic=TOPIC), 12)
    latest = everything.signals[-1]
    assert (latest.total, latest.negative, latest.misinformation, latest.flagged) == (
        45, 23, 5, 23)
    assert latest.official_positive == 6
    assert set(everything.provinces) == {"Cần Thơ", "Đà Nẵng"}
    da_nang = services.data.overview_detail(OverviewFilters(topic=TOPIC, province="Đà Nẵng"),
                                            12)
    assert da_nang.signals[-1].total == 35 and da_nang.provinces == {}
    forum = services.data.overview_detail(
        OverviewFilters(topic=TOPIC, source_type="news"), 12)
    assert forum.signals[-1].total == 6  # make_item: official items are news, others forum
    # A date range: only the chosen days, in the weeks around them.
    ranged = services.data.overview_detail(OverviewFilters(
        topic=TOPIC, date_from=THIS_MONDAY - timedelta(days=6), date_to=THIS_MONDAY + timedelta(
            days=1)), 12)
    assert [w.week for w in ranged.signals] == [THIS_MONDAY - timedelta(weeks=1), THIS_MONDAY]
    assert ranged.signals[0].total == 36  # last week from its Tuesday: all of it
    assert ranged.signals[1].total == 41  # this Tuesday only: Cần Thơ's Wednesday is out
    other = services.data.overview_detail(OverviewFilters(topic="chuyen-doi-so"), 12)
    assert other.overview.total == 0


def test_the_window_of_a_date_range() -> None:
    today = date(2025, 11, 20)
    assert OverviewFilters().window(today, 12) == (date(2025, 9, 1), date(2025, 11, 23), 12)
    chosen = OverviewFilters(date_from=date(2025, 11, 5), date_to=date(2025, 10, 22))  # swapped
    assert chosen.window(today, 12) == (date(2025, 10, 20), date(2025, 11, 9), 3)
    only_start = OverviewFilters(date_from=date(2025, 11, 12))
    assert only_start.window(today, 12) == (date(2025, 11, 10), date(2025, 11, 23), 2)
    huge = OverviewFilters(date_from=date(2000, 1, 1), date_to=date(2025, 11, 20))
    start, end, count = huge.window(today, 12)
    assert count == 260 and (end - start).days == 7 * 260 - 1
    assert huge.item_filter(start, end).date_from == start  # clipped to the charted weeks


def test_alerts_say_what_rose_by_how_much_against_what_and_link_the_queue(config,
                                                                          spiking) -> None:
    content, _period = overview.update(TOPIC, services_for(config, spiking), can_review=True)
    alerts = find(content, overview.OVERVIEW_ALERTS)
    items = [c for c in walk(alerts) if isinstance(c, html.Li)]
    texts = [text_of(item) for item in items]
    da_nang = next(text for text in texts if text.startswith("Tỉ lệ tin tiêu cực · Đà Nẵng"))
    # 20 of 35 negative this week against 16 of 160 (10%) over the eight weeks before.
    assert ("Tuần 47 (17/11) tại Đà Nẵng: 57,1% (20/35 tin), tăng 47,1 điểm % so với mức nền "
            "10,0% (16/160 tin trong 8 tuần trước).") in da_nang
    assert not any("Cần Thơ" in text for text in texts)  # 3 of 4: too few to alert
    links = [c for c in walk(alerts) if isinstance(c, dcc.Link)]
    assert links and all(link.href.startswith("/review?") for link in links)
    by_scope = {parse_qs(urlsplit(link.href).query).get("province", [""])[0]:
                parse_qs(urlsplit(link.href).query) for link in links}
    assert by_scope["Đà Nẵng"]["flag"] in (["negative"], ["misinfo"])
    assert by_scope["Đà Nẵng"]["topic"] == [TOPIC]
    # A viewer sees the alert but no link to a queue they cannot open.
    content, _period = overview.update(TOPIC, services_for(config, spiking))
    assert not [c for c in walk(find(content, overview.OVERVIEW_ALERTS))
                if isinstance(c, dcc.Link)]


def test_no_alert_says_why(config, store, make_item) -> None:
    store.upsert([make_item(at(0), "negative") for _ in range(3)])
    content, _period = overview.update(TOPIC, services_for(config, store))
    calm = text_of(find(content, overview.OVERVIEW_ALERTS))
    assert "Chưa đủ dữ liệu các tuần trước để so sánh" in calm
    assert "phuxanh crawl" in calm
    steady = [make_item(at(k), "negative" if i < 3 else "neutral")
              for k in range(0, 6) for i in range(20)]
    store.upsert(steady)
    content, _period = overview.update(TOPIC, services_for(config, store))
    calm = text_of(find(content, overview.OVERVIEW_ALERTS))
    assert calm.startswith("Cảnh báo tăng đột biếnKhông có tăng đột biến.")
    assert "tỉ lệ tin tiêu cực 26,1% (mức nền 15,0%)" in calm  # 6 of 23 vs 15 of 100


def test_the_index_with_trend_and_target(config, spiking) -> None:
    services = services_for(config, spiking)
    content, _period = overview.update(TOPIC, services)
    graph = find(content, overview.OVERVIEW_INDEX_GRAPH)
    traces = {trace.meta: trace for trace in graph.figure.data}
    assert set(traces) == {"index", "trend", "target"}
    index = list(traces["index"].y)
    assert index[-1] == pytest.approx(6 / (6 + 23))
    assert index[-2] == pytest.approx(6 / (6 + 3))
    assert index[0] is None  # twelve weeks back: nothing to compute from
    assert list(traces["target"].y) == [0.6] * 12  # dashboard.phu_xanh_target
    sentence = text_of(find(content, overview.OVERVIEW_INDEX_TEXT))
    assert sentence.startswith("Tuần 47 (17/11): chỉ số phủ xanh 21%, chưa đạt mục tiêu 60%.")
    assert "Xu hướng: " in sentence
    assert text_of(find(content, ids.OVERVIEW_KPI_COVERAGE)) == "21%"


def test_unique_stories_against_copies(config, store, make_item) -> None:
    items = [make_item(at(0), "neutral") for _ in range(5)]
    store.upsert(items)
    store.save_cluster(items[0].id, None, [], "c1", is_original=True)
    for copy in items[1:4]:
        store.save_cluster(copy.id, None, [], "c1", is_original=False)
    content, _period = overview.update(TOPIC, services_for(config, store))
    graph = find(content, overview.OVERVIEW_STORIES_GRAPH)
    traces = {trace.meta: list(trace.y) for trace in graph.figure.data}
    assert traces["total"][-1] == 5 and traces["originals"][-1] == 2
    assert text_of(find(content, overview.OVERVIEW_STORIES_TEXT)).startswith(
        "5 bài trong kỳ, thuộc 2 câu chuyện gốc (3 bản sao/đăng lại")


def test_filters_that_match_nothing_say_what_to_do(config, spiking) -> None:
    content, period = overview.update(TOPIC, services_for(config, spiking),
                                      province="Cần Thơ", source_type="video",
                                      start_date="2025-11-01", end_date="2025-11-20")
    assert "Hãy bỏ bớt bộ lọc" in text_of(find(content, ids.OVERVIEW_NO_ITEMS))
    assert period.startswith("Từ 01/11/2025 đến 20/11/2025")
    assert find(content, ids.OVERVIEW_VOLUME_GRAPH) is not None


def test_empty_store_says_what_to_do(config, store) -> None:
    content, _period = overview.update(TOPIC, services_for(config, store))
    assert "Chạy phuxanh crawl" in text_of(find(content, ids.OVERVIEW_EMPTY))
    assert find(content, overview.OVERVIEW_ALERTS) is None


def test_filter_values_from_the_controls() -> None:
    chosen = overview.filters_from("chi-thi-57", "Đà Nẵng", "bogus", "2025-11-03T00:00:00",
                                   "not a date")
    assert chosen == OverviewFilters(topic="chi-thi-57", province="Đà Nẵng",
                                     date_from=date(2025, 11, 3))
    assert overview.filters_from("", "", "", None, None) == OverviewFilters()


def test_the_layout_offers_the_configured_provinces(config, store) -> None:
    app = create_app(config, store, testing=True)
    viewer = UserStore.for_config(config).add_user("xem", "mat-khau-nguoi-xem", "viewer")
    with app.server.test_request_context("/"):
        flask.g.phuxanh_user = viewer
        page = overview.layout()
    dropdown = find(page, overview.OVERVIEW_PROVINCE)
    assert [o["value"] for o in dropdown.options] == ["", "Cần Thơ", "Đà Nẵng"]
    assert find(page, overview.OVERVIEW_DATES).display_format == "DD/MM/YYYY"


def test_the_callback_checks_the_role(config, spiking) -> None:
    app = create_app(config, spiking, clock=lambda: NOW, testing=True)
    callback = next(value["callback"] for key, value in app.callback_map.items()
                    if ids.OVERVIEW_CONTENT in key)
    users = UserStore.for_config(config)
    reviewer = users.add_user("duyet", "mat-khau-nguoi-duyet", "reviewer")
    with app.server.test_request_context("/"):
        flask.g.phuxanh_user = None
        with pytest.raises(PermissionDenied):
            callback.__wrapped__(TOPIC, "", "", None, None)
        flask.g.phuxanh_user = reviewer
        content, _period = callback.__wrapped__(TOPIC, "", "", None, None)
    # a reviewer's alerts link to the queue
    assert [c for c in walk(content) if isinstance(c, dcc.Link)]


def test_figure_builders_as_functions() -> None:
    t = translator("vi")
    rows = [AggregateRow(THIS_MONDAY, {"sentiment": "positive", "official": True,
                                       "is_original": True}, 4),
            AggregateRow(THIS_MONDAY, {"sentiment": "negative", "misinformation": "likely",
                                       "is_original": False}, 2)]
    signals = week_signals(rows, THIS_MONDAY - timedelta(weeks=1), 2)
    assert [s.total for s in signals] == [0, 6] and signals[1].copies == 2
    figure = phu_xanh_figure(signals, 0.75, None, t)
    assert [trace.meta for trace in figure.data] == ["index", "target"]
    assert list(figure.data[0].y) == [None, pytest.approx(4 / 6)]
    assert figure.layout.yaxis.tickformat == ".0%"
    assert list(figure.data[0].x) == ["Tuần 46 (10/11)", "Tuần 47 (17/11)"]
    stories = stories_figure(signals, t)
    assert [list(trace.y) for trace in stories.data] == [[0, 6], [0, 4]]
    assert translator("en")("figure.stories.originals") == "Unique stories"
