"""Shared hypothesis settings and strategies for the fuzz tests: bounded (~150 examples, no
deadline: a slow example on a busy 2-core machine is not a failure), derandomized so a run is
repeatable, and no example database written into the repository.

A longer, random hunt (not for CI): ``FUZZ_EXAMPLES=3000 .venv/bin/pytest tests/fuzz``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_LONG = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(max_examples=_LONG or 150, deadline=None, derandomize=not _LONG,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much])

# Vietnamese letters, markup characters and the odd control/surrogate-adjacent code point.
VI = "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_PLAIN = VI + VI.upper() + "abcdefghijklmnopqrstuvwxyz0123456789 .,:;-/\"'<>&=#?!()[]{}\n\t"
_ODD = ["\x00", "\ufffd", "\u200b", "\u0301", "\ud7ff", "\U0001f600", "&amp;", "&#x2B;"]
TEXT = st.lists(st.sampled_from([*_PLAIN, *_ODD]), max_size=120).map("".join)

TAGS = ["html", "head", "body", "title", "meta", "p", "div", "article", "h1", "span", "a",
        "script", "style", "time", "br", "img", "table", "td", "li", "link", "main",
        "section", "svg", "noscript", "iframe", "template", "!--", "?xml"]
ATTRS = ["property", "content", "name", "href", "class", "datetime", "rel", "itemprop",
         "charset", "onerror", "src", "lang", "type"]


@st.composite
def html_fragments(draw: st.DrawFn, depth: int = 0) -> str:
    """Random, often malformed HTML: nested tags with random attributes and text, unclosed
    tags, stray closing tags, comments, script blocks."""
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        choice = draw(st.integers(0, 5))
        if choice <= 1:
            parts.append(draw(TEXT))
        elif choice == 2 and depth < 4:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(
                f' {draw(st.sampled_from(ATTRS))}="{draw(TEXT)}"'
                for _ in range(draw(st.integers(0, 3))))
            inner = draw(html_fragments(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}", "</x>"]))
            parts.append(f"<{tag}{attrs}>{inner}{close}")
        elif choice == 3:
            parts.append(draw(st.sampled_from([
                "<!DOCTYPE html>", "<!-- c -->", "<![CDATA[x]]>", "<?php ?>", "</p></div>",
                '<meta charset="windows-1258">', '<meta property="article:published_time" '
                'content="2026-02-30T25:61:00+19:00">', '<link rel="canonical" href="//x">',
                '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":'
                '"2026-03-10","author":{"name":[1,{"x":null}]}}</script>',
                '<script type="application/ld+json">{"@graph":[[[[{}]]]]}</script>',
                "<a href='javascript:alert(1)'>x</a>", "<base href='ftp://x/'>",
            ])))
        else:
            parts.append("Chỉ thị 57-CT/TW về an ninh mạng. " * draw(st.integers(0, 12)))
    return "".join(parts)
