"""The review queue (Hàng chờ duyệt): its functions called directly against a real SQLiteStore,
the role check, the highlighting, and one run in a real headless Chromium."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import flask
import pytest
from dash import html

from dashboard import ids
from dashboard.app import create_app
from dashboard.context import Services
from dashboard.data import DashboardData, load_narratives, queue_filter, response_delay
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
    assert loaded == {"id": first, "version": store.get_version(first), "copies": []}
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
    assert reloaded == {"id": item_id, "version": version, "copies": []}
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
            review.on_filters("priority", "", "", [], 0, 0, None, None)
        with pytest.raises(PermissionDenied):
            review.on_select(items[0].id, None)
        nav = [getattr(c, "href", None) for c in walk(app.layout())]
        assert review.PATH not in nav
    assert store.get(items[0].id).review.status == "unreviewed"
    with app.server.test_request_context("/review"):
        flask.g.phuxanh_user = reviewer
        page = review.layout()
        assert any(getattr(c, "id", None) == ids.REVIEW_CONFIRM for c in walk(page))
        options, _value, _count, no_prev, no_next, _label = review.on_filters(
            "priority", "", "", [], 0, 0, None, None)
        assert [option["value"] for option in options] == [items[0].id]
        assert no_prev and no_next
        nav = [getattr(c, "href", None) for c in walk(app.layout())]
        assert review.PATH in nav


def test_viewer_over_http_gets_no_queue(config, store, flagged, logged_in) -> None:
    flagged()
    app = create_app(config, store)
    client = logged_in(app)  # a viewer
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    payload = {
        "output": (f"..{ids.REVIEW_DETAIL}.children...{ids.REVIEW_LOADED}.data..."
                   f"{review.REVIEW_BULK}.options...{review.REVIEW_BULK}.value.."),
        "outputs": [{"id": ids.REVIEW_DETAIL, "property": "children"},
                    {"id": ids.REVIEW_LOADED, "property": "data"},
                    {"id": review.REVIEW_BULK, "property": "options"},
                    {"id": review.REVIEW_BULK, "property": "value"}],
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


# -- paging, bulk decisions on a cluster, response time, alert links ---------------------------


def test_the_queue_pages(services, flagged, monkeypatch) -> None:
    monkeypatch.setattr(review, "QUEUE_LIMIT", 2)
    flagged(negative=4, misinformation=1)  # five waiting
    first = review.queue_page("priority", "", "", [], None, None, services)
    assert (first.page, first.has_prev, first.has_next, first.label) == (0, False, True,
                                                                         "Trang 1")
    assert first.count == "Tin 1–2 trong hàng chờ (còn tin ở trang sau)"
    third = review.queue_page("priority", "", "", [], None, None, services, page=2)
    assert (len(third.options), third.has_prev, third.has_next) == (1, True, False)
    assert third.count == "Tin 5–5 trong hàng chờ"
    seen = [o["value"] for page in range(3) for o in review.queue_page(
        "priority", "", "", [], None, None, services, page=page).options]
    assert len(seen) == len(set(seen)) == 5  # every item once, none skipped
    # A page emptied by reviews falls back to the last page with items.
    beyond = review.queue_page("priority", "", "", [], None, None, services, page=7)
    assert beyond.page == 2 and beyond.options
    assert review.next_page(review.REVIEW_NEXT, 2) == 3
    assert review.next_page(review.REVIEW_PREV, 2) == 1
    assert review.next_page(review.REVIEW_PREV, 0) == 0
    assert review.next_page(ids.REVIEW_SOURCE_TYPE, 4) == 0  # a filter: back to the start


def cluster(store, items, cluster_id: str = "c1") -> None:
    store.save_cluster(items[0].id, None, [], cluster_id, is_original=True)
    for copy in items[1:]:
        store.save_cluster(copy.id, None, [], cluster_id, is_original=False)


def test_the_cluster_is_shown_and_remembered_with_versions(services, store, flagged) -> None:
    items = flagged(negative=3, misinformation=0)
    cluster(store, items)
    store.set_review(items[3].id, Review(status="dismissed"), 0, actor="minh")
    detail, loaded = review.item_view(items[1].id, services)
    # the original first, then copies by date and id; not the one already reviewed
    assert loaded["copies"] == [{"id": item.id, "version": 0} for item in (items[0], items[2])]
    block = next(c for c in walk(detail) if getattr(c, "id", None) == review.REVIEW_CLUSTER)
    flat = text_of(block)
    assert "Cụm tin trùng lặp (4 bản)" in flat and "bản gốc" in flat and "tin đang xem" in flat
    hrefs = [c.href for c in walk(block) if hasattr(c, "href")]
    members = [items[0], *sorted(items[1:], key=lambda item: item.id)]  # same publish time
    assert hrefs == [f"/item?id={item.id.replace(':', '%3A')}" for item in members]
    assert review.bulk_options(loaded, services.t) == [
        {"label": "Áp dụng quyết định cho cả 2 bản sao chưa duyệt trong cụm", "value": "all"}]
    assert review.bulk_options({"id": "x", "version": 0, "copies": []}, services.t) == []


def test_bulk_confirm_applies_to_every_copy_and_reports_conflicts(services, store,
                                                                  flagged) -> None:
    items = flagged(negative=3, misinformation=0)
    cluster(store, items)
    _detail, loaded = review.item_view(items[0].id, services)
    assert len(loaded["copies"]) == 3
    # Someone else decides on one copy between our load and our click.
    store.set_review(items[2].id, Review(status="dismissed"), 0, actor="minh")
    message, saved, conflict = review.review_action("confirmed", loaded, None, None, services,
                                                    ACTOR, bulk=True)
    assert saved and not conflict
    flat = text_of(message)
    assert "Đã áp dụng cho 2/3 bản sao trong cụm." in flat
    assert f"1 bản sao đã được cán bộ khác duyệt trước nên giữ nguyên: {items[2].title}" in flat
    for item in (items[0], items[1], items[3]):
        stored = store.get(item.id).review
        assert (stored.status, stored.reviewer) == ("confirmed", ACTOR)
        assert stored.sentiment == "negative"  # the decision on the item, applied to all
    assert store.get(items[1].id).review.note == f"cluster:{items[0].id}"
    other = store.get(items[2].id).review
    assert (other.status, other.reviewer) == ("dismissed", "minh")  # not overwritten
    actors = sorted(entry.actor for entry in store.audit_log(action="review"))
    assert actors == [ACTOR, ACTOR, ACTOR, "minh"]


def test_without_bulk_only_the_item_is_decided(services, store, flagged) -> None:
    items = flagged(negative=2, misinformation=0)
    cluster(store, items[:2])
    _detail, loaded = review.item_view(items[0].id, services)
    _message, saved, _conflict = review.review_action("dismissed", loaded, None, None,
                                                      services, ACTOR)
    assert saved and store.get(items[1].id).review.status == "unreviewed"


def test_no_copy_is_touched_when_the_item_itself_conflicts(services, store, flagged) -> None:
    items = flagged(negative=2, misinformation=0)
    cluster(store, items[:2])
    _detail, loaded = review.item_view(items[0].id, services)
    store.set_review(items[0].id, Review(status="dismissed"), 0, actor="minh")
    _message, saved, conflict = review.review_action("confirmed", loaded, None, None,
                                                     services, ACTOR, bulk=True)
    assert conflict and not saved
    assert store.get(items[1].id).review.status == "unreviewed"


def test_handled_records_the_time_from_first_seen_to_the_response(config, store,
                                                                  flagged) -> None:
    items = flagged(negative=1, misinformation=0)
    seen = store.get(items[0].id).fetched_at
    answered = seen + timedelta(days=2, hours=3, minutes=5)
    services = Services(config=config, data=DashboardData(store, clock=lambda: answered),
                        t=translator("vi"))
    _detail, loaded = review.item_view(items[0].id, services)
    url = "https://baochinhphu.vn/phan-hoi.htm"
    message, saved, _conflict = review.review_action("handled", loaded, None, f"  {url} ",
                                                     services, ACTOR)
    assert saved
    assert "Thời gian từ lúc phát hiện đến khi phản hồi: 2 ngày 3 giờ." in text_of(message)
    stored = store.get(items[0].id)
    assert stored.review.response_url == url
    assert stored.review.reviewed_at == answered
    assert response_delay(stored) == timedelta(days=2, hours=3, minutes=5)
    status = review._status_line(stored, translator("vi"))
    assert "phản hồi chính thức sau 2 ngày 3 giờ kể từ lúc phát hiện" in status


def test_response_urls_are_checked() -> None:
    good = ("https://baochinhphu.vn/a.htm", "http://x.gov.vn/tin?id=1#p",
            " https://baochinhphu.vn/a ", "http://localhost:8050/x")
    bad = (None, "", "javascript:alert(1)", "baochinhphu.vn/bai", "ftp://x.vn/a",
           "https://", "https://bao chinh phu.vn/a", "https://host/a", "https://a.vn:99999/",
           "https://user:pw@a.vn/", "https://a.vn/\x00", "https://a.vn/" + "x" * 3000)
    assert [review.valid_response_url(url) for url in good] == [
        "https://baochinhphu.vn/a.htm", "http://x.gov.vn/tin?id=1#p",
        "https://baochinhphu.vn/a", "http://localhost:8050/x"]
    assert [review.valid_response_url(url) for url in bad] == [None] * len(bad)


def test_delays_read_like_a_person_says_them() -> None:
    t = translator("vi")
    assert review.format_delay(timedelta(days=3, hours=1, minutes=59), t) == "3 ngày 1 giờ"
    assert review.format_delay(timedelta(hours=4, minutes=10), t) == "4 giờ 10 phút"
    assert review.format_delay(timedelta(minutes=25, seconds=40), t) == "25 phút"
    assert review.format_delay(timedelta(seconds=20), t) == "dưới 1 phút"


def test_an_alert_link_narrows_the_queue(config, store, flagged) -> None:
    from phuxanh.config import Source

    items = flagged(negative=2, misinformation=1)
    with_sources = config.model_copy(update={"sources": [
        Source(key="baodanang", name="Báo Đà Nẵng", province="Đà Nẵng")]})
    services = Services(config=with_sources, data=DashboardData(store), t=translator("vi"))
    preset = review.preset_from({"flag": "misinfo", "province": "Atlantis", "topic": "x",
                                 "source_type": "forum"}, services)
    assert preset == {"flag": "misinfo", "source_type": "forum"}  # unknown values dropped
    misinfo = review.queue_page("priority", "", "", [], None, None, services, preset=preset)
    assert [o["value"] for o in misinfo.options] == [items[2].id]
    negative = review.queue_page("priority", "", "", [], None, None, services,
                                 preset={"flag": "negative"})
    assert {o["value"] for o in negative.options} == {items[0].id, items[1].id, items[2].id}
    elsewhere = review.queue_page("priority", "", "", [], None, None, services,
                                  preset=review.preset_from({"province": "Đà Nẵng"}, services))
    assert elsewhere.options == []  # the flagged items have no province
    chosen = review.review_filter("news", "yes", [], {"topic": "chi-thi-57",
                                                      "province": "Đà Nẵng"})
    assert (chosen.topics, chosen.provinces, chosen.source_types, chosen.official) == (
        ["chi-thi-57"], ["Đà Nẵng"], ["news"], True)
    assert chosen.review_statuses == ["unreviewed"]


def test_the_layout_applies_an_alert_preset(config, store) -> None:
    from phuxanh.config import Source

    with_sources = config.model_copy(update={"sources": [
        Source(key="baodanang", name="Báo Đà Nẵng", province="Đà Nẵng")]})
    app = create_app(with_sources, store, testing=True)
    reviewer = UserStore.for_config(config).add_user("duyet", "mat-khau-nguoi-duyet", "reviewer")
    with app.server.test_request_context("/review?flag=misinfo&province=%C4%90%C3%A0+N%E1%BA%B5ng"):
        flask.g.phuxanh_user = reviewer
        page = review.layout(flag="misinfo", province="Đà Nẵng")
    found = {getattr(c, "id", None): c for c in walk(page)}
    assert found[review.REVIEW_PRESET].data == {"flag": "misinfo", "province": "Đà Nẵng"}
    assert found[ids.REVIEW_MISINFO_ONLY].value == ["only"]
    assert "Đang lọc theo cảnh báo: tin nghi sai lệch · tỉnh/thành Đà Nẵng." in text_of(page)


def test_paging_and_selection_callbacks_check_the_role(config, store, flagged) -> None:
    items = flagged(negative=1, misinformation=0)
    app = create_app(config, store, testing=True)
    viewer = UserStore.for_config(config).add_user("xem", "mat-khau-nguoi-xem", "viewer")
    with app.server.test_request_context("/review"):
        flask.g.phuxanh_user = viewer
        with pytest.raises(PermissionDenied):
            review.on_page(None, 1, None, None, None, None, 0)
        with pytest.raises(PermissionDenied):
            review.on_action(1, None, None, None, {"id": items[0].id, "version": 0}, None,
                             None, 0, ["all"])
    assert store.get(items[0].id).review.status == "unreviewed"


def test_a_reviewer_adds_a_narrative_from_the_item_and_a_viewer_cannot(config, store,
                                                                        flagged) -> None:
    from dashboard.pages import review_narrative
    from phuxanh.narrative_additions import added_narratives_path

    items = flagged(negative=1, misinformation=0)
    app = create_app(config, store, testing=True)
    users = UserStore.for_config(config)
    viewer = users.add_user("xem", "mat-khau-nguoi-xem", "viewer")
    reviewer = users.add_user("duyet", "mat-khau-nguoi-duyet", "reviewer")
    claim = "Ai không cài ứng dụng định danh sẽ bị cắt điện thoại từ tuần sau"
    loaded = {"id": items[0].id}
    with app.server.test_request_context("/review"):
        flask.g.phuxanh_user = viewer
        with pytest.raises(PermissionDenied):
            review_narrative.on_add(1, loaded, claim, "Không có quy định như vậy.", None)
        assert not added_narratives_path(config.data_dir).exists()
        flask.g.phuxanh_user = reviewer
        assert "Chọn một tin" in review_narrative.on_add(1, None, claim, "x", None)
        refused = review_narrative.on_add(1, loaded, "ngắn", "Không có quy định.", None)
        assert refused.startswith("Chưa thêm được") and "20" in refused
        message = review_narrative.on_add(1, loaded, claim, "Không có quy định như vậy.",
                                          "https://chinhphu.vn/bac-bo")
        assert message.startswith("Đã thêm luận điệu ai-khong-cai-ung-dung")
        page = review.layout()
        assert any(getattr(c, "id", None) == review_narrative.NARRATIVE_ADD for c in walk(page))
    (entry,) = store.audit_log(action="narrative.add")
    assert entry.actor == "duyet" and entry.details["from_item"] == items[0].id
