"""The Dash application: :func:`create_app` builds it, :func:`run` serves it.

Pages are registered explicitly (``pages_folder=""``) rather than discovered from a folder:
discovery re-executes page modules relative to the working directory and registers their
callbacks globally, so only the first app built in a process would get them. Here every app
gets its own callbacks and finds its services on its own server (see :mod:`dashboard.context`).

Everything is served from this process (Dash's bundled JavaScript, our CSS in ``assets/``): the
dashboard must work on a provincial network with no internet access.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dash
from dash import Input, Output, dcc, html, set_props

from dashboard import auth, background, ids
from dashboard.context import Services, install
from dashboard.data import Clock, DashboardData, vn_now
from dashboard.i18n import Translator, translator
from dashboard.pages import coverage as coverage_page
from dashboard.pages import item, overview, review, search, sources
from dashboard.pages import report as report_page
from dashboard.pages import submit as submit_page
from phuxanh.config import Config
from phuxanh.errors import ConfigError, PhuxanhError
from phuxanh.users import UserStore

if TYPE_CHECKING:
    from phuxanh.store.base import Store

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
PAGES = (overview, review, search, item, sources,  # registration order is navigation order
         coverage_page, report_page, submit_page)

# Dash's index page with the document language set, so browsers pick Vietnamese fonts and
# hyphenation and screen readers read it as Vietnamese.
INDEX_STRING = """<!DOCTYPE html>
<html lang="{lang}">
    <head>
        {{%metas%}}
        <title>{{%title%}}</title>
        {{%favicon%}}
        {{%css%}}
    </head>
    <body>
        {{%app_entry%}}
        <footer>
            {{%config%}}
            {{%scripts%}}
            {{%renderer%}}
        </footer>
    </body>
</html>"""


def error_message(error: BaseException, t: Translator) -> str:
    """What the user reads when a callback fails. Our own errors are written to be read (they
    name the file and what to do); anything else gets a generic line, details stay in the log."""
    if isinstance(error, PhuxanhError):
        return t("error.known", message=str(error))
    return t("error.unexpected", kind=type(error).__name__)


def _error_handler(t: Translator) -> Any:
    def on_error(error: Exception) -> None:
        # Called inside Dash's except block: the traceback goes to the server log, a readable
        # line to the banner, and the callback's own outputs are left as they were.
        log.error("callback failed: %s", error, exc_info=error)
        set_props(ids.ERROR_MESSAGE, {"children": error_message(error, t)})
        set_props(ids.ERROR_BANNER, {"hidden": False})

    return on_error


MIN_SECRET_KEY_LENGTH = 16


def secret_key(testing: bool) -> str:
    """PHUXANH_SECRET_KEY, or (tests, dev) a random key that dies with the process."""
    key = Config.secret("secret_key")
    if key:
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(f"PHUXANH_SECRET_KEY is too short: use at least "
                              f"{MIN_SECRET_KEY_LENGTH} random characters")
        return key
    if not testing:
        raise ConfigError(
            "PHUXANH_SECRET_KEY is not set: the dashboard signs login sessions with it. Set it "
            "to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')"
        )
    log.warning("PHUXANH_SECRET_KEY is not set: using a temporary key (test/dev mode); "
                "sessions end when the process stops")
    return secrets.token_urlsafe(32)


def _account(t: Translator) -> list[Any]:
    """Who is logged in, and the logout button (a real form POST carrying the CSRF token)."""
    user = auth.current_user()
    if user is None:  # Dash builds the layout once outside any request, for validation
        return []
    return [
        html.Span(t("auth.user", username=user.username, role=t(f"role.{user.role}")),
                  id=ids.AUTH_USER, className="auth-user"),
        html.Form(
            action=auth.LOGOUT_PATH,
            method="post",
            className="auth-logout",
            children=[
                dcc.Input(type="hidden", name=auth.CSRF_FIELD, value=auth.csrf_token()),
                html.Button(t("auth.logout"), id=ids.AUTH_LOGOUT, type="submit",
                            className="link-button"),
            ],
        ),
    ]


def _nav(t: Translator, path: str | None = None) -> list[Any]:
    """The pages this user may open (the review queue only for reviewers and admins), the one
    at ``path`` marked active."""
    pages = [("nav.overview", overview.PATH, None)]
    user = auth.current_user()
    if user is not None and review.allowed(user.role):
        pages.append(("nav.review", review.PATH, ids.NAV_REVIEW))
    pages.append(("nav.search", search.PATH, ids.NAV_SEARCH))
    pages.append(("nav.sources", sources.PATH, ids.NAV_SOURCES))
    pages.append(("nav.coverage", coverage_page.PATH, coverage_page.NAV))
    pages.append(("nav.report", report_page.PATH, report_page.NAV))
    if user is not None and submit_page.allowed(user.role):
        pages.append(("nav.submit", submit_page.PATH, submit_page.NAV))
    path = search.PATH if path == item.PATH else path  # an item is opened from search
    active = path if path in {href for _key, href, _id in pages} else overview.PATH
    links: list[Any] = []
    for key, href, link_id in pages:
        extra = {"id": link_id} if link_id else {}
        links.append(dcc.Link(t(key), href=href, **extra,
                              className="nav-link active" if href == active else "nav-link"))
    return links


def _shell(t: Translator) -> html.Div:
    return html.Div(
        className="app",
        children=[
            html.Header(
                id=ids.HEADER,
                className="app-header",
                children=[
                    html.Div(
                        className="brand",
                        children=[
                            html.Span(className="brand-mark", **{"aria-hidden": "true"}),
                            html.Span(t("app.brand"), className="brand-name"),
                            html.Span(t("app.tagline"), className="brand-tagline"),
                        ],
                    ),
                    html.Nav(
                        id=ids.NAV,
                        className="app-nav",
                        children=_nav(t),
                    ),
                    html.Div(className="app-account", children=_account(t)),
                ],
            ),
            html.Div(
                id=ids.ERROR_BANNER,
                className="error-banner",
                role="alert",
                hidden=True,
                children=[
                    html.Strong(t("error.title")),
                    html.Span(id=ids.ERROR_MESSAGE),
                    html.Button(t("error.dismiss"), id=ids.ERROR_DISMISS, className="link-button"),
                ],
            ),
            html.Main(dash.page_container, className="app-main"),
            html.Footer(t("app.footer"), className="app-footer"),
        ],
    )


def create_app(config: Config, store: Store, *, clock: Clock = vn_now,
               users: UserStore | None = None, testing: bool = False) -> dash.Dash:
    """The dashboard for ``config`` reading ``store``, with logins from ``users`` (default:
    ``<data_dir>/users.db``). ``clock`` (aware now) is for tests; so is ``testing``, which
    allows running without PHUXANH_SECRET_KEY (a random key, with a warning)."""
    key = secret_key(testing)
    t = translator(config.dashboard.language)
    services = Services(config=config, data=DashboardData(store, clock=clock), t=t)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        serve_locally=True,
        external_scripts=[],
        external_stylesheets=[],
        title=t("app.title"),
        update_title=None,  # keep the tab title steady while callbacks run
        index_string=INDEX_STRING.format(lang=t.lang),
        on_error=_error_handler(t),
        health_endpoint="health",
        enable_mcp=False,  # no side door to the data
        # The report and the exports run as background jobs, bound to the user who asked
        # (dashboard/background.py); their results wait under <data_dir>/dash-background/.
        background_callback_manager=background.create_manager(config.data_dir, store),
    )
    app.server.secret_key = key
    install(app, services)
    for page in PAGES:
        page.register(app)
    # A function: the header shows the user of each request (and their CSRF token).
    app.layout = lambda: _shell(t)

    @app.callback(
        Output(ids.ERROR_BANNER, "hidden"),
        Input(ids.ERROR_DISMISS, "n_clicks"),
        prevent_initial_call=True,
    )
    def _dismiss_error(_clicks: int | None) -> bool:
        return True

    @app.callback(
        Output(ids.NAV, "children"),
        Input("_pages_location", "pathname"),  # dash.page_container's location
    )
    def _mark_active(pathname: str | None) -> list[Any]:
        return _nav(t, pathname)

    auth.install(app, auth.Auth(users or UserStore.for_config(config), store, t))
    return app


def run(config: Config, store: Store) -> None:
    """Serve the dashboard on ``config.dashboard.host:port`` until interrupted."""
    import waitress  # a production WSGI server, pure Python; Flask's own is for development

    app = create_app(config, store)
    log.info("dashboard on http://%s:%s/", config.dashboard.host, config.dashboard.port)
    waitress.serve(app.server, host=config.dashboard.host, port=config.dashboard.port,
                   threads=8, ident="phuxanh")
