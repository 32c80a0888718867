from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawlers.middlewares import backoff_delay, retry_after_seconds

NOW = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("attempt", "expected"), [(1, 1.0), (2, 2.0), (3, 4.0), (8, 60.0)])
def test_backoff_doubles_per_attempt_up_to_the_cap(attempt: int, expected: float) -> None:
    assert backoff_delay(attempt, base=1.0, cap=60.0) == expected


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    assert backoff_delay(1, base=1.0, cap=60.0, retry_after=30.0) == 30.0
    assert backoff_delay(1, base=1.0, cap=60.0, retry_after=3600.0) == 60.0
    assert backoff_delay(3, base=1.0, cap=60.0, retry_after=0.0) == 4.0  # never shorter
    assert backoff_delay(1, base=1.0, cap=60.0, jitter=0.25) == 1.25


@pytest.mark.parametrize(("header", "expected"), [
    (b"120", 120.0),
    ("Sat, 14 Mar 2026 08:02:00 GMT", 120.0),
    ("Sat, 14 Mar 2026 07:00:00 GMT", 0.0),  # already past
    (None, None), (b"", None), ("sắp", None),
])
def test_retry_after_header_forms(header: str | bytes | None, expected: float | None) -> None:
    assert retry_after_seconds(header, NOW) == expected
