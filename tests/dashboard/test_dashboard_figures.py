"""Figure builders and translations, checked on the figures they return (no server)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.data import WeekCounts
from dashboard.figures import (
    COVERAGE_COLORS,
    SENTIMENT_COLORS,
    coverage_figure,
    volume_figure,
)
from dashboard.i18n import CATALOGUES, translator

VI = translator("vi")
EN = translator("en")
FIRST = date(2025, 9, 1)


def twelve_weeks() -> list[WeekCounts]:
    weeks = [WeekCounts(FIRST + timedelta(weeks=i)) for i in range(12)]
    weeks[3] = WeekCounts(weeks[3].week, positive=5, neutral=2, negative=1, unclassified=4,
                          official_positive=3)
    weeks[11] = WeekCounts(weeks[11].week, positive=1, negative=6, official_positive=1)
    return weeks


def test_volume_figure_stacks_one_trace_per_sentiment() -> None:
    weeks = twelve_weeks()
    fig = volume_figure(weeks, VI)
    assert fig.layout.barmode == "stack"
    assert [trace.meta for trace in fig.data] == [
        "positive", "neutral", "negative", "unclassified",
    ]
    assert [trace.name for trace in fig.data] == [
        "Tích cực", "Trung lập", "Tiêu cực", "Chưa phân loại",
    ]
    assert [trace.marker.color for trace in fig.data] == [
        SENTIMENT_COLORS[key] for key in ("positive", "neutral", "negative", "unclassified")
    ]
    assert SENTIMENT_COLORS["positive"] == "#2e7d32"  # green
    assert SENTIMENT_COLORS["negative"] == "#c62828"  # red
    for trace in fig.data:
        assert len(trace.x) == len(trace.y) == 12  # one point per week, quiet weeks included
    positive, neutral, negative, unclassified = (list(trace.y) for trace in fig.data)
    assert positive[3] == 5 and neutral[3] == 2 and negative[3] == 1 and unclassified[3] == 4
    assert positive[0] == 0 and negative[11] == 6


def test_week_labels_are_iso_week_and_monday_day_first() -> None:
    fig = volume_figure(twelve_weeks(), VI)
    labels = list(fig.data[0].x)
    assert labels[0] == "Tuần 36 (01/09)"
    assert labels[-1] == "Tuần 47 (17/11)"
    assert fig.layout.xaxis.type == "category"  # every week a slot, none skipped
    assert fig.layout.separators == ",."  # 1.234,5 in Vietnamese
    assert fig.layout.yaxis.title.text == "Số bài"


def test_week_label_across_the_new_year() -> None:
    # Monday 29 Dec 2025 starts ISO week 1 of 2026.
    assert VI.week_label(date(2025, 12, 29)) == "Tuần 1 (29/12)"
    assert EN.week_label(date(2025, 12, 22)) == "Week 52 (22/12)"


def test_coverage_figure_has_two_lines() -> None:
    weeks = twelve_weeks()
    fig = coverage_figure(weeks, VI)
    assert [trace.meta for trace in fig.data] == ["official_positive", "negative"]
    assert [trace.type for trace in fig.data] == ["scatter", "scatter"]
    assert [trace.name for trace in fig.data] == [
        "Tích cực từ kênh chính thống", "Tiêu cực (mọi nguồn)",
    ]
    assert [trace.line.color for trace in fig.data] == [
        COVERAGE_COLORS["official_positive"], COVERAGE_COLORS["negative"],
    ]
    official, negative = (list(trace.y) for trace in fig.data)
    assert len(official) == len(negative) == 12
    assert official[3] == 3 and official[11] == 1
    assert negative[3] == 1 and negative[11] == 6


def test_all_zero_weeks_still_draw_an_axis() -> None:
    weeks = [WeekCounts(FIRST + timedelta(weeks=i)) for i in range(12)]
    for fig in (volume_figure(weeks, VI), coverage_figure(weeks, VI)):
        assert len(fig.data[0].x) == 12
        assert tuple(fig.layout.yaxis.range) == (0, 1)


def test_english_labels() -> None:
    fig = volume_figure(twelve_weeks(), EN)
    assert [trace.name for trace in fig.data] == [
        "Positive", "Neutral", "Negative", "Not classified",
    ]
    assert fig.data[0].x[0] == "Week 36 (01/09)"
    assert fig.layout.separators == ".,"


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    import string

    vi, en = CATALOGUES["vi"], CATALOGUES["en"]
    assert vi.keys() == en.keys()
    for key in vi:
        fields = {name for _, name, _, _ in string.Formatter().parse(vi[key]) if name}
        assert fields == {
            name for _, name, _, _ in string.Formatter().parse(en[key]) if name
        }, key


@pytest.mark.parametrize(
    ("lang", "integer", "percent", "decimal"),
    [("vi", "1.234.567", "25,6%", "2,5"), ("en", "1,234,567", "25.6%", "2.5")],
)
def test_number_formats(lang: str, integer: str, percent: str, decimal: str) -> None:
    t = translator(lang)
    assert t.integer(1_234_567) == integer
    assert t.percent(0.256) == percent
    assert t.decimal(2.5) == decimal
    assert t.percent(None) == "–"


def test_unknown_language_falls_back_to_vietnamese() -> None:
    assert translator("fr").lang == "vi"
    assert translator(None)("nav.overview") == "Tổng quan"
