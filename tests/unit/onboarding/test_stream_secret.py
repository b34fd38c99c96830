"""The stream secret: the configured one, else one kept under the data dir (made once, owner-only)."""

from __future__ import annotations

import stat
from pathlib import Path

from pydantic import SecretStr

from infra.settings import Settings
from infra.stream_secret import FILE_NAME, stream_secret


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, voice_stream_secret=SecretStr("configured"))
    assert stream_secret(settings) == b"configured" and not (tmp_path / FILE_NAME).exists()


def test_an_unset_secret_is_made_once_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", voice_stream_secret=None)
    first = stream_secret(settings)
    assert len(first) == 64 and stream_secret(settings) == first
    mode = (tmp_path / "data" / FILE_NAME).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
