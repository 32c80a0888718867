"""CSS selection with compiled selectors, for extractors that run the same selectors on every
post of every page (forums, Telegram)."""

from __future__ import annotations

from functools import lru_cache

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def select(element: HtmlElement, selector: str) -> list[HtmlElement]:
    """``element.cssselect(selector)``, compiled once: translating CSS to XPath costs more
    than running it."""
    return list(_compiled(selector)(element))


def first(element: HtmlElement, *selectors: str) -> HtmlElement | None:
    """The first match of the first selector that matches (tried in order: a union selector
    would answer in document order instead)."""
    for css in selectors:
        found = select(element, css)
        if found:
            return found[0]
    return None
