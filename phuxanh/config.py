"""Typed configuration, loaded once and passed in (no globals).

Precedence, lowest first: the defaults in the models below < ``config/default.yaml`` (or the
file named by ``--config`` / ``PHUXANH_CONFIG``) < environment variables < command-line options.

Environment overrides use ``PHUXANH_<SECTION>__<FIELD>`` (``PHUXANH_DASHBOARD__PORT=8060``);
``PHUXANH_DATA_DIR`` sets where the embedded store and all state live. Secrets are read only
from the environment and are refused in files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from phuxanh.errors import ConfigError
from phuxanh.text import clean

PACKAGE_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
ENV_PREFIX = "PHUXANH_"
# Names that must never be written in a config file: they come from the environment only.
SECRET_ENV = {
    "secret_key": "PHUXANH_SECRET_KEY",
    "author_hash_key": "PHUXANH_AUTHOR_HASH_KEY",
    "elasticsearch_password": "PHUXANH_ELASTICSEARCH_PASSWORD",
    # official-API connectors (crawlers/connectors)
    "youtube_api_key": "PHUXANH_YOUTUBE_API_KEY",
    "facebook_token": "PHUXANH_FACEBOOK_TOKEN",
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreConfig(_Section):
    backend: Literal["sqlite", "elasticsearch"] = "sqlite"
    # Relative paths are under data_dir.
    sqlite_path: str = "phuxanh.db"
    elasticsearch_url: str | None = None
    elasticsearch_index: str = "phuxanh-items"
    # The password is read from PHUXANH_ELASTICSEARCH_PASSWORD only, never from a file.
    elasticsearch_username: str | None = None
    elasticsearch_ca_certs: str | None = None  # CA bundle for a cluster with its own TLS CA


class CrawlConfig(_Section):
    user_agent: str = "phuxanh/0.1 (public-opinion monitoring; contact: set crawl.user_agent)"
    obey_robots: bool = True
    download_delay: float = Field(default=1.0, ge=0)
    concurrent_requests_per_domain: int = Field(default=2, ge=1, le=16)
    autothrottle: bool = True
    timeout_seconds: float = Field(default=30, gt=0)
    retry_times: int = Field(default=3, ge=0)
    max_page_bytes: int = Field(default=8_000_000, gt=0)
    # Feeds and pages older than this are not followed (days before today).
    max_age_days: int = Field(default=120, ge=1)
    # Processes that decode and extract article pages beside the crawl's own (crawlers/
    # parse_pool.py); 0 parses in the crawl process; null: one per core (at most 4; none on 1).
    parse_workers: int | None = Field(default=None, ge=0, le=32)


class ClassifyConfig(_Section):
    model_dir: str | None = None  # None: the default model shipped in classify/artifacts/
    batch_size: int = Field(default=64, ge=1)


class DashboardConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8050, ge=1, le=65535)
    weeks: int = Field(default=12, ge=1, le=260)
    language: Literal["vi", "en"] = "vi"
    # Target for the "phủ xanh" index on the overview (official positive items over official
    # positive + negative-or-suspected-misinformation items, per week), drawn as a line: 0..1.
    phu_xanh_target: float = Field(default=0.6, ge=0, le=1)


class RetentionConfig(_Section):
    """How long collected content and the audit log are kept (``phuxanh retention`` enforces
    it). Days count from an item's publication date (its crawl date when undated); ``null`` or
    an absent source type keeps those items for ever."""

    days: dict[
        Literal["news", "forum", "social", "video", "import"], Annotated[int, Field(ge=1)] | None
    ] = Field(default_factory=dict)
    # The audit log itself (reviews, logins, exports, deletions); null keeps it for ever.
    audit_log_days: Annotated[int, Field(ge=1)] | None = None
    batch_size: int = Field(default=500, ge=1, le=10_000)


class Topic(_Section):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    version: int = 1
    # Phrases that mean this topic, matched diacritic-insensitively on title and body.
    terms: list[str] = Field(default_factory=list)
    # Phrases that, when present, do not count as a mention (e.g. another directive's number).
    exclude: list[str] = Field(default_factory=list)
    # A boolean query (AND, OR, NOT, NEAR/n, quoted phrases; see phuxanh/topic_query.py) for
    # forms single terms cannot express. The topic matches when any term or the query matches
    # and no exclusion does. Validated even when absent, to require terms or a query.
    query: str | None = Field(default=None, validate_default=True)

    @field_validator("terms", "exclude")
    @classmethod
    def _clean_terms(cls, terms: list[str]) -> list[str]:
        cleaned = [clean(term) for term in terms]
        if any(not term for term in cleaned):
            raise ValueError("empty term")
        return cleaned

    @field_validator("query")
    @classmethod
    def _parse_query(cls, query: str | None, info: Any) -> str | None:
        # Imported here: topic_query depends only on phuxanh.text, but keeping config's import
        # list unchanged lets this class be edited on its own.
        from phuxanh.topic_query import parse_query

        if query is None:
            # "terms" is absent from info.data when it failed its own check: say nothing more.
            if "terms" in info.data and not info.data["terms"]:
                raise ValueError("a topic needs terms, a query or both")
            return None
        parse_query(query)  # a QueryError names the column and what was expected there
        return query


def _check_css(selector: str) -> str:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"not a valid CSS selector ({exc})") from None
    return selector


class ExtractionOverrides(_Section):
    """CSS selectors for a source whose pages generic extraction gets wrong (a byline it
    misses, page clutter in the body, a date it cannot find). Each is tried first; when it
    matches nothing the generic extraction is used. ``date`` may end in ``@attr`` to read an
    attribute, e.g. ``time.published@datetime``."""

    title: str | None = None
    lead: str | None = None
    body: str | None = None
    date: str | None = None
    author: str | None = None

    @field_validator("title", "lead", "body", "author")
    @classmethod
    def _css(cls, selector: str | None) -> str | None:
        return None if selector is None else _check_css(selector)

    @field_validator("date")
    @classmethod
    def _date_css(cls, selector: str | None) -> str | None:
        if selector is not None:
            _check_css(selector.split("@", 1)[0])
        return selector


class Source(_Section):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    type: Literal["news", "forum", "social", "video", "import"] = "news"
    # An official or press channel: its positive items count toward "phủ xanh".
    official: bool = False
    province: str | None = None
    domain: str | None = None
    # Hosts that serve this source's feeds or sitemaps without being its domain (a feed CDN,
    # e.g. feeds.bbci.co.uk for bbc.com); `phuxanh sources check` accepts them.
    feed_hosts: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    # Sitemaps or sitemap indexes (Google News sitemaps included); entries are dated by the
    # sitemap, so old ones are skipped without a request.
    sitemaps: list[str] = Field(default_factory=list)
    # A regular expression an article URL must match (re.search); sitemap entries and listing
    # links that do not match are not fetched (category pages, videos, tag pages).
    link_pattern: str | None = None
    # CSS selector for the article links of a listing page; without one, every same-site link
    # matching link_pattern counts.
    listing_selector: str | None = None
    # Listing (category) pages whose article links are followed; needs link_pattern or
    # listing_selector, since a whole page's links are mostly menus.
    listings: list[str] = Field(default_factory=list)
    # An aggregator search (Google News RSS, Vietnamese edition): items are attributed to the
    # publisher found in each result, under this source's key.
    search_query: str | None = None
    # Per-source CSS for the article pages where generic extraction gets this site wrong.
    selectors: ExtractionOverrides | None = None
    # -- official APIs (crawlers/connectors): instead of web pages, read the platform's own API
    # with the unit's key from the environment (PHUXANH_YOUTUBE_API_KEY, PHUXANH_FACEBOOK_TOKEN).
    api: Literal["youtube", "facebook", "reddit"] | None = None
    # youtube/reddit search words in the platform's syntax; None: the tracked topics' terms.
    query: str | None = None
    page_ids: list[str] = Field(default_factory=list)  # facebook: the pages the unit may read
    subreddits: list[str] = Field(default_factory=list)  # reddit: search only these
    comments: bool = True  # also read the comments of on-topic videos/posts
    max_pages: int = Field(default=5, ge=1, le=100)  # result pages per list per run
    api_base_url: str | None = None  # another endpoint or API version (a Graph API version)
    enabled: bool = True
    # Coverage target (dashboard "Đưa tin", weekly report): items per ISO week this outlet is
    # expected to publish on a tracked topic. A number applies to every topic; a mapping gives
    # one per topic key ({chi-thi-57: 3}). None: no target (the outlet is still listed).
    weekly_target: int | dict[str, int] | None = None

    @field_validator("weekly_target")
    @classmethod
    def _valid_target(cls, target: int | dict[str, int] | None) -> int | dict[str, int] | None:
        values = target.values() if isinstance(target, dict) else [target]
        if any(value is not None and value < 0 for value in values):
            raise ValueError("a weekly target is a number of items, 0 or more")
        return target

    def target_for(self, topic: str | None) -> int | None:
        """Items per week expected on ``topic`` (None: every topic, only a plain number)."""
        if isinstance(self.weekly_target, dict):
            return self.weekly_target.get(topic) if topic else None
        return self.weekly_target

    @field_validator("link_pattern")
    @classmethod
    def _valid_pattern(cls, pattern: str | None) -> str | None:
        import re

        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression ({exc})") from None
        return pattern

    @field_validator("listing_selector")
    @classmethod
    def _valid_selector(cls, selector: str | None) -> str | None:
        if selector is not None:
            from cssselect import GenericTranslator, SelectorError

            try:
                GenericTranslator().css_to_xpath(selector)
            except SelectorError as exc:
                raise ValueError(f"not a valid CSS selector ({exc})") from None
        return selector

    @field_validator("listings")
    @classmethod
    def _listings_need_a_filter(cls, listings: list[str], info: Any) -> list[str]:
        # Fields validate in declaration order: link_pattern and listing_selector are known
        # here (absent from info.data when they themselves failed).
        if listings and not (info.data.get("link_pattern") or info.data.get("listing_selector")):
            raise ValueError("listings need link_pattern or listing_selector")
        return listings

    @model_validator(mode="after")
    def _api_fields(self) -> Source:
        """An API source names what it reads and nothing a web crawl would (feeds, ...)."""
        import re

        if self.api is None:
            if self.page_ids or self.subreddits or self.query or self.api_base_url:
                raise ValueError("page_ids, subreddits, query and api_base_url need api: "
                                 "youtube, facebook or reddit")
            return self
        if self.type not in ("social", "video"):
            raise ValueError(f"api: {self.api} needs type: social or video, not {self.type}")
        web = [name for name in ("feeds", "sitemaps", "listings", "search_query")
               if getattr(self, name)]
        if web:
            raise ValueError(f"api: {self.api} reads the API only; remove {', '.join(web)}")
        if self.api == "facebook" and not self.page_ids:
            raise ValueError("api: facebook needs page_ids (the pages the unit may read)")
        if self.page_ids and self.api != "facebook":
            raise ValueError("page_ids are for api: facebook")
        if self.subreddits and self.api != "reddit":
            raise ValueError("subreddits are for api: reddit")
        bad = [p for p in self.page_ids if not re.fullmatch(r"[A-Za-z0-9.]{1,100}", p)]
        bad += [s for s in self.subreddits if not re.fullmatch(r"[A-Za-z0-9_]{2,21}", s)]
        if bad:
            raise ValueError(f"not a page id or subreddit name: {bad[0]!r}")
        if self.api_base_url and not re.match(r"https?://[^/\s]+", self.api_base_url):
            raise ValueError(f"api_base_url is not an http(s) URL: {self.api_base_url!r}")
        return self

    # -- forums (XenForo 2) and Telegram channels: crawlers/spiders/forum.py, telegram.py ----
    # A forum's search URL with "{query}" where the words go, e.g.
    # https://voz.vn/search/search?keywords={query}&o=date ; one search per forum_queries
    # entry (none given: each tracked topic's first term). type: forum only.
    forum_search_url: str | None = None
    forum_queries: list[str] = Field(default_factory=list)
    # Thread URLs read each run, newest page first, back to posts already stored.
    threads: list[str] = Field(default_factory=list)
    # Forum (thread list) pages: threads whose title names a tracked topic are read.
    forum_pages: list[str] = Field(default_factory=list)
    # A public Telegram channel, read through its web preview: the channel's username
    # ("vtv24news") or its preview URL (https://t.me/s/NAME). type: social only.
    channel: str | None = None

    @field_validator("forum_search_url", "threads", "forum_pages", "forum_queries")
    @classmethod
    def _forum_fields(cls, value: Any, info: Any) -> Any:
        if value and info.data.get("type", "forum") != "forum":
            raise ValueError(f"{info.field_name} is for sources of type forum")
        urls = [value] if isinstance(value, str) else value
        if info.field_name != "forum_queries":
            for url in urls:
                if not url.startswith(("http://", "https://")):
                    raise ValueError(f"not an http(s) URL: {url!r}")
        if info.field_name == "forum_search_url" and value and value.count("{query}") != 1:
            raise ValueError("needs {query} once, where the search words go")
        if info.field_name == "forum_queries" and any(not q.strip() for q in value):
            raise ValueError("empty query")
        return value

    @field_validator("channel")
    @classmethod
    def _telegram_channel(cls, channel: str | None, info: Any) -> str | None:
        import re

        if channel is None:
            return None
        if info.data.get("type", "social") != "social":
            raise ValueError("channel (Telegram) is for sources of type social")
        name = r"[A-Za-z][A-Za-z0-9_]{3,31}"
        if not (re.fullmatch(name, channel)
                or re.fullmatch(rf"https?://[^/\s]+/s/{name}/?", channel)):
            raise ValueError("expected a channel username (5-32 letters, digits, _) or its "
                             "preview URL https://t.me/s/NAME")
        return channel


# -- imports and submitted URLs (phuxanh/importer.py, phuxanh/submit.py) ---------------------

# The Item fields an import profile can map a column to ("engagement.*": the public counts).
IMPORT_FIELDS = (
    "url", "id", "platform", "title", "text", "published_at", "source", "outlet", "author",
    "source_type", "lang", "parent_id",
    "engagement.likes", "engagement.shares", "engagement.comments", "engagement.views",
)


class ImportProfile(_Section):
    """How to read one other tool's export (``phuxanh import FILE --profile NAME``)."""

    # Our field -> the column holding it: a CSV/XLSX header, or a JSONL key (dotted for nested
    # keys, "stats.likes"). A field not listed is read from a column of its own name.
    columns: dict[str, str] = Field(default_factory=dict)
    # strptime format of the date column ("%d/%m/%Y %H:%M"); None: ISO 8601, dd/mm/yyyy with
    # or without a time, and the other forms Vietnamese sites print. No zone: Vietnam time.
    date_format: str | None = None
    source: str | None = None  # source key for rows without a source column value
    source_type: Literal["news", "forum", "social", "video", "import"] | None = None
    platform: str | None = None  # "facebook", "youtube", ... for rows without one
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)  # None: sniffed
    encoding: str | None = None  # None: UTF-8 (BOM or not) or UTF-16 with a BOM, detected
    sheet: str | None = None  # XLSX sheet name; None: the first sheet
    # Rows that mention no tracked topic are rejected (as the crawler drops them) unless set.
    keep_off_topic: bool = False

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(columns) - set(IMPORT_FIELDS))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; expected some of {list(IMPORT_FIELDS)}")
        return columns

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, encoding: str | None) -> str | None:
        import codecs

        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"unknown text encoding {encoding!r}") from None
        return encoding


class ImportsConfig(_Section):
    profiles: dict[str, ImportProfile] = Field(default_factory=dict)
    # Where the CSV of rejected rows of each import goes (relative: under data_dir).
    reports_dir: str = "import-reports"


class SubmitConfig(_Section):
    # Source key for a submitted page whose domain is not in sources.yaml.
    source: str = "submitted"
    # Refuse URLs whose host is a private, loopback or link-local address, so a dashboard user
    # cannot make the server fetch the unit's internal network. Tests turn it on for 127.0.0.1.
    allow_private_hosts: bool = False


class Config(_Section):
    data_dir: Path = Path("var")
    timezone: str = "Asia/Ho_Chi_Minh"
    store: StoreConfig = Field(default_factory=StoreConfig)
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    classify: ClassifyConfig = Field(default_factory=ClassifyConfig)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    topics: list[Topic] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    imports: ImportsConfig = Field(default_factory=ImportsConfig)
    submit: SubmitConfig = Field(default_factory=SubmitConfig)
    # Where the topics and sources came from, for messages.
    config_dir: Path = PACKAGE_CONFIG_DIR

    @field_validator("retention")
    @classmethod
    def _retention_outlasts_crawl_window(cls, retention: RetentionConfig, info: Any
                                         ) -> RetentionConfig:
        # Items deleted while still inside the crawl window would be fetched and stored again
        # by the next crawl, and deleted again by the next retention run, for ever.
        crawl = info.data.get("crawl")  # absent when it failed its own checks
        window = crawl.max_age_days if crawl is not None else None
        short = {kind: days for kind, days in retention.days.items()
                 if window is not None and days is not None and days < window}
        if short:
            kind, days = sorted(short.items())[0]
            raise ValueError(
                f"days.{kind} ({days}) is shorter than crawl.max_age_days ({window}): the "
                "crawler would fetch deleted items again; keep them longer or lower "
                "crawl.max_age_days"
            )
        return retention

    @property
    def sqlite_path(self) -> Path:
        path = Path(self.store.sqlite_path)
        return path if path.is_absolute() else self.data_dir / path

    def source(self, key: str) -> Source:
        for source in self.sources:
            if source.key == key:
                return source
        raise ConfigError(f"{self.config_dir / 'sources.yaml'}: no source with key {key!r}")

    @staticmethod
    def secret(name: str) -> str | None:
        """A secret, from the environment only (None when unset)."""
        return os.environ.get(SECRET_ENV[name]) or None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8, or a NUL in the file name
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"{path}:{where} not valid YAML ({problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def _describe(
    errors: ValidationError,
    path: Path,
    prefix: str = "",
    env_fields: Mapping[str, str] | None = None,
) -> str:
    """One line per problem: where it came from (file or variable), the field, what was wrong."""
    lines = []
    for error in errors.errors():
        field = ".".join(str(part) for part in (*([prefix] if prefix else []), *error["loc"]))
        got = error.get("input")
        got_text = "" if isinstance(got, dict | list) else f", got {got!r}"
        env_name = (env_fields or {}).get(field)
        origin = f"environment {env_name}" if env_name else str(path)
        lines.append(f"{origin}: {field}: {error['msg']}{got_text}")
    return "; ".join(lines)


def _env_fields(env: Mapping[str, str]) -> dict[str, str]:
    """Dotted field path -> the environment variable that set it."""
    fields = {
        ".".join(part.lower() for part in name[len(ENV_PREFIX):].split("__")): name
        for name in env
        if name.startswith(ENV_PREFIX)
    }
    if "PHUXANH_DATA_DIR" in env:
        fields["data_dir"] = "PHUXANH_DATA_DIR"
    return fields


def _find_secrets(data: Mapping[str, Any], path: Path, trail: str = "") -> None:
    for key, value in data.items():
        here = f"{trail}.{key}" if trail else str(key)
        if key in SECRET_ENV or str(key).endswith(("password", "token", "api_key")):
            raise ConfigError(
                f"{path}: {here}: secrets are read only from the environment "
                f"({SECRET_ENV.get(key, 'an environment variable')}), not from config files"
            )
        if isinstance(value, Mapping):
            _find_secrets(value, path, here)


def _env_value(value: str) -> Any:
    """A YAML scalar (``8060`` -> 8060, ``true`` -> True), a list or mapping only when written
    as ``[...]`` or ``{...}``; anything else stays the string it is, so a user agent like
    ``x/1 (contact: a@b.vn)`` is not misread as a mapping."""
    try:
        parsed = yaml.safe_load(value) if value else value
    except yaml.YAMLError:
        return value
    if isinstance(parsed, dict | list) and not value.lstrip().startswith(("[", "{")):
        return value
    return parsed


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """``PHUXANH_SECTION__FIELD=value`` -> {"section": {"field": value}} (YAML-typed values)."""
    overrides: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name in SECRET_ENV.values():
            continue
        rest = name[len(ENV_PREFIX):]
        if rest in {"CONFIG", "CONFIG_DIR"}:
            continue
        parts = [part.lower() for part in rest.split("__")]
        parsed = _env_value(value)
        target = overrides
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = parsed
    return overrides


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _load_list(path: Path, key: str, model: type[BaseModel]) -> list[Any]:
    data = _read_yaml(path)
    entries = data.get(key)
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a list under '{key}:'")
    loaded, seen = [], set()
    for index, entry in enumerate(entries):
        try:
            obj = model.model_validate(entry)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, path, f"{key}[{index}]")) from None
        if obj.key in seen:  # type: ignore[attr-defined]
            raise ConfigError(f"{path}: {key}[{index}].key: duplicate key {obj.key!r}")  # type: ignore[attr-defined]
        seen.add(obj.key)  # type: ignore[attr-defined]
        loaded.append(obj)
    return loaded


def load_config(
    config_path: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Load ``default.yaml`` (or ``config_path``) with its ``topics.yaml`` and ``sources.yaml``
    beside it, apply environment and explicit overrides, and validate.

    ``config_path`` may be a directory holding ``default.yaml`` or a YAML file. Raises
    ConfigError naming the file, the field and what was expected.
    """
    env = os.environ if env is None else env
    chosen = config_path or env.get("PHUXANH_CONFIG") or env.get("PHUXANH_CONFIG_DIR")
    path = Path(chosen) if chosen else PACKAGE_CONFIG_DIR / "default.yaml"
    if path.is_dir():
        path = path / "default.yaml"
    data = _read_yaml(path)
    _find_secrets(data, path)
    config_dir = path.parent
    # "topics_file:" left empty means the default, not a file named "None".
    topics_file = config_dir / str(data.pop("topics_file", None) or "topics.yaml")
    sources_file = config_dir / str(data.pop("sources_file", None) or "sources.yaml")

    merged = _merge(data, _env_overrides(env))
    if env.get("PHUXANH_DATA_DIR"):
        merged["data_dir"] = env["PHUXANH_DATA_DIR"]
    merged = _merge(merged, overrides or {})
    try:
        config = Config.model_validate({**merged, "config_dir": config_dir})
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path, env_fields=_env_fields(env))) from None

    config.topics = _load_list(topics_file, "topics", Topic)
    config.sources = _load_list(sources_file, "sources", Source)
    if not config.topics:
        raise ConfigError(f"{topics_file}: topics: at least one topic is needed")
    try:
        config.data_dir = config.data_dir.expanduser().resolve()
    except (RuntimeError, ValueError, OSError) as exc:  # "~nobody/x", a NUL byte (fuzzing)
        raise ConfigError(f"{path}: data_dir: {str(config.data_dir)!r} is not a usable folder "
                          f"({exc}); set it there or in PHUXANH_DATA_DIR") from None
    return config
