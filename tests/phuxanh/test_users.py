"""The account store: hashing, policy, lockout with an injected clock, no user enumeration."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from phuxanh.errors import (
    AccountDisabled,
    AccountLocked,
    InvalidCredentials,
    UserError,
)
from phuxanh.users import (
    LOCKOUT,
    MAX_FAILURES,
    UserStore,
    hash_password,
    verify_password,
)

PASSWORD = "mat-khau-dai-1"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def users(tmp_path: Path, clock: FakeClock) -> UserStore:
    store = UserStore(tmp_path / "users.db", clock=clock)
    store.add_user("lan", PASSWORD, "reviewer")
    return store


def test_hash_format_and_verify() -> None:
    encoded = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert salt and digest and PASSWORD not in encoded
    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD + "x", encoded)
    assert hash_password(PASSWORD) != encoded  # salted
    assert not verify_password(PASSWORD, "md5$abc")
    assert not verify_password(PASSWORD, "scrypt$x$8$1$aa$bb")


def test_authenticate_and_last_login(users: UserStore, clock: FakeClock) -> None:
    user = users.authenticate("Lan", PASSWORD)  # usernames are case-insensitive
    assert user.username == "lan" and user.role == "reviewer"
    assert user.last_login == clock.now


def test_wrong_password_and_unknown_user_look_the_same(users: UserStore) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        users.authenticate("lan", "sai-mat-khau-1")
    with pytest.raises(InvalidCredentials) as unknown:
        users.authenticate("khong-ai", "sai-mat-khau-1")
    assert str(wrong.value) == str(unknown.value)
    assert type(wrong.value) is type(unknown.value)


def test_unknown_user_costs_as_much_as_a_wrong_password(users: UserStore) -> None:
    def timed(name: str) -> float:
        start = time.perf_counter()
        for _ in range(3):
            with pytest.raises(InvalidCredentials):
                users.authenticate(name, "sai-mat-khau-1")
        return time.perf_counter() - start

    timed("khong-ai")  # warm the dummy hash
    known, unknown = timed("lan"), timed("khong-ai")
    assert unknown > known / 3  # both pay for scrypt; a skipped hash would be ~100x faster


def test_lockout_and_unlock_after_time(users: UserStore, clock: FakeClock) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(InvalidCredentials):
            users.authenticate("lan", "sai-mat-khau-1")
    with pytest.raises(AccountLocked):
        users.authenticate("lan", PASSWORD)  # even the right password is refused
    clock.now += LOCKOUT - timedelta(seconds=1)
    with pytest.raises(AccountLocked):
        users.authenticate("lan", PASSWORD)
    clock.now += timedelta(seconds=2)
    assert users.authenticate("lan", PASSWORD).failed_count == 0


def test_a_success_resets_the_failure_count(users: UserStore) -> None:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(InvalidCredentials):
            users.authenticate("lan", "sai-mat-khau-1")
    users.authenticate("lan", PASSWORD)
    with pytest.raises(InvalidCredentials):
        users.authenticate("lan", "sai-mat-khau-1")
    assert users.authenticate("lan", PASSWORD).role == "reviewer"  # not locked


def test_disabled_user(users: UserStore) -> None:
    users.disable("lan")
    with pytest.raises(AccountDisabled):
        users.authenticate("lan", PASSWORD)
    with pytest.raises(InvalidCredentials):  # a wrong password says nothing about the state
        users.authenticate("lan", "sai-mat-khau-1")
    users.enable("lan")
    assert users.authenticate("lan", PASSWORD).username == "lan"


def test_password_policy_and_set_password(users: UserStore) -> None:
    with pytest.raises(UserError, match="at least 10"):
        users.add_user("minh", "ngan", "viewer")
    with pytest.raises(UserError, match="at least 10"):
        users.set_password("lan", "123456789")
    users.set_password("lan", "mat-khau-moi-2")
    users.authenticate("lan", "mat-khau-moi-2")
    with pytest.raises(InvalidCredentials):
        users.authenticate("lan", PASSWORD)


def test_add_user_validation(users: UserStore) -> None:
    with pytest.raises(UserError, match="already exists"):
        users.add_user("LAN", PASSWORD, "viewer")
    with pytest.raises(UserError, match="unknown role"):
        users.add_user("minh", PASSWORD, "root")
    with pytest.raises(UserError, match="invalid username"):
        users.add_user("a b", PASSWORD, "viewer")
    with pytest.raises(UserError, match="press user needs"):
        users.add_user("bao", PASSWORD, "press")
    with pytest.raises(UserError, match="only for press"):
        users.add_user("minh", PASSWORD, "viewer", outlets=["vnexpress"])
    with pytest.raises(UserError, match="no user"):
        users.disable("khong-ai")
    press = users.add_user("bao", PASSWORD, "press", outlets=["tuoitre", "vnexpress"])
    assert press.outlets == ("tuoitre", "vnexpress")
    assert [u.username for u in users.list_users()] == ["bao", "lan"]
    assert users.count() == 2
