"""Typed errors. Domain code raises these; ``phuxanh.cli`` turns them into one-line messages."""

from __future__ import annotations


class PhuxanhError(Exception):
    """Base of every error the user should see as one clear line."""


class ConfigError(PhuxanhError):
    """A config file or environment variable is missing, malformed or has a wrong value.

    The message names the file (or variable), the field and what was expected.
    """


class StoreError(PhuxanhError):
    """The store cannot be opened, migrated or written."""


class ReviewConflict(PhuxanhError):
    """Someone else reviewed the item since the caller read it."""

    def __init__(self, item_id: str, expected_version: int, actual_version: int) -> None:
        super().__init__(
            f"item {item_id} was reviewed by someone else (version {actual_version}, "
            f"you had {expected_version}); reload it and decide again"
        )
        self.item_id = item_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class ItemNotFound(PhuxanhError):
    """No item with that id."""


class InputError(PhuxanhError):
    """Bad input data (a JSONL line, a page, a feed); the message names the file or URL."""


class AuthError(PhuxanhError):
    """A login or account operation was refused."""


class InvalidCredentials(AuthError):
    """Unknown user or wrong password: deliberately the same error, so a caller cannot tell
    which usernames exist."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class AccountLocked(AuthError):
    """Too many failed logins; the account is locked until ``until``."""

    def __init__(self, until: object) -> None:
        super().__init__(f"account locked after repeated failed logins until {until}")
        self.until = until


class AccountDisabled(AuthError):
    """The account exists and the password was right, but an admin disabled it."""

    def __init__(self) -> None:
        super().__init__("account disabled; ask an administrator")


class PermissionDenied(AuthError):
    """The logged-in user's role may not do this."""


class UserError(AuthError):
    """A user cannot be added or changed (bad name, role, password, or unknown user)."""
