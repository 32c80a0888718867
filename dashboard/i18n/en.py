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
        "Green: official positive items; red: negative items from every source. The "
        "phủ xanh index also counts suspected misinformation (see the index chart above)."
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
    "review.shortcuts": ("Shortcuts: c confirm · d dismiss · n / j next item · k previous item · "
                         "a apply to the whole cluster · [ / ] previous / next page"),
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
    # submit a URL (dashboard/pages/submit.py)
    "nav.submit": "Submit a link",
    "submit.title": "Submit a link · Phủ xanh",
    "submit.heading": "Submit a link",
    "submit.subtitle": (
        "Paste the link of a public page (an article, a post) about a tracked topic; it is "
        "fetched, extracted, labelled and stored with your name as the submitter."
    ),
    "submit.url": "Link",
    "submit.placeholder": "https://...",
    "submit.button": "Submit",
    "submit.forbidden": "Only reviewers and administrators can submit links.",
    "submit.empty": "Paste a link starting with http:// or https://.",
    "submit.stored": "Stored as a new item.",
    "submit.updated": "This item was already stored; its content was refreshed.",
    "submit.open": "Open the item",
    "submit.topics": "Matches topics: {topics}",
    "submit.off_topic": (
        "Matches no tracked topic. It is stored anyway (you chose to submit it) but left out "
        "of the topic charts."
    ),
    "submit.unknown_source": (
        "The site is not in the sources list; filed under the source \"{source}\"."
    ),
    "submit.not_classified": (
        "Not labelled yet ({detail}); the next classification run will label it."
    ),
    "submit.error.bad_url": "Not a valid link: {detail}",
    "submit.error.private_host": "Pages on the internal network are not fetched: {detail}",
    "submit.error.robots": "The site does not allow automated fetching (robots.txt): {detail}",
    "submit.error.http_status": "The page answered HTTP error {status}: {detail}",
    "submit.error.not_html": "Not a web page (HTML): {detail}",
    "submit.error.too_large": "The page is too large: {detail}",
    "submit.error.network": "Could not reach the page: {detail}",
    "submit.error.redirects": "The page redirects too many times: {detail}",
    "submit.error.no_text": "No article text found on the page: {detail}",
    "nav.search": "Search",
    "search.title": "Search · Phủ xanh",
    "search.heading": "Search",
    "search.subtitle": "Search everything collected; with or without diacritics.",
    "search.query": "Keywords",
    "search.placeholder": "e.g. chi thi 57 an ninh mang",
    "search.source_type": "Source type",
    "search.official": "Channel",
    "search.sentiment": "Sentiment",
    "search.sentiment.all": "All",
    "search.dates": "Published between",
    "search.sort": "Sort",
    "search.sort.relevance": "Most relevant",
    "search.sort.newest": "Newest",
    "search.empty": ("Type keywords in the box above and press Enter, e.g. chi thi 57 an ninh "
                     "mang (diacritics optional)."),
    "search.none": "No item matches “{query}”. Try fewer keywords or fewer filters.",
    "search.total": "{total} results",
    "search.prev": "Previous",
    "search.next": "Next",
    "search.page": "Page {page}/{pages}",
    "search.untitled": "(untitled)",
    "item.title": "Item · Phủ xanh",
    "item.heading": "Item",
    "item.missing": ("This item was not found (wrong link, or it was deleted). "
        "Find it again from Search."),
    "item.back": "← Back to Search",
    "item.source": "Source",
    "item.url": "Original URL",
    "item.published": "Published",
    "item.published_value": "{time} (from {source})",
    "item.fetched": "First collected",
    "item.topics": "Topics",
    "item.matched_terms": "Matched terms",
    "item.author": "Author",
    "item.none": "none",
    "item.no_text": "This item has no text.",
    "item.model_heading": "Model labels",
    "item.effective": "Label in use:",
    "item.model": "Model: {model}",
    "item.narrative": "Matched narrative: {id}",
    "item.cluster_heading": "Near-duplicate cluster",
    "item.cluster.none": "This item is not in a near-duplicate cluster yet.",
    "item.cluster.original": "Cluster {cluster} · this is the original (first collected).",
    "item.cluster.copy": "Cluster {cluster} · this is a copy of an item collected earlier.",
    "item.trail_heading": "Review history",
    "item.trail_empty": "No one has reviewed this item yet.",
    "item.trail_by": "{actor} at {time}",
    "item.trail_sentiment": "label: {label}",
    "item.trail_response": "official response",
    "nav.sources": "Sources",
    "sources.title": "Sources · Phủ xanh",
    "sources.heading": "Source health",
    "sources.explain": ("Sources failing in a row or with nothing new for more than {days} "
        "days come first (in yellow): check that source's RSS/sitemap "
        "addresses."),
    "sources.empty": "No source in config/sources.yaml and no crawl recorded yet.",
    "sources.summary_problems": "{problems} of {total} sources need a look.",
    "sources.summary_ok": "All {total} sources are working.",
    "sources.yes": "Yes",
    "sources.no": "No",
    "sources.national": "National",
    "sources.never": "never",
    "sources.not_configured": "no longer configured",
    "sources.discovery.feeds": "{count} RSS",
    "sources.discovery.sitemaps": "{count} sitemap",
    "sources.discovery.listings": "{count} listing pages",
    "sources.discovery.search": "aggregator search",
    "sources.discovery.none": "none",
    "sources.col.name": "Source",
    "sources.col.type": "Type",
    "sources.col.official": "Official",
    "sources.col.province": "Province",
    "sources.col.enabled": "Enabled",
    "sources.col.discovery": "Discovery",
    "sources.col.runs": "Runs",
    "sources.col.last_run": "Last run",
    "sources.col.last_success": "Last success",
    "sources.col.last_new": "Last new item",
    "sources.col.error_streak": "Errors in a row",
    "sources.col.silent_days": "Days without new items",
    "sources.col.last_error": "Last error",
}

# Overview filters, spike alerts, phủ xanh index and unique stories; review queue paging, bulk
# decisions on a cluster and response times; the item's cluster (issue 5, screens 1, 3, 5).
MESSAGES.update({
    "overview.province": "Province",
    "overview.province.all": "All provinces",
    "overview.dates": "Publication dates",
    "overview.period_dates": "From {start} to {end}",
    "overview.no_items_filtered": (
        "No items match the filters in the {weeks} weeks shown. Remove a filter (province, "
        "source type) or widen the date range."
    ),
    "overview.kpi.index_note": (
        "{positive} official positive / {against} negative or suspected misinformation"
    ),
    "overview.index.title": "Phủ xanh index per week, trend and target",
    "overview.index.latest_above": "{week}: phủ xanh index {index}, target {target} met. {trend}",
    "overview.index.latest_below": (
        "{week}: phủ xanh index {index}, below the target of {target}. {trend}"
    ),
    "overview.index.latest_nothing": (
        "{week}: no official positive, negative or suspected-misinformation item to compute "
        "the index (target {target}). {trend}"
    ),
    "overview.index.trend": "Trend: {value} points per week.",
    "overview.index.no_trend": "Not enough weeks with data for a trend.",
    "overview.index.explain": (
        "Phủ xanh index = official positive items ÷ (official positive items + negative or "
        "suspected-misinformation items). The dashed line is the trend (linear regression), "
        "the dotted line the configured target (dashboard.phu_xanh_target). Weeks without "
        "data are left blank."
    ),
    "overview.stories.title": "Unique stories and all copies",
    "overview.stories.summary": (
        "{total} items in the period, from {originals} unique stories ({copies} copies or "
        "re-publications, {per_story} items per story on average)."
    ),
    "overview.stories.nothing": "No items in the period.",
    "overview.stories.explain": (
        "A copy is an item whose text nearly duplicates one collected earlier (re-published, "
        "quoted). Items not clustered yet count as unique stories; run `phuxanh dedup` to "
        "cluster new items."
    ),
    "overview.alert.title": "Spike alerts",
    "overview.alert.metric.negative": "share of negative items",
    "overview.alert.metric.misinformation": "share of suspected misinformation",
    "overview.alert.scope": " in {province}",
    "overview.alert.spike": (
        "{week}{scope}: {share} ({count}/{total} items), up {rise} points on the baseline of "
        "{baseline} ({baseline_count}/{baseline_total} items in the previous {baseline_weeks} "
        "weeks)."
    ),
    "overview.alert.open_queue": "Open the filtered review queue →",
    "overview.alert.none": "No spike. This week against the baseline: {details}.",
    "overview.alert.now_vs_baseline": "{metric} {share} (baseline {baseline})",
    "overview.alert.no_baseline": (
        "Not enough data in previous weeks to compare (at least {weeks} weeks with items and "
        "{items} items needed; {have_weeks} weeks, {have_items} items so far). Run "
        "`phuxanh crawl` regularly to build a baseline."
    ),
    "overview.alert.method": (
        "An alert is raised when the latest week's share is at least {rise} points above the "
        "baseline of the previous {weeks} weeks, with at least {count} items, and a one-sided "
        "binomial test gives p < 0.01; checked for the whole selection and for each province."
    ),
    "figure.index": "Index",
    "figure.phu_xanh.index": "Phủ xanh index",
    "figure.phu_xanh.hover": (
        "%{customdata[0]} official positive / %{customdata[1]} negative or suspected "
        "misinformation"
    ),
    "figure.phu_xanh.trend": "Trend",
    "figure.phu_xanh.target": "Target",
    "figure.stories.total": "All items (copies included)",
    "figure.stories.originals": "Unique stories",
    "review.prev": "Previous page",
    "review.next": "Next page",
    "review.page": "Page {page}",
    "review.count_page": "Items {first}–{last} of the queue{more}",
    "review.count_more": " (more on the next page)",
    "review.preset": "Filtered by an alert: {filters}.",
    "review.preset.clear": "Clear",
    "review.preset.province": "province {province}",
    "review.preset.flag.negative": "negative items",
    "review.preset.flag.misinfo": "suspected misinformation",
    "review.first_seen": "First seen: {time}",
    "review.open_detail": "Details",
    "review.cluster.heading": "Near-duplicate cluster ({count} items)",
    "review.cluster.original": "original",
    "review.cluster.this": "this item",
    "review.bulk": "Apply the decision to all {count} unreviewed copies in the cluster",
    "review.bulk.done": "Applied to {applied}/{total} copies in the cluster.",
    "review.bulk.conflicts": (
        "{count} copies were reviewed by someone else first and were left as they were: "
        "{titles}."
    ),
    "review.bulk.gone": "{count} copies are no longer in the store.",
    "review.response_delay": "official response {delay} after first seen ({seen})",
    "review.done.delay": "Time from first seen to the official response: {delay}.",
    "duration.days_hours": "{days} d {hours} h",
    "duration.hours_minutes": "{hours} h {minutes} min",
    "duration.minutes": "{minutes} min",
    "duration.under_minute": "under 1 min",
    "item.response": "Official response",
    "item.response_delay": "Time to response",
    "item.trail_delay": "responded {delay} after first seen",
    "item.cluster.original_badge": "original",
    "item.cluster.this": "this item",
    "item.cluster.more": "Only the first {count} items of the cluster are shown.",
})

# Coverage by outlet (Đưa tin) and the weekly report (Báo cáo tuần), issue 5 screens 2 and 7.
MESSAGES.update({
    "nav.coverage": "Coverage",
    "nav.report": "Weekly report",
    "outlets.title": "Coverage · Phủ xanh",
    "outlets.heading": "Coverage by outlet",
    "outlets.explain": (
        "Items on the topic each outlet published per week (Monday – Sunday) against the target "
        "it was given (weekly_target in config/sources.yaml). The running week is not judged yet."),
    "outlets.weeks": "Weeks",
    "outlets.weeks_option": "{weeks} weeks",
    "outlets.export_csv": "Export CSV",
    "outlets.export_xlsx": "Export Excel (XLSX)",
    "outlets.figure.title": "Items against target · {week}",
    "outlets.figure.items": "Items {week}",
    "outlets.figure.target": "Target per week",
    "outlets.table.title": "Items per week",
    "outlets.col.outlet": "Outlet",
    "outlets.col.key": "Source key",
    "outlets.col.official": "Official",
    "outlets.col.target": "Target/week",
    "outlets.col.running": "{week} (running)",
    "outlets.col.total": "Total",
    "outlets.col.status": "Latest week",
    "outlets.col.silent": "Silent",
    "outlets.status.met": "Target met",
    "outlets.status.under": "Below target",
    "outlets.status.zero": "No items",
    "outlets.status.none": "No target",
    "outlets.status.running": "Week not over",
    "outlets.silent_badge": "Silent",
    "outlets.official_badge": "official",
    "outlets.yes": "Yes",
    "outlets.no": "No",
    "outlets.silent": (
        "{count} outlets fell silent (no item in the latest {weeks} complete weeks although they "
        "have a target or covered the topic before): {outlets}."),
    "outlets.no_silent": "No outlet fell silent in the latest complete week.",
    "outlets.empty": (
        "No outlet to show: add sources (and weekly_target) to config/sources.yaml, then run "
        "phuxanh crawl."),
    "outlets.empty_press": (
        "Your account has no outlet assigned. Ask an administrator (phuxanh users add ... "
        "--outlet)."),
    "outlets.store_empty": (
        "The store holds no item yet, so every count is 0. Run phuxanh crawl or make demo."),
    "outlets.scope_press": "You see the {count} outlets assigned to your account.",
    "report.title": "Weekly report · Phủ xanh",
    "report.heading": "Weekly report",
    "report.subtitle": "A weekly brief: preview it here, download it as PDF (A4) or Excel.",
    "report.week": "Week",
    "report.week_option": "{week_key}: {start} – {end}",
    "report.week_option_running": "{label} (running)",
    "report.download_pdf": "Download PDF",
    "report.download_xlsx": "Download Excel (XLSX)",
    "report.doc_title": "Weekly report {week}/{year}",
    "report.period": "From {start} to {end}",
    "report.scope_all": "Scope: every monitored source.",
    "report.scope_outlets": "Scope: the outlets {outlets}.",
    "report.partial": "This week is not over: the numbers will still change.",
    "report.footer": (
        "phuxanh · Weekly report {week_key} · generated {generated} · labels suggested by "
        "the model, reviewed labels take precedence"),
    "report.page": "Page {page}",
    "report.week_short": "W{week}",
    "report.change": "{value} on the week before",
    "report.change.same": "unchanged on the week before",
    "report.change_points": "{value} points on the week before",
    "report.kpi.total": "Items",
    "report.kpi.total_note": "{unclassified} not yet classified",
    "report.kpi.originals": "Unique stories (copies not counted)",
    "report.kpi.originals_note": "{copies} copies and reposts",
    "report.kpi.official_positive": "Positive items from official channels",
    "report.kpi.official_positive_note": "of {positive} positive items",
    "report.kpi.against": "Negative or suspected misinformation",
    "report.kpi.against_note": "{negative} negative · {misinformation} suspected misinformation",
    "report.kpi.index": "Phủ xanh index",
    "report.kpi.index_note": "official positive / (official positive + negative, suspected)",
    "report.kpi.explain": (
        "An item both negative and suspected misinformation counts once. Labels are the model's "
        "suggestions; reviewed labels take precedence."),
    "report.section.volume": "Items per week by sentiment",
    "report.section.balance": (
        "Phủ xanh: official positive items against negative and suspected misinformation"),
    "report.section.narratives": "Most frequent false narratives",
    "report.section.coverage": "Outlets' coverage against their targets",
    "report.section.handled": "Items handled this week",
    "report.series.official_positive": "Positive, official channels",
    "report.series.against": "Negative or suspected misinformation",
    "report.narratives.none": "No item this week seems to repeat a false narrative.",
    "report.narratives.unmatched": "(suspected, no known narrative matched)",
    "report.narratives.no_rebuttal": "no rebuttal yet",
    "report.narratives.col.rank": "#",
    "report.narratives.col.id": "Narrative id",
    "report.narratives.col.claim": "Narrative",
    "report.narratives.col.count": "Items",
    "report.narratives.col.rebuttal": "Rebuttal",
    "report.link": "Open link",
    "report.coverage.silent": "Silent outlets: {outlets}.",
    "report.coverage.no_silent": "No outlet fell silent.",
    "report.coverage.running": "* Week still running: not judged yet.",
    "report.coverage.legend": (
        "Green: target met · orange: below target · red: a target and no item · grey: week not "
        "over. Silent: no item in the latest complete week although the outlet has a target or "
        "covered the topic before."),
    "report.handled.more": "… and {count} more ({total} in all; the Excel file lists them all).",
    "report.handled.none": "No item was marked handled this week.",
    "report.handled.col.item": "Item",
    "report.handled.col.url": "URL",
    "report.handled.col.outlet": "Source",
    "report.handled.col.first_seen": "First seen",
    "report.handled.col.handled_at": "Handled",
    "report.handled.col.time": "Response time",
    "report.handled.col.hours": "Response time (hours)",
    "report.handled.col.response": "Official response",
    "report.hours": "{value} h",
    "report.days_hours": "{days} d {hours} h",
    "report.sheet.summary": "Summary",
    "report.sheet.trend": "Trend",
    "report.sheet.narratives": "Narratives",
    "report.sheet.coverage": "Coverage",
    "report.sheet.handled": "Handled",
    "report.meta.week": "Week",
    "report.meta.from": "From",
    "report.meta.to": "To",
    "report.meta.topic": "Topic",
    "report.meta.scope": "Scope",
    "report.meta.generated": "Generated",
    "report.col.metric": "Measure",
    "report.col.this_week": "Week {week_key}",
    "report.col.previous_week": "Week before ({week_key})",
    "report.col.week": "Week (ISO)",
    "report.col.monday": "Monday",
    "report.metric.total": "Items",
    "report.metric.originals": "Unique stories",
    "report.metric.copies": "Copies and reposts",
    "report.metric.positive": "Positive",
    "report.metric.neutral": "Neutral",
    "report.metric.negative": "Negative",
    "report.metric.unclassified": "Not classified",
    "report.metric.official_positive": "Positive, official channels",
    "report.metric.misinformation": "Suspected misinformation",
    "report.metric.against": "Negative or suspected misinformation",
    "report.metric.index": "Phủ xanh index",
})

# -- review page: adding a known narrative from an item (dashboard/pages/review_narrative.py) --
MESSAGES.update({
    "review.narrative.open": "Add a new false claim from this item",
    "review.narrative.help": "Write down the false claim this item makes (one sentence, as "
                             "people say it) and the official rebuttal. From the next "
                             "classification on, items repeating it are suggested for review.",
    "review.narrative.claim": "False claim (at least 20 characters)",
    "review.narrative.rebuttal": "Official rebuttal",
    "review.narrative.url": "Link to the rebuttal (optional)",
    "review.narrative.add": "Add the claim",
    "review.narrative.pick": "Pick an item in the queue first.",
    "review.narrative.invalid": "Not added: {reason}",
    "review.narrative.added": "Added claim {id}. Run classification again "
                              "(phuxanh classify --reclassify) to apply it to stored items.",
    # item page: classification history (dashboard/pages/item.py _history)
    "item.history_heading": "Classification history",
    "item.history_empty": "No model has classified this item yet. Run `phuxanh classify` to "
                          "label it; every change of its labels is recorded here.",
    "item.history_before": "The current labels predate the history (or came with imported "
                           "data); every change of its labels from now on is recorded here.",
    "item.history_sentiment": "{label} ({score})",
    "item.history_no_sentiment": "no sentiment label",
    "item.history_misinfo": "misinformation: {label} ({score})",
    "item.history_narrative": "narrative {id}",
})

# background jobs (dashboard/background.py): the report and the exports
MESSAGES.update({
    "job.running.report": "Building the report…",
    "job.running.export": "Building the export…",
    "job.step": "Step {step}/{steps}: {label}",
    "job.step.data": "reading the data",
    "job.step.render": "laying out the report",
    "job.step.audit": "writing the audit log",
    "job.step.file": "building the file",
})
