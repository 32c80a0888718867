"""``open_store`` returns the backend the config names."""

from __future__ import annotations

from pathlib import Path

import pytest

from phuxanh.config import load_config
from phuxanh.errors import ConfigError
from phuxanh.store import open_store
from phuxanh.store.sqlite import SQLiteStore

from .conftest import ELASTICSEARCH_URL, drop_elastic, unique_prefix

REPO = Path(__file__).resolve().parents[2]


def test_sqlite_by_default(tmp_path: Path) -> None:
    store = open_store(load_config(REPO / "config", env={"PHUXANH_DATA_DIR": str(tmp_path)}))
    assert isinstance(store, SQLiteStore)
    store.close()


def test_elasticsearch_without_url_is_a_config_error(tmp_path: Path) -> None:
    config = load_config(REPO / "config", env={"PHUXANH_DATA_DIR": str(tmp_path),
                                               "PHUXANH_STORE__BACKEND": "elasticsearch"})
    with pytest.raises(ConfigError, match="elasticsearch_url"):
        open_store(config)


def test_elasticsearch_username_without_password_is_a_config_error(tmp_path: Path) -> None:
    config = load_config(REPO / "config", env={
        "PHUXANH_DATA_DIR": str(tmp_path), "PHUXANH_STORE__BACKEND": "elasticsearch",
        "PHUXANH_STORE__ELASTICSEARCH_URL": "http://127.0.0.1:9",
        "PHUXANH_STORE__ELASTICSEARCH_USERNAME": "phuxanh"})
    with pytest.raises(ConfigError, match="PHUXANH_ELASTICSEARCH_PASSWORD"):
        open_store(config)


@pytest.mark.skipif(ELASTICSEARCH_URL is None, reason="needs ELASTICSEARCH_URL")
def test_elasticsearch_from_config(tmp_path: Path) -> None:
    from phuxanh.store.elastic import ElasticStore

    prefix = unique_prefix()
    config = load_config(REPO / "config", env={
        "PHUXANH_DATA_DIR": str(tmp_path), "PHUXANH_STORE__BACKEND": "elasticsearch",
        "PHUXANH_STORE__ELASTICSEARCH_URL": str(ELASTICSEARCH_URL),
        "PHUXANH_STORE__ELASTICSEARCH_INDEX": prefix})
    try:
        store = open_store(config)
        assert isinstance(store, ElasticStore)
        assert store.names.items == prefix and store.count() == 0
        store.close()
    finally:
        drop_elastic(prefix)
