"""On the review page: add the false claim an item makes as a new known narrative.

A reviewer who meets a claim the matcher does not know writes it down once, with the official
rebuttal; from then on the classifier flags other items that repeat it
(phuxanh/narrative_additions.py). Reviewers and admins only, audited.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import ids
from dashboard.auth import current_user, require_role
from dashboard.context import current
from dashboard.i18n import Translator
from phuxanh.errors import InputError
from phuxanh.narrative_additions import add_narrative

ROLES = ("reviewer", "admin")
NARRATIVE_CLAIM = "review-narrative-claim"
NARRATIVE_REBUTTAL = "review-narrative-rebuttal"
NARRATIVE_URL = "review-narrative-url"
NARRATIVE_ADD = "review-narrative-add"
NARRATIVE_MESSAGE = "review-narrative-message"


def narrative_form(t: Translator) -> html.Details:
    """Folded by default: most decisions do not need it."""
    return html.Details(className="review-narrative", children=[
        html.Summary(t("review.narrative.open")),
        html.P(t("review.narrative.help"), className="muted small"),
        dcc.Textarea(id=NARRATIVE_CLAIM, placeholder=t("review.narrative.claim"),
                     className="review-textarea"),
        dcc.Textarea(id=NARRATIVE_REBUTTAL, placeholder=t("review.narrative.rebuttal"),
                     className="review-textarea"),
        dcc.Input(id=NARRATIVE_URL, type="url", placeholder=t("review.narrative.url"),
                  className="review-url"),
        html.Button(t("review.narrative.add"), id=NARRATIVE_ADD, className="button"),
        html.Div(id=NARRATIVE_MESSAGE, role="status", className="small"),
    ])


def add_from_item(loaded: dict[str, Any] | None, claim: str | None, rebuttal: str | None,
                  url: str | None, username: str) -> str:
    """Add the narrative; the message to show (never raises on bad input)."""
    services = current()
    t = services.t
    if not loaded or not loaded.get("id"):
        return t("review.narrative.pick")
    item = services.data.item(str(loaded["id"]))
    if item is None:
        return t("review.narrative.pick")
    known = tuple(key for key, _name in services.topics)
    topic = next((topic for topic in item.topics if topic in known),
                 services.default_topic or "")
    try:
        added = add_narrative(
            services.config.data_dir, services.data.store, topic=topic, claim=claim or "",
            rebuttal=rebuttal or "", rebuttal_url=url, added_by=username, from_item=item.id,
            known_topics=known)
    except InputError as exc:
        return t("review.narrative.invalid", reason=str(exc))
    return t("review.narrative.added", id=added.id)


@require_role(*ROLES)
def on_add(_clicks: Any, loaded: dict[str, Any] | None, claim: str | None,
           rebuttal: str | None, url: str | None) -> str:
    user = current_user()
    assert user is not None  # require_role let us in
    return add_from_item(loaded, claim, rebuttal, url, user.username)


def register(app: dash.Dash) -> None:
    app.callback(
        Output(NARRATIVE_MESSAGE, "children"),
        Input(NARRATIVE_ADD, "n_clicks"),
        State(ids.REVIEW_LOADED, "data"),
        State(NARRATIVE_CLAIM, "value"),
        State(NARRATIVE_REBUTTAL, "value"),
        State(NARRATIVE_URL, "value"),
        prevent_initial_call=True,
    )(on_add)
