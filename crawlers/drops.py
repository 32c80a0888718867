"""Items dropped on purpose, with a machine-readable reason (the stats key suffix), and a log
formatter that names the dropped item by URL instead of dumping its whole text."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.logformatter import LogFormatter, LogFormatterResult


class Rejected(DropItem):
    """An item a pipeline refuses by policy (``off_topic``, ``too_old``); logged at INFO."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, log_level="INFO")
        self.reason = reason


class QuietLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {"level": result["level"], "msg": "Dropped: %(exception)s",
                "args": {"exception": exception}}

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any) -> LogFormatterResult:
        url = getattr(item, "url", "?")
        return {"level": logging.ERROR, "msg": "Error processing the item from %(url)s",
                "args": {"url": url}}
