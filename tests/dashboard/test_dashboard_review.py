"""The review queue (Hàng chờ duyệt): its functions called directly against a real SQLiteStore,
the role check, the highlighting, and one run in a real headless Chromium."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import flask
import pytest
from dash import html

from dashboard import ids
from dashboard.app import create_app
from dashboard.context import Services
from dashboard.data import DashboardData, load_narratives, queue_filter
from dashboard.i18n import translator
from dashboard.pages import review
from phuxanh.errors import PermissionDenied
from phuxanh.schema import VN_TZ, Review
from phuxanh.store.base import ItemFilter
from phuxanh.users import UserStore

from .test_dashboard_app import text_of

ACTOR = "hoa"


@pytest.fixture
def services(config, store) -> Services:
    return Services(config=config, data=DashboardData(store), t=translator("vi"))


def queue_ids(services: Services) -> list[str]:
    options, _selected, _count = review.queue_view("priority", "", "", [], None, None, services)
    return [option["value"] for option in options]


def walk(component: Any) -> list[Any]:
    """Every component and string in a tree."""
    if isinstance(component, list | tuple):
        return [found for child in component for found in walk(child)]
    found = [component]
    children = getattr(component, "children", None)
    if children is not None:
        found += walk(children)
    return found


def effective_counts(store) -> dict[str, int]:
    rows = store.aggregate("week", ["sentiment"], ItemFilter(include_undated=True))
    counts: dict[str, int] = {}
    for row in rows:
        label = row.key.get("sentiment") or ""
        counts[label] = counts.get(label, 0) + row.count
    return counts


def test_the_queue_holds_flagged_items_highest_priority_first(services, flagged) -> None:
    items = flagged(negative=2, misinformation=1)
    options, selected, count = review.queue_view("priority", "", "", [], None, None, services)
    values = [option["value"] for option in options]
    assert len(values) == 3 and items[3].id not in values  # the positive one is not flagged
    assert values[0] == items[2].id  # suspected misinformation first
    assert selected == values[0]
    assert count == "3 tin đang chờ (hiển thị tối đa 50)"
    assert options[0]["label"].startswith("[Nghi sai lệch] ")
    only, _selected, _count = review.queue_view("priority", "", "", ["only"], None, None,
                                                services)
    assert [option["value"] for option in only] == [items[2].id]
    official, _selected, _count = review.queue_view(["newest"], "", "yes", [], None, None,
                                                    services)
    assert official == []
    forum, _selected, _count = review.queue_view("newest", "forum", "no", [], None, None,
                                                 services)
    assert len(forum) == 3


def test_confirm_persists_and_the_item_leaves_the_queue(services, store, flagged) -> None:
    flagged()
    before = queue_ids(services)
    first = before[0]
    _detail, loaded = review.item_view(first, services)
    assert loaded == {"id": first, "version": store.get_version(first)}
    message, saved, conflict = review.review_action("confirmed", loaded, None, None, services,
                                                    ACTOR)
    assert saved and not conflict
    assert "Đã xác nhận" in text_of(message)
    stored = store.get(first)
    assert stored.review.status == "confirmed" and stored.review.reviewer == ACTOR
    assert stored.review.misinformation == "likely"
    assert stored.review.narrative_id == "cam-mang-xa-hoi"
    assert first not in queue_ids(services)
    # the next item is selected in its place
    options, selected, _count = review.queue_view(
        "priority", "", "", [], first, [{"value": v} for v in before], services)
    assert selected == options[0]["value"] == before[1]
    assert [entry.action for entry in store.audit_log(action="review")] == ["review"]


def test_correct_changes_the_effective_sentiment(services, store, flagged) -> None:
    items = flagged(negative=1, misinformation=0)
    assert effective_counts(store) == {"negative": 1, "positive": 1}
    _detail, loaded = review.item_view(items[0].id, services)
    refused, saved, _conflict = review.review_action("corrected", loaded, None, None, services,
                                                     ACTOR)
    assert not saved and "Chọn nhãn cảm xúc" in text_of(refused)
    _message, saved, _conflict = review.review_action("corrected", loaded, "neutral", None,
                                                      services, ACTOR)
    assert saved
    assert store.get(items[0].id).review.status == "corrected"
    assert effective_counts(store) == {"neutral": 1, "positive": 1}


def test_handled_needs_an_http_url(services, store, flagged) -> None:
    items = flagged(negative=1, misinformation=0)
    _detail, loaded = review.item_view(items[0].id, services)
    version = store.get_version(items[0].id)
    for bad in (None, "", "javascript:alert(1)", "baochinhphu.vn/bai", "ftp://x.vn/a"):
        message, saved, conflict = review.review_action("handled", loaded, None, bad, services,
                                                        ACTOR)
        assert not saved and not conflict
        assert "Cần nhập đường dẫn" in text_of(message)
    assert store.get_version(items[0].id) == version
    assert store.get(items[0].id).review.status == "unreviewed"
    url = "https://baochinhphu.vn/phan-hoi-chinh-thuc.htm"
    _message, saved, _conflict = review.review_action("handled", loaded, None, url, services,
                                                      ACTOR)
    assert saved
    assert store.get(items[0].id).review.response_url == url


def test_a_conflict_shows_the_message_and_changes_nothing(services, store, flagged) -> None:
    items = flagged(negative=1, misinformation=0)
    item_id = items[0].id
    _detail, loaded = review.item_view(item_id, services)
    # Another reviewer decides between our load and our click.
    store.set_review(item_id, Review(status="dismissed"), loaded["version"], actor="minh")
    version = store.get_version(item_id)
    message, saved, conflict = review.review_action("confirmed", loaded, None, None, services,
                                                    ACTOR)
    assert conflict and not saved
    assert text_of(message).startswith("Cán bộ khác đã duyệt tin này trước bạn")
    after = store.get(item_id)
    assert after.review.status == "dismissed" and after.review.reviewer == "minh"
    assert store.get_version(item_id) == version
    # Reloading shows the other reviewer's decision at the new version.
    detail, reloaded = review.item_view(item_id, services)
    assert reloaded == {"id": item_id, "version": version}
    assert "đã bỏ qua — minh" in text_of(detail)


def test_a_viewer_is_refused(config, store, flagged) -> None:
    items = flagged(negative=1, misinformation=0)
    app = create_app(config, store, testing=True)
    viewer = UserStore.for_config(config).add_user("xem", "mat-khau-nguoi-xem", "viewer")
    reviewer = UserStore.for_config(config).add_user("duyet", "mat-khau-nguoi-duyet", "reviewer")
    with app.server.test_request_context("/review"):
        flask.g.phuxanh_user = viewer
        page = review.layout()
        assert "Bạn không có quyền truy cập hàng chờ duyệt" in text_of(page)
        assert not any(getattr(c, "id", None) == ids.REVIEW_CONFIRM for c in walk(page))
        with pytest.raises(PermissionDenied):
            review.on_filters("priority", "", "", [], 0, None, None)
        with pytest.raises(PermissionDenied):
            review.on_select(items[0].id, None)
        nav = [getattr(c, "href", None) for c in walk(app.layout())]
        assert review.PATH not in nav
    assert store.get(items[0].id).review.status == "unreviewed"
    with app.server.test_request_context("/review"):
        flask.g.phuxanh_user = reviewer
        page = review.layout()
        assert any(getattr(c, "id", None) == ids.REVIEW_CONFIRM for c in walk(page))
        options, _value, _count = review.on_filters("priority", "", "", [], 0, None, None)
        assert [option["value"] for option in options] == [items[0].id]
        nav = [getattr(c, "href", None) for c in walk(app.layout())]
        assert review.PATH in nav


def test_viewer_over_http_gets_no_queue(config, store, flagged, logged_in) -> None:
    flagged()
    app = create_app(config, store)
    client = logged_in(app)  # a viewer
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    payload = {
        "output": f"..{ids.REVIEW_DETAIL}.children...{ids.REVIEW_LOADED}.data..",
        "outputs": [{"id": ids.REVIEW_DETAIL, "property": "children"},
                    {"id": ids.REVIEW_LOADED, "property": "data"}],
        "inputs": [{"id": ids.REVIEW_QUEUE, "property": "value", "value": "x"},
                   {"id": ids.REVIEW_RELOAD, "property": "data", "value": None}],
        "changedPropIds": [f"{ids.REVIEW_QUEUE}.value"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=payload,
                           headers={"X-CSRFToken": token})
    body = response.get_json()
    assert body["response"] == {}  # no item content
    assert "không được xem nội dung này" in body["sideUpdate"][ids.ERROR_MESSAGE]["children"]


def test_highlight_is_diacritic_insensitive_and_never_html() -> None:
    text = "<script>alert('x')</script> Về CHỈ THỊ 57 và chi thi 57-CT/TW; chỉ thị 570 thì không."
    parts = review.highlight(text, ["chi thi 57"])
    marks = [part for part in parts if isinstance(part, html.Mark)]
    assert [mark.children for mark in marks] == ["CHỈ THỊ 57", "chi thi 57"]
    assert parts[0] == "<script>alert('x')</script> Về "
    assert all(isinstance(part, str | html.Mark) for part in parts)
    assert "".join(text_of(part) for part in parts) == text
    assert review.highlight("không khớp", ["chỉ thị 57"]) == ["không khớp"]
    assert review.highlight("", ["x"]) == []


def test_the_item_is_rendered_as_components(services, store, make_item) -> None:
    item = make_item(datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ), "negative")
    item.text = "<script>alert(1)</script>\nNgười dân lo ngại về Chỉ thị 57."
    item.matched_terms = ["Chỉ thị 57"]
    store.upsert([item])
    detail, _loaded = review.item_view(item.id, services)
    everything = walk(detail)
    assert "<script>alert(1)</script>" in everything  # a plain string: React escapes it
    assert any(isinstance(c, html.Mark) and c.children == "Chỉ thị 57" for c in everything)
    assert not any("dangerouslySetInnerHTML" in str(type(c)) or
                   hasattr(c, "dangerously_allow_html") for c in everything)
    flat = text_of(detail)
    assert "Đăng lúc 10/03/2026 08:15 · nguồn ngày: siêu dữ liệu trang" in flat
    assert "Cảm xúc: Tiêu cực (độ tin cậy 0,90)" in flat
    links = [c for c in everything if isinstance(c, html.A)]
    original = next(link for link in links if link.href == item.url)
    assert original.target == "_blank" and original.rel == "noopener noreferrer"


def test_the_matched_narrative_and_its_rebuttal_are_shown(services, flagged) -> None:
    items = flagged(negative=0, misinformation=1)
    detail, _loaded = review.item_view(items[0].id, services)
    flat = text_of(detail)
    narrative = load_narratives(services.config.config_dir / "narratives.yaml")["cam-mang-xa-hoi"]
    assert narrative.claim in flat and narrative.rebuttal in flat
    assert "Tin sai lệch: có khả năng (điểm 0,60)" in flat
    assert "Chưa có đường dẫn bài phản bác chính thức." in flat  # rebuttal_url is null


def test_queue_filter_keeps_only_unreviewed() -> None:
    chosen = queue_filter("news", True, True)
    assert chosen.review_statuses == ["unreviewed"] and chosen.include_undated
    assert chosen.source_types == ["news"] and chosen.official is True
    assert chosen.misinformation == "likely"


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_reviewer_confirms_the_first_item(
    browser, live_server, config, store, flagged, reviewer_account, screenshot_dir
) -> None:
    from selenium.webdriver.common.by import By

    from .test_dashboard_browser import (
        assert_clean_console_and_offline,
        log_in,
        screenshot,
        wait,
        wait_for,
    )

    flagged(negative=3, misinformation=1)
    base_url = live_server(create_app(config, store))
    log_in(browser, base_url, *reviewer_account)
    wait_for(browser, f"#{ids.AUTH_USER}")
    wait_for(browser, f"#{ids.NAV_REVIEW}").click()
    wait(browser).until(lambda d: urlsplit(d.current_url).path == review.PATH)
    wait_for(browser, f"#{ids.REVIEW_ITEM_TITLE}")
    wait(browser).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.REVIEW_QUEUE} input[type=radio]")) == 4)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Hàng chờ duyệt"
    assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.REVIEW_ITEM_TEXT} mark, "
                                                  f"#{ids.REVIEW_ITEM_TITLE} mark")
    first = store.review_queue()[0].item
    assert browser.find_element(By.ID, ids.REVIEW_ITEM_TITLE).text == first.title
    screenshot(browser, screenshot_dir / "review.png")

    browser.find_element(By.ID, ids.REVIEW_CONFIRM).click()
    wait(browser).until(lambda d: "Đã xác nhận tin" in d.find_element(
        By.ID, ids.REVIEW_MESSAGE).text)
    wait(browser).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.REVIEW_QUEUE} input[type=radio]")) == 3)
    assert store.get(first.id).review.status == "confirmed"

    browser.refresh()
    wait_for(browser, f"#{ids.REVIEW_ITEM_TITLE}")
    wait(browser).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.REVIEW_QUEUE} input[type=radio]")) == 3)
    assert browser.find_element(By.ID, ids.REVIEW_ITEM_TITLE).text != first.title
    assert store.get(first.id).review.reviewer == reviewer_account[0]

    # keyboard: "d" dismisses the item now shown
    second = browser.find_element(By.ID, ids.REVIEW_ITEM_TITLE).text
    browser.find_element(By.TAG_NAME, "body").send_keys("d")
    wait(browser).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.REVIEW_QUEUE} input[type=radio]")) == 2)
    assert browser.find_element(By.ID, ids.REVIEW_ITEM_TITLE).text != second
    assert_clean_console_and_offline(browser, base_url)
