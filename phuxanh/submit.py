"""Submit a URL: one public page a collaborator found, fetched, extracted, classified and
stored. The dashboard page "Gửi đường link" and ``phuxanh submit URL`` both call
:func:`submit_url`.

- Fetching follows the crawler's rules (:mod:`phuxanh.page_fetch`: robots.txt, our user
  agent, timeout, size cap, no login).
- Extraction is the crawler's own pure functions (``crawlers.extract``), imported lazily so
  neither the CLI's start nor the dashboard pays for them until a URL is submitted, and
  neither ever imports Scrapy (docs/decisions.md §7).
- The source is the one in sources.yaml whose domain the page is on; any other page is filed
  under ``submit.source`` ("submitted"), typed ``import`` so its author is kept only as a
  keyed hash (we cannot tell a newsroom from a private blog).
- An off-topic page is still stored, with no topics: someone chose to submit it, which is a
  signal worth keeping and reviewing, and the topic charts leave it out by themselves
  because they filter on topics. The result says it matched no topic.
- A classifier failure does not lose the page: it is stored unlabelled (``phuxanh classify``
  labels it later) and the result says why.
- Who submitted it goes to the audit log (action ``submit``, target the item id), in the same
  call as the write; the item schema has no submitter field.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from phuxanh.config import Config, Source
from phuxanh.errors import InputError, StoreError
from phuxanh.page_fetch import FetchError, fetch_page, is_html
from phuxanh.schema import VN_TZ, Item, Misinformation, Sentiment
from phuxanh.store.base import Store, UpsertResult
from phuxanh.topics import TopicMatcher

log = logging.getLogger(__name__)

SUBMITTED_TYPE = "import"


class SubmitError(InputError):
    """A submitted URL could not be stored; ``reason`` is a stable code: ``bad_url``,
    ``private_host``, ``robots``, ``http_status``, ``not_html``, ``too_large``, ``network``,
    ``redirects`` (from fetching) or ``no_text`` (nothing to extract). The message names the
    URL."""

    def __init__(self, url: str, reason: str, message: str, status: int | None = None) -> None:
        InputError.__init__(self, message)
        self.url = url
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class SubmitResult:
    item: Item  # as stored (merged with what was there)
    stored: UpsertResult
    on_topic: bool
    known_source: bool  # the page's domain is a source in sources.yaml
    classify_error: str = ""  # why the item is stored unlabelled ("" when labelled)

    @property
    def new(self) -> bool:
        return self.stored.inserted > 0


def source_for(config: Config, url: str) -> tuple[Source, bool]:
    """The configured source whose domain ``url`` is on, or the one for submitted pages
    (``submit.source`` from sources.yaml if it is there, else made up with the host as the
    outlet's name). Second: whether the domain was known."""
    from crawlers.extract.gnews import publisher_source  # pure; lazy (see module docstring)

    known = publisher_source(config.sources, url)
    if known is not None:
        return known, True
    key = config.submit.source
    for source in config.sources:
        if source.key == key:
            return source, False
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return Source(key=key, name=host or key, type=SUBMITTED_TYPE), False


# The default classifier is loaded once per process and model directory: loading takes
# about a second, a submission should not.
_CLASSIFIERS: dict[str, Any] = {}
_CLASSIFIERS_LOCK = threading.Lock()


def default_classifier(config: Config) -> Any:
    from classify.base import load_classifier
    from phuxanh.narrative_additions import added_narratives_path

    model_dir = config.classify.model_dir
    added = added_narratives_path(config.data_dir)
    # A reviewer's new narrative must count from the next submission on: the cache key
    # changes with the additions file.
    stamp = added.stat().st_mtime_ns if added.exists() else 0
    with _CLASSIFIERS_LOCK:
        key = f"{model_dir or ''}|{added}|{stamp}"
        if key not in _CLASSIFIERS:
            for stale in [k for k in _CLASSIFIERS if k.startswith(f"{model_dir or ''}|")]:
                del _CLASSIFIERS[stale]  # the same model with older additions
            _CLASSIFIERS[key] = load_classifier(
                Path(model_dir) if model_dir else None, added_narratives=added)
        return _CLASSIFIERS[key]


def _labels(item: Item, classifier: Any) -> tuple[Sentiment, Misinformation]:
    from classify.stage import classify_records  # the stable JSONL contract, one record

    (labelled,) = list(classify_records([{"title": item.title, "text": item.text}],
                                        classifier, batch_size=1))
    model = labelled["model"]
    return (Sentiment(**labelled["sentiment"], model=model),
            Misinformation(**labelled["misinformation"], model=model))


def _fetch(config: Config, url: str) -> tuple[str, str]:
    """(final URL, page text as NFC); SubmitError for anything we cannot or must not use."""
    from crawlers.extract.encoding import decode_html

    try:
        page = fetch_page(url, config.crawl, allow_private=config.submit.allow_private_hosts)
    except FetchError as exc:
        raise SubmitError(exc.url, exc.reason, str(exc), exc.status) from None
    if not is_html(page):
        kind = (page.content_type or "unknown").split(";", 1)[0]
        raise SubmitError(page.url, "not_html", f"{page.url}: not a web page ({kind}); only "
                                                f"HTML pages can be submitted")
    try:
        return page.url, decode_html(page.body, page.content_type, page.url,
                                     config.crawl.max_page_bytes)
    except InputError as exc:
        raise SubmitError(page.url, "not_html", str(exc)) from None


def submit_url(config: Config, store: Store, url: str, submitted_by: str, *,
               classifier: Any | None = None, now: datetime | None = None) -> SubmitResult:
    """Fetch ``url``, extract, match topics, classify (``classifier``; default: the shipped
    model), store, and record ``submitted_by`` in the audit log. Returns the stored item.

    Raises SubmitError (an InputError) naming the URL when the page cannot be fetched or
    used, StoreError when the store refuses the write (nothing is recorded then)."""
    from crawlers.extract.article import extract_article
    from crawlers.extract.item import build_item

    url = url.strip()
    if not submitted_by.strip():
        raise ValueError("submitted_by is required: every submission names who made it")
    final_url, html = _fetch(config, url)
    fetched_at = now or datetime.now(VN_TZ)
    source, known = source_for(config, final_url)
    try:
        article = extract_article(html, final_url, fetched_at, overrides=source.selectors)
    except InputError as exc:
        raise SubmitError(final_url, "no_text", str(exc)) from None
    item = build_item(article, source, final_url, fetched_at, Config.secret("author_hash_key"))
    matches = TopicMatcher(config.topics).match(item.title, item.text)
    update: dict[str, Any] = {
        "topics": [match.topic for match in matches],
        "matched_terms": sorted({term for match in matches for term in match.terms}),
    }
    classify_error = ""
    try:
        update["sentiment"], update["misinformation"] = _labels(
            item, classifier if classifier is not None else default_classifier(config))
    except Exception as exc:  # the page is kept; `phuxanh classify` labels it later
        log.exception("classifying submitted %s failed", final_url)
        classify_error = f"{type(exc).__name__}: {exc}"
    item = item.model_copy(update=update)
    stored = store.upsert([item])
    try:
        store.audit(submitted_by, "submit", item.id, {
            "url": url, "final_url": final_url, "source": source.key, "known_source": known,
            "topics": update["topics"], "inserted": stored.inserted, "updated": stored.updated,
            "sentiment": item.sentiment.label if item.sentiment else None,
            "classify_error": classify_error or None,
        })
    except Exception as exc:
        # The page is stored (submitting again changes nothing); who sent it is not recorded.
        raise StoreError(f"{final_url}: stored as {item.id}, but the audit log could not be "
                         f"written ({exc}); submit it again to record who sent it") from exc
    log.info("submitted %s by %s -> %s (%s)", final_url, submitted_by, item.id,
             "new" if stored.inserted else "already stored")
    return SubmitResult(
        item=store.get(item.id) or item,
        stored=stored,
        on_topic=bool(matches),
        known_source=known,
        classify_error=classify_error,
    )
