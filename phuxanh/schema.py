"""The item: one typed record for the whole system, from crawl to dashboard.

Only the identity fields are required; every other field documents its format. Dates are always
timezone-aware: a date given without a zone is Vietnam local time (Asia/Ho_Chi_Minh), and
``date_source`` records where the date came from so charts can leave out guesses.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from phuxanh.text import clean, clean_multiline, fold

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

SourceType = Literal["news", "forum", "social", "video", "import"]
SentimentLabel = Literal["positive", "neutral", "negative"]
MisinfoLabel = Literal["likely", "unlikely"]
ReviewStatus = Literal["unreviewed", "confirmed", "corrected", "dismissed", "handled"]

SENTIMENT_LABELS: tuple[SentimentLabel, ...] = ("positive", "neutral", "negative")
REVIEW_STATUSES: tuple[ReviewStatus, ...] = (
    "unreviewed", "confirmed", "corrected", "dismissed", "handled",
)


class DateSource(StrEnum):
    """Where ``published_at`` came from, best first."""

    PAGE_METADATA = "page_metadata"  # meta tags, JSON-LD, <time datetime>
    PAGE_TEXT = "page_text"  # a date printed in the page ("Thứ hai, 10/3/2026, 08:15")
    FEED = "feed"  # RSS/Atom pubDate, sitemap news:publication_date
    PLATFORM = "platform"  # an API's own timestamp
    URL = "url"  # a date encoded in the URL (/2026/03/10/, 20260310...)
    IMPORT = "import"  # given by a file another tool exported (phuxanh ingest/import)
    CRAWL_TIME = "crawl_time"  # nothing better: the time we fetched it (kept out of trends)


# Query parameters that identify a campaign or a click, never the content.
_TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "zarsrc", "zaloid", "ref", "refer", "referer",
    "source", "cmpid", "ncid", "sref", "_ga", "mc_cid", "mc_eid", "igshid",
}


def canonical_url(url: str) -> str:
    """A URL in the one form we store: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, remaining query parameters sorted.

    >>> canonical_url("HTTPS://VnExpress.net:443/a-1.html?utm_source=fb&b=2&a=1#top")
    'https://vnexpress.net/a-1.html?a=1&b=2'
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else (
        f"{host}:{port}"
    )
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def url_item_id(url: str) -> str:
    """Stable id of a web page: a hash of its canonical URL, ignoring ``www.`` and http/https
    (outlets serve both; the same article must not count twice)."""
    parts = urlsplit(canonical_url(url))
    host = parts.netloc.removeprefix("www.")
    return "u:" + _digest(urlunsplit(("", host, parts.path, parts.query, "")))


def platform_item_id(platform: str, native_id: str) -> str:
    """Stable id of a platform post: ``platform:native_id`` (e.g. ``youtube:dQw4w9WgXcQ``)."""
    platform, native_id = platform.strip().lower(), native_id.strip()
    if not platform or not native_id or ":" in platform:
        raise ValueError(f"bad platform id: {platform!r}:{native_id!r}")
    return f"{platform}:{native_id}"


def content_hash(title: str, text: str) -> str:
    """Hash of the folded title and body: equal for the same story re-served at another URL."""
    return _digest(fold(title) + "\n" + fold(text))


def as_vn_aware(value: datetime) -> datetime:
    """Aware datetime; a naive one is taken as Vietnam local time."""
    return value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value


Score = Annotated[float, Field(ge=0.0, le=1.0)]
_STORED = {"stored": True}


def _stored(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("stored"))


class Engagement(BaseModel):
    """Public engagement counts when the source shows them (None = not known, not zero)."""

    model_config = ConfigDict(extra="forbid")
    likes: int | None = Field(default=None, ge=0)
    shares: int | None = Field(default=None, ge=0)
    comments: int | None = Field(default=None, ge=0)
    views: int | None = Field(default=None, ge=0)


class Sentiment(BaseModel):
    """Sentiment toward the tracked topic, as the model suggests it (a reviewer confirms)."""

    label: SentimentLabel
    score: Score  # the model's probability of ``label``
    model: str  # model name and version, e.g. "baseline-linear@2026.11.23"
    reason: str = ""  # the phrases that drove the label, for a reviewer


class Misinformation(BaseModel):
    """Whether the item repeats a known false or distorted claim (a suggestion, never a verdict)."""

    label: MisinfoLabel
    score: Score
    model: str
    narrative_id: str | None = None  # key in config/narratives.yaml
    reason: str = ""


class Review(BaseModel):
    """A person's decision on an item. ``status`` unreviewed means no one has looked yet."""

    status: ReviewStatus = "unreviewed"
    sentiment: SentimentLabel | None = None  # the reviewer's label where it differs or confirms
    misinformation: MisinfoLabel | None = None
    narrative_id: str | None = None
    note: str = ""
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    response_url: str | None = None  # the official answer published, for "handled"


class Item(BaseModel):
    """One collected piece of content: a news article, a forum post, a social post or comment."""

    model_config = ConfigDict(extra="forbid")

    # identity
    id: str  # url_item_id(canonical_url) or platform_item_id(platform, native id)
    url: str  # as fetched
    canonical_url: str  # canonical_url(url) or the page's rel=canonical
    # source
    source: str  # key in config/sources.yaml ("demo-baochinhphu", "vnexpress", ...)
    source_type: SourceType = "news"
    platform: str | None = None  # "web", "youtube", "facebook", "telegram", ...
    outlet: str = ""  # display name of the outlet or channel ("Báo Chính phủ")
    official: bool = False  # official or press channel: its positive items are "phủ xanh"
    province: str | None = None  # province the source belongs to, None for national
    # content
    title: str = ""
    text: str = ""  # body text, paragraphs separated by "\n"
    lang: str = "vi"  # ISO 639-1
    published_at: datetime  # aware; Vietnam local time when the source gave no zone
    date_source: DateSource
    fetched_at: datetime  # aware, when we fetched it
    author: str | None = None  # news byline only (a public journalist or outlet)
    # Forum, social and imported authors: keyed hash (phuxanh.pseudonym), never the raw handle.
    author_hash: str | None = None
    engagement: Engagement = Field(default_factory=Engagement)
    parent_id: str | None = None  # the post this comment/reply answers
    # analysis
    topics: list[str] = Field(default_factory=list)  # keys in config/topics.yaml
    matched_terms: list[str] = Field(default_factory=list)  # the phrases that matched, as written
    sentiment: Sentiment | None = None
    misinformation: Misinformation | None = None
    content_hash: str = ""  # content_hash(title, text), filled in if empty
    cluster_id: str | None = None  # near-duplicate cluster (syndicated copies of one story)
    is_original: bool = True  # the first-seen item of its cluster
    # review
    review: Review = Field(default_factory=Review)

    @field_validator("title", "outlet", mode="after")
    @classmethod
    def _clean_line(cls, value: str, info: ValidationInfo) -> str:
        return value if _stored(info) else clean(value)

    @field_validator("text", mode="after")
    @classmethod
    def _clean_text(cls, value: str, info: ValidationInfo) -> str:
        return value if _stored(info) else clean_multiline(value)

    @classmethod
    def from_stored(cls, data: str | bytes) -> Item:
        """An item from a store's own JSON: validated, but its text was cleaned on the way in,
        so cleaning it again (the costliest part of reading) is skipped."""
        return cls.model_validate_json(data, context=_STORED)

    @classmethod
    def from_clean(cls, **fields: Any) -> Item:
        """An item whose title, outlet and text are already in stored form (the article
        extractor's output, crawlers/extract/item.py): validated, not cleaned a second time."""
        return cls.model_validate(fields, context=_STORED)

    @field_validator("published_at", "fetched_at", mode="after")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return as_vn_aware(value)

    @field_validator("canonical_url", mode="after")
    @classmethod
    def _canonical(cls, value: str) -> str:
        return canonical_url(value)

    @model_validator(mode="after")
    def _derived_and_private(self) -> Item:
        if self.source_type != "news" and self.author:
            # People are not targets: only a news byline is stored as written; a forum, social
            # or imported author is only ever stored as a keyed hash (phuxanh.pseudonym).
            raise ValueError(f"{self.source_type} items carry author_hash, never a raw author")
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.text)
        return self

    @property
    def is_dated(self) -> bool:
        """True when the date is the source's, not just our crawl time."""
        return self.date_source != DateSource.CRAWL_TIME
