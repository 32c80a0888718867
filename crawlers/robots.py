"""robots.txt obeyed for every request, also those sent while robots.txt is still on its way.

Scrapy's RobotsTxtMiddleware (2.19) keeps one Deferred per host while it downloads robots.txt
and has every request that arrives meanwhile await that same Deferred through
``Deferred.asFuture``. asFuture's callback returns None, so only the first waiter receives the
parser; every other one gets None, which the middleware reads as "no robots.txt": the request
is let through. A crawl whose start requests share a host (a forum's search page, thread list
and configured threads; several feeds of one outlet) thereby fetched pages robots.txt forbids.
This subclass gives each waiter its own Deferred, fed from the shared one. It replaces
Scrapy's at the same position (see :mod:`crawlers.addon`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy.http import Request
    from scrapy.robotstxt import RobotParser


class WaitingRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[Any] = Deferred()

        def relay(result: Any) -> Any:
            mine.callback(result)
            return result  # unchanged for whoever waits next

        pending.addBoth(relay)
        return await maybe_deferred_to_future(mine)
