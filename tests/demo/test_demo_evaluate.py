"""Scoring stored items against the sample's ground truth."""

from __future__ import annotations

from datetime import date, datetime

from demo.content import bundled_content
from demo.evaluate_sample import evaluate, match_article
from demo.site import article_path
from phuxanh.schema import VN_TZ, DateSource, Item, Misinformation, Sentiment, url_item_id

CONTENT = bundled_content()
TODAY = date(2026, 3, 10)
BASE = "http://127.0.0.1:8049"


def url_of(slug: str) -> str:
    article = next(a for a in CONTENT.articles if a.slug == slug)
    return f"{BASE}/{article_path(CONTENT.outlet(article.outlet), article)}"


def item(slug: str, label: str | None = None, misinfo: str | None = None,
         narrative: str | None = None, cluster: str | None = None,
         published: datetime | None = None) -> Item:
    article = next(a for a in CONTENT.articles if a.slug == slug)
    url = url_of(slug)
    return Item(
        id=url_item_id(url), url=url, canonical_url=url, source=f"demo-{article.outlet}",
        title=article.title, text="\n".join(article.body),
        published_at=published or article.published_at(TODAY),
        date_source=DateSource.PAGE_METADATA, fetched_at=datetime(2026, 3, 10, tzinfo=VN_TZ),
        sentiment=Sentiment(label=label, score=0.9, model="test") if label else None,
        misinformation=(Misinformation(label=misinfo, score=0.9, model="test",
                                       narrative_id=narrative) if misinfo else None),
        cluster_id=cluster,
    )


def test_every_sample_url_maps_back_to_its_article() -> None:
    for article in CONTENT.articles:
        assert match_article(url_of(article.slug), CONTENT.articles) is article
    assert match_article(f"{BASE}/khac/bai-khong-co.html", CONTENT.articles) is None


def test_a_perfect_run_scores_perfectly() -> None:
    copy = next(a for a in CONTENT.articles if a.duplicate_of)
    items = [
        item(a.slug, a.intended_sentiment,
             "likely" if a.repeats_claim else "unlikely", a.repeats_claim,
             cluster="c1" if a.slug in {copy.slug, copy.duplicate_of} else None)
        for a in CONTENT.articles if a.on_topic
    ]
    report = evaluate(items, today=TODAY)
    on_topic = sum(a.on_topic for a in CONTENT.articles)
    assert report.on_topic_found == report.on_topic_expected == on_topic
    assert not report.missed and not report.leaked and not report.unmatched_urls
    assert report.accuracy == 1.0 and report.macro_f1 == 1.0
    assert report.claims_flagged == report.claims_right_narrative == report.claims_expected
    assert report.refutations_flagged == report.others_flagged == 0
    assert report.wrong_day == [] and report.dated_checked == on_topic
    assert report.duplicate_pairs == report.duplicate_pairs_clustered == 1
    assert "accuracy 100%" in report.summary()


def test_mistakes_are_counted() -> None:
    off = next(a for a in CONTENT.articles if not a.on_topic)
    refuting = next(a for a in CONTENT.articles if a.refutes_claim)
    positive = next(a for a in CONTENT.articles if a.on_topic and a.intended_sentiment ==
                    "positive" and not a.refutes_claim)
    items = [
        item(off.slug, "neutral"),
        item(refuting.slug, refuting.intended_sentiment, "likely", refuting.refutes_claim),
        item(positive.slug, "negative", published=datetime(2020, 1, 1, tzinfo=VN_TZ)),
    ]
    report = evaluate(items, today=TODAY)
    assert report.leaked == [off.slug]
    assert report.refutations_flagged == 1
    assert report.confusion["positive"]["negative"] == 1
    assert report.wrong_day == [positive.slug]
    assert report.on_topic_found == 2
    assert len(report.missed) == report.on_topic_expected - 2
