"""``phuxanh import``: CSV (BOM, semicolons, UTF-16), JSONL and XLSX exports, the row report,
all-or-nothing writes, idempotent re-imports, and no raw social author anywhere."""

from __future__ import annotations

import codecs
import csv
import json
import logging
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from phuxanh.config import Config, ImportProfile, ImportsConfig, Source, Topic
from phuxanh.errors import ConfigError, InputError, StoreError
from phuxanh.importer import import_file, parse_count, parse_published, read_import
from phuxanh.pseudonym import author_hash
from phuxanh.schema import VN_TZ, DateSource, platform_item_id, url_item_id
from phuxanh.store.sqlite import SQLiteStore

KEY = "khoa-thu-nghiem-cho-tac-gia"
RAW_AUTHOR = "Trần Thị Bí Mật"
HEADER = ["Link", "Tiêu đề", "Nội dung", "Ngày đăng", "Nguồn", "Tác giả", "Lượt thích"]
ROWS = [
    ["https://vnexpress.net/trien-khai-chi-thi-57-1.html", "Triển khai Chỉ thị 57",
     "Các cơ quan quán triệt Chỉ thị 57-CT/TW về an ninh mạng.", "25/03/2026 08:15",
     "VnExpress", "Nguyễn Văn Báo", "1.234"],
    ["https://www.facebook.com/trang/posts/99", "Bài đăng về an ninh mạng",
     "Mọi người cùng tìm hiểu Chỉ thị 57, nhiều ý kiến; có dấu phẩy.", "2026-03-26 10:00",
     "Facebook", RAW_AUTHOR, "3K"],
]
PROFILE = ImportProfile(columns={
    "url": "Link", "title": "Tiêu đề", "text": "Nội dung", "published_at": "Ngày đăng",
    "source": "Nguồn", "author": "Tác giả", "engagement.likes": "Lượt thích",
})
NOW = datetime(2026, 4, 1, 12, 0, tzinfo=VN_TZ)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        data_dir=tmp_path / "data",
        topics=[Topic(key="chi-thi-57", name="Chỉ thị 57", terms=["Chỉ thị 57"])],
        sources=[
            Source(key="vnexpress", name="VnExpress", domain="vnexpress.net"),
            Source(key="baochinhphu", name="Báo Điện tử Chính phủ", domain="baochinhphu.vn",
                   official=True),
        ],
        imports=ImportsConfig(profiles={
            "vi": PROFILE,
            "mxh": ImportProfile(
                columns={"id": "post_id", "text": "message", "published_at": "created_time",
                         "url": "permalink", "author": "from.name",
                         "engagement.likes": "stats.reactions",
                         "engagement.shares": "stats.shares"},
                platform="facebook", source_type="social", source="facebook-export",
            ),
        }),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "store.db")
    yield opened
    opened.close()


@pytest.fixture
def author_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PHUXANH_AUTHOR_HASH_KEY", KEY)
    return KEY


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ";",
              encoding: str = "utf-8-sig", header: list[str] = HEADER) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def check_two_items(batch_items: list, key: str | None) -> None:
    news, post = batch_items
    assert news.id == url_item_id("https://vnexpress.net/trien-khai-chi-thi-57-1.html")
    assert (news.source, news.source_type, news.outlet) == ("vnexpress", "news", "VnExpress")
    assert news.author == "Nguyễn Văn Báo"  # a byline is public
    assert news.published_at == datetime(2026, 3, 25, 8, 15, tzinfo=VN_TZ)
    assert news.date_source == DateSource.IMPORT
    assert news.engagement.likes == 1234 and news.topics == ["chi-thi-57"]
    assert (post.source, post.source_type, post.outlet) == ("import", "import", "Facebook")
    assert post.author is None
    assert post.author_hash == (author_hash(RAW_AUTHOR, key, "web") if key else None)
    assert post.engagement.likes == 3000
    assert "có dấu phẩy" in post.text


def test_csv_with_bom_and_semicolons(config: Config, tmp_path: Path, author_key: str) -> None:
    path = write_csv(tmp_path / "xuat.csv", ROWS)
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    batch = read_import(path, config, "vi", now=NOW)
    assert batch.report.rejected == [] and batch.report.rows == 2
    check_two_items(batch.items, author_key)


def test_csv_without_bom_and_commas(config: Config, tmp_path: Path, author_key: str) -> None:
    path = write_csv(tmp_path / "xuat.csv", ROWS, delimiter=",", encoding="utf-8")
    batch = read_import(path, config, "vi", now=NOW)
    assert batch.report.rejected == []
    check_two_items(batch.items, author_key)


def test_utf16_tab_separated_excel_export(config: Config, tmp_path: Path,
                                          author_key: str) -> None:
    # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF.
    path = write_csv(tmp_path / "xuat.txt", ROWS, delimiter="\t", encoding="utf-16")
    assert path.read_bytes()[:2] == codecs.BOM_UTF16_LE
    batch = read_import(path, config, "vi", now=NOW)
    assert batch.report.rejected == []
    check_two_items(batch.items, author_key)


def test_utf16_without_bom(config: Config, tmp_path: Path, author_key: str) -> None:
    path = write_csv(tmp_path / "xuat.csv", ROWS, delimiter=",", encoding="utf-16-le")
    batch = read_import(path, config, "vi", now=NOW)
    check_two_items(batch.items, author_key)


def test_excel_sep_hint_line(config: Config, tmp_path: Path, author_key: str) -> None:
    path = tmp_path / "xuat.csv"
    body = write_csv(tmp_path / "tam.csv", ROWS, delimiter="|", encoding="utf-8").read_text()
    path.write_text("sep=|\n" + body, encoding="utf-8")
    batch = read_import(path, config, "vi", now=NOW)
    assert batch.report.rejected == []
    check_two_items(batch.items, author_key)


def test_undecodable_bytes_name_the_file_and_line(config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hong.csv", ROWS, encoding="utf-8")
    path.write_bytes(path.read_bytes() + b"https://x.vn/3;Ti\xeau \xf0\xe8;a;1/3/2026;;;\n")
    with pytest.raises(InputError) as caught:
        read_import(path, config, "vi", now=NOW)
    message = str(caught.value)
    assert str(path) in message and "line 4" in message and "utf-8" in message


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """``text`` as windows-1258 spells it: base letter (maybe with its hat) + tone mark."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + "".join(c for c in parts if c in _TONES)).encode("cp1258")
    return out


def test_windows_1258_with_the_profile_encoding(config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cu.csv", [["https://x.vn/a", "Chỉ thị 57", "Chỉ thị 57 mới",
                                            "01/03/2026", "", "", ""]], encoding="utf-8")
    path.write_bytes(to_cp1258(path.read_text(encoding="utf-8")))
    profiles = {"cu": PROFILE.model_copy(update={"encoding": "cp1258"}), "vi": PROFILE}
    config = config.model_copy(update={"imports": ImportsConfig(profiles=profiles)})
    batch = read_import(path, config, "cu", now=NOW)
    assert [item.title for item in batch.items] == ["Chỉ thị 57"]
    with pytest.raises(InputError, match="line 1: bytes that are not utf-8"):
        read_import(path, config, "vi", now=NOW)  # without the encoding: a clear error


def test_jsonl_nested_keys_and_platform_ids(config: Config, tmp_path: Path,
                                            author_key: str) -> None:
    lines = [
        {"post_id": "123_456", "permalink": "https://www.facebook.com/123/posts/456",
         "message": "Chỉ thị 57 được nhắc nhiều", "created_time": "2026-03-20T09:00:00+0000",
         "from": {"name": RAW_AUTHOR}, "stats": {"reactions": 15, "shares": "2"}},
        "not an object",
        {"post_id": "789", "permalink": "https://www.facebook.com/1/posts/789",
         "message": "Chỉ thị 57", "created_time": 1774000000},
    ]
    path = tmp_path / "fb.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{bad\n",
                    encoding="utf-8")
    batch = read_import(path, config, "mxh", now=NOW)
    first, second = batch.items
    assert first.id == platform_item_id("facebook", "123_456")
    assert (first.source, first.source_type, first.platform) == (
        "facebook-export", "social", "facebook")
    assert first.published_at == datetime(2026, 3, 20, 16, 0, tzinfo=VN_TZ)
    assert first.author is None and first.author_hash == author_hash(RAW_AUTHOR, KEY,
                                                                       "facebook")
    assert (first.engagement.likes, first.engagement.shares) == (15, 2)
    assert second.id == "facebook:789"
    assert second.published_at.timestamp() == 1774000000
    assert [(r.row, r.reason) for r in batch.report.rejected] == [
        (2, "expected a JSON object, got str"),
        (4, "not valid JSON (Expecting property name enclosed in double quotes)"),
    ]


def test_xlsx_built_with_openpyxl(config: Config, tmp_path: Path, author_key: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    sheet.append(["Báo cáo xuất từ công cụ khác"])  # a title row above the header is common
    book.remove(sheet)
    sheet = book.create_sheet("Dữ liệu")
    sheet.append(HEADER)
    sheet.append([ROWS[0][0], ROWS[0][1], ROWS[0][2], datetime(2026, 3, 25, 8, 15),
                  "VnExpress", "Nguyễn Văn Báo", 1234])
    sheet.append([])  # an empty row is skipped
    sheet.append([ROWS[1][0], ROWS[1][1], ROWS[1][2], "26/03/2026 10:00", "Facebook",
                  RAW_AUTHOR, "3K"])
    sheet.append(["https://baochinhphu.vn/a.htm", "Chỉ thị 57", "Chỉ thị 57", "32/13/2026",
                  "", "", -5])
    path = tmp_path / "xuat.xlsx"
    book.save(path)
    batch = read_import(path, config, "vi", now=NOW)
    check_two_items(batch.items, author_key)
    (rejected,) = batch.report.rejected
    assert rejected.row == 5 and "published_at" in rejected.reason


def test_bad_rows_are_reported_with_their_row_numbers(config: Config, tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        ["khong-phai-url", "x", "Chỉ thị 57", "01/03/2026", "", "", ""],  # line 3
        # a quoted value over two lines: the next record starts on line 6
        ["https://x.vn/nhieu-dong", "Hai dòng", "Chỉ thị 57\ndòng hai", "ngày mai", "", "", ""],
        ["https://x.vn/tuong-lai", "x", "Chỉ thị 57", "01/01/2030", "", "", ""],  # line 6
        ["https://x.vn/lac-de", "Thời tiết", "Trời mưa", "01/03/2026", "", "", ""],  # line 7
        ["https://x.vn/dem", "x", "Chỉ thị 57", "01/03/2026", "", "", "nhiều"],  # line 8
        [ROWS[0][0] + "?utm_source=fb", "Bản sao", "Chỉ thị 57", "01/03/2026", "", "", ""],
        ["https://x.vn/khong-ngay", "x", "Chỉ thị 57", "", "", "", ""],  # line 10
    ]
    path = write_csv(tmp_path / "loi.csv", rows)
    batch = read_import(path, config, "vi", now=NOW)
    assert batch.report.accepted == 1
    reasons = {r.row: r.reason for r in batch.report.rejected}
    assert sorted(reasons) == [3, 4, 6, 7, 8, 9, 10]
    assert reasons[3].startswith("url: not an http(s) URL")
    assert reasons[4] == "published_at: unrecognised date 'ngày mai'"
    assert "in the future" in reasons[6]
    assert reasons[7].startswith("mentions no tracked topic")
    assert reasons[8] == "engagement.likes: expected a count, got 'nhiều'"
    assert reasons[9].startswith("the same item as row 2")
    assert reasons[10] == "published_at: no publication date"


def test_off_topic_rows_are_kept_when_asked(config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lac.csv", [["https://x.vn/m", "Thời tiết", "Trời mưa",
                                            "01/03/2026", "", "", ""]])
    batch = read_import(path, config, "vi", keep_off_topic=True, now=NOW)
    assert [item.topics for item in batch.items] == [[]]


def test_a_missing_required_column_and_an_unknown_profile_are_clear(
    config: Config, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "thieu.csv", [["a", "b"]], header=["Tiêu đề", "Nội dung"])
    with pytest.raises(InputError, match=r"thieu\.csv: no column 'Link' or 'Ngày đăng'"):
        read_import(path, config, "vi", now=NOW)
    with pytest.raises(ConfigError, match="no profile 'khong-co'"):
        read_import(path, config, "khong-co", now=NOW)
    with pytest.raises(InputError, match="unknown file type"):
        read_import(tmp_path / "x.pdf", config, "vi", now=NOW)


def test_headers_match_without_case_or_diacritics(config: Config, tmp_path: Path) -> None:
    header = ["LINK", "TIEU DE", "Nội dung ", "ngày đăng", "Nguồn", "Tác giả", "Lượt thích"]
    path = write_csv(tmp_path / "hoa.csv", ROWS[:1], header=header)
    batch = read_import(path, config, "vi", now=NOW)
    assert batch.items[0].title == "Triển khai Chỉ thị 57"


def test_import_stores_reports_and_audits(config: Config, tmp_path: Path, store: SQLiteStore,
                                          author_key: str) -> None:
    path = write_csv(tmp_path / "xuat.csv", [*ROWS, ["x", "y", "z", "", "", RAW_AUTHOR, ""]])
    report = import_file(config, path, store, "vi", actor="cli:lan")
    assert report.stored is not None and report.stored.inserted == 2
    assert store.count() == 2
    assert report.report_path is not None
    assert report.report_path.parent == config.data_dir / "import-reports"
    with report.report_path.open(encoding="utf-8-sig") as handle:
        rejected = list(csv.DictReader(handle))
    assert [row["row"] for row in rejected] == ["4"] and rejected[0]["url"] == "x"
    (entry,) = store.audit_log(action="import")
    assert (entry.actor, entry.target) == ("cli:lan", str(path.resolve()))
    assert entry.details["inserted"] == 2 and entry.details["rejected"] == 1
    assert "row 4: url: not an http(s) URL" in report.describe()


def test_reimport_is_idempotent(config: Config, tmp_path: Path, store: SQLiteStore) -> None:
    path = write_csv(tmp_path / "xuat.csv", ROWS)
    first = import_file(config, path, store, "vi")
    second = import_file(config, path, store, "vi")
    assert first.stored is not None and first.stored.inserted == 2
    assert second.stored is not None
    assert (second.stored.inserted, second.stored.updated, second.stored.unchanged) == (0, 0, 2)
    assert store.count() == 2


def test_a_failing_store_leaves_nothing_imported(
    config: Config, tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "xuat.csv", ROWS)
    real_insert = SQLiteStore._insert
    calls = []

    def insert_then_fail(self: SQLiteStore, conn: object, item: object) -> None:
        calls.append(item)
        if len(calls) == 2:  # the second row: the first is already written in the transaction
            raise OSError("disk full")
        real_insert(self, conn, item)

    monkeypatch.setattr(SQLiteStore, "_insert", insert_then_fail)
    with pytest.raises(StoreError, match="nothing was imported"):
        import_file(config, path, store, "vi")
    assert store.count() == 0 and store.audit_log(action="import") == []
    monkeypatch.setattr(SQLiteStore, "_insert", real_insert)
    report = import_file(config, path, store, "vi")  # running it again is safe
    assert report.stored is not None and report.stored.inserted == 2


def test_dry_run_and_strict_store_nothing(config: Config, tmp_path: Path,
                                          store: SQLiteStore) -> None:
    path = write_csv(tmp_path / "xuat.csv", [*ROWS, ["x", "", "", "", "", "", ""]])
    assert import_file(config, path, store, "vi", dry_run=True).stored is None
    strict = import_file(config, path, store, "vi", strict=True)
    assert strict.stored is None and len(strict.rejected) == 1
    assert store.count() == 0


def test_no_raw_social_author_reaches_store_report_audit_or_logs(
    config: Config, tmp_path: Path, store: SQLiteStore, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = ["https://x.vn/b", "x", "Chỉ thị 57", "không rõ", "Diễn đàn", RAW_AUTHOR, ""]
    path = write_csv(tmp_path / "xuat.csv", [*ROWS, bad])
    for key in (None, KEY):  # without a key the author is dropped, with one it is hashed
        if key:
            monkeypatch.setenv("PHUXANH_AUTHOR_HASH_KEY", key)
        report = import_file(config, path, store, "vi")
        assert report.authors_dropped == (0 if key else 1)
    store.close()
    needle = RAW_AUTHOR.encode()
    for file in (tmp_path / "store.db", *tmp_path.glob("store.db-*"),
                 *(config.data_dir / "import-reports").iterdir()):
        assert needle not in file.read_bytes(), file
    audit = json.dumps([e.details for e in SQLiteStore(tmp_path / "store.db").audit_log()],
                       ensure_ascii=False)
    assert RAW_AUTHOR not in audit and RAW_AUTHOR not in caplog.text
    assert RAW_AUTHOR not in report.describe()


@pytest.mark.parametrize(("raw", "expected"), [
    (None, None), ("", None), (7, 7), (7.0, 7), ("1.234", 1234), ("1,234", 1234),
    ("1 234 567", 1234567), ("1,2K", 1200), ("3 nghìn", 3000), ("2tr", 2000000),
    ("1.5M", 1500000),
])
def test_parse_count(raw: object, expected: int | None) -> None:
    assert parse_count(raw, "engagement.likes") == expected


@pytest.mark.parametrize("raw", ["-3", "12,5", "abc", True, -1, 2.5])
def test_parse_count_refuses(raw: object) -> None:
    with pytest.raises(ValueError, match=r"engagement\.likes"):
        parse_count(raw, "engagement.likes")


@pytest.mark.parametrize(("raw", "expected"), [
    ("25/03/2026 08:15", datetime(2026, 3, 25, 8, 15, tzinfo=VN_TZ)),
    ("25/3/2026", datetime(2026, 3, 25, tzinfo=VN_TZ)),
    ("ngày 25 tháng 3 năm 2026", datetime(2026, 3, 25, tzinfo=VN_TZ)),
    ("2026-03-25T01:15:00Z", datetime(2026, 3, 25, 8, 15, tzinfo=VN_TZ)),
    ("1774400000", datetime.fromtimestamp(1774400000, VN_TZ)),
])
def test_parse_published(raw: str, expected: datetime) -> None:
    assert parse_published(raw, None, NOW) == expected


def test_parse_published_with_a_format() -> None:
    assert parse_published("03-25-2026 8:15 PM", "%m-%d-%Y %I:%M %p", NOW) == datetime(
        2026, 3, 25, 20, 15, tzinfo=VN_TZ)
    with pytest.raises(ValueError, match="does not match the profile's date_format"):
        parse_published("25/03/2026", "%m-%d-%Y", NOW)


def test_jsonl_lines_split_only_at_newlines(config: Config, tmp_path: Path) -> None:
    record = {"url": "https://x.vn/a", "title": "Chỉ thị 57\u2028dòng", "text": "Chỉ thị 57",
              "published_at": "2026-03-01T08:00:00+07:00"}
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\r\n", encoding="utf-8")
    batch = read_import(path, config, None, now=NOW)
    assert batch.report.rejected == [] and batch.items[0].source == "import"
