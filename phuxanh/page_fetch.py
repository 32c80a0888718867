"""Fetching one public page, politely, outside a crawl (a URL someone submitted).

The same rules as the crawler: our configured user agent, robots.txt obeyed (RFC 9309: a
robots.txt that answers 4xx means no rules; one that cannot be fetched means "do not"), the
configured timeout and size cap, no cookies and no login. Redirects are followed by hand (at
most :data:`MAX_REDIRECTS`) so every hop is checked against robots.txt and, unless the config
allows it, refused when it points into a private network: the dashboard must not become a way
to reach the unit's internal hosts.

Stdlib only (urllib) plus protego, the robots.txt parser Scrapy uses, so the dashboard process
never imports Scrapy.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Literal
from urllib.parse import urljoin, urlsplit

from phuxanh.config import CrawlConfig
from phuxanh.errors import InputError

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 500_000  # Google reads the first 500 KiB of a robots.txt

FetchFailure = Literal["bad_url", "private_host", "robots", "http_status", "not_html",
                       "too_large", "network", "redirects"]


class FetchError(InputError):
    """A page could not be fetched; ``reason`` is a stable code (for translated messages),
    ``status`` the HTTP status when there was one. The message names the URL."""

    def __init__(self, url: str, reason: FetchFailure, message: str,
                 status: int | None = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes
    redirects: tuple[str, ...] = field(default=())  # the URLs that redirected, in order


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """3xx answers come back as HTTPError so each hop is checked before it is followed."""

    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def check_url(url: str, allow_private: bool) -> None:
    """Refuse what we never fetch: other schemes, credentials in the URL (no logins), and
    (unless ``allow_private``) hosts that resolve to private, loopback or link-local
    addresses."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(url, "bad_url", "not an http(s) URL")
    if parts.username or parts.password:
        raise FetchError(url, "bad_url", "URLs with a user name or password are not fetched "
                                         "(public pages only, no logins)")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise FetchError(url, "network", f"cannot resolve host {parts.hostname!r} ({exc})"
                         ) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise FetchError(url, "private_host", f"{parts.hostname} is a private or local "
                                                  f"address ({address}); only public sites "
                                                  f"are fetched")


def _read(response: object, url: str, limit: int) -> bytes:
    body = response.read(limit + 1)  # type: ignore[attr-defined]
    if len(body) > limit:
        raise FetchError(url, "too_large", f"page larger than {limit} bytes (crawl.max_page_bytes)")
    return body


def _get(url: str, crawl: CrawlConfig, accept: str, limit: int) -> tuple[int, Message, bytes]:
    """One request, no redirect followed: (status, headers, body); 3xx/4xx/5xx included."""
    if urlsplit(url).scheme not in {"http", "https"}:  # never file:, ftp: or data:
        raise FetchError(url, "bad_url", "not an http(s) URL")
    request = urllib.request.Request(url, headers={  # noqa: S310 (scheme checked above)
        "User-Agent": crawl.user_agent,
        "Accept": accept,
        "Accept-Language": "vi,en;q=0.5",
        "Accept-Encoding": "identity",
    })
    try:
        with _OPENER.open(request, timeout=crawl.timeout_seconds) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise FetchError(url, "too_large", f"page of {length} bytes is larger than "
                                                   f"{limit} (crawl.max_page_bytes)")
            return response.status, response.headers, _read(response, url, limit)
    except urllib.error.HTTPError as exc:
        with exc:
            body = exc.read(min(limit, 64_000)) if exc.code < 300 or exc.code >= 400 else b""
            return exc.code, exc.headers, body
    except FetchError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(url, "network", f"cannot fetch ({reason})") from None


class Robots:
    """robots.txt per site (scheme, host, port), fetched once per :class:`Robots`."""

    def __init__(self, crawl: CrawlConfig, allow_private: bool) -> None:
        self._crawl = crawl
        self._allow_private = allow_private
        self._rules: dict[str, object] = {}

    def _load(self, origin: str) -> object:
        from protego import Protego

        url = origin + "/robots.txt"
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url, self._allow_private)
            try:
                status, headers, body = _get(url, self._crawl, "text/plain", ROBOTS_MAX_BYTES)
            except FetchError as exc:
                raise FetchError(url, "robots", f"robots.txt could not be fetched "
                                                f"({exc}); not fetching the page") from None
            if status in {301, 302, 303, 307, 308} and headers.get("Location"):
                url = urljoin(url, headers["Location"])
                continue
            if 400 <= status < 500:
                return Protego.parse("")  # no robots.txt: no rules
            if status >= 300:  # 5xx, or a redirect without a Location
                raise FetchError(url, "robots", f"robots.txt answered HTTP {status}; not "
                                                f"fetching the page (RFC 9309)")
            return Protego.parse(body.decode("utf-8", errors="replace"))
        raise FetchError(url, "robots", "robots.txt redirects too many times")

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._rules:
            self._rules[origin] = self._load(origin)
        return bool(self._rules[origin].can_fetch(url, self._crawl.user_agent))  # type: ignore[attr-defined]


def fetch_page(url: str, crawl: CrawlConfig, *, allow_private: bool = False) -> Page:
    """The page at ``url``, following redirects, each hop checked (address, robots.txt).
    Raises :class:`FetchError` for a refused or failed fetch and for any HTTP error status."""
    robots = Robots(crawl, allow_private)
    redirects: list[str] = []
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current, allow_private)
        if not robots.allowed(current):
            raise FetchError(current, "robots", "robots.txt of the site does not allow "
                                                "fetching this page")
        status, headers, body = _get(current, crawl,
                                     "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                                     crawl.max_page_bytes)
        if status in {301, 302, 303, 307, 308}:
            location = headers.get("Location")
            if not location:
                raise FetchError(current, "http_status", f"HTTP {status} without a Location",
                                 status)
            redirects.append(current)
            current = urljoin(current, location)
            continue
        if status >= 300:
            raise FetchError(current, "http_status", f"the site answered HTTP {status}", status)
        return Page(current, status, headers.get("Content-Type"), body, tuple(redirects))
    raise FetchError(url, "redirects", f"more than {MAX_REDIRECTS} redirects")


def is_html(page: Page) -> bool:
    """HTML by its Content-Type; a page without one counts when it starts like HTML."""
    if page.content_type:
        kind = page.content_type.split(";", 1)[0].strip().lower()
        return kind in {"text/html", "application/xhtml+xml"}
    head = page.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
