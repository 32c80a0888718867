"""English strings (same keys as :mod:`dashboard.i18n.vi`)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # shell
    "app.title": "phuxanh – Public opinion monitor",
    "app.brand": "phuxanh",
    "app.tagline": "Online public opinion monitoring",
    "app.footer": (
        "Sentiment labels are model suggestions; labels confirmed by a reviewer take precedence. "
        "Only public content is collected."
    ),
    "nav.overview": "Overview",
    "error.title": "Could not load the data",
    "error.known": "{message}",
    "error.unexpected": (
        "Something unexpected went wrong ({kind}). Reload the page; "
        "if it happens again, see the server log."
    ),
    "error.dismiss": "Close",
    # login and session
    "login.title": "Log in – phuxanh",
    "login.heading": "Log in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": (
        "Wrong username or password. After {max} failures in a row the account is locked for "
        "{minutes} minutes."
    ),
    "login.disabled": "This account is disabled. Please contact an administrator.",
    "login.csrf": "The form expired or is invalid. Please reload the page and try again.",
    "login.expired": "Your session expired. Please log in again.",
    "login.logged_out": "You have logged out.",
    "login.audit_failed": (
        "The audit log cannot be written, so login is refused. "
        "Tell an administrator."
    ),
    "auth.user": "{username} · {role}",
    "auth.logout": "Log out",
    "auth.forbidden": "Your role ({role}) may not see this.",
    "role.viewer": "Viewer",
    "role.reviewer": "Reviewer",
    "role.press": "Press unit",
    "role.admin": "Administrator",
    # overview page
    "overview.title": "Overview",
    "overview.heading": "Public opinion overview",
    "overview.topic": "Topic",
    "overview.all_topics": "All topics",
    "overview.period": "Last {weeks} weeks: {start} – {end}",
    "overview.updated": "Updated at {time}",
    "overview.empty.body": "No data yet. Run `phuxanh crawl` or `make demo`.",
    "overview.empty.hint": "Charts appear here once the store holds items on a tracked topic.",
    "overview.no_items_in_period": "No items on this topic in the last {weeks} weeks.",
    "overview.kpi.total": "Items",
    "overview.kpi.total_note": "in {weeks} weeks",
    "overview.kpi.total_note_unclassified": "in {weeks} weeks · {count} not yet classified",
    "overview.kpi.positive": "Positive share",
    "overview.kpi.negative": "Negative share",
    "overview.kpi.share_note": "{count} items of all",
    "overview.kpi.coverage": "Coverage index this week",
    "overview.kpi.coverage_note": "{positive} official positive / {negative} negative",
    "overview.volume.title": "Items per week by sentiment",
    "overview.coverage.title": "Coverage: official positive items against negative items",
    "overview.coverage.latest": (
        "{week}: {positive} positive items from official channels, {negative} negative items"
        " — ratio {ratio}, coverage index {index}."
    ),
    "overview.coverage.latest_no_negative": (
        "{week}: {positive} positive items from official channels, no negative items"
        " — coverage index {index}."
    ),
    "overview.coverage.latest_nothing": "{week}: no official positive or negative items yet.",
    "overview.coverage.explain": (
        "Coverage index = official positive ÷ (official positive + negative)."
    ),
    "overview.ratio": "{value} : 1",
    # figures
    "week.label": "Week {week} ({date})",
    "sentiment.positive": "Positive",
    "sentiment.neutral": "Neutral",
    "sentiment.negative": "Negative",
    "sentiment.unclassified": "Not classified",
    "figure.items": "Items",
    "figure.week": "Week",
    "coverage.official_positive": "Positive, official channels",
    "coverage.negative": "Negative (all sources)",
}
