"""Issue 8, access: every route and every Dash callback of the real app, enumerated from the
app itself (a route or callback added later is covered without editing this file), requires a
login; the callbacks that read or write review data check the role; logins are throttled;
sessions expire and cannot be forged; passwords are stored as scrypt hashes; every response
carries the security headers."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from dashboard import auth, ids

from .conftest import (
    PASSWORDS,
    call_callback,
    callback_payload,
    login,
    server_callbacks,
    stored_item,
)

# The only routes reachable without a session: the login form, the health check (it says
# "ok", no data), the login page's stylesheet and the favicon. Anything else must be guarded.
PUBLIC = {"/login", "/health", "/assets/style.css", "/favicon.ico", "/_favicon.ico"}
# Callbacks that read the review queue or write (reviews, submitted links): their outputs are
# the review and submit pages' ("review-...", "submit-..."); they must be limited to reviewers
# and admins. These three at least must exist. Every callback's declared roles
# (@require_role) are enforced; a callback without one is open to every logged-in role (and
# to nobody else).
REVIEW_ONLY = {ids.REVIEW_QUEUE, ids.REVIEW_DETAIL, ids.REVIEW_MESSAGE}
REVIEWER_PAGES = ("review-", "submit-")


def _declared_roles(function: Any) -> tuple[str, ...] | None:
    """The roles a callback's @require_role names (None: not decorated), found by unwrapping
    Dash's and our decorators."""
    import inspect

    while function is not None:
        try:
            names = inspect.getclosurevars(function).nonlocals
        except TypeError:  # not a Python function
            names = {}
        # require_role's wrapper (functools.wraps copies its name and module, not its code)
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename == auth.__file__ and "roles" in names:
            return tuple(names["roles"])
        function = getattr(function, "__wrapped__", None)
    return None



ROLES = tuple(PASSWORDS)


def _concrete(rule: str) -> str:
    """A URL matching a Flask rule: every <converter:name> filled with a harmless value."""
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", lambda m: f"x-{m.group(1)}", rule)


def _first_output(key: str) -> str:
    return key.strip(".").split("...")[0].rsplit(".", 1)[0]


def _denied(response: Any) -> bool:
    body = response.get_json(silent=True) or {}
    message = str(body.get("sideUpdate", {}).get(ids.ERROR_MESSAGE, {}).get("children", ""))
    return "không được xem nội dung này" in message


def test_every_route_needs_a_login(app: Any, client_as: Any, store: Any) -> None:
    stored_item(store)  # "Bài về Chỉ thị 57": must not show up in any anonymous answer
    anonymous = client_as(None)
    rules = list(app.server.url_map.iter_rules())
    assert len(rules) >= 10
    checked = 0
    for rule in rules:
        url = _concrete(rule.rule)
        for method in sorted(rule.methods - {"HEAD"}):
            response = anonymous.open(url, method=method)
            if url in PUBLIC:
                continue
            checked += 1
            assert response.status_code in (302, 401), (method, url, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), (method, url)
            body = response.get_data(as_text=True)
            assert "Chỉ thị" not in body and "Bài về" not in body, (method, url)  # no data
    assert checked >= 15
    # Routes not in the rule list are 404s behind the same guard; assets beyond the login
    # stylesheet (our JavaScript, Dash's bundles) are not public either.
    for url in ("/assets/app.js", "/_dash-component-suites/dash/dash-renderer/build/x.js",
                "/review", "/item?id=x", "/no-such-page", "/static/x"):
        assert anonymous.get(url).status_code in (302, 401), url


def test_the_public_routes_are_exactly_the_expected_ones(app: Any, client_as: Any) -> None:
    anonymous = client_as(None)
    opened = set()
    for rule in app.server.url_map.iter_rules():
        url = _concrete(rule.rule)
        if "GET" in rule.methods and anonymous.get(url).status_code not in (302, 401):
            opened.add(url)
    assert opened <= PUBLIC, opened - PUBLIC
    assert auth.PUBLIC_PATHS == PUBLIC
    assert anonymous.get("/health").get_data(as_text=True).strip().lower() in {"ok", '"ok"'}


def test_every_callback_needs_a_login(app: Any, client_as: Any, store: Any) -> None:
    stored_item(store)
    anonymous = client_as(None)
    anonymous.get("/login")  # Dash finishes registering its callbacks on the first request
    assert len(app.callback_map) >= 9
    for key, spec in server_callbacks(app):
        response = call_callback(anonymous, callback_payload(key, spec))
        assert response.status_code == 401, key
        assert response.get_json() == {"error": "login required"}
    # Dash's layout and dependency routes (the page structure) too.
    for url in ("/_dash-layout", "/_dash-dependencies"):
        assert anonymous.get(url).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_every_callback_checks_the_role(app: Any, client_as: Any, store: Any,
                                        role: str) -> None:
    item = stored_item(store)
    client = client_as(role)
    values = {(ids.REVIEW_QUEUE, "value"): item.id, (ids.ITEM_ID, "data"): item.id,
              (ids.REVIEW_ORDER, "value"): "priority"}
    for key, spec in server_callbacks(app):
        declared = _declared_roles(spec["callback"])
        if _first_output(key).startswith(REVIEWER_PAGES):
            assert declared is not None and set(declared) <= {"reviewer", "admin"}, (
                key, declared)
        response = call_callback(client, callback_payload(key, spec, values))
        assert response.status_code in (200, 204), (role, key, response.status_code)
        refused = declared is not None and role not in declared and role != "admin"
        if refused:
            assert _denied(response), (role, key)
            assert response.get_json()["response"] == {}, (role, key)  # no data leaked
            assert item.title not in response.get_data(as_text=True)
        else:
            assert not _denied(response), (role, key)
    assert {_first_output(key) for key in app.callback_map} >= REVIEW_ONLY


def _review_action(app: Any, item_id: str, version: int) -> dict[str, Any]:
    (key,) = [key for key in app.callback_map if _first_output(key) == ids.REVIEW_MESSAGE]
    return callback_payload(key, app.callback_map[key], {
        (ids.REVIEW_CONFIRM, "n_clicks"): 1,
        (ids.REVIEW_LOADED, "data"): {"id": item_id, "version": version},
        (ids.REVIEW_REFRESH, "data"): 0,
    })


@pytest.mark.parametrize("role", ["viewer", "press"])
def test_a_viewer_or_press_user_cannot_write_a_review(app: Any, client_as: Any, store: Any,
                                                     role: str) -> None:
    item = stored_item(store)
    version = store.get_version(item.id)
    response = call_callback(client_as(role), _review_action(app, item.id, version))
    assert _denied(response)
    assert store.get(item.id).review.status == "unreviewed"
    assert store.get_version(item.id) == version
    assert store.audit_log(action="review") == []

    # The same request from a reviewer is accepted: the refusal above was the role check.
    response = call_callback(client_as("reviewer"), _review_action(app, item.id, version))
    assert not _denied(response), response.get_data(as_text=True)[:500]
    assert store.get(item.id).review.status == "confirmed"
    (entry,) = store.audit_log(action="review")
    assert entry.actor == "reviewer"


def test_a_stale_version_is_refused_not_overwritten(app: Any, client_as: Any,
                                                    store: Any) -> None:
    item = stored_item(store)
    version = store.get_version(item.id)
    first = call_callback(client_as("reviewer"), _review_action(app, item.id, version))
    assert not _denied(first)
    again = call_callback(client_as("admin"), _review_action(app, item.id, version))
    from dashboard.i18n.vi import MESSAGES

    assert MESSAGES["review.conflict"] in json.dumps(again.get_json(), ensure_ascii=False)
    assert [entry.actor for entry in store.audit_log(action="review")] == ["reviewer"]


def test_callbacks_need_the_csrf_header_even_when_logged_in(app: Any, client_as: Any) -> None:
    client = client_as("admin")
    for key, spec in server_callbacks(app):
        response = client.post("/_dash-update-component", json=callback_payload(key, spec))
        assert response.status_code == 403, key


def test_login_is_throttled_per_account(client_as: Any, store: Any, users: Any,
                                        clock: Any) -> None:
    from phuxanh.users import LOCKOUT, MAX_FAILURES

    client = client_as(None)
    for _ in range(MAX_FAILURES):
        assert login(client, "viewer", "sai-mat-khau").status_code == 200
    # Locked: even the right password is refused, with the same words as a wrong one.
    locked = login(client, "viewer", PASSWORDS["viewer"])
    assert locked.status_code == 200 and "login-error" in locked.get_data(as_text=True)
    unknown = login(client, "khong-ai", "sai-mat-khau").get_data(as_text=True)
    assert re.search(r'id="login-error">([^<]+)<', unknown).group(1) == re.search(
        r'id="login-error">([^<]+)<', locked.get_data(as_text=True)).group(1)
    reasons = [entry.details.get("reason") for entry in store.audit_log(action="login_failed")]
    assert reasons.count("invalid") == MAX_FAILURES + 1 and reasons.count("locked") == 1
    clock.now += LOCKOUT + timedelta(seconds=1)
    assert login(client, "viewer", PASSWORDS["viewer"]).status_code == 302


def test_sessions_expire_and_end_on_logout_or_disable(client_as: Any, clock: Any,
                                                      users: Any) -> None:
    client = client_as("viewer")
    assert client.get("/").status_code == 200
    clock.now += auth.IDLE_TIMEOUT + timedelta(seconds=1)
    assert client.get("/").status_code == 302  # idle
    client = client_as("viewer")
    for _ in range(7):  # active every 4 h: the idle clock never runs out ...
        clock.now += timedelta(hours=4)
        status = client.get("/").status_code
    assert status == 302  # ... but 24 h after login the session ends anyway
    client = client_as("reviewer")
    users.disable("reviewer")
    assert client.get("/").status_code == 302


def test_a_forged_or_replayed_cookie_is_no_session(app: Any, client_as: Any) -> None:
    from flask.sessions import SecureCookieSessionInterface

    client = client_as("admin")
    cookie = client.get_cookie(auth.SESSION_COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    # The cookie holds no password or hash, only the signed session fields.
    serializer = SecureCookieSessionInterface().get_signing_serializer(app.server)
    data = serializer.loads(cookie.value)
    assert set(data) <= {"user", "login_at", "seen_at", "csrf", "_permanent"}
    # A cookie signed with another key (someone who guessed the format) is ignored.
    other = app.server.__class__(app.server.import_name)
    other.secret_key = "another-key-" + "z" * 32
    forged = SecureCookieSessionInterface().get_signing_serializer(other).dumps(data)
    attacker = client_as(None)
    attacker.set_cookie(auth.SESSION_COOKIE, forged)
    assert attacker.get("/").status_code == 302
    # After logout the old cookie value no longer opens a session? Flask cookies are
    # stateless: logout clears the browser's cookie; the server-side limits are the idle and
    # absolute timeouts above (see docs/security.md).


def test_passwords_are_stored_as_scrypt_hashes(config: Any, users: Any) -> None:
    from phuxanh.users import USERS_DB, verify_password

    raw = (config.data_dir / USERS_DB).read_bytes()
    for password in PASSWORDS.values():
        assert password.encode() not in raw
    with sqlite3.connect(config.data_dir / USERS_DB) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(users)")]
        hash_column = next(name for name in columns if "hash" in name or "password" in name)
        rows = dict(conn.execute(f"SELECT username, {hash_column} FROM users").fetchall())
    assert set(rows) == set(PASSWORDS)
    salts = set()
    for username, encoded in rows.items():
        scheme, n, r, p, salt, _digest = encoded.split("$")
        assert scheme == "scrypt" and int(n) >= 2**14 and int(r) >= 8 and int(p) >= 1
        salts.add(salt)
        assert verify_password(PASSWORDS[username], encoded)
        assert not verify_password(PASSWORDS[username] + "x", encoded)
    assert len(salts) == len(rows)  # a salt per password


def _check_headers(response: Any, where: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert "object-src 'none'" in csp, where
    scripts = csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where


def test_security_headers_on_every_response(app: Any, client_as: Any, store: Any) -> None:
    stored_item(store)
    for role in (None, "viewer", "admin"):
        client = client_as(role)
        for rule in app.server.url_map.iter_rules():
            url = _concrete(rule.rule)
            for method in sorted(rule.methods - {"HEAD"}):
                _check_headers(client.open(url, method=method), f"{role} {method} {url}")
        for key, spec in server_callbacks(app):
            _check_headers(call_callback(client, callback_payload(key, spec)), f"{role} {key}")
        _check_headers(client.get("/no-such-page"), f"{role} 404")
        if role is not None:
            page = client.get("/")
            assert page.headers["Cache-Control"] == "no-store"


def test_a_press_user_reads_only_their_outlets(app: Any, client_as: Any, store: Any) -> None:
    other = stored_item(store, n=1, source="bao-khac", title="Chỉ thị 57 ở báo khác")
    client = client_as("press")  # may see "baochinhphu" only
    leaked = []
    for key, spec in server_callbacks(app):
        body = call_callback(client, callback_payload(key, spec, {
            (ids.SEARCH_QUERY, "value"): "chi thi 57", (ids.ITEM_ID, "data"): other.id,
            (ids.REVIEW_QUEUE, "value"): other.id,
        })).get_json(silent=True)
        if body and "ở báo khác" in json.dumps(body, ensure_ascii=False):
            leaked.append(key)
    assert leaked == []


def test_a_press_user_still_finds_and_opens_their_own_outlets_items(
    app: Any, client_as: Any, store: Any,
) -> None:
    own = stored_item(store, n=2, source="baochinhphu", title="Chỉ thị 57 ở báo nhà")
    stored_item(store, n=3, source="bao-khac", title="Chỉ thị 57 ở báo khác")
    client = client_as("press")  # may see "baochinhphu" only
    seen = ""
    for key, spec in server_callbacks(app):
        body = call_callback(client, callback_payload(key, spec, {
            (ids.SEARCH_QUERY, "value"): "chi thi 57", (ids.ITEM_ID, "data"): own.id,
        })).get_json(silent=True)
        seen += json.dumps(body, ensure_ascii=False) if body else ""
    assert "ở báo nhà" in seen and "ở báo khác" not in seen
