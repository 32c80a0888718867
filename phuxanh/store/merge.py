"""Backend-independent rules for writes: how an upsert merges into a stored item, what label a
chart counts, and how urgent an item is for review. Every backend calls these so they agree."""

from __future__ import annotations

from phuxanh.schema import DateSource, Item, Review

# A reviewer's status under which their sentiment label replaces the model's in charts.
_DECIDED = {"confirmed", "corrected", "handled"}


def merge_upsert(stored: Item, incoming: Item) -> Item:
    """The item to store when ``incoming`` arrives for an id that already exists.

    - Content and source fields come from ``incoming`` (the latest fetch wins).
    - ``fetched_at`` stays the first time we saw the item (time-to-response is measured from it).
    - A date that is only the crawl time never replaces a real date.
    - Model labels and the cluster come from ``incoming`` when it has them; otherwise the stored
      ones stay, unless the content changed, in which case labels are dropped so the item is
      classified again rather than carrying a label for text it no longer has.
    - A review is never overwritten by an upsert unless the stored one is still unreviewed.
    """
    content_changed = stored.content_hash != incoming.content_hash
    update: dict[str, object] = {"fetched_at": min(stored.fetched_at, incoming.fetched_at)}
    crawl_time = DateSource.CRAWL_TIME
    # A real date beats a crawl-time guess; between two guesses the earlier is the better one.
    if incoming.date_source == crawl_time and (
        stored.date_source != crawl_time or stored.published_at <= incoming.published_at
    ):
        update["published_at"] = stored.published_at
        update["date_source"] = stored.date_source
    if incoming.sentiment is None:
        update["sentiment"] = None if content_changed else stored.sentiment
    if incoming.misinformation is None:
        update["misinformation"] = None if content_changed else stored.misinformation
    if incoming.cluster_id is None and stored.cluster_id is not None:
        update["cluster_id"] = stored.cluster_id
        update["is_original"] = stored.is_original
    if stored.review.status != "unreviewed" or incoming.review.status == "unreviewed":
        update["review"] = stored.review
    return incoming.model_copy(update=update)


def effective_sentiment(item: Item) -> str:
    """The label charts count: the reviewer's when they gave one, else the model's, else ''."""
    review = item.review
    if review.status in _DECIDED and review.sentiment:
        return review.sentiment
    return item.sentiment.label if item.sentiment else ""


def review_priority(item: Item) -> float:
    """Queue order: suspected misinformation first (by score), then negative items (by score);
    0 for items that need no review. Reviewed items keep their priority for history views."""
    misinfo = item.misinformation
    if misinfo is not None and misinfo.label == "likely":
        return 1.0 + misinfo.score
    if item.sentiment is not None and item.sentiment.label == "negative":
        return item.sentiment.score
    return 0.0


def apply_review(item: Item, review: Review) -> Item:
    return item.model_copy(update={"review": review})
