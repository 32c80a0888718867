"""How well the pipeline did on the sample: compare stored items with the sample's ground truth.

Each stored item is matched to its sample article by the slug in its URL (URLs differ in host
and port between runs, never in the slug). Reported: topic filtering (on-topic articles found,
off-topic ones leaked), sentiment against ``intended_sentiment``, false-claim detection against
``repeats_claim`` / ``refutes_claim``, dates against ``days_ago`` when the run day is given,
and whether the republished pair ended up in one near-duplicate cluster.

    python -m demo.evaluate_sample [--config DIR] [--today YYYY-MM-DD] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from demo.content import SENTIMENTS, Article, SampleContent, bundled_content
from phuxanh.schema import VN_TZ, Item


@dataclass
class SampleReport:
    matched: int = 0
    unmatched_urls: list[str] = field(default_factory=list)  # stored, not from the sample
    # topic filter
    on_topic_expected: int = 0
    on_topic_found: int = 0
    missed: list[str] = field(default_factory=list)  # on-topic slugs not stored
    leaked: list[str] = field(default_factory=list)  # off-topic slugs stored anyway
    # sentiment (on-topic items that carry a label)
    classified: int = 0
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # intended -> predicted
    accuracy: float | None = None
    macro_f1: float | None = None
    # false claims
    claims_expected: int = 0
    claims_flagged: int = 0  # repeats flagged "likely"
    claims_right_narrative: int = 0  # ... with the right narrative id
    refutations_flagged: int = 0  # refuting items wrongly flagged "likely"
    others_flagged: int = 0  # other on-topic items flagged "likely"
    # dates (only with the run day)
    dated_checked: int = 0
    wrong_day: list[str] = field(default_factory=list)
    # near-duplicates
    duplicate_pairs: int = 0
    duplicate_pairs_clustered: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        def pct(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.0%}"

        lines = [
            f"Matched {self.matched} stored items to sample articles "
            f"({len(self.unmatched_urls)} stored items are not from the sample).",
            f"Topic filter: {self.on_topic_found}/{self.on_topic_expected} on-topic articles "
            f"stored; {len(self.leaked)} off-topic leaked"
            + (f" ({', '.join(self.leaked)})" if self.leaked else "") + ".",
            f"Sentiment: {self.classified} classified, accuracy {pct(self.accuracy)}, "
            f"macro-F1 {pct(self.macro_f1)}.",
            "  intended \\ predicted  " + "  ".join(f"{s[:3]:>4}" for s in SENTIMENTS),
        ]
        for intended in SENTIMENTS:
            row = self.confusion.get(intended, {})
            lines.append(f"  {intended:<21}" + "  ".join(f"{row.get(p, 0):>4}" for p in SENTIMENTS))
        lines.append(
            f"False claims: {self.claims_flagged}/{self.claims_expected} repeats flagged "
            f"({self.claims_right_narrative} with the right narrative); "
            f"{self.refutations_flagged} refutations and {self.others_flagged} other items "
            "wrongly flagged."
        )
        if self.dated_checked:
            lines.append(f"Dates: {self.dated_checked - len(self.wrong_day)}/{self.dated_checked}"
                         " on the right day.")
        lines.append(f"Near-duplicates: {self.duplicate_pairs_clustered}/{self.duplicate_pairs}"
                     " republished pairs share a cluster.")
        return "\n".join(lines)


def match_article(url: str, articles: Iterable[Article]) -> Article | None:
    """The sample article a URL belongs to: the longest slug that starts a path segment and
    is followed by "-", "." or nothing (slugs can be prefixes of one another)."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    best: Article | None = None
    for article in articles:
        slug = article.slug
        for segment in segments:
            if segment == slug or segment.startswith((slug + "-", slug + ".")):
                if best is None or len(slug) > len(best.slug):
                    best = article
                break
    return best


def _f1(confusion: dict[str, dict[str, int]]) -> float | None:
    scores = []
    for label in SENTIMENTS:
        true_pos = confusion.get(label, {}).get(label, 0)
        predicted = sum(row.get(label, 0) for row in confusion.values())
        actual = sum(confusion.get(label, {}).values())
        if not actual and not predicted:
            continue
        precision = true_pos / predicted if predicted else 0.0
        recall = true_pos / actual if actual else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else None


def _effective_sentiment(item: Item) -> str | None:
    if item.review.sentiment:
        return item.review.sentiment
    return item.sentiment.label if item.sentiment else None


def evaluate(items: Iterable[Item], content: SampleContent | None = None,
             today: date | None = None) -> SampleReport:
    """Compare stored ``items`` with the sample's ground truth. ``today``: the day the sample
    site was built for, to check dates (optional)."""
    content = content or bundled_content()
    report = SampleReport()
    stored: dict[str, Item] = {}
    for item in items:
        article = match_article(item.url, content.articles)
        if article is None:
            report.unmatched_urls.append(item.url)
            continue
        stored.setdefault(article.slug, item)
    report.matched = len(stored)

    confusion: Counter[tuple[str, str]] = Counter()
    for article in content.articles:
        item = stored.get(article.slug)
        if not article.on_topic:
            if item is not None:
                report.leaked.append(article.slug)
            continue
        report.on_topic_expected += 1
        if article.repeats_claim:
            report.claims_expected += 1
        if item is None:
            report.missed.append(article.slug)
            continue
        report.on_topic_found += 1
        predicted = _effective_sentiment(item)
        if predicted:
            report.classified += 1
            confusion[(article.intended_sentiment, predicted)] += 1
        flagged = item.misinformation is not None and item.misinformation.label == "likely"
        if article.repeats_claim and flagged:
            report.claims_flagged += 1
            if item.misinformation and item.misinformation.narrative_id == article.repeats_claim:
                report.claims_right_narrative += 1
        elif article.refutes_claim and flagged:
            report.refutations_flagged += 1
        elif flagged:
            report.others_flagged += 1
        if today is not None:
            report.dated_checked += 1
            expected_day = article.published_at(today).date()
            if item.published_at.astimezone(VN_TZ).date() != expected_day:
                report.wrong_day.append(article.slug)

    report.confusion = {
        intended: {p: confusion[(intended, p)] for p in SENTIMENTS} for intended in SENTIMENTS
    }
    if report.classified:
        right = sum(confusion[(label, label)] for label in SENTIMENTS)
        report.accuracy = right / report.classified
        report.macro_f1 = _f1(report.confusion)

    for article in content.articles:
        if article.duplicate_of:
            report.duplicate_pairs += 1
            copy, original = stored.get(article.slug), stored.get(article.duplicate_of)
            if copy and original and copy.cluster_id and copy.cluster_id == original.cluster_id:
                report.duplicate_pairs_clustered += 1
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="config directory or default.yaml (as for phuxanh)")
    parser.add_argument("--today", type=date.fromisoformat,
                        help="the day the sample site was built for, to check dates")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    from phuxanh.config import load_config
    from phuxanh.store import open_store
    from phuxanh.store.base import ItemFilter

    config = load_config(args.config)
    store = open_store(config)
    try:
        items = list(store.iter_items(ItemFilter(include_undated=True)))
    finally:
        store.close()
    report = evaluate(items, today=args.today)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) if args.json
          else report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
