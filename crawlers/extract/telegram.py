"""Telegram public channel web preview (``https://t.me/s/NAME``) -> records. Pure: HTML in, no
network.

The preview lists a channel's latest messages oldest first, one ``div.tgme_widget_message``
each, ``data-post="NAME/123"`` its id; the text in ``.tgme_widget_message_text`` (not the one
inside ``a.tgme_widget_message_reply``, which is the message replied to); the date in the
footer's ``a.tgme_widget_message_date time[datetime]`` (ISO 8601 with offset); the views as
printed ("1.2K", "3M") in ``.tgme_widget_message_views``; ``a.tme_messages_more[data-before]``
links the page of older messages (``?before=ID``).

A channel is a named source, not a person. Two things on a message can name a person, and only
their keyed hash may be stored: a forward from a private user (``Forwarded from`` with a
``span``, no link: a public channel's forward is a link to its message, kept as ``parent_id``)
and an admin's signature (``.tgme_widget_message_from_author``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawlers.extract.css import first, select
from crawlers.extract.dates import parse_datetime
from crawlers.extract.markup import parse_html
from phuxanh.config import Source
from phuxanh.errors import InputError
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ, DateSource, Engagement, Item, platform_item_id
from phuxanh.text import clean, clean_multiline

PREVIEW_BASE = "https://t.me/s/"
_NAME = r"[A-Za-z][A-Za-z0-9_]{3,31}"
_POST_RE = re.compile(rf"^({_NAME})/(\d+)$")
_MESSAGE_LINK_RE = re.compile(rf"^/(?:s/)?({_NAME})/(\d+)/?$")
_COUNT_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([KkMm]?)$")
_BLOCKS = {"p", "div", "li", "blockquote", "pre"}


@dataclass(frozen=True)
class TelegramMessage:
    channel: str  # as the page spells it in data-post
    message_id: int
    url: str  # https://t.me/NAME/123 (the date link)
    published_at: datetime | None
    text: str  # NFC, lines joined by "\n"
    views: int | None = None
    reply_to: tuple[str, int] | None = None  # (channel, message id) this one answers
    forwarded_from: tuple[str, int] | None = None  # a public channel's message, forwarded
    # A person's name (a forward from a private user, or an admin's signature): only hashed.
    person: str | None = None


@dataclass(frozen=True)
class ChannelPage:
    url: str
    channel: str | None  # the channel's username as the page spells it
    title: str  # the channel's display name
    messages: list[TelegramMessage]  # oldest first, as the page lists them
    before: int | None = None  # id for the next (older) page: ?before=ID
    problems: list[str] = field(default_factory=list)  # "<url>: message N: why"


def channel_name(channel: str) -> str:
    """``vtv24news`` or ``https://t.me/s/vtv24news`` -> ``vtv24news``."""
    return channel.rstrip("/").rsplit("/", 1)[-1]


def preview_url(channel: str, before: int | None = None) -> str:
    """The preview page of a channel (a name or a preview URL, as sources.yaml gives it)."""
    base = channel.rstrip("/") if "://" in channel else PREVIEW_BASE + channel
    return f"{base}?before={before}" if before is not None else base


def parse_count(text: str | None) -> int | None:
    """Telegram's short counts: ``"845"`` -> 845, ``"1.2K"`` -> 1200, ``"3M"`` -> 3000000."""
    if not text:
        return None
    match = _COUNT_RE.match(text.strip().replace("\u202f", "").replace(" ", ""))
    if not match:
        return None
    number = float(match[1].replace(",", "."))
    scale = {"k": 1_000, "m": 1_000_000}.get(match[2].lower(), 1)
    return round(number * scale)


def _message_ref(href: str | None) -> tuple[str, int] | None:
    """``https://t.me/NAME/123`` -> ("NAME", 123); None for anything else."""
    if not href:
        return None
    match = _MESSAGE_LINK_RE.match(urlsplit(href).path)
    return (match[1], int(match[2])) if match else None


def _text(element: HtmlElement) -> str:
    element = copy.deepcopy(element)
    for node in element.iter():
        if isinstance(node.tag, str) and (node.tag == "br" or node.tag in _BLOCKS):
            node.tail = "\n" + (node.tail or "")
    return clean_multiline(element.text_content())


def _own_text(message: HtmlElement) -> str:
    """The message's text or caption, not the quoted text of the message it replies to."""
    for candidate in select(message, ".tgme_widget_message_text"):
        if not any("tgme_widget_message_reply" in (parent.get("class") or "")
                   for parent in candidate.iterancestors()):
            return _text(candidate)
    return ""


def _message(element: HtmlElement, page_url: str) -> TelegramMessage:
    """One message; ValueError says why it cannot be read."""
    match = _POST_RE.match(element.get("data-post", "").strip())
    if not match:
        raise ValueError("no data-post id")
    channel, message_id = match[1], int(match[2])
    date_link = first(element, "a.tgme_widget_message_date")
    moment = first(date_link, "time[datetime]") if date_link is not None else None
    parsed = parse_datetime(moment.get("datetime")) if moment is not None else None
    if parsed is None:
        raise ValueError(f"message {channel}/{message_id}: no readable date")
    href = date_link.get("href") if date_link is not None else None
    url = urljoin(page_url, href) if href else f"https://t.me/{channel}/{message_id}"
    views = first(element, ".tgme_widget_message_views")
    reply = first(element, "a.tgme_widget_message_reply")
    forwarded = first(element, ".tgme_widget_message_forwarded_from_name")
    forwarded_from = None
    person = None
    if forwarded is not None:
        forwarded_from = _message_ref(forwarded.get("href")) if forwarded.tag == "a" else None
        if forwarded.tag != "a":  # no link: a private user, not a channel
            person = clean(forwarded.text_content()) or None
    if person is None:
        signed = first(element, ".tgme_widget_message_from_author")
        person = clean(signed.text_content()) or None if signed is not None else None
    return TelegramMessage(
        channel=channel, message_id=message_id, url=url,
        published_at=parsed[0].astimezone(VN_TZ),
        text=_own_text(element),
        views=parse_count(views.text_content()) if views is not None else None,
        reply_to=_message_ref(reply.get("href")) if reply is not None else None,
        forwarded_from=forwarded_from, person=person,
    )


def parse_channel_page(html: str, url: str) -> ChannelPage:
    """A preview page's messages and the id of the older page. InputError when the page is
    not a channel preview (Telegram answers a private or unknown channel with its start page)."""
    tree = parse_html(html, url)
    elements = select(tree, "div.tgme_widget_message[data-post]")
    if not elements and not select(tree, ".tgme_channel_history, .tgme_channel_info"):
        raise InputError(f"{url}: not a Telegram channel preview (private, renamed or "
                         "without a public preview)")
    messages: list[TelegramMessage] = []
    problems: list[str] = []
    for index, element in enumerate(elements, 1):
        if "service_message" in (element.get("class") or ""):
            continue  # "Channel created", "pinned a message": nothing anyone wrote
        try:
            messages.append(_message(element, url))
        except ValueError as exc:
            problems.append(f"{url}: message {index} on the page: {exc}")
    more = first(tree, "a.tme_messages_more[data-before]")
    before_text = more.get("data-before", "") if more is not None else ""
    title_el = first(tree, ".tgme_channel_info_header_title", ".tgme_header_title")
    channel = messages[0].channel if messages else None
    if channel is None:
        handle = first(tree, ".tgme_channel_info_header_username")
        channel = clean(handle.text_content()).lstrip("@") or None if handle is not None else None
    return ChannelPage(
        url=url, channel=channel,
        title=clean(title_el.text_content()) if title_el is not None else "",
        messages=messages, before=int(before_text) if before_text.isdigit() else None,
        problems=problems,
    )


PLATFORM = "telegram"
_TITLE_CHARS = 120


def message_item_id(channel: str, message_id: int) -> str:
    """``telegram:name/123``; usernames are case-insensitive, ids are lower-cased."""
    return platform_item_id(PLATFORM, f"{channel.lower()}/{message_id}")


def _title(text: str) -> str:
    """The message's first line, cut at a word near :data:`_TITLE_CHARS`: messages have no
    title and lists show one."""
    line = text.split("\n", 1)[0]
    if len(line) <= _TITLE_CHARS:
        return line
    cut = line[:_TITLE_CHARS].rsplit(" ", 1)[0]
    return f"{cut}…"


def build_message_item(message: TelegramMessage, source: Source, fetched_at: datetime,
                       author_key: str | None) -> Item:
    """The item for one message. The channel is the source (``outlet``); ``parent_id`` is the
    message it replies to, else the public channel message it forwards; a person named on it
    (private forward, signature) only as a keyed hash (none without ``author_key``)."""
    ref = message.reply_to or message.forwarded_from
    assert message.published_at is not None  # _message refuses a message without one
    return Item(
        id=message_item_id(message.channel, message.message_id), url=message.url,
        canonical_url=message.url, source=source.key, source_type=source.type,
        platform=PLATFORM, outlet=source.name, official=source.official,
        province=source.province, title=_title(message.text), text=message.text,
        published_at=message.published_at, date_source=DateSource.PAGE_METADATA,
        fetched_at=fetched_at,
        author_hash=(author_hash(message.person, author_key, PLATFORM)
                     if message.person and author_key else None),
        engagement=Engagement(views=message.views),
        parent_id=message_item_id(*ref) if ref else None,
    )
