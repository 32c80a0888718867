"""Issue 8, bad input: nothing from a crawled page is ever rendered as HTML in the dashboard.

An item whose title, text, outlet, author and URL carry script injection is stored; then every
page and every server callback of the real app is run over HTTP (as an admin, who sees
everything) and the component trees sent to the browser are checked: the hostile strings are
only ever plain text (React escapes strings), never raw HTML (no Markdown with HTML, no
iframe srcDoc, no dangerously_allow_html), and no link points at ``javascript:`` or ``data:``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dashboard import ids
from phuxanh.schema import DateSource, Item, Sentiment, url_item_id
from phuxanh.store.base import LabelUpdate

from .conftest import call_callback, callback_payload, server_callbacks

SCRIPT = '<script>alert("xss-title")</script>'
IMG = '<img src=x onerror=alert("xss-text")>'
SVG = '<svg/onload=alert("xss-outlet")>'
JS_URL = "javascript:alert('xss-url')"
HOSTILE = (SCRIPT, IMG, SVG, JS_URL)
# Components that would put a string into the page as HTML or run it.
RAW_HTML_TYPES = {"Iframe", "Script", "Object", "Embed", "Base"}
URL_PROPS = {"href", "src", "data", "action", "formAction", "srcDoc"}


def _hostile_items(store: Any) -> list[Item]:
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(microsecond=0)
    url = "https://diendan.example.vn/bai-xss.html"
    news = Item(
        id=url_item_id(url), url=JS_URL, canonical_url=url, source="diendan",
        source_type="news", outlet=f"Diễn đàn {SVG}", author=f"Tác giả {SCRIPT}",
        title=f"Chỉ thị 57 {SCRIPT} tiêu đề", text=f"Chỉ thị 57 đoạn một {IMG}\n"
        f"Đoạn hai {SCRIPT} về Chỉ thị 57 <b>đậm</b> &lt;i&gt;", published_at=now,
        date_source=DateSource.PAGE_METADATA, fetched_at=now, topics=["chi-thi-57"],
        matched_terms=["Chỉ thị 57", SCRIPT],
    )
    store.upsert([news])
    store.set_labels([LabelUpdate(news.id, Sentiment(
        label="negative", score=0.9, model="test@1", reason=f"lý do {IMG}"))])
    return [news]


def _components(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            yield node
        for value in node.values():
            yield from _components(value)
    elif isinstance(node, list):
        for value in node:
            yield from _components(value)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _check_tree(tree: Any, where: str) -> None:
    for component in _components(tree):
        kind, props = component["type"], component["props"]
        assert kind not in RAW_HTML_TYPES, (where, kind)
        assert not props.get("dangerously_allow_html"), (where, kind)
        if kind == "Markdown":
            text = " ".join(_strings(props.get("children")))
            assert "<" not in text, (where, "Markdown with markup")
        for name, value in props.items():
            assert not name.lower().startswith("on"), (where, kind, name)
            if name in URL_PROPS and isinstance(value, str):
                lowered = value.strip().lower()
                assert not lowered.startswith(("javascript:", "data:", "vbscript:")), (
                    where, kind, name, value)


def test_hostile_page_content_is_only_ever_text(app: Any, client_as: Any, store: Any) -> None:
    (item,) = _hostile_items(store)
    client = client_as("admin")
    values = {
        (ids.SEARCH_QUERY, "value"): "chi thi 57",
        (ids.REVIEW_QUEUE, "value"): item.id,
        (ids.ITEM_ID, "data"): item.id,
        (ids.REVIEW_ORDER, "value"): "priority",
        ("_pages_location", "pathname"): "/",
    }
    shown_as_text = 0
    for key, spec in server_callbacks(app):
        response = call_callback(client, callback_payload(key, spec, values))
        body = response.get_json(silent=True)
        if body is None:
            continue  # 204: nothing to render
        _check_tree(body, key)
        texts = list(_strings(body))
        shown_as_text += sum(1 for text in texts if "xss-" in text)
    # The hostile strings did reach the browser (the item was rendered) - as plain strings.
    assert shown_as_text >= 3
    for path in ("/", "/search?q=chi+thi+57", f"/item?id={item.id}", "/review",
                 "/_dash-layout"):
        page = client.get(path).get_data(as_text=True)
        for hostile in HOSTILE:
            assert hostile not in page, (path, hostile)  # no item data in the page itself


def test_the_item_link_is_never_a_script_url(app: Any, client_as: Any, store: Any) -> None:
    (item,) = _hostile_items(store)
    client = client_as("admin")
    for key, spec in server_callbacks(app):
        body = call_callback(client, callback_payload(key, spec, {
            (ids.REVIEW_QUEUE, "value"): item.id, (ids.ITEM_ID, "data"): item.id,
        })).get_json(silent=True)
        for component in _components(body or {}):
            href = component["props"].get("href")
            assert not (isinstance(href, str) and href.lower().startswith("javascript")), key
