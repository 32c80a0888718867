"""ArticleData + the configured Source -> the shared :class:`phuxanh.schema.Item`."""

from __future__ import annotations

from datetime import datetime

from crawlers.extract.article import ArticleData
from phuxanh.config import Source
from phuxanh.schema import Item, url_item_id


def build_item(article: ArticleData, source: Source, url: str, fetched_at: datetime) -> Item:
    """The item for a page fetched from ``url`` (the URL after redirects)."""
    return Item(
        id=url_item_id(article.canonical_url),
        url=url,
        canonical_url=article.canonical_url,
        source=source.key,
        source_type=source.type,
        platform="web",
        outlet=source.name,
        official=source.official,
        province=source.province,
        title=article.title,
        text=article.text,
        lang=article.lang,
        published_at=article.published_at,
        date_source=article.date_source,
        fetched_at=fetched_at,
        # A social author may only be stored as a keyed hash; pages give none we could key.
        author=None if source.type == "social" else article.author,
    )
