from __future__ import annotations

from typing import Any

import pytest

from crawlers.addon import (
    ITEM_PIPELINES,
    PHUXANH_CONFIG,
    PhuxanhAddon,
    config_from_settings,
    scrapy_settings,
)
from phuxanh.config import Config
from phuxanh.errors import ConfigError


def test_config_maps_to_scrapy_settings(config: Config) -> None:
    config.crawl.download_delay = 2.5
    config.crawl.max_page_bytes = 3_000_000
    settings = scrapy_settings(config)
    assert settings[PHUXANH_CONFIG] is config
    assert settings["USER_AGENT"] == config.crawl.user_agent
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["DOWNLOAD_DELAY"] == 2.5
    assert settings["AUTOTHROTTLE_ENABLED"] is config.crawl.autothrottle
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == config.crawl.concurrent_requests_per_domain
    assert settings["DOWNLOAD_TIMEOUT"] == config.crawl.timeout_seconds
    assert settings["RETRY_TIMES"] == config.crawl.retry_times
    assert settings["DOWNLOAD_MAXSIZE"] == 3_000_000
    assert settings["TELNETCONSOLE_ENABLED"] is False
    assert settings["REMOTE_CONTROL_ENABLED"] is False
    assert settings["COOKIES_ENABLED"] is False
    assert settings["LOG_LEVEL"] == "INFO"
    assert settings["ITEM_PIPELINES"] == ITEM_PIPELINES


def test_the_addon_applies_the_config_below_command_line_settings(config: Config) -> None:
    from scrapy.settings import Settings

    from crawlers.pipelines.store import StorePipeline

    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set(PHUXANH_CONFIG, config, priority="cmdline")
    settings.set("DOWNLOAD_DELAY", 7, priority="cmdline")  # scrapy crawl -s DOWNLOAD_DELAY=7
    PhuxanhAddon(crawler=None).update_settings(settings)  # type: ignore[arg-type]
    assert settings["USER_AGENT"] == config.crawl.user_agent
    assert settings.getfloat("DOWNLOAD_DELAY") == 7
    assert settings.getint("DOWNLOAD_MAXSIZE") == config.crawl.max_page_bytes
    assert settings.getdict("ITEM_PIPELINES")[StorePipeline] == 900
    assert config_from_settings(settings) is config


def test_the_addon_loads_the_config_like_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.settings import Settings

    monkeypatch.setenv("PHUXANH_CRAWL__USER_AGENT", "don-vi-bao-chi/1.0 (+https://baolaocai.vn/lien-he)")
    settings = Settings()
    PhuxanhAddon(crawler=None).update_settings(settings)  # type: ignore[arg-type]
    assert settings["USER_AGENT"] == "don-vi-bao-chi/1.0 (+https://baolaocai.vn/lien-he)"
    assert isinstance(settings[PHUXANH_CONFIG], Config)


def test_components_refuse_to_run_without_a_config() -> None:
    from scrapy.settings import Settings

    with pytest.raises(ConfigError, match="PhuxanhAddon"):
        config_from_settings(Settings())


def test_a_crawler_gets_our_settings(make_crawler: Any, config: Config) -> None:
    crawler = make_crawler(ADDONS={"crawlers.addon.PhuxanhAddon": 0})
    assert crawler.settings["USER_AGENT"] == config.crawl.user_agent
    assert crawler.settings.getbool("ROBOTSTXT_OBEY") is True
