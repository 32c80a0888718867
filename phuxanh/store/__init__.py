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
    if config.store.backend == "elasticsearch":
        if not config.store.elasticsearch_url:
            raise ConfigError(
                f"{config.config_dir / 'default.yaml'}: store.backend is 'elasticsearch' but "
                "store.elasticsearch_url is not set (or PHUXANH_STORE__ELASTICSEARCH_URL)"
            )
        from phuxanh.store.elastic import ElasticStore

        return ElasticStore(
            config.store.elasticsearch_url, config.store.elasticsearch_index,
            username=config.store.elasticsearch_username,
            ca_certs=config.store.elasticsearch_ca_certs,
        )
    raise ConfigError(
        f"{config.config_dir / 'default.yaml'}: store.backend: "
        f"{config.store.backend!r} is not available yet (use 'sqlite')"
    )
