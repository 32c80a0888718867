"""Login, sessions, CSRF and security headers for the dashboard, on plain Flask.

No Flask-Login or Flask-WTF: the needs are small and each piece is a few lines we can read.

* Sessions are Flask's signed cookies (key: ``PHUXANH_SECRET_KEY``). They hold only the
  username, login and last-seen times and the CSRF token; the account is re-read from
  ``users.db`` on every request, so disabling a user or changing a role applies at once.
* Expiry: idle :data:`IDLE_TIMEOUT`, absolute :data:`ABSOLUTE_TIMEOUT`, checked on the server
  against the signed times (a cookie's own expiry is up to the browser).
* CSRF: one random token per session. HTML forms (/login, /logout) carry it in a hidden field.
  Dash's renderer sends the ``_csrf_token`` cookie back as an ``X-CSRFToken`` header on every
  callback POST; we set that cookie and require the header to equal the session's token. A
  cross-site page can neither read the cookie nor set a custom header without CORS. Where the
  browser sends ``Origin``/``Referer``, it must also be this host (see docs/decisions.md §10).
* Every login, failed or not, is written to the store's audit log; if it cannot be, the login
  is refused.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

import flask
from flask import g, request, session
from markupsafe import escape

from phuxanh.errors import AccountDisabled, AccountLocked, AuthError, PermissionDenied
from phuxanh.users import LOCKOUT, MAX_FAILURES, ROLES, User, UserStore

if TYPE_CHECKING:
    import dash

    from dashboard.i18n import Translator
    from phuxanh.store.base import Store

log = logging.getLogger(__name__)

IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(hours=24)
SEEN_RESOLUTION = timedelta(minutes=1)  # rewrite the cookie at most once a minute per session
CSRF_FIELD = "csrf_token"
CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads (Dash(csrf_token_name=...))
CSRF_HEADER = "X-CSRFToken"  # the header Dash's renderer sends it in
SESSION_COOKIE = "phuxanh_session"
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# Reachable without a session: the login page, the health check, and the one stylesheet the
# login page uses and the favicon browsers ask for (static, shipped with the code, no data).
PUBLIC_PATHS = frozenset({LOGIN_PATH, "/health", "/assets/style.css", "/favicon.ico",
                          "/_favicon.ico"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_EXTENSION = "phuxanh.auth"

F = TypeVar("F", bound=Callable[..., Any])


class Auth:
    """The login machinery of one app (kept on its Flask server, like the services)."""

    def __init__(self, users: UserStore, store: Store, t: Translator) -> None:
        self.users = users
        self.store = store
        self.t = t

    def now(self) -> datetime:
        # One clock for accounts and sessions, so a test moves both with one fake.
        return self.users.clock()


def install(app: dash.Dash, auth: Auth) -> None:
    """Guard every route of ``app`` and add the login and logout routes."""
    server = app.server
    server.extensions[_EXTENSION] = auth
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # Strict would log people out when they follow a link in
        PERMANENT_SESSION_LIFETIME=ABSOLUTE_TIMEOUT,
    )
    server.before_request(_guard)
    # The hashes are taken per response: Dash adds inline scripts (Pages' title updater) when
    # it sets itself up on the first request, after create_app has returned.
    server.after_request(
        lambda response: _finish(response, content_security_policy(app.csp_hashes()))
    )
    server.add_url_rule(LOGIN_PATH, "phuxanh_login", _login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "phuxanh_logout", _logout, methods=["POST"])
    # Browsers ask for /favicon.ico on the login page too; Dash serves its icon elsewhere.
    server.add_url_rule("/favicon.ico", "phuxanh_favicon",
                        lambda: flask.redirect(app.get_relative_path("/_favicon.ico")))


def content_security_policy(script_hashes: Sequence[str]) -> str:
    """Everything from this origin. Scripts: our files plus Dash's inline renderer bootstrap by
    hash (no 'unsafe-inline'). Styles need 'unsafe-inline': React and Plotly set style
    attributes and inject <style> elements; styles cannot run code."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",  # Plotly's "download PNG" and its SVG patterns
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _auth() -> Auth:
    return flask.current_app.extensions[_EXTENSION]


# The user a background job runs for (dashboard/background.py). Set only by run_as(), in the
# job's own thread, to the user the guard found in the request that started the job: never
# from anything the browser sends.
_job_user: ContextVar[User | None] = ContextVar("phuxanh_job_user", default=None)


def current_user() -> User | None:
    """The logged-in user of the current request, or of the background job started by one
    (None outside both, or when logged out)."""
    if flask.has_request_context():
        return g.get("phuxanh_user")
    return _job_user.get()


@contextmanager
def run_as(user: User) -> Iterator[None]:
    """Run a background job's code as ``user`` (outside any request)."""
    token = _job_user.set(user)
    try:
        yield
    finally:
        _job_user.reset(token)


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def require_role(*roles: str) -> Callable[[F], F]:
    """Only users with one of ``roles`` (admins always) may run the decorated callback; others
    get :class:`PermissionDenied`, which the app's error handler shows in the banner."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_role(current_user(), roles, func.__name__)
            return func(*args, **kwargs)

        # Read by the background-job manager, which checks the role in the request that
        # starts a job, before any work is done (wraps() carries it to outer wrappers).
        wrapper.phuxanh_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def check_role(user: User | None, roles: Sequence[str] | None, name: str) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` is logged in and has one of ``roles``
    (admins always; ``roles`` None: any logged-in user)."""
    if user is None or (roles is not None and user.role not in roles and user.role != "admin"):
        role = user.role if user else "-"
        log.warning("permission denied: %s (%s) -> %s", user and user.username, role, name)
        raise PermissionDenied(_auth().t("auth.forbidden", role=role))


# -- the guard -------------------------------------------------------------------------------


def _wants_json(path: str) -> bool:
    # Dash's own routes (layout, dependencies, callbacks, component bundles) answer 401: a
    # redirect to an HTML page would only confuse the renderer.
    return (path.startswith("/_") or request.is_json
            or request.accept_mimetypes.best == "application/json")


def _same_origin() -> bool:
    """False only when the browser told us the request came from another origin. Absent
    headers are not an attack signal (non-browser clients); the token still has to match."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return True
    if source == "null":
        return False
    # Host and port only: behind a TLS-terminating proxy the scheme we see differs.
    return urlsplit(source).netloc == request.host


def _token_ok(submitted: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and submitted) and hmac.compare_digest(str(submitted), str(expected))


def _session_user(auth: Auth) -> User | None:
    """The user of a valid, unexpired session (refreshing its idle clock), else None."""
    username = session.get("user")
    if not username:
        return None
    now = auth.now()
    try:
        login_at = datetime.fromisoformat(session["login_at"])
        seen_at = datetime.fromisoformat(session["seen_at"])
    except (KeyError, TypeError, ValueError):
        return None
    if now - login_at > ABSOLUTE_TIMEOUT or now - seen_at > IDLE_TIMEOUT:
        g.phuxanh_expired = True
        return None
    user = auth.users.get(username)
    if user is None or user.disabled:
        return None
    if now - seen_at >= SEEN_RESOLUTION:
        session["seen_at"] = now.isoformat()
    return user


def _guard() -> Any:
    path = request.path
    if path in PUBLIC_PATHS:
        return None  # /login checks its own CSRF token
    auth = _auth()
    user = _session_user(auth)
    if user is None:
        expired = bool(g.get("phuxanh_expired"))
        if "user" in session:  # an ended session; an anonymous one keeps its login-form token
            session.clear()
        if _wants_json(path) or request.method not in SAFE_METHODS:
            return flask.jsonify(error="login required"), 401
        target = flask.url_for("phuxanh_login", expired=1 if expired else None,
                               next=request.full_path.rstrip("?") if path != "/" else None)
        return flask.redirect(target)
    g.phuxanh_user = user
    if request.method not in SAFE_METHODS:
        submitted = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
        if not _same_origin() or not _token_ok(submitted):
            log.warning("CSRF check failed: %s %s from %s", request.method, path,
                        request.remote_addr)
            return flask.jsonify(error="CSRF check failed; reload the page"), 403
    return None


def _finish(response: flask.Response, csp: str) -> flask.Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    if flask.has_request_context() and current_user() is not None:
        # Pages are per user: never let a shared proxy or the back button serve them to the
        # next person at the desk after a logout.
        headers.setdefault("Cache-Control", "no-store")
        # For Dash's renderer to echo back as X-CSRFToken (not HttpOnly on purpose: script
        # reads it; it is worthless without the HttpOnly session cookie it is bound to).
        token = session.get("csrf")
        if token and request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, samesite="Strict", httponly=False,
                                secure=request.is_secure)
    return response


# -- login and logout ------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to ``//evil`` or ``https://evil``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target.rstrip("?") or "/"


def _audit(auth: Auth, actor: str, action: str, target: str, details: dict[str, Any]) -> bool:
    try:
        auth.store.audit(actor, action, target, details)
    except Exception:  # any store failure: refuse rather than let an unlogged login through
        log.exception("cannot write the audit log entry %s for %s", action, target)
        return False
    return True


def _login() -> Any:
    auth = _auth()
    t = auth.t
    if request.method == "GET":
        if _session_user(auth) is not None:
            return flask.redirect(_safe_next(request.args.get("next")))
        notice = (t("login.expired") if request.args.get("expired")
                  else t("login.logged_out") if request.args.get("bye") else None)
        return _login_page(auth, notice=notice)

    if not _same_origin() or not _token_ok(request.form.get(CSRF_FIELD)):
        log.warning("login CSRF check failed from %s", request.remote_addr)
        return _login_page(auth, error=t("login.csrf"), status=400)
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")
    details: dict[str, Any] = {"ip": request.remote_addr}
    try:
        user = auth.users.authenticate(username, password)
    except AuthError as exc:
        reason = ("locked" if isinstance(exc, AccountLocked)
                  else "disabled" if isinstance(exc, AccountDisabled) else "invalid")
        _audit(auth, "anonymous", "login_failed", username.lower(), {**details, "reason": reason})
        # A locked account gets the same words as a wrong password: "locked" would tell a
        # guesser that the name exists. The audit log has the real reason.
        message = (t("login.disabled") if reason == "disabled" else
                   t("login.failed", max=MAX_FAILURES, minutes=int(LOCKOUT.total_seconds() // 60)))
        return _login_page(auth, error=message, username=username)
    if not _audit(auth, user.username, "login", user.username, {**details, "role": user.role}):
        return _login_page(auth, error=t("login.audit_failed"), status=503)
    now = auth.now().isoformat()
    session.clear()  # a fresh session (and token) at login: no fixation
    session.permanent = True
    session.update(user=user.username, login_at=now, seen_at=now,
                   csrf=secrets.token_urlsafe(32))
    return flask.redirect(_safe_next(request.args.get("next")))


def _logout() -> Any:
    # The guard has already checked the session and the form's CSRF token.
    auth = _auth()
    user = current_user()
    if user is not None:
        _audit(auth, user.username, "logout", user.username, {"ip": request.remote_addr})
    session.clear()
    response = flask.redirect(flask.url_for("phuxanh_login", bye=1))
    response.delete_cookie(CSRF_COOKIE)
    return response


def _login_page(auth: Auth, *, error: str | None = None, notice: str | None = None,
                username: str = "", status: int = 200) -> tuple[str, int]:
    """The login form. Every interpolated value is escaped; there are no inline scripts or
    styles, so the strict CSP holds here too."""
    t = auth.t
    next_target = _safe_next(request.args.get("next"))
    action = LOGIN_PATH if next_target == "/" else f"{LOGIN_PATH}?next={quote(next_target)}"
    message = ""
    if error:
        message = f'<p class="login-error" role="alert" id="login-error">{escape(error)}</p>'
    elif notice:
        message = f'<p class="login-notice" role="status" id="login-notice">{escape(notice)}</p>'
    page = f"""<!DOCTYPE html>
<html lang="{escape(t.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("login.title"))}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="login-body">
<main class="login-card">
<div class="brand login-brand"><span class="brand-mark" aria-hidden="true"></span>
<span class="brand-name">{escape(t("app.brand"))}</span></div>
<p class="muted">{escape(t("app.tagline"))}</p>
<h1>{escape(t("login.heading"))}</h1>
{message}
<form method="post" action="{escape(action)}" class="login-form" autocomplete="on">
<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">
<label for="username">{escape(t("login.username"))}</label>
<input id="username" name="username" type="text" required autofocus maxlength="64"
 autocomplete="username" value="{escape(username)}">
<label for="password">{escape(t("login.password"))}</label>
<input id="password" name="password" type="password" required maxlength="1024"
 autocomplete="current-password">
<button type="submit" id="login-submit">{escape(t("login.submit"))}</button>
</form>
</main>
</body>
</html>"""
    return page, status
