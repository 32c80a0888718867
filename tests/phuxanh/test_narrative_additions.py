"""Reviewers add known false claims from an item; the classifier matches them from then on."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from classify.base import Doc, load_classifier
from phuxanh.errors import InputError
from phuxanh.narrative_additions import add_narrative, added_narratives_path
from phuxanh.store.sqlite import SQLiteStore

CLAIM = "Từ tháng sau ai dùng ví điện tử đều bị khóa tài khoản nếu chưa nộp sao kê cho công an"
REBUTTAL = "Không có quy định nào yêu cầu nộp sao kê ví điện tử cho công an."


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    opened = SQLiteStore(tmp_path / "store.db")
    yield opened
    opened.close()


def test_an_addition_is_written_audited_and_matched(tmp_path: Path, store: SQLiteStore) -> None:
    before = load_classifier(None, added_narratives=added_narratives_path(tmp_path))
    repeat = Doc("Chia sẻ", "Nghe nói từ tháng sau ai dùng ví điện tử đều bị khóa tài khoản "
                            "nếu chưa nộp sao kê cho công an, mọi người rút tiền ra đi.")
    (unmatched,) = before.predict([repeat])
    assert unmatched.misinformation == "unlikely"

    added = add_narrative(tmp_path, store, topic="chi-thi-57", claim=CLAIM, rebuttal=REBUTTAL,
                          rebuttal_url="https://chinhphu.vn/bac-bo", added_by="hoa",
                          from_item="u:abc", known_topics=("chi-thi-57",))
    assert added.id.startswith("tu-thang-sau-ai-dung-vi-")
    (entry,) = store.audit_log(action="narrative.add")
    assert (entry.actor, entry.target, entry.details["from_item"]) == ("hoa", added.id, "u:abc")

    after = load_classifier(None, added_narratives=added_narratives_path(tmp_path))
    assert after.name_version.endswith("+narratives@1+1r")  # a new version: reclassify
    (matched,) = after.predict([repeat])
    assert (matched.misinformation, matched.narrative_id) == ("likely", added.id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"claim": "quá ngắn"}, "at least 20 characters"),
    ({"rebuttal": "  "}, "rebuttal: required"),
    ({"rebuttal_url": "javascript:alert(1)"}, "http\\(s\\) address"),
    ({"topic": "khac"}, "not a configured topic"),
])
def test_bad_additions_are_refused_with_the_field(tmp_path: Path, store: SQLiteStore,
                                                  fields: dict[str, str], message: str) -> None:
    base = {"topic": "chi-thi-57", "claim": CLAIM, "rebuttal": REBUTTAL, "rebuttal_url": None}
    with pytest.raises(InputError, match=message):
        add_narrative(tmp_path, store, added_by="hoa", known_topics=("chi-thi-57",),
                      **{**base, **fields})  # type: ignore[arg-type]
    assert not added_narratives_path(tmp_path).exists()
    assert store.audit_log(action="narrative.add") == []


def test_the_same_claim_twice_is_refused(tmp_path: Path, store: SQLiteStore) -> None:
    add_narrative(tmp_path, store, topic="chi-thi-57", claim=CLAIM, rebuttal=REBUTTAL,
                  rebuttal_url=None, added_by="hoa")
    with pytest.raises(InputError, match="already a known narrative"):
        add_narrative(tmp_path, store, topic="chi-thi-57", claim=CLAIM + " ", rebuttal=REBUTTAL,
                      rebuttal_url=None, added_by="minh")


def test_two_reviewers_adding_at_once_both_land(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def add(n: int) -> None:
        store = SQLiteStore(tmp_path / "store.db")
        try:
            for k in range(5):
                add_narrative(tmp_path, store, topic="chi-thi-57",
                              claim=f"{CLAIM} (biến thể số {n}-{k})", rebuttal=REBUTTAL,
                              rebuttal_url=None, added_by=f"ctv{n}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    classifier = load_classifier(None, added_narratives=added_narratives_path(tmp_path))
    assert classifier.name_version.endswith("+10r")


def test_an_added_id_may_not_shadow_a_configured_one(tmp_path: Path) -> None:
    from phuxanh.errors import ConfigError

    path = added_narratives_path(tmp_path)
    path.write_text("narratives:\n- id: vpn-pham-phap\n  topic: chi-thi-57\n  claim: x\n"
                    "  variants: []\n  rebuttal: y\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate id 'vpn-pham-phap'"):
        load_classifier(None, added_narratives=path)
