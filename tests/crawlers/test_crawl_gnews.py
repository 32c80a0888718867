"""Google News RSS search: URL, publisher link and attribution (pure parts)."""

from __future__ import annotations

from typing import Any

from crawlers.extract.feed import FeedEntry, parse_feed
from crawlers.extract.gnews import (
    article_url,
    decoded_article_url,
    is_aggregator,
    publisher_source,
    search_url,
)
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


# Two real Google News item links, as published. The first, of the older kind, from a NewsAPI
# response saved in a public GitHub repository (found through the code index); the same record
# names the article it leads to, the NDTV address below. The second, of the newer kind ("AU_yqL"
# inside), from a public news digest in another repository: it carries no address.
OLD_KIND = (
    "https://news.google.com/rss/articles/CBMiWmh0dHBzOi8vd3d3Lm5kdHYuY29tL3dvcmxkLW5ld3MvZWxv"
    "bi1tdXNrLXJlY2xhaW1zLXRoZS10aXRsZS1vZi13b3JsZHMtcmljaGVzdC1tYW4tMzgyMDMyONIBYGh0dHBzOi8vd3d3"
    "Lm5kdHYuY29tL3dvcmxkLW5ld3MvZWxvbi1tdXNrLXJlY2xhaW1zLXRoZS10aXRsZS1vZi13b3JsZHMtcmljaGVzdC1t"
    "YW4tMzgyMDMyOC9hbXAvMQ?oc=5")
NEW_KIND = (
    "https://news.google.com/rss/articles/CBMiXkFVX3lxTFBReTJhSkRlckZEdU5yRy1UUUQ2VnBTb01FRnlJMzZY"
    "MTJXOEx6cG41VjhLN3NYX3cyUXV6Wk1td2pTeHBUS1JqdEZieEtFdGRJT0JvclVKUTNKcXo5MVE?oc=5")


def test_older_article_ids_carry_the_publisher_address() -> None:
    assert decoded_article_url(OLD_KIND) == (
        "https://www.ndtv.com/world-news/elon-musk-reclaims-the-title-of-worlds-richest-man-"
        "3820328")
    entry = FeedEntry(OLD_KIND, "t", None, "", "NDTV", "https://www.ndtv.com", (OLD_KIND,))
    assert article_url(entry).startswith("https://www.ndtv.com/world-news/")


def test_ids_without_an_address_are_left_to_the_redirect() -> None:
    assert decoded_article_url(NEW_KIND) is None
    entry = FeedEntry(NEW_KIND, "t", None, "", "CNA", "https://www.cna.com.tw", (NEW_KIND,))
    assert article_url(entry) == NEW_KIND
    truncated = OLD_KIND.split("?")[0][:90]
    for link in (truncated, "https://news.google.com/rss/articles/%%%",
                 "https://news.google.com/rss/articles/", "https://news.google.com/rss/search",
                 "https://news.google.com/rss/articles/CBMi?oc=5",
                 # an address that is Google's own again
                 "https://news.google.com/rss/articles/CBMiGWh0dHBzOi8vbmV3cy5nb29nbGUuY29tL3g",
                 # the same id on another host is not an aggregator link
                 OLD_KIND.replace("news.google.com", "gn.test")):
        assert decoded_article_url(link) is None, link
