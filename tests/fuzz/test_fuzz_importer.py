"""Issue 8, bad input: ``phuxanh import`` (phuxanh/importer.py) fed random CSV, JSONL and
XLSX files. Contract: a batch of accepted items and rejected rows (each with its row number
and a reason), or InputError/ConfigError naming the file; never another exception, and
never a raw (un-hashed) author of a non-news row in an accepted item."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from phuxanh.config import load_config
from phuxanh.errors import ConfigError, InputError

from .conftest import FUZZ, TEXT

REPO = Path(__file__).resolve().parents[2]
CONFIG = load_config(REPO / "config", env={})
COLUMNS = ["url", "id", "platform", "source", "source_type", "published_at", "title", "text",
           "author", "outlet", "topics", "engagement", "likes", "parent_id", "lang", "x"]
VALUES = st.one_of(
    TEXT, st.integers(-10**15, 10**15), st.floats(allow_nan=True), st.none(), st.booleans(),
    st.sampled_from(["https://diendan.example.vn/t/1", "javascript:alert(1)", "", "forum",
                     "news", "social", "2026-03-10T08:00:00+07:00", "10/03/2026 08:00",
                     "31/02/2026", "1741570000", "99999999999999", "Chỉ thị 57", "=cmd|' /C'",
                     "facebook", "baolaocai", "nan", "inf", "1e400", "-1"]))
ROWS = st.lists(st.dictionaries(st.sampled_from(COLUMNS), VALUES, min_size=1, max_size=8),
                max_size=6)


def _csv(rows: list[dict[str, object]], delimiter: str) -> bytes:
    out = io.StringIO()
    header = sorted({key for row in rows for key in row}) or ["url"]
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


FILES = st.one_of(
    st.tuples(st.just("a.jsonl"), ROWS.map(
        lambda rows: "\n".join(json.dumps(row, ensure_ascii=False, default=str) for row in rows)
        .encode("utf-8", "surrogatepass"))),
    st.tuples(st.just("a.csv"), st.builds(_csv, ROWS, st.sampled_from([",", ";", "\t"]))),
    st.tuples(st.sampled_from(["a.csv", "a.jsonl", "a.xlsx", "a.tsv", "a.txt"]),
              st.binary(max_size=400)),
    st.tuples(st.just("a.jsonl"), st.lists(st.sampled_from(
        ["[]", "1", '"x"', "{", '{"url": [1]}', '{"url": {"a": 1}}', "null", "\ufeff{}",
         '{"published_at": "2026-03-10", "url": "https://x.vn/a", "source": "x", '
         '"source_type": "forum", "author": "Nguyễn Văn A"}']), max_size=5).map(
        lambda lines: "\n".join(lines).encode())),
)


@FUZZ
@given(FILES)
def test_import_reads_or_rejects_with_the_file_named(named: tuple[str, bytes]) -> None:
    from phuxanh.importer import read_import

    name, body = named
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        try:
            batch = read_import(path, CONFIG)
        except (InputError, ConfigError) as exc:
            error: Exception | None = exc
        else:
            error = None
        if error is not None:
            assert str(path) in str(error) or path.name in str(error), str(error)
            return
    report = batch.report
    assert report.accepted == len(batch.items)
    assert report.rows >= report.accepted
    for rejected in report.rejected:
        assert rejected.row >= 1 and str(rejected.reason)
    for item in batch.items:
        assert item.canonical_url.startswith(("http://", "https://"))
        if item.source_type != "news":
            assert item.author is None
