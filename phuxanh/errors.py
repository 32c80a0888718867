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
