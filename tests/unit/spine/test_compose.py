"""docker-compose.yml parses, and our services read only REVOS_ settings the code knows."""

from __future__ import annotations

from pathlib import Path

import yaml

from infra.settings import Settings
from workers.cli import build_parser

ROOT = Path(__file__).resolve().parents[3]
OURS = {"api", "worker", "voice", "migrate"}


def test_compose_parses_and_has_the_topology() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"postgres", "temporal", "temporal-ui", *OURS} <= set(compose["services"])
    assert (ROOT / "Dockerfile").exists()


def test_our_services_use_only_known_settings_and_commands() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    known = {f"REVOS_{name.upper()}" for name in Settings.model_fields}
    commands = set(build_parser()._subparsers._group_actions[0].choices or ())  # type: ignore[union-attr]
    for name in OURS:
        service = compose["services"][name]
        env = service["environment"]
        assert set(env) <= known, (name, set(env) - known)
        assert service["build"] == "."
        assert service["command"][0] == "revos"
        assert service["command"][1] in commands, service["command"]
