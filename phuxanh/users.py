"""Dashboard accounts: who may log in, with which role, and what they may see.

Users are application state, not monitored content, so they live in their own SQLite file
(``<data_dir>/users.db``) whatever backend holds the items: an Elasticsearch deployment still
keeps its accounts on the dashboard host.

Passwords are hashed with scrypt (stdlib, memory-hard) and encoded as
``scrypt$n$r$p$salt$hash`` (salt and hash in URL-safe base64), so the parameters can be raised
later without invalidating stored hashes. Verification compares in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from phuxanh.errors import AccountDisabled, AccountLocked, InvalidCredentials, UserError

if TYPE_CHECKING:
    from phuxanh.config import Config

ROLES = ("viewer", "reviewer", "press", "admin")
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # scrypt cost grows with input; refuse absurd "passwords"
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
USERS_DB = "users.db"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem: OpenSSL's 32 MiB default is just too small for n=2**14, r=8 plus overhead.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=128 * 1024 * 1024)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; False for any malformed hash."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Verified against when the username is unknown, so a miss costs the same scrypt as a hit and
# response time does not reveal which usernames exist. Computed on first use.
_dummy_hash: str | None = None


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"password too long: at most {MAX_PASSWORD_LENGTH} characters")


def normalize_username(username: str) -> str:
    return username.strip().lower()


@dataclass(frozen=True)
class User:
    username: str
    role: str
    outlets: tuple[str, ...]
    disabled: bool
    failed_count: int
    locked_until: datetime | None
    created_at: datetime
    last_login: datetime | None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    outlets TEXT NOT NULL DEFAULT '[]',
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    last_login TEXT
)
"""


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class UserStore:
    """The accounts in one SQLite file. A connection per call: the dashboard's WSGI server
    answers on several threads, and an account check is rare enough not to need a pool."""

    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(_SCHEMA)

    @classmethod
    def for_config(cls, config: Config, clock: Clock = utc_now) -> UserStore:
        return cls(config.data_dir / USERS_DB, clock=clock)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
            conn.row_factory = sqlite3.Row
            yield conn

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    @staticmethod
    def _user(row: sqlite3.Row) -> User:
        return User(
            username=row["username"],
            role=row["role"],
            outlets=tuple(json.loads(row["outlets"])),
            disabled=bool(row["disabled"]),
            failed_count=int(row["failed_count"]),
            locked_until=_time(row["locked_until"]),
            created_at=_time(row["created_at"]) or datetime.min.replace(tzinfo=UTC),
            last_login=_time(row["last_login"]),
        )

    # -- administration -----------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str,
                 outlets: Sequence[str] = ()) -> User:
        name = normalize_username(username)
        if not _USERNAME.match(name):
            raise UserError(f"invalid username {username!r}: 2-64 characters, letters, digits, "
                            f"'.', '_' or '-', starting with a letter or digit")
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
        keys = sorted({key.strip() for key in outlets if key.strip()})
        if role == "press" and not keys:
            raise UserError("a press user needs at least one --outlet (a source key)")
        if role != "press" and keys:
            raise UserError("--outlet is only for press users (other roles see every source)")
        check_password_policy(password)
        try:
            with self._connect() as conn:
                conn.execute(
                    "INSERT INTO users (username, password_hash, role, outlets, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, hash_password(password), role, json.dumps(keys),
                     self._now().isoformat()),
                )
        except sqlite3.IntegrityError:
            raise UserError(f"user {name!r} already exists") from None
        return self._require(name)

    def get(self, username: str) -> User | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM users WHERE username = ?",
                               (normalize_username(username),)).fetchone()
        return self._user(row) if row else None

    def _require(self, username: str) -> User:
        user = self.get(username)
        if user is None:
            raise UserError(f"no user {normalize_username(username)!r}")
        return user

    def list_users(self) -> list[User]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM users ORDER BY username").fetchall()
        return [self._user(row) for row in rows]

    def count(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def _update(self, username: str, sql: str, params: Sequence[object]) -> None:
        self._require(username)
        with self._connect() as conn:
            conn.execute(f"UPDATE users SET {sql} WHERE username = ?",
                         (*params, normalize_username(username)))

    def set_password(self, username: str, password: str) -> None:
        check_password_policy(password)
        # A new password also clears a lockout: the admin who set it vouches for the person.
        self._update(username, "password_hash = ?, failed_count = 0, locked_until = NULL",
                     (hash_password(password),))

    def disable(self, username: str) -> None:
        self._update(username, "disabled = 1", ())

    def enable(self, username: str) -> None:
        self._update(username, "disabled = 0, failed_count = 0, locked_until = NULL", ())

    # -- login --------------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> User:
        """The user, on a right password. Raises :class:`InvalidCredentials` (unknown user or
        wrong password, indistinguishable), :class:`AccountLocked` or
        :class:`AccountDisabled` (only after the right password, so it reveals nothing)."""
        now = self._now()
        user = self.get(username) if len(password) <= MAX_PASSWORD_LENGTH else None
        if user is None:
            verify_password(password[:MAX_PASSWORD_LENGTH], _dummy())  # same cost as a hit
            raise InvalidCredentials()
        ok = verify_password(password, self._hash(user.username))
        if user.locked_until is not None and user.locked_until > now:
            # Refused even with the right password, else the lockout would not stop guessing.
            raise AccountLocked(user.locked_until)
        if not ok:
            self._record_failure(user.username, now)
            raise InvalidCredentials()
        if user.disabled:
            raise AccountDisabled()
        with self._connect() as conn:
            conn.execute(
                "UPDATE users SET failed_count = 0, locked_until = NULL, last_login = ? "
                "WHERE username = ?", (now.isoformat(), user.username))
        return self._require(user.username)

    def _hash(self, username: str) -> str:
        with self._connect() as conn:
            return str(conn.execute("SELECT password_hash FROM users WHERE username = ?",
                                    (username,)).fetchone()[0])

    def _record_failure(self, username: str, now: datetime) -> None:
        with self._connect() as conn:
            # One statement, so two concurrent failures both count.
            conn.execute(
                "UPDATE users SET failed_count = failed_count + 1 WHERE username = ?",
                (username,))
            conn.execute(
                "UPDATE users SET failed_count = 0, locked_until = ? "
                "WHERE username = ? AND failed_count >= ?",
                ((now + LOCKOUT).isoformat(), username, MAX_FAILURES))
