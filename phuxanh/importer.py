"""``phuxanh import FILE``: exports from other monitoring tools (CSV, JSONL, XLSX) -> items.

A profile in the config (``imports.profiles``) says which column holds which field; each row
becomes a :class:`phuxanh.schema.Item` through the same completion ``phuxanh ingest`` uses
(canonical URL id, ``date_source`` IMPORT, the source's outlet from sources.yaml, topic
matching), or is rejected with its row number and the reason. Nothing is half-imported: the
whole file is validated first, then every accepted row is written in one upsert (one store
transaction). If that write fails nothing counts as imported, and running the import again is
safe because upserts are idempotent by item id.

People are not targets: a byline is kept only for news rows; any other author becomes a keyed
hash (:mod:`phuxanh.pseudonym`) or nothing when ``PHUXANH_AUTHOR_HASH_KEY`` is unset. Raw
authors never reach the store, the rejected-rows report, the audit log or the logs.
"""

from __future__ import annotations

import csv
import getpass
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from phuxanh.config import Config, ImportProfile, Source
from phuxanh.errors import ConfigError, InputError, StoreError
from phuxanh.import_files import FileFormat, Row, read_table
from phuxanh.ingest import _complete as complete_record  # the one place defaults are filled
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ, Item, as_vn_aware, canonical_url, platform_item_id
from phuxanh.store.base import Store, UpsertResult
from phuxanh.text import clean, fold
from phuxanh.topics import TopicMatcher

log = logging.getLogger(__name__)

REQUIRED = ("url", "published_at")  # every row needs these columns
IMPORT_SOURCE = "import"  # source key of rows whose source is not in sources.yaml
FUTURE_SLACK = timedelta(days=1)  # clocks and zones disagree a little; more is a wrong date
MAX_SHOWN = 20  # rejected rows listed in the command's output (all are in the CSV)
_COUNT_RE = re.compile(
    r"^(?P<num>\d+(?:[.,\s]\d{3})*|\d+[.,]\d+)\s*(?P<unit>k|m|n|nghìn|ngàn|tr|triệu)?$",
    re.IGNORECASE,
)
_UNITS = {"k": 1_000, "n": 1_000, "nghìn": 1_000, "ngàn": 1_000, "m": 1_000_000,
          "tr": 1_000_000, "triệu": 1_000_000}


@dataclass(frozen=True)
class Rejected:
    row: int
    reason: str
    # What identifies the row for a person fixing the file; never the author.
    url: str = ""
    title: str = ""


@dataclass
class ImportReport:
    path: Path
    profile: str
    format: FileFormat
    rows: int = 0
    accepted: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    # Non-news authors left out because PHUXANH_AUTHOR_HASH_KEY is unset (never stored raw).
    authors_dropped: int = 0
    missing_columns: list[str] = field(default_factory=list)  # mapped, not in the file
    stored: UpsertResult | None = None  # None: nothing written (dry run, strict refusal)
    report_path: Path | None = None  # the CSV of rejected rows, when there are any

    def describe(self) -> str:
        """A few lines for the command's output."""
        lines = [f"{self.path}: {self.rows} rows ({self.format}, profile {self.profile}): "
                 f"{self.accepted} accepted, {len(self.rejected)} rejected"]
        if self.stored is not None:
            lines.append(f"stored {self.stored.inserted} new, {self.stored.updated} updated, "
                         f"{self.stored.unchanged} unchanged")
        else:
            lines.append("nothing stored")
        if self.missing_columns:
            lines.append(f"columns of the profile not in this file (left empty): "
                         f"{', '.join(self.missing_columns)}")
        if self.authors_dropped:
            lines.append(f"{self.authors_dropped} authors not kept: set PHUXANH_AUTHOR_HASH_KEY "
                         f"to keep them as pseudonyms")
        lines += [f"  row {r.row}: {r.reason}" for r in self.rejected[:MAX_SHOWN]]
        if len(self.rejected) > MAX_SHOWN:
            lines.append(f"  ... and {len(self.rejected) - MAX_SHOWN} more")
        if self.report_path is not None:
            lines.append(f"rejected rows: {self.report_path}")
        return "\n".join(lines)


@dataclass
class ImportBatch:
    """A validated file: the items to write and the report so far."""

    items: list[Item]
    report: ImportReport


class RowError(ValueError):
    """One row cannot become an item; the message is the reason shown to the user."""


# -- profile and columns ---------------------------------------------------------------------


def profile_for(config: Config, name: str | None) -> tuple[str, ImportProfile]:
    """The named profile; without a name, "default" when configured, else our own field names
    as column names."""
    profiles = config.imports.profiles
    if name is None:
        return ("default", profiles["default"]) if "default" in profiles else (
            "(field names)", ImportProfile())
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(f"{config.config_dir / 'default.yaml'}: imports.profiles: no profile "
                          f"{name!r} (configured: {known})")
    return name, profiles[name]


def _header_key(name: str) -> str:
    return fold(clean(name))


class Columns:
    """Finds a field's value in a row: the profile's column, else a column named like the
    field. Header names compare without case, diacritics or extra spaces ("Tiêu đề" finds
    "TIÊU ĐỀ "), because exports differ in exactly that."""

    def __init__(self, profile: ImportProfile, header: tuple[str, ...] | None, path: Path,
                 profile_name: str) -> None:
        self._mapping = dict(profile.columns)
        self._by_key: dict[str, str] | None = None
        self._actual: dict[str, str | None] = {}  # field -> its header in this file
        # Mapped columns this file does not have (a tool's export may leave out the counts).
        self.missing: list[str] = []
        if header is not None:
            self._by_key = {_header_key(name): name for name in header if name}
            self.missing = [column for column in self._mapping.values()
                            if _header_key(column) not in self._by_key]
            required = [self._mapping.get(name, name) for name in REQUIRED
                        if _header_key(self._mapping.get(name, name)) not in self._by_key]
            if required:
                raise InputError(
                    f"{path}: no column {' or '.join(repr(c) for c in required)} (profile "
                    f"{profile_name!r}); the header has: "
                    f"{', '.join(name for name in header if name)}"
                )

    def get(self, values: Mapping[str, Any], name: str) -> Any:
        column = self._mapping.get(name, name)
        if self._by_key is not None:  # CSV/XLSX: by header, looked up once per field
            if name not in self._actual:
                self._actual[name] = self._by_key.get(_header_key(column))
            actual = self._actual[name]
            return values.get(actual) if actual is not None else None
        return _dotted(values, column)  # JSONL: a key, dotted for nested objects


def _dotted(values: Mapping[str, Any], path: str) -> Any:
    if path in values:
        return values[path]
    current: Any = values
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


# -- values ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id or a count a spreadsheet turned into 1.0
    return str(value).strip()


def parse_count(value: Any, name: str) -> int | None:
    """An engagement count: 1234, "1.234", "1,234", "1 234", "1,2K", "3 nghìn", "2tr";
    None when empty. RowError for anything else, or a negative count."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RowError(f"{name}: expected a count, got {value!r}")
    if isinstance(value, int | float):
        if value < 0 or (isinstance(value, float) and not value.is_integer()):
            raise RowError(f"{name}: expected a count of 0 or more, got {value!r}")
        return int(value)
    match = _COUNT_RE.match(str(value).strip())
    if not match:
        raise RowError(f"{name}: expected a count, got {value!r}")
    number, unit = match["num"], (match["unit"] or "").lower()
    if unit:
        return round(float(number.replace(" ", "").replace(",", ".")) * _UNITS[unit])
    if re.fullmatch(r"\d+[.,]\d{1,2}", number):  # "12,5" without a unit is not a count
        raise RowError(f"{name}: expected a whole count, got {value!r}")
    return int(re.sub(r"[.,\s]", "", number))


def _epoch(value: float) -> datetime:
    seconds = value / 1000 if value > 10**11 else value  # milliseconds from JS-based tools
    return datetime.fromtimestamp(seconds, VN_TZ)


def parse_published(value: Any, date_format: str | None, now: datetime) -> datetime:
    """The publication date of a row: a spreadsheet date, a Unix time, a string in the
    profile's ``date_format``, or (no format) ISO 8601, "25/03/2026 08:15", "ngày 25 tháng 3
    năm 2026" and the other forms Vietnamese sites print. No zone means Vietnam time; more
    than a day in the future is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError("published_at: no publication date")
    if isinstance(value, datetime):
        found = as_vn_aware(value)
    elif isinstance(value, date):
        found = datetime(value.year, value.month, value.day, tzinfo=VN_TZ)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = _epoch(float(value))
    else:
        text = " ".join(str(value).split())
        if date_format:
            try:
                found = as_vn_aware(datetime.strptime(text, date_format))
            except ValueError:
                raise RowError(f"published_at: {text!r} does not match the profile's "
                               f"date_format {date_format!r}") from None
        elif re.fullmatch(r"\d{10}|\d{13}", text):
            found = _epoch(float(text))
        else:
            # crawlers.extract.dates is pure (no Scrapy); imported here so phuxanh does not
            # import the crawl stage unless a file is imported (docs/decisions.md §7).
            from crawlers.extract.dates import parse_datetime

            parsed = parse_datetime(text)
            if parsed is None:
                raise RowError(f"published_at: unrecognised date {text!r}")
            found = parsed[0]
    if found > now + FUTURE_SLACK:
        raise RowError(f"published_at: {found.isoformat()} is in the future")
    return found


# -- sources ---------------------------------------------------------------------------------


class SourceResolver:
    """A row's source: a key in sources.yaml, a configured outlet's name, the outlet whose
    domain the URL is on, else the profile's default (or ``import``) with the file's own
    outlet name kept for display."""

    def __init__(self, sources: list[Source], default: str | None) -> None:
        self._sources = sources
        self._by_key = {source.key: source for source in sources}
        self._by_name = {fold(source.name): source for source in sources}
        self._default = default

    def resolve(self, raw: str, url: str) -> tuple[str, Source | None, str]:
        """(source key, the configured source or None, outlet name)."""
        known = self._by_key.get(raw) or self._by_name.get(fold(raw)) if raw else None
        if known is None and url:
            from crawlers.extract.gnews import publisher_source  # pure, lazy (see above)

            known = publisher_source(self._sources, url)
        if known is not None:
            return known.key, known, known.name
        key = self._default or IMPORT_SOURCE
        configured = self._by_key.get(key)
        return key, configured, raw or (configured.name if configured else "")


# -- rows -> items ---------------------------------------------------------------------------


@dataclass
class _Context:
    config: Config
    profile: ImportProfile
    columns: Columns
    sources: SourceResolver
    matcher: TopicMatcher
    author_key: str | None
    now: datetime
    keep_off_topic: bool


def _record(row: Row, ctx: _Context) -> tuple[dict[str, Any], bool]:
    """The row in Item field names, and whether an author was left out for want of a key."""
    get = ctx.columns.get
    values = row.values
    url = _text(get(values, "url"))
    if not url:
        raise RowError("url: no URL")
    try:
        canonical_url(url)
    except ValueError:
        raise RowError(f"url: not an http(s) URL: {url[:200]!r}") from None
    platform = (_text(get(values, "platform")) or ctx.profile.platform or "").lower() or None
    key, source, outlet = ctx.sources.resolve(_text(get(values, "source")), url)
    source_type = (_text(get(values, "source_type")).lower() or ctx.profile.source_type
                   or (source.type if source else None) or "import")
    record: dict[str, Any] = {
        "url": url,
        "source": key,
        "source_type": source_type,
        "outlet": _text(get(values, "outlet")) or outlet,
        "title": _text(get(values, "title")),
        "text": _text(get(values, "text")),
        "published_at": parse_published(get(values, "published_at"), ctx.profile.date_format,
                                        ctx.now),
        "platform": platform,
        "engagement": {name: parse_count(get(values, f"engagement.{name}"),
                                         f"engagement.{name}")
                       for name in ("likes", "shares", "comments", "views")},
    }
    if lang := _text(get(values, "lang")):
        record["lang"] = lang
    native = _text(get(values, "id"))
    parent = _text(get(values, "parent_id"))
    try:
        if native and platform and platform != "web":
            record["id"] = platform_item_id(platform, native)  # the platform's stable id
        if parent:
            record["parent_id"] = (platform_item_id(platform, parent)
                                   if platform and platform != "web" and ":" not in parent
                                   else parent)
    except ValueError as exc:
        raise RowError(f"id: {exc}") from None
    raw_author = _text(get(values, "author"))
    dropped = False
    if raw_author:
        if source_type == "news":
            record["author"] = raw_author  # a byline is public
        elif ctx.author_key:
            record["author_hash"] = author_hash(raw_author, ctx.author_key, platform or "web")
        else:
            dropped = True
    return record, dropped


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(item)"
    return f"{where}: {first['msg']}"


def _identify(row: Row, ctx: _Context) -> tuple[str, str]:
    get = ctx.columns.get
    return _text(get(row.values, "url"))[:500], _text(get(row.values, "title"))[:200]


def _item(row: Row, ctx: _Context) -> tuple[Item, bool]:
    record, dropped = _record(row, ctx)
    try:
        completed = complete_record(record, ctx.config, ctx.matcher)
    except (ValueError, ConfigError) as exc:
        raise RowError(str(exc)) from None
    if not completed.get("topics") and not ctx.keep_off_topic:
        raise RowError("mentions no tracked topic (profile keep_off_topic: true keeps such rows)")
    try:
        return Item.model_validate(completed), dropped
    except ValidationError as exc:
        raise RowError(_reason(exc)) from None


def read_import(path: Path, config: Config, profile_name: str | None = None, *,
                keep_off_topic: bool | None = None, now: datetime | None = None
                ) -> ImportBatch:
    """Validate every row of ``path``: the items to write, and the rejected rows with reasons.
    File-level problems (unknown type, undecodable bytes, a mapped column missing from the
    header) raise InputError naming the file."""
    name, profile = profile_for(config, profile_name)
    table = read_table(path, encoding=profile.encoding, delimiter=profile.delimiter,
                       sheet=profile.sheet)
    ctx = _Context(
        config=config, profile=profile,
        columns=Columns(profile, table.columns, path, name),
        sources=SourceResolver(config.sources, profile.source),
        matcher=TopicMatcher(config.topics),
        author_key=Config.secret("author_hash_key"),
        now=now or datetime.now(VN_TZ),
        keep_off_topic=profile.keep_off_topic if keep_off_topic is None else keep_off_topic,
    )
    report = ImportReport(path=path, profile=name, format=table.format,
                          missing_columns=list(ctx.columns.missing))
    items: list[Item] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        report.rows += 1
        if row.error:
            report.rejected.append(Rejected(row.number, row.error))
            continue
        try:
            item, dropped = _item(row, ctx)
        except RowError as exc:
            report.rejected.append(Rejected(row.number, str(exc), *_identify(row, ctx)))
            continue
        if item.id in first_row:
            report.rejected.append(Rejected(
                row.number, f"the same item as row {first_row[item.id]} ({item.id})",
                *_identify(row, ctx)))
            continue
        first_row[item.id] = row.number
        report.authors_dropped += dropped
        items.append(item)
    report.accepted = len(items)
    return ImportBatch(items, report)


# -- report and write ------------------------------------------------------------------------


def write_rejections(report: ImportReport, folder: Path, now: datetime) -> Path | None:
    """The rejected rows as CSV (UTF-8 with BOM, so Excel shows Vietnamese right) in
    ``folder``; None when there are none."""
    if not report.rejected:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y%m%d-%H%M%S}-{report.path.stem}-rejected"
    target = folder / f"{stem}.csv"
    counter = 1
    while target.exists():  # two imports in one second keep both reports
        counter += 1
        target = folder / f"{stem}-{counter}.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "reason", "url", "title"])
        for rejected in report.rejected:
            writer.writerow([rejected.row, rejected.reason, rejected.url, rejected.title])
    return target


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


def import_file(config: Config, path: Path, store: Store, profile_name: str | None = None, *,
                actor: str | None = None, dry_run: bool = False, strict: bool = False,
                keep_off_topic: bool | None = None) -> ImportReport:
    """Validate ``path``, report rejected rows (CSV under ``imports.reports_dir``), then write
    every accepted row in one upsert and record the import in the audit log.

    ``dry_run`` writes nothing to the store; ``strict`` writes nothing when any row was
    rejected. A failing store write raises StoreError and nothing counts as imported."""
    now = datetime.now(VN_TZ)
    batch = read_import(path, config, profile_name, keep_off_topic=keep_off_topic, now=now)
    report = batch.report
    folder = Path(config.imports.reports_dir)
    report.report_path = write_rejections(
        report, folder if folder.is_absolute() else config.data_dir / folder, now)
    if dry_run or (strict and report.rejected) or not batch.items:
        return report
    try:
        report.stored = store.upsert(batch.items)  # one transaction: all rows or none
    except Exception as exc:  # StoreError or a backend's own: the transaction rolled back
        raise StoreError(f"{path}: the store refused the import, nothing was imported "
                         f"({type(exc).__name__}: {exc}); fix it and run the import again"
                         ) from exc
    details = {
        "profile": report.profile, "format": report.format, "rows": report.rows,
        "accepted": report.accepted, "rejected": len(report.rejected),
        "inserted": report.stored.inserted, "updated": report.stored.updated,
        "unchanged": report.stored.unchanged, "authors_dropped": report.authors_dropped,
        "report": str(report.report_path) if report.report_path else None,
    }
    try:
        store.audit(actor or _actor(), "import", str(path.resolve()), details)
    except Exception as exc:
        # The rows are stored (re-running changes nothing); say the audit entry is missing.
        raise StoreError(f"{path}: rows stored, but the audit log could not be written "
                         f"({exc}); run the import again to record it") from exc
    log.info("import %s: %d accepted, %d rejected", path, report.accepted,
             len(report.rejected))
    return report
