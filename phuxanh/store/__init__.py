"""Storage: one protocol (:mod:`phuxanh.store.base`), an embedded SQLite backend by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phuxanh.errors import ConfigError

if TYPE_CHECKING:
    from phuxanh.config import Config
    from phuxanh.store.base import Store


def open_store(config: Config) -> Store:
    """The store the config names, opened and migrated."""
    if config.store.backend == "sqlite":
        from phuxanh.store.sqlite import SQLiteStore

        return SQLiteStore(config.sqlite_path)
    raise ConfigError(
        f"{config.config_dir / 'default.yaml'}: store.backend: "
        f"{config.store.backend!r} is not available yet (use 'sqlite')"
    )
