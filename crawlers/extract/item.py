"""ArticleData + the configured Source -> the shared :class:`phuxanh.schema.Item`."""

from __future__ import annotations

from datetime import datetime

from crawlers.extract.article import ArticleData
from phuxanh.config import Source
from phuxanh.pseudonym import author_hash
from phuxanh.schema import Item, url_item_id
from phuxanh.text import clean


def build_item(
    article: ArticleData,
    source: Source,
    url: str,
    fetched_at: datetime,
    author_key: str | None = None,
) -> Item:
    """The item for a page fetched from ``url`` (the URL after redirects).

    News bylines are kept as written (journalists sign in public). Any other author (a forum
    poster, a social account) is stored only as a keyed hash with ``author_key``
    (PHUXANH_AUTHOR_HASH_KEY), or not at all without one.
    """
    byline = article.author if source.type == "news" else None
    pseudonym = (author_hash(article.author, author_key)
                 if source.type != "news" and article.author and author_key else None)
    # The extractor's title and text are already cleaned (ArticleData); the outlet name
    # from config is cleaned here, so the item need not clean all three again.
    return Item.from_clean(
        id=url_item_id(article.canonical_url),
        url=url,
        canonical_url=article.canonical_url,
        source=source.key,
        source_type=source.type,
        platform="web",
        outlet=clean(source.name),
        official=source.official,
        province=source.province,
        title=article.title,
        text=article.text,
        lang=article.lang,
        published_at=article.published_at,
        date_source=article.date_source,
        fetched_at=fetched_at,
        author=byline,
        author_hash=pseudonym,
    )
