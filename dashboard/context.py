"""What a page needs at request time: the config, the data module and the translator.

Dash keeps pages in one process-wide registry, so a page's layout function cannot close over
one app's objects (a second app built in the same process, as tests do, would overwrite them).
Instead each app puts its :class:`Services` on its own Flask server, and layouts look them up
from the app that is answering the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dash
import flask

from dashboard.data import DashboardData
from dashboard.i18n import Translator

if TYPE_CHECKING:
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


def register_page(module: str, *, path: str, order: int, title_key: str,
                  description_key: str, layout: Callable[..., Any]) -> None:
    """Register a page whose title and description are translated per request: the registry
    is process-wide, the language belongs to the app serving."""
    dash.register_page(
        module,
        path=path,
        order=order,
        name=module.rsplit(".", 1)[-1],
        title=lambda: current().t(title_key),
        description=lambda: current().t(description_key),
        layout=layout,
    )
