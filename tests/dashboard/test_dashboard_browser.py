"""The overview page in a real headless Chromium against the real app and a real store.

Each test asserts what a person would see (title, headline numbers, week labels, the empty
state, the error banner), that the browser console has no errors, and that nothing was fetched
from anywhere but the app itself (the dashboard must work offline). Screenshots land in
tests/artifacts/screenshots/ for a human to look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.auth import IDLE_TIMEOUT
from phuxanh.errors import StoreError
from phuxanh.schema import VN_TZ

pytestmark = pytest.mark.browser

TOPIC, OTHER_TOPIC = "chi-thi-57", "chuyen-doi-so"
WAIT_S = 20


@dataclass
class Sample:
    items: list[Any]
    total: int
    positive: int
    negative: int
    this_monday: date


def vn_pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",")


def sample_items(make_item) -> Sample:
    """Twelve weeks of items for TOPIC ending this week (one quiet week), plus items that must
    not be counted: too old, undated, another topic."""
    today = datetime.now(VN_TZ).date()
    this_monday = today - timedelta(days=today.weekday())
    items, positive, negative, total = [], 0, 0, 0
    for k in range(12):  # k weeks ago
        if k == 6:
            continue  # a quiet week: must still be on the axis, at zero
        day = this_monday - timedelta(weeks=k) + timedelta(days=k % 5)
        at = datetime(day.year, day.month, day.day, 9, 30, tzinfo=VN_TZ)
        counts = {
            ("positive", True): 3 + (k * 7) % 5,
            ("positive", False): 1 + k % 2,
            ("neutral", False): 4 + (k * 3) % 4,
            ("negative", False): 2 + (k * 5) % 6,
            (None, False): 2 if k % 3 == 0 else 0,
        }
        for (sentiment, official), n in counts.items():
            items += [make_item(at, sentiment, official=official) for _ in range(n)]
            total += n
            positive += n if sentiment == "positive" else 0
            negative += n if sentiment == "negative" else 0
    old = this_monday - timedelta(weeks=12, days=1)
    items.append(make_item(datetime(old.year, old.month, old.day, tzinfo=VN_TZ), "negative"))
    items.append(make_item(datetime.now(VN_TZ), "negative", dated=False))
    items.append(make_item(datetime.now(VN_TZ), "negative", topics=(OTHER_TOPIC,)))
    return Sample(items, total, positive, negative, this_monday)


def wait(driver, timeout: float = WAIT_S) -> WebDriverWait:
    # Dash replaces the page content when a callback answers: an element found a moment ago
    # can be gone by the time it is read, so a stale element just means "look again".
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def wait_for(driver, css: str, timeout: float = WAIT_S):
    return wait(driver, timeout).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def screenshot(driver, path) -> None:
    """The whole page, not just the window: grow the window to the page's height first."""
    height, chrome = driver.execute_script(
        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]"
    )
    driver.set_window_size(1440, max(900, int(height) + int(chrome)))
    driver.save_screenshot(str(path))


def choose_topic(driver, name: str) -> None:
    driver.find_element(By.ID, ids.OVERVIEW_TOPIC).click()
    options = wait(driver).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[role=listbox] [role=option]")
    )
    texts = [option.text for option in options]
    assert name in texts, texts
    options[texts.index(name)].click()


def assert_clean_console_and_offline(driver, base_url: str) -> None:
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == [], severe
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources, "no resources recorded"
    foreign = [url for url in resources if not url.startswith(base_url)]
    assert foreign == [], foreign


def log_in(driver, base_url: str, username: str, password: str) -> None:
    """Through the real form, as a person would: open the site, get sent to /login, type."""
    driver.get(base_url + "/")
    wait(driver).until(lambda d: urlsplit(d.current_url).path == "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


@pytest.fixture
def signed_in(browser, account):
    """``signed_in(base_url)``: log the browser in as the test viewer, wait for the app shell."""

    def sign_in(base_url: str) -> None:
        log_in(browser, base_url, *account)
        wait_for(browser, f"#{ids.AUTH_USER}")

    return sign_in


def test_overview_renders_the_numbers(
    browser, live_server, config, store, make_item, screenshot_dir, signed_in
) -> None:
    sample = sample_items(make_item)
    store.upsert(sample.items)
    base_url = live_server(create_app(config, store))

    signed_in(base_url)
    wait_for(browser, f"#{ids.OVERVIEW_VOLUME_GRAPH} .main-svg")
    wait_for(browser, f"#{ids.OVERVIEW_COVERAGE_GRAPH} .main-svg")
    wait(browser).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, f"#{ids.OVERVIEW_VOLUME_GRAPH} .bars"))
        == 4
    )

    assert browser.title == "phuxanh – Giám sát dư luận"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tổng quan dư luận"
    assert text(browser, ids.OVERVIEW_KPI_TOTAL) == f"{sample.total:,d}".replace(",", ".")
    assert text(browser, ids.OVERVIEW_KPI_POSITIVE) == vn_pct(sample.positive, sample.total)
    assert text(browser, ids.OVERVIEW_KPI_NEGATIVE) == vn_pct(sample.negative, sample.total)
    week = sample.this_monday.isocalendar().week
    latest = f"Tuần {week} ({sample.this_monday:%d/%m})"
    # This week (k=0): 3 official positive, 2 negative.
    assert text(browser, ids.OVERVIEW_COVERAGE_TEXT).startswith(
        f"{latest}: 3 tin tích cực từ kênh chính thống, 2 tin tiêu cực — tỉ lệ 1,5 : 1"
    )
    assert text(browser, ids.OVERVIEW_KPI_COVERAGE) == "60%"

    ticks = [
        tick.text for tick in browser.find_elements(
            By.CSS_SELECTOR, f"#{ids.OVERVIEW_VOLUME_GRAPH} .xtick text"
        )
    ]
    assert len(ticks) == 12, ticks
    assert ticks[-1] == latest
    legend = [
        entry.text for entry in browser.find_elements(
            By.CSS_SELECTOR, f"#{ids.OVERVIEW_VOLUME_GRAPH} .legendtext"
        )
    ]
    assert legend == ["Tích cực", "Trung lập", "Tiêu cực", "Chưa phân loại"]

    screenshot(browser, screenshot_dir / "overview.png")

    # Another topic: only the one item tagged with it this week.
    choose_topic(browser, "Chuyển đổi số")
    wait(browser).until(
        lambda d: d.find_element(By.ID, ids.OVERVIEW_KPI_TOTAL).text == "1"
    )
    assert text(browser, ids.OVERVIEW_KPI_NEGATIVE) == "100,0%"
    assert_clean_console_and_offline(browser, base_url)


def test_overview_empty_state(
    browser, live_server, config, store, screenshot_dir, signed_in
) -> None:
    base_url = live_server(create_app(config, store))
    signed_in(base_url)
    empty = wait_for(browser, f"#{ids.OVERVIEW_EMPTY}")
    assert "Chưa có dữ liệu. Chạy phuxanh crawl hoặc make demo." in empty.text
    assert browser.find_elements(By.ID, ids.OVERVIEW_VOLUME_GRAPH) == []
    assert browser.title == "phuxanh – Giám sát dư luận"
    screenshot(browser, screenshot_dir / "overview-empty.png")
    assert_clean_console_and_offline(browser, base_url)


class BrokenStore:
    def count(self, *_args: Any, **_kwargs: Any) -> int:
        raise StoreError("var/phuxanh.db: cannot open the store (disk I/O error)")

    aggregate = count

    def audit(self, *_args: Any, **_kwargs: Any) -> None:
        """Writes still work (the audit log of the login): only reads fail."""


def test_a_store_failure_shows_the_error_banner(browser, live_server, config,
                                                signed_in) -> None:
    base_url = live_server(create_app(config, BrokenStore()))  # type: ignore[arg-type]
    signed_in(base_url)
    banner = wait_for(browser, f"#{ids.ERROR_BANNER}")
    assert "Không tải được dữ liệu" in banner.text
    assert "cannot open the store" in banner.text
    browser.find_element(By.ID, ids.ERROR_DISMISS).click()
    wait(browser).until(
        ec.invisibility_of_element_located((By.ID, ids.ERROR_BANNER))
    )
    assert_clean_console_and_offline(browser, base_url)


def test_login_wrong_then_right_password_then_logout(
    browser, live_server, config, store, account, screenshot_dir
) -> None:
    username, password = account
    base_url = live_server(create_app(config, store))

    log_in(browser, base_url, username, "khong-phai-mat-khau")
    error = wait_for(browser, "#login-error")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in error.text
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    screenshot(browser, screenshot_dir / "login-failed.png")

    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()
    user = wait_for(browser, f"#{ids.AUTH_USER}")
    assert user.text == f"{username} · Người xem"
    empty = wait_for(browser, f"#{ids.OVERVIEW_EMPTY}")
    assert "Chưa có dữ liệu" in empty.text
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tổng quan dư luận"
    assert_clean_console_and_offline(browser, base_url)  # the CSP let Dash run, nothing blocked

    browser.find_element(By.ID, ids.AUTH_LOGOUT).click()
    notice = wait_for(browser, "#login-notice")
    assert notice.text == "Bạn đã đăng xuất."
    browser.get(base_url + "/")  # the old session is gone
    wait(browser).until(lambda d: urlsplit(d.current_url).path == "/login")
    actions = [entry.action for entry in store.audit_log(limit=10)]
    assert actions.count("login") == 1 and "login_failed" in actions and "logout" in actions


def test_an_expired_session_goes_back_to_the_login_page(
    browser, live_server, config, store, account
) -> None:
    from phuxanh.users import UserStore

    now = [datetime.now(UTC)]
    users = UserStore.for_config(config, clock=lambda: now[0])
    base_url = live_server(create_app(config, store, users=users))
    log_in(browser, base_url, *account)
    wait_for(browser, f"#{ids.AUTH_USER}")
    wait_for(browser, f"#{ids.OVERVIEW_EMPTY}")

    now[0] += IDLE_TIMEOUT + timedelta(minutes=1)  # the person left the desk
    choose_topic(browser, "Chuyển đổi số")  # the callback gets 401
    notice = wait_for(browser, "#login-notice")
    assert notice.text == "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."


def test_coverage_and_weekly_report_pages_and_the_pdf_download(
    browser, live_server, config, store, make_item, screenshot_dir, signed_in, tmp_path
) -> None:
    """Đưa tin and Báo cáo tuần open from the navigation with no console error; the weekly
    PDF downloads through Chromium and reads back as the Vietnamese report."""
    import time

    from pypdf import PdfReader

    from dashboard.pages import coverage as coverage_page
    from dashboard.pages import report as report_page
    from phuxanh.config import Source

    config.sources = [
        Source(key="baochinhphu", name="Báo Điện tử Chính phủ", official=True, weekly_target=4),
        Source(key="nhandan", name="Nhân Dân", official=True, weekly_target=2),
        Source(key="diendan", name="Diễn đàn mẫu", type="forum"),
    ]
    sample = sample_items(make_item)
    store.upsert(sample.items)
    base_url = live_server(create_app(config, store))
    signed_in(base_url)

    wait_for(browser, f"#{coverage_page.NAV}").click()
    table = wait_for(browser, f"#{coverage_page.TABLE}")
    wait_for(browser, f"#{coverage_page.GRAPH} .main-svg")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Đưa tin của các đơn vị"
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [row.get_attribute("data-source") for row in rows] == [
        "baochinhphu", "nhandan", "diendan"]
    assert "Nhân Dân" in text(browser, coverage_page.SILENT)  # a target and never an item
    assert rows[1].get_attribute("class") == "problem"
    screenshot(browser, screenshot_dir / "coverage.png")
    assert_clean_console_and_offline(browser, base_url)

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
    wait_for(browser, f"#{report_page.NAV}").click()
    last_week = sample.this_monday - timedelta(weeks=1)
    year, week, _ = last_week.isocalendar()
    wait(browser).until(lambda d: d.find_element(By.ID, report_page.TITLE).text
                        == f"Báo cáo tuần {week}/{year}")
    wait_for(browser, f"#{report_page.VOLUME_GRAPH} .main-svg")
    wait_for(browser, f"#{report_page.BALANCE_GRAPH} .main-svg")
    wait_for(browser, "#report-coverage-table")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Báo cáo tuần"
    screenshot(browser, screenshot_dir / "report.png")

    browser.find_element(By.ID, report_page.PDF_BUTTON).click()
    name = f"phuxanh-bao-cao-tuan-{year}-W{week:02d}.pdf"
    wait(browser, 30).until(lambda _d: (downloads / name).is_file()
                            and not list(downloads.glob("*.crdownload")))
    time.sleep(0.2)  # not a timing assertion: lets Chromium close the finished file
    reader = PdfReader(downloads / name)
    words = " ".join(reader.pages[0].extract_text().split())
    assert f"Báo cáo tuần {week}/{year}" in words and "Chỉ số phủ xanh" in words
    exports = store.audit_log(limit=5, action="export")
    assert [entry.target for entry in exports] == [name]
    assert_clean_console_and_offline(browser, base_url)


def test_a_bulk_confirm_on_a_cluster_persists(
    browser, live_server, config, store, flagged, reviewer_account, screenshot_dir
) -> None:
    from dashboard.pages import review as review_page

    items = flagged(negative=3, misinformation=1)
    top = items[3]  # suspected misinformation: first in the queue
    store.save_cluster(top.id, None, [], "c1", is_original=True)
    for copy in items[:2]:
        store.save_cluster(copy.id, None, [], "c1", is_original=False)
    base_url = live_server(create_app(config, store))
    log_in(browser, base_url, *reviewer_account)
    wait_for(browser, f"#{ids.AUTH_USER}")
    browser.get(base_url + review_page.PATH)
    wait_for(browser, f"#{review_page.REVIEW_CLUSTER}")
    assert browser.find_element(By.ID, ids.REVIEW_ITEM_TITLE).text == top.title
    bulk = wait_for(browser, f"#{review_page.REVIEW_BULK} input[type=checkbox]")
    assert "cả 2 bản sao" in browser.find_element(By.ID, review_page.REVIEW_BULK).text
    screenshot(browser, screenshot_dir / "review-cluster.png")
    bulk.click()
    browser.find_element(By.ID, ids.REVIEW_CONFIRM).click()
    wait(browser).until(lambda d: "Đã áp dụng cho 2/2 bản sao" in d.find_element(
        By.ID, ids.REVIEW_MESSAGE).text)
    wait(browser).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.REVIEW_QUEUE} input[type=radio]")) == 1)
    for item in (top, *items[:2]):
        review = store.get(item.id).review
        assert (review.status, review.reviewer) == ("confirmed", reviewer_account[0])
    browser.refresh()
    wait_for(browser, f"#{ids.REVIEW_ITEM_TITLE}")
    assert browser.find_element(By.ID, ids.REVIEW_ITEM_TITLE).text == items[2].title
    assert_clean_console_and_offline(browser, base_url)


def test_an_admin_opens_every_page_in_the_navigation_without_console_errors(
    browser, live_server, config, store, make_item, screenshot_dir
) -> None:
    """Every link of the navigation (an admin sees them all, submit included) opens a page
    with its heading, no browser console error and nothing fetched from elsewhere."""
    from phuxanh.users import UserStore

    UserStore.for_config(config).add_user("quantri", "mat-khau-quan-tri-vien", "admin")
    sample = sample_items(make_item)
    store.upsert(sample.items)
    base_url = live_server(create_app(config, store))
    log_in(browser, base_url, "quantri", "mat-khau-quan-tri-vien")
    wait_for(browser, f"#{ids.AUTH_USER}")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "nav a")]
    paths = [urlsplit(href).path for href in links]
    for expected in ("/", "/review", "/search", "/sources", "/coverage", "/report", "/submit"):
        assert expected in paths, paths
    for href in links:
        browser.get(href)
        heading = wait_for(browser, "h1")
        wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "h1").text.strip() != "")
        assert heading.text.strip(), href
        name = urlsplit(href).path.strip("/") or "overview"
        screenshot(browser, screenshot_dir / f"nav-{name}.png")
        assert_clean_console_and_offline(browser, base_url)
    # The item page opens from an id, as search and the queue link to it.
    browser.get(f"{base_url}/item?id={sample.items[0].id}")
    wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "h1").text.strip() != "")
    screenshot(browser, screenshot_dir / "nav-item.png")
    assert_clean_console_and_offline(browser, base_url)
