"""Gửi đường link: a reviewer or admin pastes the link of a public page; it is fetched,
extracted, classified and stored by :func:`phuxanh.submit.submit_url` (the same function as
``phuxanh submit URL``), with the user's name in the audit log.

:func:`submit_view` is a plain function the tests call directly; the Dash callback only checks
the role and finds the user. The page's own text is shown as plain strings (React escapes
them); nothing from the fetched page is rendered as HTML.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard.auth import current_user, require_role
from dashboard.context import Services, current, register_page
from dashboard.i18n import Translator
from dashboard.pages.search import item_href, sentiment_badge, vn_time
from phuxanh.submit import SubmitError, SubmitResult, submit_url

PATH = "/submit"
ROLES = ("reviewer", "admin")
# Component ids (kept here: dashboard/ids.py is shared by every page).
SUBMIT_URL = "submit-url"
SUBMIT_BUTTON = "submit-button"
SUBMIT_RESULT = "submit-result"
SUBMIT_FORBIDDEN = "submit-forbidden"
NAV = "app-nav-submit"


def allowed(role: str | None) -> bool:
    return role in ROLES


def layout(**_query: Any) -> html.Div:
    t = current().t
    user = current_user()
    if user is not None and not allowed(user.role):
        return html.Div(className="page", children=[
            html.H1(t("submit.heading")),
            html.Div(t("submit.forbidden"), id=SUBMIT_FORBIDDEN, className="notice",
                     role="alert"),
        ])
    return html.Div(className="page submit-page", children=[
        html.Div(className="page-head", children=[
            html.Div([html.H1(t("submit.heading")),
                      html.P(t("submit.subtitle"), className="muted")]),
        ]),
        html.Div(className="search-box", children=[
            html.Label(t("submit.url"), htmlFor=SUBMIT_URL, className="control-label"),
            dcc.Input(id=SUBMIT_URL, type="url", value="", debounce=False,
                      placeholder=t("submit.placeholder"), className="search-input",
                      autoComplete="off"),
            html.Button(t("submit.button"), id=SUBMIT_BUTTON, className="button primary"),
        ]),
        dcc.Loading(html.Div(id=SUBMIT_RESULT, className="review-message", role="status")),
    ])


def _error(error: SubmitError, t: Translator) -> html.Div:
    text = t(f"submit.error.{error.reason}", detail=str(error), status=error.status or "")
    return html.Div(html.P(text, className="warn"))


def result_card(result: SubmitResult, services: Services) -> html.Div:
    t = services.t
    item = result.item
    names = dict(services.topics)
    lines: list[Any] = [
        html.P(t("submit.stored") if result.new else t("submit.updated"), className="ok"),
        html.Article(className="card search-hit", children=[
            html.H2(dcc.Link(item.title or item.url, href=item_href(item.id)),
                    className="search-hit-title"),
            html.P(className="muted small search-hit-meta", children=[
                item.outlet or item.source, " · ", vn_time(item.published_at), " ",
                sentiment_badge(item, t),
            ]),
            html.P(t("submit.topics", topics=", ".join(names.get(k, k) for k in item.topics))
                   if result.on_topic else t("submit.off_topic")),
            *([html.P(t("submit.unknown_source", source=item.source), className="muted")]
              if not result.known_source else []),
            *([html.P(t("submit.not_classified", detail=result.classify_error),
                      className="warn")] if result.classify_error else []),
            dcc.Link(t("submit.open"), href=item_href(item.id), className="button"),
        ]),
    ]
    return html.Div(lines)


def submit_view(url: str | None, services: Services, submitted_by: str,
                classifier: Any | None = None) -> html.Div:
    """What the page shows after ``submitted_by`` submits ``url``: the stored item with a link
    to it, or why it could not be stored. Store failures are raised (the error banner)."""
    t = services.t
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        return html.Div(html.P(t("submit.empty"), className="warn"))
    try:
        result = submit_url(services.config, services.data.store, url, submitted_by,
                            classifier=classifier)
    except SubmitError as error:
        return _error(error, t)
    services.data.clear_cache()  # the counts on other pages include the new item
    return result_card(result, services)


@require_role(*ROLES)
def on_submit(_clicks: int | None, _entered: int | None, url: str | None) -> Any:
    user = current_user()
    if user is None:  # require_role has already refused anonymous calls
        return dash.no_update
    return submit_view(url, current(), user.username)


def register(app: dash.Dash) -> None:
    register_page(__name__, path=PATH, order=7, title_key="submit.title",
                  description_key="submit.subtitle", layout=layout)
    app.callback(
        Output(SUBMIT_RESULT, "children"),
        Input(SUBMIT_BUTTON, "n_clicks"),
        Input(SUBMIT_URL, "n_submit"),
        State(SUBMIT_URL, "value"),
        prevent_initial_call=True,
    )(on_submit)
