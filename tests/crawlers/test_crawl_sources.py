"""The crawl fields of Source (sitemaps, listings, link_pattern, search) and sources.yaml."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from phuxanh.config import Config, Source


def test_crawl_fields_default_to_nothing() -> None:
    source = Source(key="a", name="A")
    assert (source.sitemaps, source.listings, source.link_pattern, source.listing_selector,
            source.search_query) == ([], [], None, None, None)


def test_bad_pattern_or_selector_is_refused_at_load() -> None:
    with pytest.raises(ValidationError, match=r"(?s)link_pattern.*not a valid regular expression"):
        Source(key="a", name="A", link_pattern="(\\d+")
    with pytest.raises(ValidationError, match=r"(?s)listing_selector.*not a valid CSS selector"):
        Source(key="a", name="A", listing_selector="a[[")


def test_listings_need_a_pattern_or_a_selector() -> None:
    with pytest.raises(ValidationError, match="listings need link_pattern or listing_selector"):
        Source(key="a", name="A", listings=["https://bao.vn/thoi-su"])
    assert Source(key="a", name="A", listings=["https://bao.vn/thoi-su"],
                  link_pattern=r"-\d+\.html$").listings


def test_repo_sources_google_news_search_is_off_by_default(config: Config) -> None:
    searches = [s for s in config.sources if s.search_query]
    assert searches and all(not s.enabled for s in searches)
    with_listings = [s for s in config.sources if s.listings]
    assert with_listings and all(s.listing_selector for s in with_listings)


@pytest.mark.parametrize(("key", "fixture"), [
    ("vnexpress", "html/vnexpress_list_kinh-doanh.html"),
    ("tuoitre", "html/tuoitre_list_kinh-doanh.html"),
    ("baochinhphu", "html/baochinhphu_list_chinh-sach-moi.html"),
])
def test_shipped_listing_settings_work_on_the_saved_pages(config: Config, fixture_text: Any,
                                                          key: str, fixture: str) -> None:
    """Selector and pattern together keep every link the verified selector finds."""
    from crawlers.extract.listing import extract_listing

    source = config.source(key)
    html = fixture_text(fixture)
    by_selector = extract_listing(html, source.listings[0], source.listing_selector)
    both = extract_listing(html, source.listings[0], source.listing_selector, source.link_pattern)
    assert len(both.links) >= 5
    assert both.links == by_selector.links
