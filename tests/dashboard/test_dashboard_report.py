"""Báo cáo tuần (weekly report): the numbers checked against a store filled with known items,
the PDF's text read back with pypdf, the XLSX read back with openpyxl, the page's callbacks
called as functions, the press restriction, the audit entries and ``phuxanh report``."""

from __future__ import annotations

import base64
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import flask
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.app import create_app
from dashboard.context import Services
from dashboard.data import DashboardData
from dashboard.i18n import translator
from dashboard.pages import report as page
from dashboard.report import text
from dashboard.report.data import build_report, last_complete_week, parse_week, week_key
from dashboard.report.pdf import render_pdf
from dashboard.report.xlsx import render_xlsx
from phuxanh.cli import main
from phuxanh.config import Source
from phuxanh.errors import InputError, PermissionDenied
from phuxanh.schema import (
    VN_TZ,
    DateSource,
    Item,
    Misinformation,
    Review,
    Sentiment,
    url_item_id,
)
from phuxanh.users import User

from .test_dashboard_app import find, text_of

TOPIC = "chi-thi-57"
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=VN_TZ)  # Wednesday of 2026-W13
W12 = date(2026, 3, 16)
W11 = date(2026, 3, 9)
CLAIM = "cam-mang-xa-hoi"  # a narrative in config/narratives.yaml


def user(role: str, outlets: tuple[str, ...] = (), name: str = "lan") -> User:
    return User(username=name, role=role, outlets=outlets, disabled=False, failed_count=0,
                locked_until=None, created_at=NOW, last_login=None)


class Items:
    """Builds items with unique URLs on a given day."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, day: date, source: str, sentiment: str | None, *,
                 official: bool = False, misinfo: str | None = "", original: bool = True,
                 title: str = "", topic: str = TOPIC) -> Item:
        self.n += 1
        at = datetime(day.year, day.month, day.day, 8, 30, tzinfo=VN_TZ)
        url = f"https://{source}.example.vn/bai-{self.n}.html"
        return Item(
            id=url_item_id(url), url=url, canonical_url=url, source=source,
            outlet={"baochinhphu": "Báo Chính phủ", "diendan": "Diễn đàn mẫu"}.get(source, source),
            official=official, source_type="news" if official else "forum",
            title=title or f"Bài {self.n} về Chỉ thị 57", text="Nội dung về an ninh mạng.",
            published_at=at, date_source=DateSource.PAGE_METADATA, fetched_at=at,
            topics=[topic], cluster_id=None if original else "c1", is_original=original,
            sentiment=Sentiment(label=sentiment, score=0.9, model="t@1") if sentiment else None,
            misinformation=(None if misinfo == "" else Misinformation(
                label="likely", score=0.7, model="t@1", narrative_id=misinfo)),
        )


@pytest.fixture
def filled(config, store):
    """2026-W12 (12 items): 4 official positive originals + 1 copy; 3 negative (one repeating
    CLAIM); 1 neutral repeating CLAIM; 1 neutral suspected with no known claim; 1 negative
    repeating CLAIM that a reviewer dismissed; 1 unclassified. 2026-W11: 2 official positive,
    1 negative. Handled: one item decided in W12, one in W13."""
    config.sources = [
        Source(key="baochinhphu", name="Báo Chính phủ", official=True, weekly_target=3),
        Source(key="nhandan", name="Nhân Dân", official=True, weekly_target=2),
        Source(key="diendan", name="Diễn đàn mẫu", type="forum"),
    ]
    make = Items()
    day = W12 + timedelta(days=2)
    w12 = (
        [make(day, "baochinhphu", "positive", official=True) for _ in range(4)]
        + [make(day, "baochinhphu", "positive", official=True, original=False)]
        + [make(day, "diendan", "negative") for _ in range(2)]
        + [make(day, "diendan", "negative", misinfo=CLAIM, title="Tin đồn cấm mạng xã hội")]
        + [make(day, "diendan", "neutral", misinfo=CLAIM)]
        + [make(day, "diendan", "neutral", misinfo=None)]
        + [make(day, "diendan", "negative", misinfo=CLAIM)]  # dismissed below
        + [make(day, "diendan", None)]
    )
    w11 = ([make(W11, "baochinhphu", "positive", official=True) for _ in range(2)]
           + [make(W11, "diendan", "negative")])
    store.upsert(w12 + w11)
    rumour, dismissed = w12[7], w12[10]
    store.set_review(rumour.id, Review(
        status="handled", response_url="https://baochinhphu.vn/phan-hoi-1.html",
        reviewed_at=datetime(2026, 3, 19, 14, 30, tzinfo=VN_TZ)), 0, actor="hoa")
    store.set_review(dismissed.id, Review(status="dismissed", misinformation="unlikely",
                                          reviewed_at=NOW - timedelta(days=6)), 0, actor="hoa")
    store.set_review(w11[2].id, Review(
        status="handled", response_url="https://baochinhphu.vn/phan-hoi-2.html",
        reviewed_at=NOW - timedelta(hours=2)), 0, actor="hoa")  # decided in W13
    return config


@pytest.fixture
def services(filled, store) -> Services:
    return Services(config=filled, data=DashboardData(store, clock=lambda: NOW),
                    t=translator("vi"))


@pytest.fixture
def report(services):
    return build_report(services.data, services.config, "2026-W12")


def test_weeks_are_iso_weeks() -> None:
    assert parse_week("2026-W12") == W12 == parse_week("2026w12") == parse_week(" 2026W12 ")
    assert week_key(W12) == "2026-W12" and week_key(date(2027, 1, 1)) == "2026-W53"
    assert last_complete_week(NOW.date()) == W12
    for bad in ("2026-12", "W12", "2026-W54", ""):
        with pytest.raises(InputError, match="week"):
            parse_week(bad)


def test_headline_numbers(report) -> None:
    s = report.summary
    assert (report.key, report.week, report.end) == ("2026-W12", W12, date(2026, 3, 22))
    assert not report.partial
    assert s.total == 12 and s.originals == 11 and s.copies == 1
    # The dismissed item's reviewer gave no sentiment: it stays negative by the model.
    assert (s.positive, s.neutral, s.negative, s.unclassified) == (5, 2, 4, 1)
    assert s.official_positive == 5
    assert s.misinformation == 4  # model suggestions (the rollups keep the model's label)
    # negative or suspected, each once: 4 negative (two also suspected) + 2 neutral suspected
    assert s.against == 6
    assert s.index == pytest.approx(5 / 11)
    p = report.previous
    assert p.week == W11 and (p.total, p.official_positive, p.against) == (3, 2, 1)


def test_trend_covers_eight_weeks_zero_filled(report) -> None:
    assert len(report.trend) == 8
    assert report.trend[-1] == report.summary and report.trend[-2] == report.previous
    assert report.trend[0].week == W12 - timedelta(weeks=7)
    assert [w.total for w in report.trend] == [0, 0, 0, 0, 0, 0, 3, 12]
    assert report.trend[0].index is None


def test_top_narratives_and_handled_items(report) -> None:
    rows = [(row.narrative_id, row.count) for row in report.narratives]
    assert rows == [(CLAIM, 2), ("", 1)]  # the dismissed one is not counted
    assert report.narratives[0].claim.startswith("Chỉ thị 57 cấm")
    assert len(report.handled) == 1  # the W13 decision belongs to next week's report
    handled = report.handled[0]
    assert handled.title == "Tin đồn cấm mạng xã hội"
    assert handled.response_url == "https://baochinhphu.vn/phan-hoi-1.html"
    assert handled.response_hours == pytest.approx(30.0)  # 18/03 08:30 -> 19/03 14:30


def test_coverage_table_ends_with_the_report_week(report) -> None:
    cov = report.coverage
    assert cov.weeks[-1] == W12 and len(cov.weeks) == 4 and cov.complete == 4
    counts = {row.source: row.counts for row in cov.rows}
    assert counts == {"baochinhphu": (0, 0, 2, 5), "nhandan": (0, 0, 0, 0),
                      "diendan": (0, 0, 1, 7)}
    assert [row.source for row in cov.silent] == ["nhandan"]


def test_headlines_in_words(report) -> None:
    t = translator("vi")
    cards = {h.key: h for h in text.headlines(report, t)}
    assert cards["total"].value == "12" and cards["total"].change == "+9 so với tuần trước"
    assert cards["originals"].note == "1 bản sao, đăng lại"
    assert cards["against"].note == "4 tiêu cực · 4 nghi sai lệch"
    assert cards["index"].value == "45%"
    assert cards["index"].change == "−21,2 điểm % so với tuần trước"  # 66,7% -> 45,5%
    assert cards["official_positive"].change == "+3 so với tuần trước"
    assert text.title(report, t) == "Báo cáo tuần 12/2026"
    assert text.hours(30.0, t) == "30,0 giờ" and text.hours(50, t) == "2 ngày 2 giờ"


def test_a_press_report_counts_only_their_outlets(services) -> None:
    content = page.preview(user("press", ("baochinhphu",)), "2026-W12", TOPIC, services)
    kpis = find(content, page.KPIS)
    values = {getattr(card, "data-kpi"): text_of(card.children[1]) for card in kpis.children}
    assert values["total"] == "5" and values["against"] == "0" and values["index"] == "100%"
    assert "Phạm vi: các đơn vị Báo Chính phủ." in text_of(content)
    table = find(content, "report-coverage-table")
    assert [getattr(tr, "data-source") for tr in table.children[1].children] == ["baochinhphu"]
    assert "Không có bài nào nghi lặp lại" in text_of(find(content, page.NARRATIVES))
    with pytest.raises(PermissionDenied):
        page.preview(None, "2026-W12", TOPIC, services)


def test_the_preview(services) -> None:
    content = page.preview(user("viewer"), "2026-W12", TOPIC, services)
    assert text_of(find(content, page.TITLE)) == "Báo cáo tuần 12/2026"
    volume = find(content, page.VOLUME_GRAPH).figure
    assert [trace.meta for trace in volume.data] == ["positive", "neutral", "negative",
                                                    "unclassified"]
    assert list(volume.data[0].y)[-2:] == [2, 5]
    balance = find(content, page.BALANCE_GRAPH).figure
    assert list(balance.data[1].y)[-2:] == [1, 6] and balance.data[1].meta == "against"
    handled = find(content, page.HANDLED)
    assert "Tin đồn cấm mạng xã hội" in text_of(handled) and "30,0 giờ" in text_of(handled)
    assert "19/03/2026 14:30" in text_of(handled)
    # This week, still running, can be previewed too and says so.
    running = page.preview(user("viewer"), "2026-W13", TOPIC, services)
    assert "chưa kết thúc" in text_of(running)
    with pytest.raises(InputError, match="has not started"):
        page.preview(user("viewer"), "2026-W14", TOPIC, services)
    with pytest.raises(InputError, match=r"topics\.yaml"):
        page.preview(user("viewer"), "2026-W12", "khong-co", services)


def test_the_pdf_is_a4_vietnamese_text_and_vector_charts(report) -> None:
    pdf = render_pdf(report, translator("vi"))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    words = " ".join(page.extract_text() for page in reader.pages)
    for expected in ("Báo cáo tuần 12/2026", "Từ 16/03/2026 đến 22/03/2026", "Tổng số bài",
                     "Tin gốc", "Tin tích cực từ kênh chính thống", "Chỉ số phủ xanh", "45%",
                     "Các luận điệu sai lệch xuất hiện nhiều nhất", "Chỉ thị 57 cấm",
                     "Đưa tin của các đơn vị so với chỉ tiêu", "Nhân Dân",
                     "Đơn vị im lặng: Nhân Dân.", "Tin đã xử lý trong tuần", "30,0 giờ",
                     "Tích cực", "Tiêu cực", "T12"):
        assert expected in " ".join(words.split()), expected
    fonts = set()
    for pdf_page in reader.pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
        assert not pdf_page.images  # charts are drawn, not pasted in as pictures
    # DejaVu Sans, embedded as a subset ("ABCDEF+" prefix): readable on any machine.
    assert {name.split("+")[-1] for name in fonts if "+" in name} >= {
        "DejaVuSans", "DejaVuSans-Bold"}, fonts
    assert reader.metadata.title == "Báo cáo tuần 12/2026"


def test_the_pdf_in_english_and_empty(services) -> None:
    empty = build_report(services.data, services.config, "2026-W02")
    pdf = render_pdf(empty, translator("en"))
    words = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Weekly report 2/2026" in words and "Items" in words


def test_the_xlsx_has_one_sheet_per_section(report) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(report, translator("vi"))))
    assert book.sheetnames == ["Tổng hợp", "Xu hướng", "Luận điệu", "Đưa tin", "Đã xử lý"]
    summary = {row[0]: row[1:] for row in book["Tổng hợp"].iter_rows(values_only=True)
               if row[0]}
    assert summary["Tuần"][0] == "2026-W12"
    assert summary["Tổng số bài"][:2] == (12, 3)
    assert summary["Tin gốc"][:2] == (11, 3)
    assert summary["Tiêu cực hoặc nghi sai lệch"][:2] == (6, 1)
    assert summary["Chỉ số phủ xanh"][:2] == pytest.approx((5 / 11, 2 / 3))
    trend = list(book["Xu hướng"].iter_rows(values_only=True))
    assert trend[0][:3] == ("Tuần (ISO)", "Thứ Hai đầu tuần", "Tổng số bài")
    assert trend[-1][0] == "2026-W12" and trend[-1][1] == datetime(2026, 3, 16)
    assert len(trend) == 9
    narratives = list(book["Luận điệu"].iter_rows(values_only=True))
    assert narratives[1][1] == CLAIM and narratives[1][3] == 2
    coverage = {row[1]: row for row in book["Đưa tin"].iter_rows(values_only=True)}
    assert coverage["baochinhphu"][3:9] == (3, 0, 0, 2, 5, 7)
    handled = list(book["Đã xử lý"].iter_rows(values_only=True))
    assert handled[1][0] == "Tin đồn cấm mạng xã hội" and handled[1][5] == 30.0
    assert handled[1][4] == datetime(2026, 3, 19, 14, 30)  # local time, as Excel shows it


def test_downloads_are_audited(filled, store) -> None:
    app = create_app(filled, store, clock=lambda: NOW, testing=True)
    with app.server.test_request_context("/report"):
        flask.g.phuxanh_user = user("press", ("baochinhphu",), name="bao")
        sent = page.on_pdf(1, "2026-W12", TOPIC)
        assert sent["filename"] == "phuxanh-bao-cao-tuan-2026-W12.pdf"
        assert sent["type"] == "application/pdf"
        assert base64.b64decode(sent["content"]).startswith(b"%PDF-")
        flask.g.phuxanh_user = user("viewer")
        sent = page.on_xlsx(1, "2026-W12", TOPIC)
        assert sent["filename"].endswith("2026-W12.xlsx")
        load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
        preview = page.on_change(None, TOPIC)  # no week chosen: the last complete one
        assert text_of(find(preview, page.TITLE)) == "Báo cáo tuần 12/2026"
    exports = store.audit_log(limit=5, action="export")
    assert [(e.actor, e.target, e.details["format"]) for e in exports] == [
        ("lan", "phuxanh-bao-cao-tuan-2026-W12.xlsx", "xlsx"),
        ("bao", "phuxanh-bao-cao-tuan-2026-W12.pdf", "pdf")]
    assert exports[1].details["outlets"] == ["baochinhphu"]
    assert exports[0].details["outlets"] is None


def test_week_options(services) -> None:
    options, default = page.week_options(services)
    assert default == "2026-W12" and len(options) == page.WEEK_CHOICES
    assert options[0]["label"] == "2026-W13: 23/03/2026 – 29/03/2026 (đang diễn ra)"
    assert options[1] == {"label": "2026-W12: 16/03/2026 – 22/03/2026", "value": "2026-W12"}


def test_the_cli_writes_the_files(tmp_path: Path, make_item) -> None:
    from phuxanh.config import load_config
    from phuxanh.store import open_store

    data_dir = tmp_path / "var"
    config = load_config(overrides={"data_dir": str(data_dir)})
    store = open_store(config)
    at = datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)
    store.upsert([make_item(at, "positive", official=True) for _ in range(3)]
                 + [make_item(at, "negative")])
    store.close()
    out = tmp_path / "bao-cao"
    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(data_dir), "report", "--week", "2026-W12",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out / "phuxanh-bao-cao-tuan-2026-W12.pdf"
    xlsx = out / "phuxanh-bao-cao-tuan-2026-W12.xlsx"
    assert result.output.split() == [str(pdf), str(xlsx)]
    words = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Báo cáo tuần 12/2026" in words and "Tổng số bài" in words
    summary = {row[0]: row[1] for row in load_workbook(xlsx)["Tổng hợp"].iter_rows(
        values_only=True) if row[0]}
    assert summary["Tổng số bài"] == 4 and summary["Tích cực từ kênh chính thống"] == 3

    only = tmp_path / "chi-xlsx"
    result = runner.invoke(main, ["--data-dir", str(data_dir), "report", "--week", "2026-W11",
                                  "-o", str(only), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in only.iterdir()] == ["phuxanh-bao-cao-tuan-2026-W11.xlsx"]
    store = open_store(config)
    exports = store.audit_log(limit=10, action="export")
    store.close()
    assert len(exports) == 3 and all(e.actor.startswith("cli") for e in exports)

    bad = runner.invoke(main, ["--data-dir", str(data_dir), "report", "--week", "2026-W99"])
    assert bad.exit_code == 1 and "2026 has no ISO week 99" in bad.output


def test_spreadsheet_cells_are_never_formulas() -> None:
    from openpyxl import Workbook

    from dashboard.pages.coverage import _csv_value
    from dashboard.report.xlsx import write_table

    book = Workbook()
    write_table(book.active, ["Bài viết"], [['=HYPERLINK("http://x.example","bấm")'], [3]])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["A3"].value == 3
    assert _csv_value("=1+1") == "'=1+1" and _csv_value("-x") == "'-x"
    assert _csv_value(5) == 5 and _csv_value(None) == "" and _csv_value("Báo") == "Báo"


def test_other_topics_stay_out_of_narratives_and_handled(services, store) -> None:
    make = Items()
    other = [make(W12 + timedelta(days=1), "diendan", "negative", misinfo=CLAIM,
                  topic="chuyen-doi-so", title=f"Khác {n}") for n in range(2)]
    store.upsert(other)
    store.set_review(other[0].id, Review(status="handled", response_url="https://a.vn/b",
                                         reviewed_at=datetime(2026, 3, 18, tzinfo=VN_TZ)),
                     0, actor="hoa")
    report = build_report(services.data, services.config, "2026-W12")
    assert [(row.narrative_id, row.count) for row in report.narratives] == [(CLAIM, 2), ("", 1)]
    assert [entry.title for entry in report.handled] == ["Tin đồn cấm mạng xã hội"]
    assert report.summary.total == 12
    everything = build_report(services.data, services.config, "2026-W12", "chuyen-doi-so")
    assert [(row.narrative_id, row.count) for row in everything.narratives] == [(CLAIM, 2)]
    assert [entry.title for entry in everything.handled] == ["Khác 0"]


def test_the_pdf_lists_a_bounded_number_of_handled_items(report, monkeypatch) -> None:
    from dashboard.report import pdf

    monkeypatch.setattr(pdf, "HANDLED_IN_PDF", 0)
    reader = PdfReader(io.BytesIO(pdf.render_pdf(report, translator("vi"))))
    words = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "… và 1 tin khác (1 tin; đủ cả trong file Excel)." in words
    assert "Tin đồn cấm mạng xã hội" not in words
