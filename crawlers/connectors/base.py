"""The HTTP client every API connector shares, and the errors it raises.

One :class:`ApiClient` per source run. It

- identifies us with ``crawl.user_agent`` and waits ``crawl.download_delay`` between requests;
- answers HTTP 429 by waiting the ``Retry-After`` the service gave (seconds or an HTTP date;
  Reddit's ``x-ratelimit-reset`` when there is none), and 5xx or a dropped connection by
  backing off (1, 2, 4 ... s), up to ``crawl.retry_times`` retries;
- counts every request it sends with its quota cost (YouTube charges even refused requests);
- never puts a key or token in a message: secrets are scrubbed from every URL and error text.

Whether an error body means an expired token, a spent quota or a stale cursor is the
platform's to say: each connector passes a ``classify`` function (:data:`Classifier`) that turns
a failed response into one of the errors below, or None for the generic handling.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import requests

from phuxanh.errors import PhuxanhError

logger = logging.getLogger(__name__)

# Query parameters that carry a credential: their values never appear in a message or log.
SECRET_PARAMS = frozenset({"key", "access_token", "appsecret_proof", "client_secret"})
# Longest wait we accept from a Retry-After: a longer one ends the run (the cursor is kept).
MAX_RETRY_AFTER_S = 900.0
BACKOFF_BASE_S = 1.0


class ConnectorError(PhuxanhError):
    """An API source could not be read. The message names the connector and the URL (without
    credentials). What was stored before it stays stored; the cursor stays for the next run."""

    # True when running again cannot help until a person acts (a key or token to replace).
    needs_person = False

    def __init__(self, connector: str, url: str, reason: str) -> None:
        super().__init__(f"{connector}: {url}: {reason}")
        self.connector = connector
        self.url = url
        self.reason = reason


class CredentialError(ConnectorError):
    """The key or token is missing, expired, revoked or invalid."""

    needs_person = True


class QuotaExhausted(ConnectorError):
    """The platform's quota for today is spent (YouTube ``quotaExceeded``)."""


class RateLimited(ConnectorError):
    """Still refused for rate after the retries (or asked to wait longer than we will)."""


class ServerError(ConnectorError):
    """5xx or no connection after the retries."""


class MalformedPayload(ConnectorError):
    """An answer that is not the JSON shape the platform documents."""


class AccessDenied(ConnectorError):
    """The token is valid but may not read this object (a page not granted, a private sub)."""

    needs_person = True


class StaleCursor(ConnectorError):
    """The platform no longer accepts a saved page cursor; the list is read from its start."""


class NotAvailable(ConnectorError):
    """The object is gone or closed to reading (a deleted video, comments turned off): not an
    error of the run, the object is skipped."""


# (connector, redacted url, HTTP status, parsed JSON body or None) -> an error, or None.
Classifier = Callable[[str, str, int, Any], ConnectorError | None]


def redact(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` with the values of credential parameters replaced by ``***``."""
    parts = urlsplit(url)
    query = [(name, "***" if name in SECRET_PARAMS else value)
             for name, value in parse_qsl(parts.query, keep_blank_values=True)]
    text = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="*,"),
                       ""))
    return scrub(text, secrets)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` without any of ``secrets``, as written or percent-encoded in a URL."""
    for secret in secrets:
        if secret:
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                text = text.replace(form, "***")
    return text


class _ScrubSecrets(logging.Filter):
    """urllib3 logs every request line (with its query string) at DEBUG: keep keys out."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_URLLIB3_LOGGER = logging.getLogger("urllib3.connectionpool")


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None
                        ) -> float | None:
    """The wait a 429 asks for: ``Retry-After`` (delta-seconds or an HTTP date), else Reddit's
    ``x-ratelimit-reset`` (seconds until the window resets); None when neither is readable."""
    value = headers.get("Retry-After")
    if value is not None:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    reset = headers.get("x-ratelimit-reset")
    if reset is not None:
        try:
            return max(0.0, float(reset))
        except ValueError:
            return None
    return None


@dataclass
class RequestLog:
    """What one client sent: requests (retries included), quota units, pages answered."""

    requests: int = 0
    quota_units: int = 0
    pages: int = 0
    waits: list[float] = field(default_factory=list)  # seconds waited for 429s and backoff


class ApiClient:
    """GET JSON from one platform's API, politely. Not thread-safe; one per run."""

    def __init__(
        self,
        connector: str,
        user_agent: str,
        *,
        delay_s: float = 1.0,
        timeout_s: float = 30.0,
        retries: int = 3,
        secrets: Iterable[str] = (),
        classify: Classifier | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
        on_request: Callable[[int], None] | None = None,
    ) -> None:
        self.connector = connector
        self.delay_s = delay_s
        self.timeout_s = timeout_s
        self.retries = retries
        self.secrets = [secret for secret in secrets if secret]
        self.classify = classify
        self.sleep = sleep
        self.clock = clock
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        # The environment's proxy settings apply (trust_env), as for any client of ours.
        self.on_request = on_request
        self.log = RequestLog()
        self._last_sent: float | None = None
        self._log_filter = _ScrubSecrets(self.secrets)
        _URLLIB3_LOGGER.addFilter(self._log_filter)

    def close(self) -> None:
        self.session.close()
        _URLLIB3_LOGGER.removeFilter(self._log_filter)

    # -- the one public call --------------------------------------------------------------

    def get_json(self, url: str, params: Mapping[str, Any] | None = None, *, cost: int = 0
                 ) -> Any:
        """The parsed JSON body of a 2xx answer to ``GET url?params``. ``cost`` quota units
        are counted for every request sent, retries included. Raises a ConnectorError."""
        shown = redact(self._full_url(url, params), self.secrets)
        attempt = 0
        while True:
            self._throttle()
            self.log.requests += 1
            self.log.quota_units += cost
            if self.on_request is not None:
                self.on_request(cost)
            try:
                response = self.session.get(url, params=params, timeout=self.timeout_s)
            except requests.RequestException as exc:
                reason = scrub(f"no answer ({type(exc).__name__})", self.secrets)
                if attempt < self.retries:
                    attempt += 1
                    self._wait(BACKOFF_BASE_S * 2 ** (attempt - 1), shown, reason)
                    continue
                raise ServerError(self.connector, shown,
                                  f"{reason} after {attempt + 1} tries") from None
            finally:
                self._last_sent = self.clock()
            status = response.status_code
            body = _json_or_none(response)
            if 200 <= status < 300:
                if body is _NOT_JSON:
                    raise MalformedPayload(self.connector, shown, _not_json(response))
                self.log.pages += 1
                return body
            error = self.classify(self.connector, shown, status,
                                  None if body is _NOT_JSON else body) if self.classify else None
            if isinstance(error, RateLimited) or (error is None and status == 429):
                wait = retry_after_seconds(response.headers)
                if wait is None:
                    wait = BACKOFF_BASE_S * 2 ** attempt
                if wait > MAX_RETRY_AFTER_S:
                    raise RateLimited(self.connector, shown,
                                      f"HTTP {status}: asked to wait {wait:.0f} s; stopped, "
                                      "the next run resumes here")
                if attempt < self.retries:
                    attempt += 1
                    self._wait(wait, shown, f"HTTP {status}")
                    continue
                raise error or RateLimited(self.connector, shown,
                                           f"HTTP {status} after {attempt + 1} tries")
            if error is not None:
                raise error
            if status >= 500:
                if attempt < self.retries:
                    attempt += 1
                    self._wait(BACKOFF_BASE_S * 2 ** (attempt - 1), shown, f"HTTP {status}")
                    continue
                raise ServerError(self.connector, shown, f"HTTP {status} after {attempt + 1} "
                                  "tries")
            if status in (401, 403):
                raise AccessDenied(self.connector, shown, f"HTTP {status}: access refused")
            if status in (404, 410):
                raise NotAvailable(self.connector, shown, f"HTTP {status}: not found")
            raise ConnectorError(self.connector, shown, f"HTTP {status}")

    # -- internals --------------------------------------------------------------------------

    @staticmethod
    def _full_url(url: str, params: Mapping[str, Any] | None) -> str:
        if not params:
            return url
        return f"{url}{'&' if '?' in url else '?'}{urlencode(list(params.items()))}"

    def _throttle(self) -> None:
        if self._last_sent is None or self.delay_s <= 0:
            return
        remaining = self.delay_s - (self.clock() - self._last_sent)
        if remaining > 0:
            self.sleep(remaining)

    def _wait(self, seconds: float, url: str, why: str) -> None:
        logger.warning("%s: %s: %s; waiting %.1f s before trying again", self.connector, url,
                       why, seconds)
        self.log.waits.append(seconds)
        self.sleep(seconds)


_NOT_JSON: Any = object()


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return _NOT_JSON


def _not_json(response: requests.Response) -> str:
    kind = response.headers.get("Content-Type", "no Content-Type")
    return f"answer is not JSON ({kind}, {len(response.content)} bytes)"


def expect(condition: bool, connector: str, url: str, what: str) -> None:
    """Raise MalformedPayload unless ``condition``: the answer lacks the documented ``what``."""
    if not condition:
        raise MalformedPayload(connector, url, f"unexpected answer: {what}")
