"""The `now` fixture of the pure capture tests (the fixed time itself is in tests/helpers/voice_capture.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers.voice_capture import NOW


@pytest.fixture
def now() -> datetime:
    return NOW
