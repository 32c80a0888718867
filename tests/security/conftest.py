"""Fixtures for the security tests: a real app over a real SQLite store with one user per role,
a fake clock shared by accounts and sessions, and a Dash callback caller that goes through
HTTP (the guard, CSRF, the role decorators) exactly as the browser does."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from phuxanh.config import Config, DashboardConfig, Topic
from phuxanh.schema import Item
from phuxanh.store.sqlite import SQLiteStore
from phuxanh.users import UserStore

SECRET = "test-secret-key-" + "s" * 32
PASSWORDS = {"viewer": "mat-khau-nguoi-xem", "reviewer": "mat-khau-nguoi-duyet",
             "press": "mat-khau-bao-chi", "admin": "mat-khau-quan-tri"}


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PHUXANH_SECRET_KEY", SECRET)
    return SECRET


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        data_dir=tmp_path,
        dashboard=DashboardConfig(weeks=12, language="vi"),
        topics=[Topic(key="chi-thi-57", name="Chỉ thị 57-CT/TW", terms=["Chỉ thị 57"])],
    )


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = SQLiteStore(tmp_path / "t.db")
    yield opened
    opened.close()


@pytest.fixture
def users(config: Config, clock: FakeClock) -> UserStore:
    accounts = UserStore.for_config(config, clock=clock)
    for role, password in PASSWORDS.items():
        accounts.add_user(role, password, role, ["baochinhphu"] if role == "press" else [])
    return accounts


@pytest.fixture
def app(config: Config, store: SQLiteStore, users: UserStore) -> Any:
    from dashboard.app import create_app

    return create_app(config, store, users=users)


def login(client: Any, username: str, password: str) -> Any:
    html = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:300]
    return client.post("/login", data={"csrf_token": match.group(1), "username": username,
                                       "password": password})


@pytest.fixture
def client_as(app: Any) -> Callable[[str | None], Any]:
    """``client_as(role)``: a Flask test client logged in as that role's user (None: anonymous)."""

    def make(role: str | None) -> Any:
        client = app.server.test_client()
        if role is not None:
            response = login(client, role, PASSWORDS[role])
            assert response.status_code == 302, response.get_data(as_text=True)[:300]
            client.get("/")  # the CSRF cookie Dash's renderer echoes back
        return client

    return make


def _outputs(key: str) -> list[dict[str, str]]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


def callback_payload(key: str, spec: dict[str, Any], values: dict[tuple[str, str], Any]
                     | None = None, trigger: int = 0) -> dict[str, Any]:
    """The JSON Dash's renderer posts to run the callback whose output key is ``key``."""
    values = values or {}

    def filled(dependencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": d["id"], "property": d["property"],
                 "value": values.get((d["id"], d["property"]))} for d in dependencies]

    outputs = _outputs(key)
    inputs = filled(spec["inputs"])
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": filled(spec.get("state", [])),
        "changedPropIds": [f"{inputs[trigger]['id']}.{inputs[trigger]['property']}"]
        if inputs else [],
    }


def call_callback(client: Any, payload: dict[str, Any]) -> Any:
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie is not None else {}
    return client.post("/_dash-update-component", json=payload, headers=headers)


def stored_item(store: SQLiteStore, n: int = 0, title: str = "Bài về Chỉ thị 57",
                text: str = "Nội dung về Chỉ thị 57.", negative: bool = True,
                source: str = "diendan") -> Item:
    """A stored forum item labelled negative (so it is in the review queue)."""
    from phuxanh.schema import DateSource, Sentiment, url_item_id
    from phuxanh.store.base import LabelUpdate

    now = datetime.now(UTC).replace(microsecond=0)
    url = f"https://{source}.example.vn/bai-{n}.html"
    item = Item(id=url_item_id(url), url=url, canonical_url=url, source=source,
                source_type="forum", outlet="Diễn đàn mẫu", title=title, text=text,
                published_at=now, date_source=DateSource.PAGE_METADATA, fetched_at=now,
                topics=["chi-thi-57"], matched_terms=["Chỉ thị 57"])
    store.upsert([item])
    store.set_labels([LabelUpdate(item.id, Sentiment(
        label="negative" if negative else "positive", score=0.8, model="test@1"))])
    return item


def server_callbacks(app: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every callback that runs on the server (clientside ones, like Dash Pages' title
    updater, have no function here and never reach the server)."""
    return [(key, spec) for key, spec in list(app.callback_map.items()) if "callback" in spec]
