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
    # review queue page
    "nav.review": "Review queue",
    "review.title": "Review queue – phuxanh",
    "review.heading": "Review queue",
    "review.subtitle": (
        "Flagged items (suspected misinformation, negative) waiting for a reviewer."
    ),
    "review.forbidden": (
        "You do not have access to the review queue. This page is for reviewers and "
        "administrators."
    ),
    "review.order.newest": "Newest first",
    "review.source_type": "Source type",
    "review.source_type.all": "All source types",
    "review.source_type.news": "News",
    "review.source_type.forum": "Forum",
    "review.source_type.social": "Social media",
    "review.source_type.video": "Video",
    "review.source_type.import": "Imported",
    "review.official": "Channel",
    "review.official.all": "All channels",
    "review.official.yes": "Official channels",
    "review.official.no": "Not official",
    "review.misinfo_only": "Suspected misinformation only",
    "review.count": "{count} items waiting (showing at most {limit})",
    "review.empty": (
        "Nothing left to review with these filters. Newly flagged items appear here after "
        "`phuxanh classify`."
    ),
    "review.pick": "Pick an item in the list to review it.",
    "review.gone": "This item is no longer in the store.",
    "review.entry": "{title} — {outlet}",
    "review.untitled": "(untitled)",
    "review.flag.misinfo": "Suspected misinformation",
    "review.flag.negative": "Negative",
    "review.published": "Published {time} · date from: {source}",
    "review.date_source.page_metadata": "page metadata",
    "review.date_source.page_text": "date printed in the page",
    "review.date_source.feed": "feed (RSS)",
    "review.date_source.platform": "platform",
    "review.date_source.url": "URL",
    "review.date_source.import": "imported file",
    "review.date_source.crawl_time": "crawl time (publication date unknown)",
    "review.outlet": "Source: {outlet}",
    "review.official_badge": "Official channel",
    "review.open_original": "Open the original",
    "review.model": "Model assessment",
    "review.sentiment": "Sentiment: {label} (confidence {score})",
    "review.sentiment.none": "Sentiment: not classified",
    "review.reason": "Reason: {reason}",
    "review.misinfo": "Misinformation: {label} (score {score})",
    "review.misinfo.likely": "likely",
    "review.misinfo.unlikely": "unlikely",
    "review.narrative": "Known narrative",
    "review.claim": "False claim: {claim}",
    "review.rebuttal": "Official position: {rebuttal}",
    "review.rebuttal_link": "Official rebuttal",
    "review.rebuttal_missing": "No official rebuttal link yet.",
    "review.narrative_unknown": "Narrative {id} is not in the narratives list.",
    "review.matched_terms": "Matched terms: {terms}",
    "review.cluster": "Part of near-duplicate cluster {cluster}",
    "review.status": "Status: {status}",
    "review.status_by": "Status: {status} — {reviewer}, {time}",
    "review.status.unreviewed": "not reviewed",
    "review.status.confirmed": "confirmed",
    "review.status.corrected": "corrected",
    "review.status.dismissed": "dismissed",
    "review.status.handled": "handled",
    "review.actions": "Decision",
    "review.confirm": "Confirm",
    "review.correct": "Correct label",
    "review.correct_to": "Correct label",
    "review.dismiss": "Dismiss",
    "review.handled": "Handled",
    "review.shortcuts": "Shortcuts: c confirm · d dismiss · n / j next item · k previous item",
    "review.done.confirmed": "Item confirmed. Moving to the next item.",
    "review.done.corrected": "Label corrected to {label}. Moving to the next item.",
    "review.done.dismissed": "Item dismissed. Moving to the next item.",
    "review.done.handled": (
        "Recorded as handled with the official response. Moving to the next item."
    ),
    "review.conflict": (
        "Another reviewer reviewed this item before you. It has been reloaded; please "
        "look again and decide."
    ),
    "review.need_url": (
        "Enter the URL of the official response (starting with http:// or https://)."
    ),
    "review.need_sentiment": "Choose the correct sentiment before pressing Correct label.",
    "review.no_item": "No item selected.",
    "review.correct_placeholder": "Choose a sentiment…",
    "review.response_placeholder": "https://… (required for Handled)",
    "review.response_url": "URL of the official response",
}
