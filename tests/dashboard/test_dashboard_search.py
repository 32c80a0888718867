"""The search page (Tìm kiếm): :func:`search_view` called directly against a real SQLiteStore,
and the shared highlighter."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from dash import dcc, html

from dashboard.context import Services
from dashboard.data import DashboardData
from dashboard.highlight import highlight, snippet
from dashboard.i18n import translator
from dashboard.pages import search
from phuxanh.schema import VN_TZ

from .test_dashboard_review import walk

QUERY = "chi thi 57 an ninh mang"


@pytest.fixture
def services(config, store) -> Services:
    return Services(config=config, data=DashboardData(store), t=translator("vi"))


def run(services: Services, query: str | None = QUERY, *, source_type: str = "",
        official: str = "", sentiment: str = "", date_from: str | None = None,
        date_to: str | None = None, sort: str = "relevance", page: int = 0):
    return search.search_view(query, source_type, official, sentiment, date_from, date_to,
                              sort, page, services)


def links(results) -> list[str]:
    return [c.href for c in walk(results) if isinstance(c, dcc.Link)]


def marks(results) -> list[str]:
    return [c.children for c in walk(results) if isinstance(c, html.Mark)]


def test_a_query_without_diacritics_finds_the_item(services, store, make_item) -> None:
    now = datetime.now(VN_TZ).replace(microsecond=0)
    item = make_item(now, "negative")
    other = make_item(now, "positive")
    other.title, other.text = "Chuyển đổi số ở xã", "Không liên quan."
    store.upsert([item, other])
    results, total, prev_disabled, next_disabled, label = run(services)
    assert links(results) == [search.item_href(item.id)]
    assert total == "1 kết quả"
    assert prev_disabled and next_disabled and label == "Trang 1/1"
    found = marks(results)
    assert {"Chỉ", "thị", "mạng"} <= set(found)  # highlighted with their diacritics
    badges = [c for c in walk(results) if isinstance(c, html.Span) and "badge" in
              (c.className or "")]
    assert [b.children for b in badges] == ["Tiêu cực"]
    texts = [c for c in walk(results) if isinstance(c, str)]
    assert now.strftime("%d/%m/%Y %H:%M") in texts and item.outlet in texts


def test_empty_query_says_what_to_type(services) -> None:
    results, total, prev_disabled, next_disabled, _label = run(services, "  ")
    assert "chi thi 57 an ninh mang" in results.children and total == ""
    assert prev_disabled and next_disabled


def test_no_match_says_so(services, store, make_item) -> None:
    store.upsert([make_item(datetime.now(VN_TZ))])
    results, total, *_ = run(services, "khong co tu nay")
    assert "Không tìm thấy" in results.children and total == "0 kết quả"


def test_filters(services, store, make_item) -> None:
    now = datetime.now(VN_TZ).replace(microsecond=0)
    official = make_item(now, "positive", official=True)
    forum = make_item(now - timedelta(days=10), "negative")
    store.upsert([official, forum])
    assert links(run(services, official="yes")[0]) == [search.item_href(official.id)]
    assert links(run(services, official="no")[0]) == [search.item_href(forum.id)]
    assert links(run(services, source_type="forum")[0]) == [search.item_href(forum.id)]
    assert links(run(services, sentiment="positive")[0]) == [search.item_href(official.id)]
    day = (now - timedelta(days=10)).date().isoformat()
    assert links(run(services, date_from=day, date_to=day)[0]) == [search.item_href(forum.id)]
    assert links(run(services, sort="newest")[0]) == [search.item_href(official.id),
                                                      search.item_href(forum.id)]


def test_paging(services, store, make_item) -> None:
    now = datetime.now(VN_TZ).replace(microsecond=0)
    store.upsert([make_item(now - timedelta(minutes=i)) for i in range(search.PAGE_SIZE + 5)])
    first, total, prev_disabled, next_disabled, label = run(services, sort="newest")
    assert len(links(first)) == search.PAGE_SIZE and total == "25 kết quả"
    assert prev_disabled and not next_disabled and label == "Trang 1/2"
    second, _total, prev_disabled, next_disabled, label = run(services, sort="newest", page=1)
    assert len(links(second)) == 5 and not set(links(first)) & set(links(second))
    assert not prev_disabled and next_disabled and label == "Trang 2/2"


def test_a_capped_total_reads_as_at_least(services, store, make_item, monkeypatch) -> None:
    import phuxanh.store.sqlite as sqlite

    monkeypatch.setattr(sqlite, "SEARCH_COUNT_CAP", 3)
    now = datetime.now(VN_TZ).replace(microsecond=0)
    store.upsert([make_item(now - timedelta(minutes=i)) for i in range(5)])
    _results, total, _prev, next_disabled, label = run(services)
    assert next_disabled  # 5 hits: less than a page
    assert total == "3+ kết quả" and label == "Trang 1/1+"
    assert search.total_text(10_000, True, translator("vi")) == "10 000+ kết quả"
    assert search.total_text(10_000, False, translator("vi")) == "10.000 kết quả"


def test_crawled_html_is_never_html(services, store, make_item) -> None:
    item = make_item(datetime.now(VN_TZ))
    item.title = "<script>alert(1)</script> Chỉ thị 57"
    item.text = "<b>an ninh mạng</b> <img src=x onerror=alert(1)>"
    store.upsert([item])
    results, *_ = run(services)
    strings = [c for c in walk(results) if isinstance(c, str)]
    assert any("<script>alert(1)</script>" in s for s in strings)  # a plain string: escaped
    assert not any(type(c).__name__ in {"Script", "Img", "B"} for c in walk(results))
    assert "mạng" in marks(results)


def test_highlight_and_snippet() -> None:
    parts = highlight("Về Chỉ thị 57 và <b>an ninh mạng</b>", ["chi", "thi", "mang"])
    assert [p.children for p in parts if isinstance(p, html.Mark)] == ["Chỉ", "thị", "mạng"]
    long = "Mở đầu. " * 60 + "Chỉ thị 57 về an ninh mạng." + " Kết thúc." * 60
    cut = snippet(long, ["chi thi 57"], width=120)
    assert cut.startswith("…") and cut.endswith("…") and "Chỉ thị 57" in cut
    assert len(cut) <= 122
    assert snippet("ngắn", ["x"]) == "ngắn"


def test_search_filter_dates() -> None:
    f = search.search_filter("", "", "", "2026-03-01", "2026-03-07T00:00:00")
    assert f.date_from == date(2026, 3, 1) and f.date_to == date(2026, 3, 7)
    assert not f.include_undated
    assert search.search_filter(None, None, None, None, None).include_undated


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_find_an_item_without_diacritics_and_open_it(
    browser, live_server, config, store, make_item, account, screenshot_dir
) -> None:
    from urllib.parse import urlsplit

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from dashboard import ids
    from dashboard.app import create_app
    from dashboard.pages import item as item_page

    from .test_dashboard_browser import (
        assert_clean_console_and_offline,
        log_in,
        screenshot,
        wait,
        wait_for,
    )

    now = datetime.now(VN_TZ).replace(microsecond=0)
    items = [make_item(now - timedelta(hours=i), sentiment)
             for i, sentiment in enumerate(("negative", "positive", "neutral", None))]
    items[0].title = "Lan truyền thông tin sai về Chỉ thị 57 trên mạng xã hội"
    items[0].text = ("Nhiều tài khoản chia sẻ nội dung xuyên tạc Chỉ thị 57 về an ninh mạng.\n"
                     "Cơ quan chức năng đã lên tiếng <b>bác bỏ</b>.")
    items[0].matched_terms = ["Chỉ thị 57"]
    store.upsert(items)
    from phuxanh.config import Source
    from phuxanh.store.base import SourceRun

    config.sources = [
        Source(key="baochinhphu", name="Báo Điện tử Chính phủ", official=True,
               feeds=["https://baochinhphu.vn/rss.xml"]),
        Source(key="diendan", name="Diễn đàn mẫu", type="forum", province="Hà Nội",
               listings=["https://diendan.example.vn/c"], link_pattern="/bai-viet-"),
    ]
    store.record_source_runs([
        SourceRun("baochinhphu", now - timedelta(hours=2), now - timedelta(hours=1),
                  fetched=12, new=4),
        SourceRun("diendan", now - timedelta(hours=2), now - timedelta(hours=1),
                  errors=1, error_sample="HTTP 503 Service Unavailable: /c"),
    ])
    base_url = live_server(create_app(config, store, testing=True))
    log_in(browser, base_url, *account)
    wait_for(browser, f"#{ids.AUTH_USER}")
    wait_for(browser, f"#{ids.NAV_SEARCH}").click()
    wait(browser).until(lambda d: urlsplit(d.current_url).path == search.PATH)
    wait_for(browser, f"#{ids.SEARCH_RESULTS} .notice")
    box = wait_for(browser, f"#{ids.SEARCH_QUERY}")
    box.send_keys(QUERY, Keys.ENTER)
    wait(browser).until(lambda d: d.find_element(By.ID, ids.SEARCH_TOTAL).text == "4 kết quả")
    wait_for(browser, f"#{ids.SEARCH_RESULTS} .search-hit-title a")
    hits = browser.find_elements(By.CSS_SELECTOR, f"#{ids.SEARCH_RESULTS} .search-hit-title a")
    titles = [hit.text for hit in hits]
    assert items[0].title in titles, titles
    first = hits[titles.index(items[0].title)]
    assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.SEARCH_RESULTS} mark")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tìm kiếm"
    screenshot(browser, screenshot_dir / "search.png")
    browser.set_window_size(1440, 900)
    title = first.text
    first.click()
    wait(browser).until(lambda d: urlsplit(d.current_url).path == item_page.PATH)
    heading = wait_for(browser, f"#{ids.ITEM_TITLE}")
    assert heading.text == title
    assert "lấy từ" in browser.find_element(By.ID, ids.ITEM_PROVENANCE).text
    # crawled markup is shown as text, never as HTML
    assert "<b>bác bỏ</b>" in browser.find_element(By.ID, ids.ITEM_TEXT).text
    assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.ITEM_TEXT} mark")
    screenshot(browser, screenshot_dir / "item.png")
    browser.set_window_size(1440, 900)
    # and the sources page, from the navigation bar
    wait_for(browser, f"#{ids.NAV_SOURCES}").click()
    wait_for(browser, f"#{ids.SOURCES_TABLE}")
    rows = browser.find_elements(By.CSS_SELECTOR, f"#{ids.SOURCES_TABLE} tbody tr")
    assert rows[0].get_attribute("data-source") == "diendan"  # the failing one first
    screenshot(browser, screenshot_dir / "sources.png")
    assert_clean_console_and_offline(browser, base_url)


def test_the_new_pages_open_for_a_viewer_and_are_in_the_nav(config, store, logged_in) -> None:
    from dashboard import ids
    from dashboard.app import create_app

    client = logged_in(create_app(config, store, testing=True))
    for path in ("/search", "/item?id=khong-co", "/sources"):
        assert client.get(path).status_code == 200, path
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert ids.NAV_SEARCH in layout and ids.NAV_SOURCES in layout
    assert ids.NAV_REVIEW not in layout  # a viewer: no review queue
