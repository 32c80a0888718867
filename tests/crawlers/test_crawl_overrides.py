"""Per-source CSS overrides: tried first, generic extraction when they match nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crawlers.extract.article import extract_article
from phuxanh.config import ExtractionOverrides, load_config
from phuxanh.errors import ConfigError
from phuxanh.schema import VN_TZ, DateSource

FETCHED = datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)
BODY = " ".join(["Diễn đàn thảo luận về Chỉ thị 57-CT/TW và an ninh mạng tại địa phương."] * 6)
PAGE = f"""<html lang="vi"><head><title>Chủ đề: Chỉ thị 57 | Diễn đàn Mẫu</title></head>
<body><nav>Trang chủ · Diễn đàn · Đăng nhập</nav>
<div class="thread"><h1 class="thread-title">Bàn về Chỉ thị 57</h1>
<div class="post"><div class="meta">Lượt xem: 1.204 · Trả lời: 0</div>
<div class="who"><a class="u">hoangnam88</a></div>
<span class="when" data-time="2026-03-10T08:15:00+07:00">2 ngày trước</span>
<div class="post-content"><p>{BODY}</p><p>{BODY}</p></div></div></div>
<footer>© Diễn đàn Mẫu</footer></body></html>"""


def test_without_overrides_the_generic_extraction_misses_site_specifics() -> None:
    article = extract_article(PAGE, "https://dd.example.vn/t/1", FETCHED)
    assert article.author is None
    assert article.date_source != DateSource.PAGE_METADATA


def test_overrides_pick_title_author_body_and_date() -> None:
    overrides = ExtractionOverrides(title="h1.thread-title", author=".who .u",
                                    body=".post-content", date="span.when@data-time")
    article = extract_article(PAGE, "https://dd.example.vn/t/1", FETCHED, None, overrides)
    assert article.title == "Bàn về Chỉ thị 57"
    assert article.author == "hoangnam88"
    assert "Lượt xem" not in article.text
    assert article.text.startswith("Diễn đàn thảo luận")
    assert article.published_at == datetime(2026, 3, 10, 8, 15, tzinfo=VN_TZ)
    assert article.date_source == DateSource.PAGE_METADATA


def test_overrides_that_match_nothing_fall_back() -> None:
    overrides = ExtractionOverrides(author=".nope", body=".nope", date=".nope", title=".nope")
    article = extract_article(PAGE, "https://dd.example.vn/t/1", FETCHED, None, overrides)
    assert "thảo luận" in article.text
    assert article.title


def test_a_bad_selector_fails_at_load_naming_the_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "default.yaml").write_text("{}\n", "utf-8")
    (folder / "topics.yaml").write_text(
        "topics:\n  - {key: t, name: T, terms: [Chỉ thị 57]}\n", "utf-8")
    (folder / "sources.yaml").write_text(
        "sources:\n  - key: dd\n    name: DD\n    feeds: [https://dd.example.vn/rss]\n"
        "    selectors: {author: 'div[[bad'}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"sources\.yaml: sources\[0\]\.selectors\.author"):
        load_config(folder)


def test_forum_authors_are_stored_only_as_keyed_hashes() -> None:
    from crawlers.extract.item import build_item
    from phuxanh.config import Source

    forum = Source(key="dd", name="Diễn đàn Mẫu", type="forum")
    news = Source(key="bm", name="Báo Mẫu", type="news")
    article = extract_article(PAGE, "https://dd.example.vn/t/1", FETCHED, None,
                              ExtractionOverrides(author=".who .u"))
    without_key = build_item(article, forum, "https://dd.example.vn/t/1", FETCHED)
    assert (without_key.author, without_key.author_hash) == (None, None)
    first = build_item(article, forum, "https://dd.example.vn/t/1", FETCHED, "k1")
    again = build_item(article, forum, "https://dd.example.vn/t/2", FETCHED, "k1")
    other_key = build_item(article, forum, "https://dd.example.vn/t/1", FETCHED, "k2")
    assert first.author is None
    assert first.author_hash is not None
    assert first.author_hash == again.author_hash != other_key.author_hash
    assert "hoangnam88" not in first.model_dump_json()
    assert build_item(article, news, "https://bm.example.vn/1", FETCHED).author == "hoangnam88"


@pytest.mark.parametrize(("key", "fixture"), [("baolaocai", "baolaocai_article.html"),
                                              ("baocantho", "baocantho_article.html")])
def test_shipped_selectors_match_their_saved_pages(key: str, fixture: str) -> None:
    html_dir = Path(__file__).resolve().parent.parent / "fixtures" / "html"
    source = load_config().source(key)
    html = (html_dir / fixture).read_text(encoding="utf-8")
    generic = extract_article(html, f"https://{source.domain}/a.html", FETCHED)
    own = extract_article(html, f"https://{source.domain}/a.html", FETCHED, None,
                          source.selectors)
    assert own.title == generic.title
    assert len(own.text) > 500
    assert own.text[:60] in generic.text or generic.text[:60] in own.text
