"""Fixtures for the dashboard tests: items, a real SQLite store, a config, a live server and a
headless Chromium driven by selenium.

The browser tests fail (never skip) when Chromium is missing: a dashboard that was never
rendered in a browser has not been tested.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from phuxanh.config import Config, DashboardConfig, Topic
from phuxanh.schema import VN_TZ, DateSource, Item, Sentiment, url_item_id
from phuxanh.store.sqlite import SQLiteStore
from phuxanh.users import UserStore

CHROMIUM = Path(os.environ.get("PHUXANH_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("PHUXANH_CHROMEDRIVER", "/usr/bin/chromedriver"))
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
TOPIC = "chi-thi-57"
OTHER_TOPIC = "chuyen-doi-so"

ItemFactory = Callable[..., Item]


@pytest.fixture
def make_item() -> ItemFactory:
    """``make_item(published_at, sentiment=..., official=..., topics=..., dated=...)``: an Item
    with a unique URL. ``sentiment`` None leaves it unclassified."""
    counter = iter(range(1_000_000))

    def build(
        published_at: datetime,
        sentiment: str | None = "neutral",
        *,
        official: bool = False,
        topics: tuple[str, ...] = (TOPIC,),
        dated: bool = True,
    ) -> Item:
        n = next(counter)
        host = "baochinhphu.vn" if official else "diendan.example.vn"
        url = f"https://{host}/bai-viet-{n}.html"
        return Item(
            id=url_item_id(url),
            url=url,
            canonical_url=url,
            source="baochinhphu" if official else "diendan",
            source_type="news" if official else "forum",
            outlet="Báo Điện tử Chính phủ" if official else "Diễn đàn mẫu",
            official=official,
            title=f"Bài {n} về Chỉ thị 57-CT/TW",
            text=f"Nội dung bài {n} bàn về an ninh mạng.",
            published_at=published_at,
            date_source=DateSource.PAGE_METADATA if dated else DateSource.CRAWL_TIME,
            fetched_at=published_at,
            topics=list(topics),
            sentiment=(
                Sentiment(label=sentiment, score=0.9, model="test@1") if sentiment else None
            ),
        )

    return build


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "t.db")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every dashboard test runs with a session key, as production must."""
    key = "test-secret-key-" + "x" * 32
    monkeypatch.setenv("PHUXANH_SECRET_KEY", key)
    return key


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        data_dir=tmp_path,  # users.db lands here, never in the repository's var/
        dashboard=DashboardConfig(weeks=12, language="vi"),
        topics=[
            Topic(key=TOPIC, name="Chỉ thị 57-CT/TW về an ninh mạng", terms=["Chỉ thị 57"]),
            Topic(key=OTHER_TOPIC, name="Chuyển đổi số", terms=["chuyển đổi số"]),
        ],
    )


# -- accounts --------------------------------------------------------------------------------

USERNAME = "lan"
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def account(config: Config) -> tuple[str, str]:
    """A viewer in the config's users.db (the one ``create_app`` opens): (username, password)."""
    UserStore.for_config(config).add_user(USERNAME, PASSWORD, "viewer")
    return USERNAME, PASSWORD


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def login(client: Any, username: str = USERNAME, password: str = PASSWORD) -> Any:
    """Log ``client`` (a Flask test client) in through the real form; returns the response."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password})


@pytest.fixture
def logged_in(account: tuple[str, str]) -> Callable[[Any], Any]:
    """``logged_in(app)``: a Flask test client of ``app`` logged in as the test viewer."""

    def client_for(app: Any) -> Any:
        client = app.server.test_client()
        response = login(client, *account)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return client_for


# -- browser ---------------------------------------------------------------------------------


@pytest.fixture
def live_server() -> Iterator[Callable[[object], str]]:
    """``serve(app)`` starts ``app`` (a Dash app) on 127.0.0.1 on a free port in a background
    thread and returns its base URL; every server is shut down at teardown."""
    from werkzeug.serving import make_server

    servers = []

    def serve(app: object) -> str:
        server = make_server("127.0.0.1", 0, app.server, threaded=True)  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, name="dash-test", daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    """A fresh headless Chromium (own profile, console log captured) per test."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: the browser tests need Chromium and chromedriver. "
            f"Run scripts/install-browser.sh (as root) and try again.",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="phuxanh-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-extensions", "--window-size=1440,900",
        "--lang=vi-VN", "--force-device-scale-factor=1", f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


REVIEWER = "hoa"
REVIEWER_PASSWORD = "mat-khau-nguoi-duyet"


@pytest.fixture
def reviewer_account(config: Config) -> tuple[str, str]:
    """A reviewer in the config's users.db: (username, password)."""
    UserStore.for_config(config).add_user(REVIEWER, REVIEWER_PASSWORD, "reviewer")
    return REVIEWER, REVIEWER_PASSWORD


@pytest.fixture
def flagged(store: SQLiteStore, make_item: ItemFactory) -> Callable[..., list[Item]]:
    """``flagged(n_negative, n_misinformation)``: stored items labelled through ``set_labels``
    so that they enter the review queue (plus one positive item that must not)."""
    from phuxanh.schema import Misinformation
    from phuxanh.store.base import LabelUpdate

    def build(negative: int = 2, misinformation: int = 1) -> list[Item]:
        now = datetime.now(VN_TZ).replace(microsecond=0)
        items = [make_item(now, None) for _ in range(negative + misinformation + 1)]
        for item in items:
            item.matched_terms = ["Chỉ thị 57"]
        store.upsert(items)
        updates = []
        for i, item in enumerate(items):
            if i < negative:
                updates.append(LabelUpdate(item.id, Sentiment(
                    label="negative", score=0.7 + i / 100, model="test@1",
                    reason="chỉ trích, lo ngại")))
            elif i < negative + misinformation:
                updates.append(LabelUpdate(
                    item.id,
                    Sentiment(label="negative", score=0.8, model="test@1"),
                    Misinformation(label="likely", score=0.6, model="test@1",
                                   narrative_id="cam-mang-xa-hoi", reason="giống luận điệu"),
                ))
            else:
                updates.append(LabelUpdate(item.id, Sentiment(
                    label="positive", score=0.9, model="test@1")))
        store.set_labels(updates)
        return items

    return build
