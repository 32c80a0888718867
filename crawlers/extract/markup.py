"""Small helpers every extractor shares: parsing HTML safely, unescaping, registered domains."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from phuxanh.errors import InputError

# lxml refuses a str that still carries an XML encoding declaration (XHTML pages have one).
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Second-level labels under a country code that are not registrable on their own
# (vnexpress.net but baocantho.com.vn, chinhphu.gov.vn, bbc.co.uk).
_GENERIC_SLD = {"com", "net", "org", "gov", "edu", "ac", "co", "info", "biz", "int", "name",
                "pro", "health"}


def parse_html(text: str, url: str) -> lxml.html.HtmlElement:
    """The document tree, or InputError naming the URL when there is nothing to parse."""
    try:
        return lxml.html.document_fromstring(_XML_DECL_RE.sub("", text, count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"{url}: not an HTML page ({exc})") from None


def unescape_all(text: str) -> str:
    """HTML entities undone, also when a CMS escaped them twice ("&amp;#7871;")."""
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def registered_domain(url_or_host: str) -> str:
    """The domain a site registered: ``tuoitre.vn`` for ``https://m.tuoitre.vn/x``,
    ``baocantho.com.vn`` for ``www.baocantho.com.vn``. IP addresses are returned whole.

    A heuristic (generic second-level labels under a two-letter country code), not the public
    suffix list; enough to tell an outlet's own canonical link from a link to another site.
    """
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").lower().rstrip(".")
    labels = host.split(".")
    if all(label.isdigit() for label in labels) or len(labels) <= 2:
        return host
    if len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLD:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
