"""Retries that wait: Scrapy's RetryMiddleware re-queues a failed request at once, which hits
a struggling server again within milliseconds. This one waits before handing the retry back,
doubling the wait with each attempt (``PHUXANH_RETRY_BACKOFF`` seconds, then twice that, ...,
capped at ``PHUXANH_RETRY_BACKOFF_MAX``); a 429 or 503 with ``Retry-After`` waits what the
server asked, up to the same cap. The wait is an async sleep on the reactor: other requests
(other sites) go on meanwhile.

It replaces Scrapy's RetryMiddleware in :mod:`crawlers.settings` and keeps its rules (which
statuses and exceptions, RETRY_TIMES, ``dont_retry``); only the timing changes.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

DEFAULT_BACKOFF = 1.0  # seconds before the first retry
DEFAULT_BACKOFF_MAX = 60.0  # no single wait is longer, whatever Retry-After says


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP date (RFC 9110); None
    when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float | None = None,
                  jitter: float = 0.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first): ``base`` doubled
    per attempt, at least ``retry_after`` when the server said so, never more than ``cap``.
    ``jitter`` (0..1) adds up to that fraction, so retries of many pages do not all land on
    the server at the same instant."""
    delay = base * 2 ** max(0, attempt - 1)
    delay *= 1 + jitter
    if retry_after is not None:
        delay = max(delay, retry_after)
    return max(0.0, min(delay, cap))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("PHUXANH_RETRY_BACKOFF", DEFAULT_BACKOFF)
        self.backoff_max = settings.getfloat("PHUXANH_RETRY_BACKOFF_MAX", DEFAULT_BACKOFF_MAX)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, response.headers.get(b"Retry-After"))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, retry_after_header: Any) -> None:
        attempt = int(retry.meta.get("retry_times", 1))
        delay = backoff_delay(attempt, self.backoff, self.backoff_max,
                              retry_after_seconds(retry_after_header),
                              random.random() * 0.25)  # noqa: S311 (spread, not secrecy)
        if delay > 0:
            logger.debug("retry %d of %s in %.2f s", attempt, retry.url, delay)
            await sleep(delay)
