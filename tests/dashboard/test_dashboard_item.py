"""The item page (Chi tiết): :func:`item_view` called directly against a real SQLiteStore."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from dash import dcc, html

from dashboard import ids
from dashboard.context import Services
from dashboard.data import DashboardData
from dashboard.i18n import translator
from dashboard.pages import item as item_page
from phuxanh.schema import VN_TZ, DateSource, Review

from .test_dashboard_review import walk


@pytest.fixture
def services(config, store) -> Services:
    return Services(config=config, data=DashboardData(store), t=translator("vi"))


def by_id(tree, component_id: str):
    found = [c for c in walk(tree) if getattr(c, "id", None) == component_id]
    assert len(found) == 1, component_id
    return found[0]


def text(component) -> str:
    return "".join(c if isinstance(c, str) else "" for c in walk(component))


def test_the_item_shows_its_source_dates_and_provenance(services, store, make_item) -> None:
    published = datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ)
    item = make_item(published, "negative", official=True)
    item.date_source = DateSource.FEED
    item.fetched_at = published + timedelta(hours=2)
    item.matched_terms = ["Chỉ thị 57"]
    item.cluster_id = "c-123"
    item.is_original = False
    store.upsert([item])
    page = item_page.item_view(item.id, services)
    provenance = text(by_id(page, ids.ITEM_PROVENANCE))
    assert provenance == "10/03/2026 08:15 (lấy từ nguồn cấp tin (RSS))"
    link = by_id(page, ids.ITEM_LINK)
    assert link.href == item.url and link.rel == "noopener noreferrer"
    everything = text(page)
    assert "10/03/2026 10:15" in everything  # first collected
    assert "Chỉ thị 57-CT/TW về an ninh mạng" in everything  # the topic's name
    assert "Báo Điện tử Chính phủ" in everything and "Kênh chính thống" in everything
    assert "test@1" in text(by_id(page, ids.ITEM_MODEL))
    assert "c-123" in text(by_id(page, ids.ITEM_CLUSTER))
    assert "bản sao" in text(by_id(page, ids.ITEM_CLUSTER))
    assert [m.children for m in walk(by_id(page, ids.ITEM_TITLE))
            if isinstance(m, html.Mark)] == ["Chỉ thị 57"]
    assert "Chưa ai duyệt" in text(by_id(page, ids.ITEM_TRAIL))


def test_the_review_trail_newest_first(services, store, make_item) -> None:
    item, other = make_item(datetime.now(VN_TZ)), make_item(datetime.now(VN_TZ))
    store.upsert([item, other])
    version = store.get_version(item.id)
    version = store.set_review(item.id, Review(status="confirmed", sentiment="neutral"),
                               version, actor="hoa")
    store.set_review(item.id, Review(status="corrected", sentiment="positive"), version,
                     actor="minh")
    store.set_review(other.id, Review(status="dismissed"), store.get_version(other.id),
                     actor="lan")
    page = item_page.item_view(item.id, services)
    entries = [c for c in walk(by_id(page, ids.ITEM_TRAIL)) if isinstance(c, html.Li)]
    assert len(entries) == 2  # the other item's review is not here
    assert text(entries[0]).startswith("đã sửa nhãn · minh lúc ")
    assert "nhãn: Tích cực" in text(entries[0])
    assert text(entries[1]).startswith("đã xác nhận · hoa lúc ")


def test_crawled_html_stays_text(services, store, make_item) -> None:
    item = make_item(datetime.now(VN_TZ))
    item.title = "<script>alert(1)</script>"
    item.text = "<img src=x onerror=alert(1)>\nđoạn hai"
    store.upsert([item])
    page = item_page.item_view(item.id, services)
    assert text(by_id(page, ids.ITEM_TITLE)) == "<script>alert(1)</script>"
    paragraphs = [c for c in walk(by_id(page, ids.ITEM_TEXT)) if isinstance(c, html.P)]
    assert [text(p) for p in paragraphs] == ["<img src=x onerror=alert(1)>", "đoạn hai"]


def test_an_unknown_id_says_so(services) -> None:
    for item_id in ("khong-co", None):
        page = item_page.item_view(item_id, services)
        assert "Không tìm thấy tin này" in text(by_id(page, ids.ITEM_MISSING))


def test_a_non_http_url_is_not_a_link(services, store, make_item) -> None:
    item = make_item(datetime.now(VN_TZ))
    store.upsert([item])
    stored = store.get(item.id)
    stored.url = "javascript:alert(1)"
    page = item_page._meta(stored, services)
    assert not [c for c in walk(page) if isinstance(c, html.A)]


def test_the_cluster_lists_every_copy_original_first(services, store, make_item) -> None:
    day = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    original, copy, later = (make_item(day + timedelta(hours=h)) for h in (0, 1, 2))
    outsider = make_item(day)
    store.upsert([original, copy, later, outsider])
    store.save_cluster(original.id, None, [], "c-9", is_original=True)
    for member in (later, copy):
        store.save_cluster(member.id, None, [], "c-9", is_original=False)
    page = item_page.item_view(copy.id, services)
    members = by_id(page, item_page.ITEM_CLUSTER_MEMBERS)
    rows = [c for c in walk(members) if isinstance(c, html.Li)]
    assert [text(row).split(" — ")[0] for row in rows] == [
        original.title, copy.title, later.title]
    assert "bản gốc" in text(rows[0]) and rows[0].className == "original"
    assert "tin này" in text(rows[1])
    links = [c.href for c in walk(members) if isinstance(c, dcc.Link)]
    # every other member is a link to its own page; this item is not a link to itself
    assert links == [f"/item?id={quote(m.id, safe='')}" for m in (original, later)]
    assert outsider.title not in text(members)
    store.save_cluster(outsider.id, None, [], "c-10", is_original=True)  # a cluster of one
    alone = item_page.item_view(outsider.id, services)
    assert [text(c) for c in walk(by_id(alone, item_page.ITEM_CLUSTER_MEMBERS))
            if isinstance(c, html.Li)] == [outsider.title + " — Diễn đàn mẫu · 10/03/2026 08:00"
                                           " bản gốc tin này"]


def test_a_handled_item_shows_its_response_and_the_delay(services, store, make_item) -> None:
    seen = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    item = make_item(seen)
    store.upsert([item])
    answered = seen + timedelta(hours=5, minutes=30)
    store.set_review(item.id, Review(status="handled", reviewed_at=answered,
                                     response_url="https://baochinhphu.vn/phan-hoi.htm"),
                     0, actor="hoa")
    page = item_page.item_view(item.id, services)
    assert text(by_id(page, item_page.ITEM_RESPONSE_DELAY)) == "5 giờ 30 phút"
    assert any(isinstance(c, html.A) and c.href == "https://baochinhphu.vn/phan-hoi.htm"
               for c in walk(by_id(page, ids.ITEM_META)))
    trail = text(by_id(page, ids.ITEM_TRAIL))
    assert trail.startswith("đã xử lý · hoa lúc ")
    assert "phản hồi sau " in trail  # from the audit entry's own time
    unhandled = make_item(seen)
    store.upsert([unhandled])
    other = item_page.item_view(unhandled.id, services)
    assert not [c for c in walk(other)
                if getattr(c, "id", None) == item_page.ITEM_RESPONSE_DELAY]


def test_the_item_callback_checks_the_session(config, store, make_item) -> None:
    import flask

    from dashboard.app import create_app
    from phuxanh.errors import PermissionDenied
    from phuxanh.users import UserStore

    item = make_item(datetime.now(VN_TZ))
    store.upsert([item])
    app = create_app(config, store, testing=True)
    viewer = UserStore.for_config(config).add_user("xem", "mat-khau-nguoi-xem", "viewer")
    with app.server.test_request_context("/item"):
        flask.g.phuxanh_user = None
        with pytest.raises(PermissionDenied):
            item_page.on_load(item.id)
        flask.g.phuxanh_user = viewer
        assert text(by_id(item_page.on_load(item.id), ids.ITEM_TITLE)) == item.title


def test_a_big_cluster_says_only_the_first_are_listed(services, store, make_item,
                                                      monkeypatch) -> None:
    monkeypatch.setattr(item_page, "CLUSTER_LIMIT", 2)
    day = datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ)
    members = [make_item(day + timedelta(hours=h)) for h in range(3)]
    store.upsert(members)
    for n, member in enumerate(members):
        store.save_cluster(member.id, None, [], "c-big", is_original=n == 0)
    page = item_page.item_view(members[0].id, services)
    listed = [c for c in walk(by_id(page, item_page.ITEM_CLUSTER_MEMBERS))
              if isinstance(c, html.Li)]
    assert len(listed) == 2
    assert "Chỉ hiện 2 bản đầu tiên của cụm." in text(page)
    monkeypatch.setattr(item_page, "CLUSTER_LIMIT", 3)  # exactly the cluster's size
    assert "Chỉ hiện" not in text(item_page.item_view(members[0].id, services))


def test_the_classification_history_lists_each_relabel_newest_first(services, store,
                                                                    make_item) -> None:
    from phuxanh.schema import Misinformation, Sentiment
    from phuxanh.store.base import LabelUpdate

    item = make_item(datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ), None)
    store.upsert([item])
    page = item_page.item_view(item.id, services)
    empty = by_id(page, item_page.ITEM_LABEL_HISTORY)
    assert not [c for c in walk(empty) if isinstance(c, html.Li)]
    assert "Chạy `phuxanh classify`" in text(empty)
    assert "Lịch sử phân loại" in text(page)

    store.set_labels([LabelUpdate(item.id, Sentiment(label="neutral", score=0.61,
                                                     model="baseline@1"))])
    store.set_labels([LabelUpdate(
        item.id, Sentiment(label="negative", score=0.87, model="baseline@2"),
        Misinformation(label="likely", score=0.74, model="baseline@2", narrative_id="nd-01"))])
    store.set_labels([LabelUpdate(  # the same answer again: not a new line
        item.id, Sentiment(label="negative", score=0.87, model="baseline@2"),
        Misinformation(label="likely", score=0.74, model="baseline@2", narrative_id="nd-01"))])
    page = item_page.item_view(item.id, services)
    rows = [c for c in walk(by_id(page, item_page.ITEM_LABEL_HISTORY))
            if isinstance(c, html.Li)]
    assert len(rows) == 2
    newest, oldest = text(rows[0]), text(rows[1])
    stamp = newest.split(" · ")[0]
    assert datetime.strptime(stamp, "%d/%m/%Y %H:%M")  # dd/mm/yyyy HH:MM, Vietnam time
    assert stamp == store.label_history(item.id)[0].at.astimezone(VN_TZ).strftime(
        "%d/%m/%Y %H:%M")
    assert newest.split(" · ")[1:] == [
        "baseline@2", "Tiêu cực (0,87)", "tin sai lệch: có khả năng (0,74)", "luận điệu nd-01"]
    assert oldest.split(" · ")[1:] == ["baseline@1", "Trung lập (0,61)"]


def test_the_classification_history_in_english(config, store, make_item) -> None:
    from phuxanh.schema import Sentiment
    from phuxanh.store.base import LabelUpdate

    english = Services(config=config, data=DashboardData(store), t=translator("en"))
    item = make_item(datetime(2026, 3, 10, 8, 0, tzinfo=VN_TZ), None)
    store.upsert([item])
    assert "phuxanh classify" in text(by_id(item_page.item_view(item.id, english),
                                            item_page.ITEM_LABEL_HISTORY))
    store.set_labels([LabelUpdate(item.id, Sentiment(label="positive", score=0.5, model="m@1"))])
    history = by_id(item_page.item_view(item.id, english), item_page.ITEM_LABEL_HISTORY)
    assert text(history).endswith(" · m@1 · Positive (0.50)")


def test_an_item_labelled_before_histories_says_so(config, store, make_item) -> None:
    from phuxanh.schema import VN_TZ, Sentiment

    stored = make_item(datetime.now(VN_TZ).replace(microsecond=0), None)
    stored.sentiment = Sentiment(label="positive", score=0.9, model="cu@1")
    store.upsert([stored])  # labels arriving with the item: no set_labels, no history
    services = Services(config=config, data=DashboardData(store), t=translator("vi"))
    page = item_page.item_view(stored.id, services)
    assert "có từ trước khi lịch sử được ghi" in text(page)
    assert "Mô hình chưa phân loại tin này" not in text(page)
