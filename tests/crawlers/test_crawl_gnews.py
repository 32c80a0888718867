"""Google News RSS search: URL, publisher link and attribution (pure parts)."""

from __future__ import annotations

from typing import Any

from crawlers.extract.feed import FeedEntry, parse_feed
from crawlers.extract.gnews import article_url, is_aggregator, publisher_source, search_url
from phuxanh.config import Source


def test_search_url_is_the_vietnamese_edition_with_the_query_encoded() -> None:
    # the example in ../shared/sources/vietnam-news-sources.yaml
    assert search_url('"Chỉ thị 57" an ninh mạng') == (
        "https://news.google.com/rss/search?q=%22Ch%E1%BB%89+th%E1%BB%8B+57%22+an+ninh+m%E1%BA"
        "%A1ng&hl=vi&gl=VN&ceid=VN:vi")
    assert search_url("57-CT/TW & an ninh", "http://127.0.0.1:8000/rss/search") == (
        "http://127.0.0.1:8000/rss/search?q=57-CT%2FTW+%26+an+ninh&hl=vi&gl=VN&ceid=VN:vi")


def test_feed_entries_carry_source_and_description_links(fixture_text: Any) -> None:
    body = (fixture_text("feeds/site_google-news.rss").replace("{base}", "https://gn.test")
            .replace("{alt}", "https://khac.test")).encode()
    entries = parse_feed(body, "https://gn.test/rss/search?q=x")
    first = entries[0]
    assert first.url == "https://gn.test/rss/articles/CBMiQWh0dHBzOi8vYmFvLXRodS1uZ2hpZW0?oc=5"
    assert (first.source_name, first.source_url) == ("Báo Thử Nghiệm", "https://gn.test")
    assert first.summary_links == (first.url,)
    assert first.published_at is not None and first.published_at.isoformat().startswith(
        "2026-03-13T02:00")
    assert entries[1].source_name == "Trang Khác"


def test_article_url_prefers_a_direct_publisher_link() -> None:
    redirect = "https://news.google.com/rss/articles/CBMi?oc=5"
    entry = FeedEntry(redirect, "t", None, "", "Báo", "https://baochinhphu.vn",
                      (redirect, "https://baochinhphu.vn/bai-102260228093004191.htm"))
    assert article_url(entry) == "https://baochinhphu.vn/bai-102260228093004191.htm"
    only_redirect = FeedEntry(redirect, "t", None, "", summary_links=(redirect,))
    assert article_url(only_redirect) == redirect
    assert is_aggregator(redirect) and not is_aggregator("https://baochinhphu.vn/x.htm")


def test_publisher_is_looked_up_by_domain() -> None:
    sources = [
        Source(key="vnexpress", name="VnExpress", official=True, domain="vnexpress.net"),
        Source(key="bbc", name="BBC", official=False, domain="bbc.com"),
        Source(key="tat", name="Tắt", official=True, domain="baolaocai.vn", enabled=False,
               province="Lào Cai"),
    ]
    assert publisher_source(sources, "https://vnexpress.net/a-1.html").key == "vnexpress"
    assert publisher_source(sources, "https://e.vnexpress.net:443/a").key == "vnexpress"
    assert publisher_source(sources, "https://www.bbc.com/vietnamese/x").key == "bbc"
    assert publisher_source(sources, "https://baolaocai.vn/x").key == "tat"
    assert publisher_source(sources, "https://notvnexpress.net/x") is None
    assert publisher_source(sources, "not a url") is None
