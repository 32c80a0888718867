"""Every component id in the dashboard, in one place, so a page and its callbacks (and the
browser tests) can never disagree about a name. Prefixed by page to keep them unique."""

from __future__ import annotations

# shell (present on every page)
HEADER = "app-header"
NAV = "app-nav"
ERROR_BANNER = "app-error-banner"
ERROR_MESSAGE = "app-error-message"
ERROR_DISMISS = "app-error-dismiss"
AUTH_USER = "app-auth-user"
AUTH_LOGOUT = "app-auth-logout"

# overview page
OVERVIEW_TOPIC = "overview-topic"
OVERVIEW_CONTENT = "overview-content"
OVERVIEW_PERIOD = "overview-period"
OVERVIEW_EMPTY = "overview-empty"
OVERVIEW_NO_ITEMS = "overview-no-items"
OVERVIEW_KPI_TOTAL = "overview-kpi-total"
OVERVIEW_KPI_POSITIVE = "overview-kpi-positive"
OVERVIEW_KPI_NEGATIVE = "overview-kpi-negative"
OVERVIEW_KPI_COVERAGE = "overview-kpi-coverage"
OVERVIEW_VOLUME_GRAPH = "overview-volume-graph"
OVERVIEW_COVERAGE_GRAPH = "overview-coverage-graph"
OVERVIEW_COVERAGE_TEXT = "overview-coverage-text"
