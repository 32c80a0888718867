"""The sample articles: load ``content/articles.yaml`` into typed records and check them.

The loader checks what any file in this format must satisfy (fields, types, references between
records). What this particular sample must contain (counts, sentiment mix, weeks covered) is
checked by tests/demo, so a hand edit that thins the sample out fails loudly there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from phuxanh.schema import VN_TZ

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "articles.yaml"

# Oldest article, in days before the run day: 8 full weeks, so the dashboard's recent weeks
# are all filled whatever weekday the demo runs on.
MAX_DAYS_AGO = 55

Style = Literal["legacy-portal", "cms-jsonld", "cms-time", "text-date", "forum"]
STYLES: tuple[str, ...] = ("legacy-portal", "cms-jsonld", "cms-time", "text-date", "forum")
FEED_FORMATS = ("rss", "atom")
CHARSETS = ("utf-8", "windows-1258")
SENTIMENTS = ("positive", "neutral", "negative")

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


class ContentError(ValueError):
    """The content file breaks its format; the message names the record and the field."""


@dataclass(frozen=True)
class Claim:
    key: str
    text: str


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    tagline: str
    type: Literal["news", "forum"]
    official: bool
    province: str | None
    style: Style
    feed: Literal["rss", "atom"]
    charset: str


@dataclass(frozen=True)
class Article:
    slug: str
    outlet: str  # Outlet.key
    section: str
    days_ago: int
    time: str  # "HH:MM", Vietnam local time
    title: str
    sapo: str
    body: tuple[str, ...]
    author: str
    intended_sentiment: Literal["positive", "neutral", "negative"]
    repeats_claim: str | None
    on_topic: bool
    refutes_claim: str | None = None
    duplicate_of: str | None = None

    def published_at(self, today: date) -> datetime:
        """When the article is dated for a demo run on ``today`` (aware, Vietnam time)."""
        hour, minute = (int(part) for part in self.time.split(":"))
        day = today - timedelta(days=self.days_ago)
        return datetime.combine(day, time(hour, minute), tzinfo=VN_TZ)

    @property
    def text(self) -> str:
        """Title, lead and body as one string (for matching and word counts)."""
        return "\n".join((self.title, self.sapo, *self.body))


@dataclass(frozen=True)
class SampleContent:
    claims: tuple[Claim, ...]
    outlets: tuple[Outlet, ...]
    articles: tuple[Article, ...]

    def outlet(self, key: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        raise KeyError(key)

    def by_outlet(self, key: str) -> list[Article]:
        return [article for article in self.articles if article.outlet == key]


def _need(record: dict[str, Any], field: str, kind: type | tuple[type, ...], where: str) -> Any:
    if field not in record:
        raise ContentError(f"{where}: missing field {field!r}")
    value = record[field]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ContentError(f"{where}: {field} has the wrong type ({type(value).__name__})")
    if isinstance(value, str) and not value.strip():
        raise ContentError(f"{where}: {field} is empty")
    return value


def _text(record: dict[str, Any], field: str, where: str) -> str:
    value = _need(record, field, str, where)
    # Stored and shown text is NFC everywhere in phuxanh; the sample must be too.
    if not unicodedata.is_normalized("NFC", value):
        raise ContentError(f"{where}: {field} is not Unicode NFC")
    return value


def _outlet(record: dict[str, Any], index: int) -> Outlet:
    where = f"outlets[{index}]"
    key = _need(record, "key", str, where)
    if not _SLUG_RE.match(key):
        raise ContentError(f"{where}: key {key!r} is not lower-case-with-dashes")
    where = f"outlet {key}"
    style = _need(record, "style", str, where)
    feed = _need(record, "feed", str, where)
    charset = _need(record, "charset", str, where)
    kind = _need(record, "type", str, where)
    for field, value, allowed in (
        ("style", style, STYLES), ("feed", feed, FEED_FORMATS), ("charset", charset, CHARSETS),
        ("type", kind, ("news", "forum")),
    ):
        if value not in allowed:
            raise ContentError(f"{where}: {field} {value!r} is not one of {', '.join(allowed)}")
    province = record.get("province")
    if province is not None and not isinstance(province, str):
        raise ContentError(f"{where}: province must be text or null")
    return Outlet(
        key=key, name=_text(record, "name", where), tagline=_text(record, "tagline", where),
        type=kind, official=_need(record, "official", bool, where), province=province,
        style=style, feed=feed, charset=charset,  # type: ignore[arg-type]
    )


def _article(record: dict[str, Any], index: int) -> Article:
    where = f"articles[{index}]"
    slug = _need(record, "slug", str, where)
    if not _SLUG_RE.match(slug):
        raise ContentError(f"{where}: slug {slug!r} is not lower-case-with-dashes")
    where = f"article {slug}"
    days_ago = _need(record, "days_ago", int, where)
    if not 0 <= days_ago <= MAX_DAYS_AGO:
        raise ContentError(f"{where}: days_ago {days_ago} is outside 0..{MAX_DAYS_AGO}")
    # Unquoted 10:30 is a YAML 1.1 integer (630), so times must be quoted strings.
    clock = _need(record, "time", str, where)
    if not _TIME_RE.match(clock):
        raise ContentError(f"{where}: time {clock!r} is not HH:MM")
    body = _need(record, "body", list, where)
    if not body or not all(isinstance(p, str) and p.strip() for p in body):
        raise ContentError(f"{where}: body must be a non-empty list of paragraphs")
    for paragraph in body:
        if not unicodedata.is_normalized("NFC", paragraph):
            raise ContentError(f"{where}: a body paragraph is not Unicode NFC")
    sentiment = _need(record, "intended_sentiment", str, where)
    if sentiment not in SENTIMENTS:
        raise ContentError(f"{where}: intended_sentiment {sentiment!r} is not one of "
                           + ", ".join(SENTIMENTS))
    optional: dict[str, str | None] = {}
    for field in ("repeats_claim", "refutes_claim", "duplicate_of"):
        value = record.get(field)
        if value is not None and not isinstance(value, str):
            raise ContentError(f"{where}: {field} must be a key or null")
        optional[field] = value
    if "repeats_claim" not in record:
        raise ContentError(f"{where}: missing field 'repeats_claim' (null when none)")
    known = {
        "slug", "outlet", "section", "days_ago", "time", "title", "sapo", "body", "author",
        "intended_sentiment", "repeats_claim", "refutes_claim", "on_topic", "duplicate_of",
    }
    unknown = set(record) - known
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Article(
        slug=slug,
        outlet=_need(record, "outlet", str, where),
        section=_text(record, "section", where) if "section" in record else "Thời sự",
        days_ago=days_ago,
        time=clock,
        title=_text(record, "title", where),
        sapo=_text(record, "sapo", where),
        body=tuple(body),
        author=_text(record, "author", where),
        intended_sentiment=sentiment,  # type: ignore[arg-type]
        repeats_claim=optional["repeats_claim"],
        refutes_claim=optional["refutes_claim"],
        duplicate_of=optional["duplicate_of"],
        on_topic=_need(record, "on_topic", bool, where),
    )


def parse_content(data: Any) -> SampleContent:
    """Check and type the parsed YAML. Raises ContentError naming the bad record."""
    if not isinstance(data, dict):
        raise ContentError("content: expected a mapping with claims, outlets and articles")
    for section in ("claims", "outlets", "articles"):
        if not isinstance(data.get(section), list) or not data[section]:
            raise ContentError(f"content: '{section}' must be a non-empty list")
    claims = tuple(
        Claim(key=_need(c, "key", str, f"claims[{i}]"), text=_text(c, "text", f"claims[{i}]"))
        for i, c in enumerate(data["claims"])
    )
    outlets = tuple(_outlet(record, i) for i, record in enumerate(data["outlets"]))
    articles = tuple(_article(record, i) for i, record in enumerate(data["articles"]))

    for label, keys in (
        ("claim", [c.key for c in claims]), ("outlet", [o.key for o in outlets]),
        ("article slug", [a.slug for a in articles]),
    ):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ContentError(f"content: duplicate {label}(s): {', '.join(duplicates)}")
    claim_keys = {c.key for c in claims}
    outlet_keys = {o.key for o in outlets}
    slugs = {a.slug for a in articles}
    for article in articles:
        where = f"article {article.slug}"
        if article.outlet not in outlet_keys:
            raise ContentError(f"{where}: unknown outlet {article.outlet!r}")
        for field in ("repeats_claim", "refutes_claim"):
            value = getattr(article, field)
            if value is not None and value not in claim_keys:
                raise ContentError(f"{where}: {field} {value!r} is not a key under claims")
        if article.duplicate_of is not None and (
            article.duplicate_of not in slugs or article.duplicate_of == article.slug
        ):
            raise ContentError(f"{where}: duplicate_of {article.duplicate_of!r} is not "
                               "another article's slug")
    return SampleContent(claims=claims, outlets=outlets, articles=articles)


def load_content(path: Path | None = None) -> SampleContent:
    """Load and check the sample content (the bundled file unless ``path`` is given)."""
    path = path or CONTENT_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: cannot read the sample content ({exc})") from None
    try:
        return parse_content(data)
    except ContentError as exc:
        raise ContentError(f"{path}: {exc}") from None


@lru_cache(maxsize=1)
def bundled_content() -> SampleContent:
    """The bundled sample, loaded once per process."""
    return load_content(CONTENT_FILE)
