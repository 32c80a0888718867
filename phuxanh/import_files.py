"""Rows out of files other monitoring tools export: CSV, JSONL and XLSX.

Only reading happens here; what a row means is :mod:`phuxanh.importer`'s job. Every row keeps
the number a person would look for: CSV and JSONL the line of the file where the record
starts, XLSX the sheet's row number. Text files may be UTF-8 (with or without the BOM Excel
writes) or UTF-16 (Excel's "Unicode text" export); bytes that do not decode are an error
naming the file and the line, never silently replaced.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from phuxanh.errors import InputError
from phuxanh.text import clean

FileFormat = Literal["csv", "jsonl", "xlsx"]
FORMATS: dict[str, FileFormat] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
}
DELIMITERS = ",;\t|"
_SNIFF_CHARS = 64_000


@dataclass(frozen=True)
class Row:
    number: int  # CSV/JSONL: line where the record starts; XLSX: sheet row
    values: Mapping[str, Any] = field(default_factory=dict)  # column (or JSON key) -> value
    error: str = ""  # the row could not be read at all (bad JSON, too many fields)


@dataclass(frozen=True)
class Table:
    """A file's rows, and its column names when it has a header (CSV, XLSX)."""

    format: FileFormat
    columns: tuple[str, ...] | None
    rows: Iterator[Row]


def file_format(path: Path) -> FileFormat:
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError(f"{path}: unknown file type {path.suffix or '(none)'!r}; expected "
                         f"one of {', '.join(sorted(FORMATS))}")
    return found


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of ASCII text."""
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and drops it
    return _utf16_without_bom(raw) or "utf-8"


def decode_text(raw: bytes, path: Path, encoding: str | None = None) -> str:
    """The file's text; InputError naming ``path``, the line and the byte offset when some
    bytes are not ``encoding`` (default: detected)."""
    chosen = encoding or detect_encoding(raw)
    try:
        return raw.decode(chosen)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(chosen, errors="replace").count("\n") + 1
        hint = "" if encoding else " (expected UTF-8 or UTF-16; set the profile's encoding)"
        raise InputError(
            f"{path}: line {line}: bytes that are not {chosen} text at byte {exc.start} "
            f"({exc.reason}){hint}"
        ) from None


# -- CSV -------------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text. The header line decides when exactly one of ``,;<tab>|``
    occurs in it (column names rarely hold punctuation; body text often holds commas);
    otherwise csv.Sniffer on a sample; otherwise a comma."""
    sample = text[:_SNIFF_CHARS]
    header = sample.split("\n", 1)[0]
    present = [d for d in DELIMITERS if d in header]
    if len(present) == 1:
        return present[0]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return max(present, key=header.count) if present else ","


def _header(cells: list[str]) -> tuple[str, ...]:
    return tuple(clean(cell) for cell in cells)


def _csv_rows(reader: Any, first_line: int, columns: tuple[str, ...], delimiter: str
              ) -> Iterator[Row]:
    """``first_line``: the file line the reader's first line is (2 after a "sep=" line)."""
    consumed = reader.line_num  # the header's lines
    for cells in reader:
        number = first_line + consumed  # the line this record starts on
        consumed = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
            yield Row(number, error=f"{len(cells)} fields but the header has {len(columns)} "
                                    f"(a {delimiter!r} inside an unquoted value?)")
            continue
        yield Row(number, {name: cell for name, cell in zip(columns, cells, strict=False)
                           if name})


def read_csv(path: Path, raw: bytes, encoding: str | None, delimiter: str | None) -> Table:
    text = decode_text(raw, path, encoding)
    first_line = 1
    if text[:4].lower() == "sep=":  # Excel's own hint line: "sep=;"
        hint, _, text = text.partition("\n")
        delimiter = delimiter or (hint.strip()[4:5] or None)
        first_line = 2
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: empty file, no header row") from None
    except csv.Error as exc:
        raise InputError(f"{path}: line {first_line}: not valid CSV ({exc})") from None
    columns = _header(header)
    if not any(columns):
        raise InputError(f"{path}: line {first_line}: the header row has no column names")

    def rows() -> Iterator[Row]:
        try:
            yield from _csv_rows(reader, first_line, columns, delimiter)
        except csv.Error as exc:
            raise InputError(f"{path}: line {first_line - 1 + reader.line_num}: "
                             f"not valid CSV ({exc})") from None

    return Table("csv", columns, rows())


# -- JSONL -----------------------------------------------------------------------------------


def read_jsonl(path: Path, raw: bytes, encoding: str | None) -> Table:
    text = decode_text(raw, path, encoding)

    def rows() -> Iterator[Row]:
        # Only "\n" ends a line: str.splitlines() would also split at U+2028 and other
        # separators that JSON strings may hold unescaped.
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Row(number, error=f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                yield Row(number, error=f"expected a JSON object, got {type(record).__name__}")
                continue
            yield Row(number, record)

    return Table("jsonl", None, rows())


# -- XLSX ------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    # openpyxl gives datetime/date/time, numbers, bools, str; a bare time is not a date.
    if isinstance(value, time) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool | datetime | date) or value is None:
        return value
    return str(value)


def read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # only imports of spreadsheets pay for it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise InputError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: "
                         f"{exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(f"{path}: no sheet {sheet!r}; the workbook has "
                             f"{', '.join(book.sheetnames)}")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        grid = [(number, [_cell(v) for v in values]) for number, values in
                enumerate(worksheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    grid = [(number, values) for number, values in grid
            if any(v is not None and str(v).strip() for v in values)]
    if not grid:
        return Table("xlsx", (), iter(()))
    columns = _header(["" if v is None else str(v) for v in grid[0][1]])

    def rows() -> Iterator[Row]:
        for number, values in grid[1:]:
            extra = [v for v in values[len(columns):] if v is not None and str(v).strip()]
            if extra:
                yield Row(number, error=f"values beyond the last header column ({len(values)} "
                                        f"cells, {len(columns)} headers)")
                continue
            yield Row(number, {name: value for name, value in zip(columns, values, strict=False)
                               if name})

    return Table("xlsx", columns, rows())


def read_table(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
               sheet: str | None = None) -> Table:
    """The rows of ``path`` by its extension; InputError naming ``path`` when it cannot be
    read as that kind of file."""
    kind = file_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if kind == "xlsx":
        return read_xlsx(path, sheet)
    raw = _read_bytes(path)
    if kind == "jsonl":
        return read_jsonl(path, raw, encoding)
    return read_csv(path, raw, encoding, delimiter)
