"""XenForo 2 pages (voz.vn and most Vietnamese boards) -> records. Pure: HTML in, no network.

Three kinds of page, in the markup XenForo 2's default templates produce:

- a thread page: one ``article.message--post`` per post, ``data-content="post-123"`` its id,
  ``data-author`` the poster, the body in ``article.message-body .bbWrapper``, the date in the
  attribution's ``time.u-dt`` (``data-time``: Unix seconds; ``datetime``: ISO 8601), the
  position ("#1") beside it, reactions under ``.reactionsBar``; the title in ``h1.p-title-value``
  and paging in ``.pageNav`` (``pageNav-jump--prev`` / ``--next``, the last page number);
- a search results page: ``li.block-row`` rows, each linking a post
  (``/threads/slug.12/post-345`` or ``/posts/345/``) with its date;
- a forum page: ``.structItem--thread`` rows, each a thread link with its last activity.

Post text leaves out quoted blocks (``blockquote.bbCodeBlock--quote``): the quote is another
post's text, already an item of its own; keeping it would count that text twice (topic
matching, sentiment, near-duplicates) and credit it to the wrong author. What was quoted is
kept as a link instead (:attr:`ForumPost.quoted_post_ids` -> ``parent_id``). Signatures live
outside the message body (``aside.message-signature``) and are never read. ``@mentions`` of
other members are replaced by :data:`MENTION`: a mention is another person's handle, and
people are not targets (the poster's own name is handed to the caller only to be hashed).

A post that cannot be read (no id, no date) is reported in :attr:`ThreadPage.problems` and the
others are kept; a page with no XenForo structure at all raises InputError naming the URL.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawlers.extract.css import first, select
from crawlers.extract.dates import parse_datetime
from crawlers.extract.markup import parse_html, registered_domain
from phuxanh.config import Source
from phuxanh.errors import InputError
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ, DateSource, Engagement, Item, platform_item_id
from phuxanh.text import clean, clean_multiline

# What an @mention of another member becomes in the stored text.
MENTION = "@[thành viên]"
_THREAD_ID_RE = re.compile(r"/(?:threads|t)/(?:[^/?#]*\.)?(\d+)(?:/|$|\?|#)")
_PAGE_RE = re.compile(r"/page-(\d+)(?:[/?#]|$)")
_POST_ID_RE = re.compile(r"(?:/post-|/posts/|/p/|[?&]id=|#post-)(\d+)")
_DATA_CONTENT_RE = re.compile(r"^post-(\d+)$")
_SOURCE_POST_RE = re.compile(r"post:\s*(\d+)")
_OTHERS_RE = re.compile(r"(\d[\d.,]*)\s*(?:others?|người khác|nguoi khac)", re.IGNORECASE)
_BLOCKS = {"p", "div", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "h1", "h2", "h3",
           "h4", "h5", "h6"}


@dataclass(frozen=True)
class ForumPost:
    post_id: str  # the forum's own number, "123"
    url: str  # the post's permalink
    author: str | None  # the poster's name as shown: only ever hashed by the caller
    published_at: datetime | None
    text: str  # NFC, paragraphs joined by "\n", quotes left out
    quoted_post_ids: tuple[str, ...] = ()  # posts this one quotes, first first
    reactions: int | None = None  # None: the page shows no reactions bar
    position: int | None = None  # 1 for the thread's first post


@dataclass(frozen=True)
class ThreadPage:
    url: str
    thread_id: str | None
    title: str
    page: int  # 1 for the thread's first page
    posts: list[ForumPost]
    prev_url: str | None = None
    next_url: str | None = None
    last_url: str | None = None  # the thread's last page, when paging shows one
    problems: list[str] = field(default_factory=list)  # "<url>#post-N: why" per skipped post

    @property
    def first_post_id(self) -> str | None:
        """The thread's opening post, when this page has it."""
        for post in self.posts:
            if post.position == 1:
                return post.post_id
        if self.page == 1 and self.posts:
            return self.posts[0].post_id
        return None


@dataclass(frozen=True)
class SearchHit:
    url: str  # the result's link (a post permalink, or a thread)
    post_id: str | None
    thread_id: str | None
    title: str
    published_at: datetime | None


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    next_url: str | None = None


@dataclass(frozen=True)
class ThreadLink:
    url: str
    thread_id: str | None
    title: str
    last_post_at: datetime | None


@dataclass(frozen=True)
class ForumPage:
    threads: list[ThreadLink]
    next_url: str | None = None


def thread_id_of(url: str) -> str | None:
    """``/threads/slug.123/``, ``/t/slug.123/page-2`` -> ``"123"``."""
    match = _THREAD_ID_RE.search(url)
    return match[1] if match else None


def post_id_of(url: str) -> str | None:
    """``/threads/slug.1/post-345``, ``/posts/345/``, ``/goto/post?id=345`` -> ``"345"``."""
    match = _POST_ID_RE.search(url)
    return match[1] if match else None


def thread_root(url: str) -> str:
    """The thread's first-page URL: ``.../t/slug.123/page-4#post-9`` -> ``.../t/slug.123/``."""
    match = _THREAD_ID_RE.search(url)
    if not match:
        return url
    return url[: match.end(1)] + "/"


def page_of(url: str) -> int:
    match = _PAGE_RE.search(url)
    return int(match[1]) if match else 1


def _time(element: HtmlElement) -> datetime | None:
    """A XenForo ``<time>``: ``data-time`` (Unix seconds) is exact; ``datetime`` is the same
    instant as ISO 8601 and serves when a theme drops the attribute."""
    stamp = (element.get("data-time") or "").strip()
    if stamp.isdigit():
        return datetime.fromtimestamp(int(stamp), VN_TZ)
    parsed = parse_datetime(element.get("datetime"))
    return parsed[0] if parsed else None


def _href(element: HtmlElement | None, base: str) -> str | None:
    if element is None or not element.get("href"):
        return None
    return urljoin(base, element.get("href", ""))


def _text(element: HtmlElement) -> str:
    """Visible text with line breaks where the markup breaks lines (``<br>``, blocks)."""
    element = copy.deepcopy(element)
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "br" or node.tag in _BLOCKS:
            node.tail = "\n" + (node.tail or "")
    return clean_multiline(element.text_content())


def _body_text(body: HtmlElement) -> tuple[str, tuple[str, ...]]:
    """The post's own words and the ids of the posts it quotes."""
    body = copy.deepcopy(body)
    quoted: list[str] = []
    for quote in select(body, "blockquote.bbCodeBlock--quote, blockquote.quoteContainer"):
        match = _SOURCE_POST_RE.search(quote.get("data-source", ""))
        jump = first(quote, "a.bbCodeBlock-sourceJump", "a.AttributionLink")
        post_id = match[1] if match else (
            post_id_of(jump.get("href", "")) if jump is not None else None)
        if post_id and post_id not in quoted:
            quoted.append(post_id)
        quote.drop_tree()
    noise_css = "script, style, noscript, .js-selectToQuoteEnd, .bbCodeBlock--unfurl"
    for noise in select(body, noise_css):
        noise.drop_tree()
    for mention in select(body, "a.username, a[data-user-id]"):
        tail = mention.tail
        mention.clear()
        mention.text = MENTION
        mention.tail = tail
    return _text(body), tuple(quoted)


def _reactions(post: HtmlElement) -> int | None:
    """Reactions shown under a post: the names listed plus "and N others". The names are
    counted, never kept."""
    link = first(post, ".reactionsBar-link", ".likesBar .LikeText", ".likesBar a")
    if link is None:
        return None
    names = len(select(link, "bdi")) or len(select(link, "a.username"))
    others = _OTHERS_RE.search(link.text_content())
    extra = int(re.sub(r"[.,]", "", others[1])) if others else 0
    return names + extra if names or extra else None


def _position(post: HtmlElement) -> int | None:
    for link in select(post, ".message-attribution-opposite a, .message-attribution a"):
        text = (link.text_content() or "").strip()
        if text.startswith("#") and text[1:].replace(",", "").replace(".", "").isdigit():
            return int(text[1:].replace(",", "").replace(".", ""))
    return None


def _permalink(post: HtmlElement, post_id: str, page_url: str) -> str:
    for link in select(post, ".message-attribution a[href], header a[href]"):
        href = link.get("href", "")
        if post_id_of(href) == post_id:
            return urljoin(page_url, href)
    return f"{thread_root(page_url)}post-{post_id}"


def _post(element: HtmlElement, page_url: str) -> ForumPost:
    """One post; ValueError says why it cannot be read."""
    match = _DATA_CONTENT_RE.match(element.get("data-content", "").strip())
    if not match:
        anchor = element.get("id", "")
        match = re.match(r"^(?:js-)?post-(\d+)$", anchor)
    if not match:
        raise ValueError("no post id (data-content)")
    post_id = match[1]
    moment = first(element, ".message-attribution time", "header time", "time")
    published = _time(moment) if moment is not None else None
    if published is None:
        raise ValueError(f"post {post_id}: no readable date")
    body = first(element, "article.message-body .bbWrapper", ".message-body .bbWrapper",
                  ".message-userContent .bbWrapper")
    text, quoted = _body_text(body) if body is not None else ("", ())
    author = element.get("data-author") or None
    if author is None:
        name = first(element, ".message-name .username", ".message-userDetails .username")
        author = clean(name.text_content()) if name is not None else None
    return ForumPost(
        post_id=post_id, url=_permalink(element, post_id, page_url),
        author=clean(author) if author else None, published_at=published, text=text,
        quoted_post_ids=quoted, reactions=_reactions(element), position=_position(element),
    )


def _paging(tree: HtmlElement, url: str) -> tuple[str | None, str | None, str | None]:
    prev_url = _href(first(tree, "a.pageNav-jump--prev"), url)
    next_url = _href(first(tree, "a.pageNav-jump--next"), url)
    pages = select(tree, "ul.pageNav-main li.pageNav-page a[href]")
    last_url = _href(pages[-1], url) if pages else None
    return prev_url, next_url, last_url


def _canonical(tree: HtmlElement, url: str) -> str:
    link = first(tree, "link[rel=canonical]")
    return urljoin(url, link.get("href")) if link is not None and link.get("href") else url


def parse_thread_page(html: str, url: str) -> ThreadPage:
    """A thread page's posts, title and paging. InputError when it is no thread page."""
    tree = parse_html(html, url)
    elements = select(tree, "article.message--post, div.message--post, li.message[id^=post-]")
    if not elements:
        raise InputError(f"{url}: no forum posts on this page (not a XenForo thread page)")
    page_url = _canonical(tree, url)
    title_el = first(tree, "h1.p-title-value", ".titleBar h1", "h1")
    title = ""
    if title_el is not None:
        for label in select(title_el, ".label, .labelLink"):  # thread prefixes ("Thảo luận")
            label.drop_tree()
        title = clean(title_el.text_content())
    posts: list[ForumPost] = []
    problems: list[str] = []
    for index, element in enumerate(elements, 1):
        if "message--deleted" in element.get("class", ""):
            continue
        try:
            posts.append(_post(element, page_url))
        except ValueError as exc:
            problems.append(f"{url}: post {index} on the page: {exc}")
    prev_url, next_url, last_url = _paging(tree, url)
    return ThreadPage(
        url=page_url, thread_id=thread_id_of(page_url) or thread_id_of(url), title=title,
        page=page_of(page_url), posts=posts, prev_url=prev_url, next_url=next_url,
        last_url=last_url, problems=problems,
    )


def parse_search_page(html: str, url: str) -> SearchPage:
    """A search results page's hits (possibly none). InputError when it is no results page."""
    tree = parse_html(html, url)
    rows = select(tree, "li.block-row, .contentRow")
    if not rows and not select(tree, ".blockMessage, .block-body, form.block"):
        raise InputError(f"{url}: not a XenForo search results page")
    hits: list[SearchHit] = []
    seen: set[str] = set()
    for row in select(tree, "li.block-row") or rows:
        link = first(row, ".contentRow-title a[href]", "h3 a[href]")
        if link is None:
            continue
        href = urljoin(url, link.get("href", ""))
        if href in seen:
            continue
        seen.add(href)
        moment = first(row, "time")
        hits.append(SearchHit(
            url=href, post_id=post_id_of(href), thread_id=thread_id_of(href),
            title=clean(link.text_content()),
            published_at=_time(moment) if moment is not None else None,
        ))
    return SearchPage(hits=hits, next_url=_href(first(tree, "a.pageNav-jump--next"), url))


def parse_forum_page(html: str, url: str) -> ForumPage:
    """A forum's thread list. InputError when it is no forum page."""
    tree = parse_html(html, url)
    rows = select(tree, ".structItem--thread")
    if not rows and not select(tree, ".structItemContainer, .block-body"):
        raise InputError(f"{url}: not a XenForo forum page (no thread list)")
    threads: list[ThreadLink] = []
    for row in rows:
        link = first(row, ".structItem-title a[data-tp-primary]",
                      ".structItem-title a[href*='/t']")
        if link is None:
            continue
        href = urljoin(url, link.get("href", ""))
        moment = first(row, "time.structItem-latestDate", ".structItem-cell--latest time")
        threads.append(ThreadLink(
            url=thread_root(href), thread_id=thread_id_of(href),
            title=clean(link.text_content()),
            last_post_at=_time(moment) if moment is not None else None,
        ))
    return ForumPage(threads=threads, next_url=_href(first(tree, "a.pageNav-jump--next"), url))


def forum_platform(url: str) -> str:
    """The platform part of a forum item's id: the site's registered domain (``voz.vn``).
    The whole domain, not a short name: two boards on different domains never share ids, and
    a search and a thread list of the same board always do."""
    return registered_domain(url)


def post_item_id(platform: str, post_id: str) -> str:
    return platform_item_id(platform, f"post-{post_id}")


def build_post_item(
    post: ForumPost, page: ThreadPage, source: Source, fetched_at: datetime,
    author_key: str | None, first_post_id: str | None = None,
) -> Item:
    """The item for one post. ``parent_id``: the post it quotes, else the thread's opening
    post (None for the opening post itself); ``thread-N`` when the opening post was on no page
    read, so the thread still groups its posts. The poster is stored only as a keyed hash
    (none without ``author_key``)."""
    platform = forum_platform(page.url)
    opening = first_post_id or page.first_post_id
    if post.quoted_post_ids:
        parent: str | None = post_item_id(platform, post.quoted_post_ids[0])
    elif post.position == 1 or post.post_id == opening:
        parent = None
    elif opening:
        parent = post_item_id(platform, opening)
    elif page.thread_id:
        parent = platform_item_id(platform, f"thread-{page.thread_id}")
    else:
        parent = None
    assert post.published_at is not None  # _post refuses a post without one
    return Item(
        id=post_item_id(platform, post.post_id), url=post.url, canonical_url=post.url,
        source=source.key, source_type=source.type, platform=platform, outlet=source.name,
        official=source.official, province=source.province, title=page.title, text=post.text,
        published_at=post.published_at, date_source=DateSource.PAGE_METADATA,
        fetched_at=fetched_at,
        author_hash=(author_hash(post.author, author_key, platform)
                     if post.author and author_key else None),
        engagement=Engagement(likes=post.reactions), parent_id=parent,
    )
