"""Login, sessions, CSRF, roles and security headers through Flask's test client."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import auth, ids
from dashboard.app import create_app
from phuxanh.errors import ConfigError, PermissionDenied
from phuxanh.users import MAX_FAILURES, UserStore

PASSWORD = "mat-khau-thu-nghiem"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def users(config, clock) -> UserStore:
    store = UserStore.for_config(config, clock=clock)
    store.add_user("lan", PASSWORD, "viewer")
    return store


@pytest.fixture
def app(config, store, users):
    return create_app(config, store, users=users)


@pytest.fixture
def client(app):
    return app.server.test_client()


def token_of(client: Any) -> str:
    html = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def post_login(client: Any, password: str = PASSWORD, username: str = "lan",
               token: str | None = None, **kwargs: Any) -> Any:
    token = token_of(client) if token is None else token
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password}, **kwargs)


def dash_post(client: Any, headers: dict[str, str] | None = None) -> Any:
    payload = {
        "output": f"{ids.ERROR_BANNER}.hidden",
        "outputs": {"id": ids.ERROR_BANNER, "property": "hidden"},
        "inputs": [{"id": ids.ERROR_DISMISS, "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{ids.ERROR_DISMISS}.n_clicks"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=payload, headers=headers or {})


def csrf_header(client: Any) -> dict[str, str]:
    return {"X-CSRFToken": client.get_cookie("_csrf_token").value}


def test_unauthenticated_pages_redirect_to_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    deep = client.get("/some/page?x=1")
    assert deep.headers["Location"].endswith("/login?next=/some/page?x%3D1")
    assert client.get("/health").status_code == 200
    assert client.get("/assets/style.css").status_code == 200
    login_page = client.get("/login")
    assert login_page.status_code == 200
    html = login_page.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng nhập" in html and "<script" not in html


def test_dash_routes_answer_401_without_a_session(client) -> None:
    assert dash_post(client).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401


def test_login_with_a_wrong_csrf_token_is_refused(client, store) -> None:
    token_of(client)
    response = post_login(client, token="forged")
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still logged out
    no_token = client.post("/login", data={"username": "lan", "password": PASSWORD})
    assert no_token.status_code == 400


def test_login_from_another_origin_is_refused(client) -> None:
    response = post_login(client, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400


def test_login_ok_is_audited_and_opens_the_dashboard(client, store, clock) -> None:
    response = post_login(client, follow_redirects=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in response.get_data(as_text=True)
    entry = store.audit_log(action="login")[0]
    assert (entry.actor, entry.target, entry.details["role"]) == ("lan", "lan", "viewer")
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "lan · Người xem" in layout and "Đăng xuất" in layout


def test_next_goes_back_but_never_off_site(client) -> None:
    token = token_of(client)
    response = client.post("/login?next=/trang?a=1", data={
        "csrf_token": token, "username": "lan", "password": PASSWORD})
    assert response.headers["Location"] == "/trang?a=1"
    assert auth._safe_next("//evil.example/x") == "/"
    assert auth._safe_next("https://evil.example/") == "/"
    assert auth._safe_next("/\\evil.example") == "/"


def test_failed_login_is_audited_and_says_the_same_for_unknown_users(client, store) -> None:
    wrong = post_login(client, password="khong-dung-roi")
    unknown = post_login(client, username="khong-ai", password="khong-dung-roi")
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    failures = store.audit_log(action="login_failed")
    assert {entry.target for entry in failures} == {"lan", "khong-ai"}
    assert all(entry.details["reason"] == "invalid" for entry in failures)
    assert client.get("/").status_code == 302


def test_lockout_shows_the_same_message_and_is_audited(client, store) -> None:
    for _ in range(MAX_FAILURES):
        post_login(client, password="khong-dung-roi")
    locked = post_login(client)  # the right password, but locked
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in locked.get_data(as_text=True)
    assert store.audit_log(action="login_failed")[0].details["reason"] == "locked"
    assert client.get("/").status_code == 302


def test_login_form_escapes_what_was_typed(client) -> None:
    html = post_login(client, username='<script>alert(1)</script>',
                      password="x" * 12).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_dash_post_needs_the_csrf_header(client) -> None:
    post_login(client)
    client.get("/")
    assert dash_post(client).status_code == 403
    assert dash_post(client, {"X-CSRFToken": "forged"}).status_code == 403
    assert dash_post(client, csrf_header(client)).status_code == 200
    cross = {**csrf_header(client), "Origin": "https://evil.example"}
    assert dash_post(client, cross).status_code == 403
    same = {**csrf_header(client), "Origin": "http://localhost"}
    assert dash_post(client, same).status_code == 200


def test_session_expires_when_idle_and_absolutely(client, clock) -> None:
    post_login(client)
    clock.now += auth.IDLE_TIMEOUT - timedelta(minutes=1)
    assert client.get("/").status_code == 200  # activity refreshes the idle clock
    clock.now += auth.IDLE_TIMEOUT - timedelta(minutes=1)
    assert client.get("/").status_code == 200
    clock.now += auth.IDLE_TIMEOUT + timedelta(minutes=1)
    expired = client.get("/")
    assert expired.status_code == 302 and "expired=1" in expired.headers["Location"]
    assert "Phiên làm việc đã hết hạn" in client.get(expired.headers["Location"]).get_data(
        as_text=True)

    post_login(client)
    for _ in range(4):  # active all along, but 24 h after login it ends anyway
        clock.now += auth.ABSOLUTE_TIMEOUT / 4 - timedelta(minutes=1)
        assert client.get("/").status_code == 200
    clock.now += timedelta(minutes=10)
    assert client.get("/").status_code == 302


def test_disabling_a_user_ends_their_session(client, users) -> None:
    post_login(client)
    assert client.get("/").status_code == 200
    users.disable("lan")
    assert client.get("/").status_code == 302
    assert "vô hiệu hoá" in post_login(client).get_data(as_text=True)


def test_logout_needs_the_token_and_ends_the_session(client, store) -> None:
    post_login(client)
    assert client.post("/logout").status_code == 403
    html = client.get("/_dash-layout").get_data(as_text=True)
    token = re.search(r'"name":\s*"csrf_token",\s*"type":\s*"hidden",\s*"value":\s*"([^"]+)"',
                      html) or re.search(r'"value":\s*"([^"]+)"[^}]*"name":\s*"csrf_token"', html)
    assert token, html
    response = client.post("/logout", data={"csrf_token": token.group(1)})
    assert response.status_code == 302 and "bye=1" in response.headers["Location"]
    assert client.get("/").status_code == 302
    assert store.audit_log(action="logout")[0].actor == "lan"


def test_security_headers_on_every_response(client) -> None:
    for response in (client.get("/login"), client.get("/"), client.get("/health"),
                     dash_post(client)):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    post_login(client)
    index = client.get("/")
    assert index.headers["Cache-Control"] == "no-store"
    assert client.get_cookie("_csrf_token") is not None  # for Dash to echo back
    session_cookie = client.get_cookie(auth.SESSION_COOKIE)
    assert session_cookie.http_only


def test_require_role(app) -> None:
    @auth.require_role("reviewer")
    def review() -> str:
        return "ok"

    with app.server.test_request_context("/"):
        with pytest.raises(PermissionDenied):
            review()  # nobody logged in
        for role, allowed in (("viewer", False), ("press", False), ("reviewer", True),
                              ("admin", True)):
            from flask import g

            g.phuxanh_user = type("U", (), {"role": role, "username": role})()
            if allowed:
                assert review() == "ok"
            else:
                with pytest.raises(PermissionDenied, match=role):
                    review()
    with pytest.raises(ValueError, match="unknown roles"):
        auth.require_role("root")


def test_production_refuses_to_start_without_a_secret_key(config, store, monkeypatch) -> None:
    monkeypatch.delenv("PHUXANH_SECRET_KEY")
    with pytest.raises(ConfigError, match="PHUXANH_SECRET_KEY is not set"):
        create_app(config, store)
    monkeypatch.setenv("PHUXANH_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="too short"):
        create_app(config, store)
    monkeypatch.delenv("PHUXANH_SECRET_KEY")
    assert create_app(config, store, testing=True).server.secret_key  # ephemeral, for tests
