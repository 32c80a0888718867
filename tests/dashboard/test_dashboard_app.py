"""The app without a browser: the index page, the overview callback called as a function and
over HTTP, error handling, and two apps living in one process."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from dashboard import ids
from dashboard.app import create_app, error_message
from dashboard.context import Services
from dashboard.data import DashboardData
from dashboard.i18n import translator
from dashboard.pages import overview
from phuxanh.errors import StoreError
from phuxanh.schema import VN_TZ

TOPIC = "chi-thi-57"
NOW = datetime(2025, 11, 20, 10, 0, tzinfo=VN_TZ)


def find(component: Any, component_id: str) -> Any:
    """The component with ``component_id`` in a Dash component tree (or None)."""
    if isinstance(component, list | tuple):
        for child in component:
            found = find(child, component_id)
            if found is not None:
                return found
        return None
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    return find(children, component_id) if children is not None else None


def text_of(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(text_of(child) for child in component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


def call_overview(client: Any, topic: str) -> dict[str, Any]:
    """POST the overview callback the way the browser does."""
    payload = {
        "output": f"..{ids.OVERVIEW_CONTENT}.children...{ids.OVERVIEW_PERIOD}.children..",
        "outputs": [
            {"id": ids.OVERVIEW_CONTENT, "property": "children"},
            {"id": ids.OVERVIEW_PERIOD, "property": "children"},
        ],
        "inputs": [{"id": ids.OVERVIEW_TOPIC, "property": "value", "value": topic},
                   # the other filters, as a browser sends them before anyone touches them
                   {"id": overview.OVERVIEW_PROVINCE, "property": "value", "value": ""},
                   {"id": overview.OVERVIEW_SOURCE_TYPE, "property": "value", "value": ""},
                   {"id": overview.OVERVIEW_DATES, "property": "start_date", "value": None},
                   {"id": overview.OVERVIEW_DATES, "property": "end_date", "value": None}],
        "changedPropIds": [f"{ids.OVERVIEW_TOPIC}.value"],
        "state": [],
    }
    client.get("/")  # the first request sets the app up
    # What Dash's renderer sends: the CSRF cookie echoed as a header (see dashboard/auth.py).
    token = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", json=payload,
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)


@pytest.fixture
def filled(store, make_item):
    day = NOW - timedelta(days=2)  # Tuesday of the current week
    store.upsert(
        [make_item(day, "positive", official=True) for _ in range(3)]
        + [make_item(day, "positive") for _ in range(1)]
        + [make_item(day - timedelta(weeks=3), "negative") for _ in range(2)]
        + [make_item(day - timedelta(weeks=5), "neutral") for _ in range(1996)]
    )
    return store


def services_for(config, store) -> Services:
    return Services(config, DashboardData(store, clock=lambda: NOW), translator("vi"))


def test_index_is_vietnamese_and_self_contained(config, store, logged_in) -> None:
    app = create_app(config, store)
    client = logged_in(app)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "<title>phuxanh – Giám sát dư luận</title>" in html
    # Offline: every script and stylesheet is served by this app, none from a CDN.
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert any("/assets/style.css" in url for url in urls)
    assert client.get("/health").status_code == 200


def test_overview_content_and_headline_numbers(config, filled) -> None:
    content, period = overview.update(TOPIC, services_for(config, filled))
    assert text_of(find(content, ids.OVERVIEW_KPI_TOTAL)) == "2.002"
    assert text_of(find(content, ids.OVERVIEW_KPI_POSITIVE)) == "0,2%"  # 4 of 2002
    assert text_of(find(content, ids.OVERVIEW_KPI_NEGATIVE)) == "0,1%"  # 2 of 2002
    # This week: 3 official positive, no negative.
    assert text_of(find(content, ids.OVERVIEW_KPI_COVERAGE)) == "100%"
    sentence = text_of(find(content, ids.OVERVIEW_COVERAGE_TEXT))
    assert sentence.startswith("Tuần 47 (17/11): 3 tin tích cực từ kênh chính thống")
    assert find(content, ids.OVERVIEW_EMPTY) is None
    graph = find(content, ids.OVERVIEW_VOLUME_GRAPH)
    assert len(graph.figure.data[0].x) == 12
    assert period.startswith("12 tuần gần nhất: 01/09/2025 – 23/11/2025")


def test_a_topic_with_nothing_in_the_window(config, filled) -> None:
    content, _ = overview.update("chuyen-doi-so", services_for(config, filled))
    assert text_of(find(content, ids.OVERVIEW_KPI_TOTAL)) == "0"
    assert "Không có bài viết nào" in text_of(find(content, ids.OVERVIEW_NO_ITEMS))
    assert find(content, ids.OVERVIEW_VOLUME_GRAPH) is not None  # zeros, not a blank page


def test_empty_store_says_what_to_do(config, store) -> None:
    content, _ = overview.update(TOPIC, services_for(config, store))
    empty = find(content, ids.OVERVIEW_EMPTY)
    assert "Chưa có dữ liệu. Chạy phuxanh crawl hoặc make demo." in text_of(empty)
    assert find(content, ids.OVERVIEW_VOLUME_GRAPH) is None


def test_callback_over_http(config, filled, logged_in) -> None:
    app = create_app(config, filled, clock=lambda: NOW)
    body = call_overview(logged_in(app), TOPIC)
    rendered = json.dumps(body["response"], ensure_ascii=False)
    assert "2.002" in rendered
    assert "Tuần 47 (17/11)" in rendered


class BrokenStore:
    """A store whose reads fail the way a locked or missing database does."""

    def count(self, *_args: Any, **_kwargs: Any) -> int:
        raise StoreError("var/phuxanh.db: cannot open the store (disk I/O error)")

    aggregate = count

    def audit(self, *_args: Any, **_kwargs: Any) -> None:
        """Writes still work (the audit log of the login): only reads fail."""


def test_a_failing_store_shows_a_readable_banner(config, logged_in) -> None:
    app = create_app(config, BrokenStore())  # type: ignore[arg-type]
    body = call_overview(logged_in(app), TOPIC)
    side = body["sideUpdate"]
    assert side[ids.ERROR_BANNER] == {"hidden": False}
    assert side[ids.ERROR_MESSAGE]["children"] == (
        "var/phuxanh.db: cannot open the store (disk I/O error)"
    )
    assert ids.OVERVIEW_CONTENT not in body.get("response", {})  # left as it was


def test_unexpected_errors_do_not_leak_details() -> None:
    message = error_message(KeyError("secret internals"), translator("vi"))
    assert "KeyError" in message
    assert "secret internals" not in message


def test_two_apps_in_one_process_keep_their_own_store(
    config, store, filled, tmp_path, logged_in
) -> None:
    from phuxanh.store.sqlite import SQLiteStore

    empty = SQLiteStore(tmp_path / "empty.db")
    try:
        full_app = create_app(config, filled, clock=lambda: NOW)
        empty_app = create_app(config, empty, clock=lambda: NOW)
        full = json.dumps(call_overview(logged_in(full_app), TOPIC), ensure_ascii=False)
        none = json.dumps(call_overview(logged_in(empty_app), TOPIC), ensure_ascii=False)
        assert "2.002" in full and ids.OVERVIEW_EMPTY not in full
        assert ids.OVERVIEW_EMPTY in none
    finally:
        empty.close()


def test_english(config, filled, logged_in) -> None:
    english = config.model_copy(
        update={"dashboard": config.dashboard.model_copy(update={"language": "en"})}
    )
    app = create_app(english, filled, clock=lambda: NOW)
    client = logged_in(app)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    rendered = json.dumps(call_overview(client, TOPIC)["response"], ensure_ascii=False)
    assert "2,002" in rendered and "Week 47 (17/11)" in rendered
