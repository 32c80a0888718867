"""What the forum and Telegram spiders share on top of the news spider's bookkeeping.

They reuse :class:`crawlers.spiders.rss.RssSpider`'s start-up (config, sources, store), its
counters, error list and per-source health, its failure handling and its close-down; each
overrides :meth:`source_requests` to start only the sources it reads, so every spider can be
given every source. Items are platform posts with platform ids (``voz.vn:post-123``,
``telegram:name/45``), so "already seen" is by item id: the store for posts kept, and
:mod:`crawlers.seen` for posts the pipelines dropped by policy (off-topic, too old), remembered
under their item id so the next run neither re-judges them nor pages back past them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from scrapy.exceptions import CloseSpider

from crawlers.spiders.rss import RssSpider
from crawlers.stats import POLICY_DROPS, SKIPPED
from phuxanh.errors import PhuxanhError
from phuxanh.schema import Item

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy.http import Response

    from phuxanh.config import Source


class _Post(Protocol):
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def text(self) -> str: ...


P = TypeVar("P", bound=_Post)


class PostSpider(RssSpider):
    # Empty: a base, not a spider Scrapy should list (Scrapy registers classes with a name).
    name = ""

    def source_requests(self, source: Source) -> list[Any]:
        raise NotImplementedError

    def known(self, ids: Iterable[str]) -> tuple[set[str], dict[str, str]]:
        """(ids already stored, ids dropped by policy before -> reason) among ``ids``."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set(), {}
        store, seen = self._open()
        try:
            stored = store.existing_ids(wanted)
            dropped = seen.lookup(wanted).dropped
        except PhuxanhError as exc:
            self._drop(str(self.config.sqlite_path), "store_unreachable", str(exc))
            raise CloseSpider("store_unreachable") from None
        return stored, dropped

    def worth_an_item(self, posts: Sequence[P], ids: Sequence[str], dropped: Mapping[str, str]
                      ) -> Iterator[P]:
        """The posts of a page that become items (``ids`` are theirs, in order): inside the
        crawl window, not dropped by policy in an earlier run, with text. The others are
        counted by reason."""
        cutoff = self._cutoff()
        for post, item_id in zip(posts, ids, strict=True):
            assert post.published_at is not None
            if post.published_at < cutoff:
                self._count(f"{SKIPPED}too_old")
            elif item_id in dropped:
                self._count(f"{SKIPPED}dropped_before/{dropped[item_id]}")
            elif not post.text:
                self._count(f"{SKIPPED}no_text")
            else:
                yield post

    def page_problems(self, url: str, problems: list[str], reason: str,
                      source: Source) -> None:
        """Parts of a page that could not be read (the rest of the page was kept): each is an
        error naming the URL, in the report and the source's health."""
        for problem in problems:
            self._drop(url, reason, problem, source)

    def item_dropped(self, item: Item, response: Response | None,
                     exception: BaseException) -> None:
        super().item_dropped(item, response, exception)
        reason = getattr(exception, "reason", "")
        if reason in POLICY_DROPS and isinstance(item, Item) and self.seen is not None:
            self.seen.remember_drop(item.id, reason)
