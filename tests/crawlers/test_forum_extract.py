"""XenForo 2 pages -> posts, search hits, thread links, and posts -> items (no network).

The fixtures (tests/crawlers/fixtures/forum) are our own Vietnamese pages in XenForo 2's
default markup: ``article.message--post`` with ``data-content="post-N"``, ``.bbWrapper``
bodies, ``time.u-dt`` with ``data-time``, quote blocks, signatures, reactions bars, pageNav.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.extract.xenforo import (
    MENTION,
    build_post_item,
    page_of,
    parse_forum_page,
    parse_search_page,
    parse_thread_page,
    post_id_of,
    thread_id_of,
    thread_root,
)
from phuxanh.config import Source
from phuxanh.errors import InputError
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ, DateSource

FORUM = Path(__file__).resolve().parent / "fixtures" / "forum"
BASE = "https://diendan.vn"
THREAD = f"{BASE}/threads/chi-thi-57-dien-dan-ban-gi.50/"
SOURCE = Source(key="dien-dan", name="Diễn đàn Thử Nghiệm", type="forum")
KEY = "khoa-bi-mat-thu"
FETCHED = datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)


def page(name: str) -> str:
    return (FORUM / name).read_text(encoding="utf-8")


@pytest.fixture
def first_page() -> object:
    return parse_thread_page(page("thread-50-p1.html"), THREAD)


def test_thread_page_posts_title_and_paging(first_page: object) -> None:
    thread = first_page
    assert thread.thread_id == "50"
    assert thread.page == 1
    # The prefix label ("Thảo luận") is not part of the title.
    assert thread.title == "Chỉ thị 57-CT/TW: diễn đàn mình bàn gì?"
    assert [post.post_id for post in thread.posts] == ["1001", "1002", "1004"]
    assert thread.first_post_id == "1001"
    assert thread.next_url == f"{THREAD}page-2"
    assert thread.last_url == f"{THREAD}page-2"
    assert thread.prev_url is None
    opening = thread.posts[0]
    assert opening.url == f"{THREAD}post-1001"
    assert opening.published_at == datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ)
    assert opening.position == 1
    # "Phạm Thu Trang, tuan_hoang88 và 12 người khác": two names and twelve others.
    assert opening.reactions == 14
    assert opening.text.startswith("Ban Bí thư vừa ban hành Chỉ thị số 57-CT/TW")
    assert "\nCác bác đọc thấy" in opening.text  # <br> is a line break


def test_signature_is_never_post_text(first_page: object) -> None:
    assert all("Chữ ký" not in post.text for post in first_page.posts)


def test_quote_left_out_and_linked(first_page: object) -> None:
    reply = first_page.posts[1]
    assert reply.quoted_post_ids == ("1001",)
    assert reply.text == "Theo em là phần trách nhiệm của người đứng đầu, nói rõ hơn hẳn trước đây."
    assert "said" not in reply.text and "đáng chú ý" not in reply.text


def test_mentions_replaced_and_text_nfc(first_page: object) -> None:
    post = first_page.posts[2]
    # The page sends this post decomposed (NFD); the text is NFC, the mention anonymous.
    assert post.text == f"{MENTION} Đơn vị em đã tổ chức quán triệt Chỉ thị 57 cho toàn bộ cán bộ."
    assert unicodedata.is_normalized("NFC", post.text)
    assert "Tuấn" not in post.text


def test_unreadable_post_is_named_and_others_kept(first_page: object) -> None:
    assert first_page.problems == [f"{THREAD}: post 3 on the page: post 1003: no readable date"]
    assert "1003" not in [post.post_id for post in first_page.posts]


def test_later_page_has_prev_and_no_first_post() -> None:
    thread = parse_thread_page(page("thread-50-p2.html"), f"{THREAD}page-2")
    assert thread.page == 2
    assert thread.prev_url == THREAD
    assert thread.next_url is None
    assert thread.first_post_id is None
    assert [(p.post_id, p.position, p.reactions) for p in thread.posts] == [
        ("1013", 21, 1), ("1014", 22, None)]


def test_not_a_thread_page_names_the_url() -> None:
    with pytest.raises(InputError, match=r"https://diendan.vn/threads/hong.100/: no "
                                         r"forum posts"):
        parse_thread_page(page("not-a-thread.html"), f"{BASE}/threads/hong.100/")


def test_search_results() -> None:
    results = parse_search_page(page("search-p1.html"), f"{BASE}/search/search?keywords=x")
    assert [(hit.post_id, hit.thread_id) for hit in results.hits] == [
        ("6001", "60"), ("1013", "50"), ("1001", None)]
    assert results.hits[2].url == f"{BASE}/posts/1001/"
    assert results.hits[0].published_at == datetime(2026, 3, 12, 14, 0, tzinfo=VN_TZ)
    assert results.next_url == (f"{BASE}/search/77/page-2?q=Ch%E1%BB%89+th%E1%BB%8B+57&o=date")
    with pytest.raises(InputError, match="not a XenForo search results page"):
        parse_search_page(page("not-a-thread.html"), f"{BASE}/search/search")


def test_forum_page_thread_links() -> None:
    forum = parse_forum_page(page("forum-5.html"), f"{BASE}/forums/chinh-tri-xa-hoi.5/")
    assert [(t.thread_id, t.title) for t in forum.threads] == [
        ("50", "Chỉ thị 57-CT/TW: diễn đàn mình bàn gì?"),
        ("80", "Giá vàng hôm nay tăng mạnh"),
        ("90", "Bàn về Chỉ thị 57 (chủ đề cũ)"),
    ]
    assert forum.threads[0].url == THREAD
    assert forum.threads[2].last_post_at == datetime(2024, 11, 2, 10, 0, tzinfo=VN_TZ)
    assert forum.next_url is None


@pytest.mark.parametrize(("url", "thread", "post", "root", "number"), [
    (f"{THREAD}post-1013", "50", "1013", THREAD, 1),
    (f"{THREAD}page-4#post-9", "50", "9", THREAD, 4),
    ("https://voz.vn/t/chi-thi-57.812/page-12", "812", None, "https://voz.vn/t/chi-thi-57.812/",
     12),
    ("https://voz.vn/posts/345/", None, "345", "https://voz.vn/posts/345/", 1),
    ("https://voz.vn/goto/post?id=77", None, "77", "https://voz.vn/goto/post?id=77", 1),
])
def test_url_shapes(url: str, thread: str | None, post: str | None, root: str,
                    number: int) -> None:
    assert thread_id_of(url) == thread
    assert post_id_of(url) == post
    assert thread_root(url) == root
    assert page_of(url) == number


def test_items_ids_parents_and_pseudonyms(first_page: object) -> None:
    thread = first_page
    items = [build_post_item(post, thread, SOURCE, FETCHED, KEY) for post in thread.posts]
    assert [item.id for item in items] == [
        "diendan.vn:post-1001", "diendan.vn:post-1002",
        "diendan.vn:post-1004"]
    opening, reply, other = items
    assert opening.parent_id is None
    assert reply.parent_id == "diendan.vn:post-1001"  # the quoted post
    assert other.parent_id == "diendan.vn:post-1001"  # the thread's opening post
    assert opening.source_type == "forum"
    assert opening.platform == "diendan.vn"
    assert opening.title == thread.title
    assert opening.url == opening.canonical_url == f"{THREAD}post-1001"
    assert opening.date_source == DateSource.PAGE_METADATA
    assert opening.engagement.likes == 14
    assert opening.author is None
    assert opening.author_hash == author_hash("Hoàng Minh Tuấn", KEY, "diendan.vn")
    assert "Hoàng Minh Tuấn" not in opening.model_dump_json()


def test_parent_on_a_later_page() -> None:
    later = parse_thread_page(page("thread-50-p2.html"), f"{THREAD}page-2")
    post = later.posts[0]
    # The opening post learned from page 1 ...
    assert build_post_item(post, later, SOURCE, FETCHED, KEY, "1001").parent_id == (
        "diendan.vn:post-1001")
    # ... or, when page 1 was not read, the thread itself.
    assert build_post_item(post, later, SOURCE, FETCHED, KEY).parent_id == (
        "diendan.vn:thread-50")


def test_no_key_no_author_at_all(first_page: object) -> None:
    item = build_post_item(first_page.posts[0], first_page, SOURCE, FETCHED, None)
    assert item.author is None and item.author_hash is None
