"""What a page needs at request time: the config, the data module and the translator.

Dash keeps pages in one process-wide registry, so a page's layout function cannot close over
one app's objects (a second app built in the same process, as tests do, would overwrite them).
Instead each app puts its :class:`Services` on its own Flask server, and layouts look them up
from the app that is answering the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import flask

from dashboard.data import DashboardData
from dashboard.i18n import Translator

if TYPE_CHECKING:
    import dash

    from phuxanh.config import Config

_KEY = "phuxanh"


@dataclass(frozen=True)
class Services:
    config: Config
    data: DashboardData
    t: Translator

    @property
    def topics(self) -> list[tuple[str, str]]:
        """(key, display name) of the configured topics, in config order."""
        return [(topic.key, topic.name) for topic in self.config.topics]

    @property
    def default_topic(self) -> str | None:
        return self.config.topics[0].key if self.config.topics else None


def install(app: dash.Dash, services: Services) -> None:
    app.server.extensions[_KEY] = services


def current() -> Services:
    """The services of the app serving the current request."""
    return flask.current_app.extensions[_KEY]
