from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.seen import SeenUrls, topics_fingerprint
from phuxanh.config import Config, Topic
from phuxanh.errors import StoreError


def test_remembers_aliases_and_drops_across_opens(tmp_path: Path) -> None:
    seen = SeenUrls(tmp_path / "seen.db", "topics-v1", max_age_days=30)
    seen.remember_alias("u:feed-link", "u:stored-item")
    seen.remember_drop("u:weather", "off_topic")
    seen.remember_drop("u:old", "too_old")
    seen.close()

    again = SeenUrls(tmp_path / "seen.db", "topics-v1", max_age_days=30)
    found = again.lookup(["u:feed-link", "u:weather", "u:old", "u:new"])
    assert found.aliases == {"u:feed-link": "u:stored-item"}
    assert found.dropped == {"u:weather": "off_topic", "u:old": "too_old"}
    again.close()


def test_off_topic_verdicts_expire_when_topics_change(tmp_path: Path) -> None:
    seen = SeenUrls(tmp_path / "seen.db", "topics-v1", max_age_days=30)
    seen.remember_drop("u:weather", "off_topic")
    seen.remember_drop("u:old", "too_old")
    seen.close()
    changed = SeenUrls(tmp_path / "seen.db", "topics-v2", max_age_days=30)
    assert changed.lookup(["u:weather", "u:old"]).dropped == {"u:old": "too_old"}
    changed.close()


def test_lookups_of_many_ids_are_batched(tmp_path: Path) -> None:
    seen = SeenUrls(tmp_path / "seen.db", "t", max_age_days=30)
    for n in range(1200):
        seen.remember_drop(f"u:{n}", "off_topic")
    assert len(seen.lookup(f"u:{n}" for n in range(0, 2400, 2)).dropped) == 600
    seen.close()


def test_fingerprint_follows_terms_and_versions(config: Config) -> None:
    base = topics_fingerprint(config.topics)
    assert topics_fingerprint(config.topics) == base
    edited = [Topic(key=t.key, name=t.name, version=t.version, terms=[*t.terms, "CT57"])
              for t in config.topics]
    assert topics_fingerprint(edited) != base


def test_an_unwritable_place_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="seen-links"):
        SeenUrls(blocker / "seen.db", "t", max_age_days=30)


def test_feed_validators_are_kept_across_opens_and_forgotten_on_request(tmp_path: Path
                                                                       ) -> None:
    from crawlers.seen import Validators

    seen = SeenUrls(tmp_path / "seen.db", "topics-v1", max_age_days=30)
    seen.remember_validators({"https://a.vn/rss": Validators('"e1"', None),
                              "https://b.vn/sitemap.xml": Validators(None, "Sat, 14 Mar 2026")})
    seen.close()
    again = SeenUrls(tmp_path / "seen.db", "topics-v1", max_age_days=30)
    found = again.validators()
    assert found["https://a.vn/rss"].request_headers() == {"If-None-Match": '"e1"'}
    assert found["https://b.vn/sitemap.xml"].request_headers() == {
        "If-Modified-Since": "Sat, 14 Mar 2026"}
    again.remember_validators({"https://a.vn/rss": Validators()})
    assert set(again.validators()) == {"https://b.vn/sitemap.xml"}
    again.close()
