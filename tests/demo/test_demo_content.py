"""The sample content: enough of it, varied, well-formed, and true to its own ground truth."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from demo.content import (
    CONTENT_FILE,
    MAX_DAYS_AGO,
    Article,
    ContentError,
    bundled_content,
    load_content,
    parse_content,
)
from phuxanh.config import PACKAGE_CONFIG_DIR, Topic
from phuxanh.topics import TopicMatcher

CONTENT = bundled_content()
ON_TOPIC = [a for a in CONTENT.articles if a.on_topic]
OFF_TOPIC = [a for a in CONTENT.articles if not a.on_topic]
OFFICIAL = {o.key for o in CONTENT.outlets if o.official}

# The brief's terms; the off-topic check also uses every term the shipped topic config has.
BRIEF_TERMS = ["Chỉ thị 57", "57-CT/TW", "CT 57", "Chỉ thị số 57"]
MATCHER = TopicMatcher([Topic(key="chi-thi-57", name="Chỉ thị 57", terms=BRIEF_TERMS)])
ALL_TERMS = [*BRIEF_TERMS, "Chỉ thị 57-CT/TW", "Chỉ thị số 57-CT/TW", "57 CT/TW", "Directive 57"]
STRICT_MATCHER = TopicMatcher([Topic(key="any", name="any", terms=ALL_TERMS)])


def words(article: Article) -> int:
    return len(" ".join((article.sapo, *article.body)).split())


def test_the_file_is_nfc_utf8_and_says_it_is_fictional() -> None:
    raw = CONTENT_FILE.read_bytes().decode("utf-8")
    assert unicodedata.is_normalized("NFC", raw)
    header = raw[:1200]
    assert "FICTIONAL SAMPLE DATA" in header
    assert "invented" in header


def test_counts() -> None:
    assert len(CONTENT.articles) >= 72
    assert len(ON_TOPIC) >= 64
    assert len(OFF_TOPIC) >= 8
    assert len(CONTENT.outlets) >= 5
    assert len(OFFICIAL) >= 2
    assert {o.type for o in CONTENT.outlets} == {"news", "forum"}
    assert len({a.slug for a in CONTENT.articles}) == len(CONTENT.articles)
    for outlet in CONTENT.outlets:
        assert len(CONTENT.by_outlet(outlet.key)) >= 10, outlet.key


def test_outlets_cover_every_markup_flavour_and_format() -> None:
    assert {o.style for o in CONTENT.outlets} == {
        "legacy-portal", "cms-jsonld", "cms-time", "text-date", "forum",
    }
    assert [o.feed for o in CONTENT.outlets].count("atom") == 1
    assert [o.charset for o in CONTENT.outlets].count("windows-1258") == 1
    assert all("Mẫu" in o.name for o in CONTENT.outlets)  # clearly not a real outlet


def test_articles_are_articles_not_stubs() -> None:
    for article in CONTENT.articles:
        assert 3 <= len(article.body) <= 6, article.slug
        assert 120 <= words(article) <= 400, (article.slug, words(article))
        assert article.author.strip(), article.slug
    # Not one template with words swapped: no two articles share a body paragraph, except
    # the republished pair.
    copies = {a.slug for a in CONTENT.articles if a.duplicate_of}
    seen: dict[str, str] = {}
    for article in CONTENT.articles:
        if article.slug in copies:
            continue
        for paragraph in article.body:
            assert paragraph not in seen, (article.slug, seen.get(paragraph))
            seen[paragraph] = article.slug


def test_text_is_double_quote_free_and_clean() -> None:
    for article in CONTENT.articles:
        for text in (article.title, article.sapo, *article.body):
            assert '"' not in text, article.slug  # quotations use “ ”
            assert text == text.strip() and "  " not in text, article.slug


def test_sentiment_mix() -> None:
    counts = Counter(a.intended_sentiment for a in ON_TOPIC)
    share = {label: counts[label] / len(ON_TOPIC) for label in counts}
    assert 0.35 <= share["positive"] <= 0.45
    assert 0.25 <= share["neutral"] <= 0.35
    assert 0.25 <= share["negative"] <= 0.35
    official = [a for a in ON_TOPIC if a.outlet in OFFICIAL]
    assert sum(a.intended_sentiment != "negative" for a in official) / len(official) >= 0.9
    unofficial = [a for a in ON_TOPIC if a.outlet not in OFFICIAL]
    assert sum(a.intended_sentiment == "negative" for a in unofficial) >= len(unofficial) / 2


def test_false_claims_are_repeated_mostly_outside_official_channels() -> None:
    claims = {c.key for c in CONTENT.claims}
    repeats = [a for a in CONTENT.articles if a.repeats_claim]
    assert len(repeats) >= 8
    assert all(a.on_topic and a.repeats_claim in claims for a in repeats)
    assert len({a.repeats_claim for a in repeats}) >= 4
    assert sum(a.outlet not in OFFICIAL for a in repeats) >= 0.75 * len(repeats)
    assert any(o.type == "forum" and a.outlet == o.key for a in repeats for o in CONTENT.outlets)


def test_official_items_refute_claims_without_repeating_them() -> None:
    refuting = [a for a in CONTENT.articles if a.refutes_claim]
    assert len(refuting) >= 2
    for article in refuting:
        assert article.outlet in OFFICIAL
        assert article.repeats_claim is None
        assert article.intended_sentiment in {"positive", "neutral"}
        assert re.search(r"sai sự thật|không có chuyện|không chính xác", article.text), article.slug


def test_claim_keys_are_the_narrative_ids() -> None:
    narratives_file = PACKAGE_CONFIG_DIR / "narratives.yaml"
    if not narratives_file.exists():
        pytest.skip("config/narratives.yaml is not there")
    narratives = yaml.safe_load(narratives_file.read_text(encoding="utf-8"))["narratives"]
    assert {c.key for c in CONTENT.claims} <= {n["id"] for n in narratives}


def test_directive_named_in_its_varied_forms() -> None:
    texts = [a.text for a in ON_TOPIC]
    assert any("Chỉ thị số 57-CT/TW" in t for t in texts)
    assert any(re.search(r"Chỉ thị 57-CT/TW", t) for t in texts)
    assert any(re.search(r"Chỉ thị 57(?![-/\w])", t) for t in texts)
    assert any(re.search(r"\bCT 57\b", t) for t in texts)
    ascii_posts = [a for a in ON_TOPIC if (a.title + a.sapo + "".join(a.body)).isascii()]
    assert len(ascii_posts) >= 2  # forum posts typed without diacritics
    assert all(CONTENT.outlet(a.outlet).type == "forum" for a in ascii_posts)
    assert any("chi thi 57" in a.text for a in ascii_posts)


def test_topic_matcher_finds_every_on_topic_article_in_its_body() -> None:
    for article in ON_TOPIC:
        assert MATCHER.match(article.title, article.sapo, *article.body), article.slug
        # In the body itself: whether the lead survives extraction varies by CMS.
        assert MATCHER.match(*article.body), article.slug


def test_off_topic_articles_mention_no_directive() -> None:
    for article in OFF_TOPIC:
        assert not STRICT_MATCHER.match(article.text), article.slug
    topics_file = PACKAGE_CONFIG_DIR / "topics.yaml"
    if topics_file.exists():
        shipped = [Topic.model_validate(t) for t in yaml.safe_load(topics_file.read_text(
            encoding="utf-8"))["topics"]]
        matcher = TopicMatcher(shipped)
        assert not [a.slug for a in OFF_TOPIC if matcher.match(a.text)]
        assert not [a.slug for a in ON_TOPIC if not matcher.match(a.title, *a.body)]


def test_one_official_release_is_republished_with_minor_edits() -> None:
    copies = [a for a in CONTENT.articles if a.duplicate_of]
    assert len(copies) == 1
    copy = copies[0]
    original = next(a for a in CONTENT.articles if a.slug == copy.duplicate_of)
    assert original.outlet in OFFICIAL and copy.outlet != original.outlet
    assert copy.text != original.text
    ratio = difflib.SequenceMatcher(None, original.text, copy.text).ratio()
    assert ratio > 0.85
    assert abs(original.days_ago - copy.days_ago) <= 1


def _on_topic_days(today: date) -> Counter[date]:
    return Counter(a.published_at(today).date() for a in ON_TOPIC)


@pytest.mark.parametrize("offset", range(7))
def test_each_of_the_last_eight_iso_weeks_has_items_whatever_the_weekday(offset: int) -> None:
    today = date(2026, 3, 9) + timedelta(days=offset)  # Monday .. Sunday
    days = _on_topic_days(today)
    this_monday = today - timedelta(days=today.weekday())
    for back in range(8):
        monday = this_monday - timedelta(weeks=back)
        count = sum(n for day, n in days.items() if monday <= day < monday + timedelta(days=7))
        assert count >= 4, (today, monday, count)


def test_every_seven_day_window_has_items() -> None:
    days = Counter(a.days_ago for a in ON_TOPIC)
    assert max(a.days_ago for a in CONTENT.articles) <= MAX_DAYS_AGO
    for start in range(MAX_DAYS_AGO - 5):
        assert sum(days[d] for d in range(start, start + 7)) >= 4, start


def test_dates_fall_on_weekends_too() -> None:
    for offset in range(7):
        today = date(2026, 3, 9) + timedelta(days=offset)
        weekend = [a for a in ON_TOPIC if a.published_at(today).weekday() >= 5]
        assert len(weekend) >= 8


def test_published_at_is_local_time_days_before_today() -> None:
    article = next(a for a in CONTENT.articles if a.days_ago == 12)
    when = article.published_at(date(2026, 3, 10))
    assert when.date() == date(2026, 2, 26)
    assert f"{when:%H:%M}" == article.time
    assert when.utcoffset() == timedelta(hours=7)


# ----------------------------------------------------------------------------- the loader

def _minimal() -> dict:
    return {
        "claims": [{"key": "c1", "text": "Một tin đồn"}],
        "outlets": [{"key": "o1", "name": "Báo Mẫu", "tagline": "Mẫu", "type": "news",
                     "official": True, "province": None, "style": "cms-time", "feed": "rss",
                     "charset": "utf-8"}],
        "articles": [{"slug": "a-1", "outlet": "o1", "days_ago": 1, "time": "08:15",
                      "title": "Tiêu đề", "sapo": "Sapo", "body": ["Đoạn một."],
                      "author": "PV", "intended_sentiment": "neutral", "repeats_claim": None,
                      "on_topic": True}],
    }


def test_loader_accepts_a_minimal_file() -> None:
    content = parse_content(_minimal())
    assert content.articles[0].section == "Thời sự"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["articles"][0].update(time=495), "time"),  # unquoted 08:15 in YAML 1.1
    (lambda d: d["articles"][0].update(time="8:15"), "HH:MM"),
    (lambda d: d["articles"][0].update(outlet="nope"), "unknown outlet"),
    (lambda d: d["articles"][0].update(repeats_claim="nope"), "repeats_claim"),
    (lambda d: d["articles"][0].update(days_ago=56), "days_ago"),
    (lambda d: d["articles"][0].update(intended_sentiment="angry"), "intended_sentiment"),
    (lambda d: d["articles"][0].update(title=unicodedata.normalize("NFD", "Tiêu đề")), "NFC"),
    (lambda d: d["articles"][0].update(colour="red"), "unknown field"),
    (lambda d: d["articles"].append(dict(d["articles"][0])), "duplicate"),
    (lambda d: d["outlets"][0].update(style="wordpress"), "style"),
    (lambda d: d["articles"][0].pop("repeats_claim"), "repeats_claim"),
])
def test_loader_names_what_is_wrong(change, message: str) -> None:
    data = _minimal()
    change(data)
    with pytest.raises(ContentError, match=message):
        parse_content(data)


def test_load_content_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "articles.yaml"
    bad.write_text("articles: [", encoding="utf-8")
    with pytest.raises(ContentError, match=r"articles\.yaml"):
        load_content(bad)
