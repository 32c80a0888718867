from __future__ import annotations

from pathlib import Path

import pytest

from phuxanh.config import PACKAGE_CONFIG_DIR, load_config
from phuxanh.errors import ConfigError


def write_config(folder: Path, default: str, topics: str | None = None,
                 sources: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "default.yaml").write_text(default, encoding="utf-8")
    (folder / "topics.yaml").write_text(
        topics if topics is not None else
        "topics:\n  - key: chi-thi-57\n    name: Chỉ thị 57\n    terms: ['Chỉ thị 57']\n",
        encoding="utf-8",
    )
    (folder / "sources.yaml").write_text(
        sources if sources is not None else "sources: []\n", encoding="utf-8"
    )
    return folder


def test_shipped_config_loads_offline_defaults(tmp_path: Path) -> None:
    config = load_config()
    assert config.store.backend == "sqlite"
    assert config.data_dir == tmp_path / "var"  # PHUXANH_DATA_DIR from conftest
    assert config.sqlite_path == tmp_path / "var" / "phuxanh.db"
    topic = config.topics[0]
    assert topic.key == "chi-thi-57"
    assert {"Chỉ thị 57", "Chỉ thị số 57-CT/TW", "57-CT/TW"} <= set(topic.terms)
    # every shipped source has something to crawl: feeds, or an aggregator search
    enabled = [source for source in config.sources if source.enabled]
    assert enabled
    assert all(source.feeds or source.search_query for source in enabled)


def test_environment_overrides_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_DASHBOARD__PORT", "8123")
    monkeypatch.setenv("PHUXANH_CRAWL__OBEY_ROBOTS", "true")
    config = load_config()
    assert config.dashboard.port == 8123


def test_explicit_overrides_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_DASHBOARD__PORT", "8123")
    assert load_config(overrides={"dashboard": {"port": 9000}}).dashboard.port == 9000


def test_data_dir_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PHUXANH_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    assert load_config().data_dir == tmp_path / "var"


def test_bad_field_names_file_field_and_expectation(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "cfg", "dashboard:\n  port: many\n")
    with pytest.raises(ConfigError) as caught:
        load_config(folder)
    message = str(caught.value)
    assert str(folder / "default.yaml") in message
    assert "dashboard.port" in message
    assert "valid integer" in message and "'many'" in message


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_DASHBOARD__PORT", "abc")
    with pytest.raises(ConfigError, match=r"environment PHUXANH_DASHBOARD__PORT: dashboard\.port"):
        load_config()


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "cfg", "dashbord:\n  port: 1\n")
    with pytest.raises(ConfigError, match=r"dashbord: Extra inputs are not permitted"):
        load_config(folder)


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "cfg", "store:\n  backend: [sqlite\n")
    with pytest.raises(ConfigError, match=r"default\.yaml: line \d+ not valid YAML"):
        load_config(folder)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_secrets_in_files_are_refused(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "cfg", "store:\n  elasticsearch_password: hunter2\n")
    with pytest.raises(ConfigError, match="only from the environment"):
        load_config(folder)


def test_secret_comes_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config()
    assert config.secret("secret_key") is None
    monkeypatch.setenv("PHUXANH_SECRET_KEY", "s3cret")
    assert config.secret("secret_key") == "s3cret"


def test_topic_errors_name_topics_file_and_index(tmp_path: Path) -> None:
    folder = write_config(
        tmp_path / "cfg", "{}\n", topics="topics:\n  - key: Bad Key\n    name: x\n    terms: [a]\n"
    )
    with pytest.raises(ConfigError, match=r"topics\.yaml: topics\[0\]\.key"):
        load_config(folder)


def test_duplicate_source_keys(tmp_path: Path) -> None:
    sources = "sources:\n" + "  - {key: a, name: A}\n" * 2
    folder = write_config(tmp_path / "cfg", "{}\n", sources=sources)
    with pytest.raises(ConfigError, match=r"sources\[1\]\.key: duplicate key 'a'"):
        load_config(folder)


def test_no_topics_is_an_error(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "cfg", "{}\n", topics="topics: []\n")
    with pytest.raises(ConfigError, match="at least one topic"):
        load_config(folder)


def test_package_config_dir_exists() -> None:
    assert (PACKAGE_CONFIG_DIR / "default.yaml").is_file()


def test_environment_strings_with_colons_stay_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_CRAWL__USER_AGENT", "phuxanh/1 (contact: tuyengiao@tinh.gov.vn)")
    monkeypatch.setenv("PHUXANH_CRAWL__DOWNLOAD_DELAY", "2.5")
    config = load_config()
    assert config.crawl.user_agent == "phuxanh/1 (contact: tuyengiao@tinh.gov.vn)"
    assert config.crawl.download_delay == 2.5
