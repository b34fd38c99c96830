"""`revos up` keeps the dashboards' signing secret under the data dir (owner-only), unless one is configured."""

from __future__ import annotations

import stat
from pathlib import Path

from infra.settings import Settings
from workers.supervisor import UI_SECRET_FILE, ui_secret_env


def test_the_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    first = ui_secret_env(Settings(), tmp_path)
    again = ui_secret_env(Settings(), tmp_path)
    secret = first["REVOS_UI_SESSION_SECRET"]
    assert again == first and len(secret) >= 48
    assert stat.S_IMODE((tmp_path / UI_SECRET_FILE).stat().st_mode) == 0o600


def test_a_configured_secret_is_left_alone(tmp_path: Path) -> None:
    assert ui_secret_env(Settings(ui_session_secret="from-the-environment"), tmp_path) == {}
    assert not (tmp_path / UI_SECRET_FILE).exists()
