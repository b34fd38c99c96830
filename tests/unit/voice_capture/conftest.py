"""Shared fixtures: a fixed `now` and the tenant timezone for the pure capture tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

TZ = "Australia/Sydney"
# Wednesday 25 November 2026, 9:00 am in Sydney (AEDT, UTC+11).
NOW = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW
