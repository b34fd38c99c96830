"""`revos stress`'s arguments: a tenant or --all-tenants, and nothing to talk to is exit 2 (not a verdict)."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers.net import free_port
from workers.cli import build_parser


def _run(argv: list[str]) -> int:
    args = build_parser().parse_args(["stress", *argv])
    return int(args.func(args))


def test_a_tenant_or_all_tenants(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([]) == 2 and "name a tenant or --all-tenants" in capsys.readouterr().err
    assert _run([str(uuid.uuid4()), "--all-tenants"]) == 2
    assert _run(["acme"]) == 2 and "'acme' is not a tenant id" in capsys.readouterr().err


def test_no_voice_worker_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    assert _run(["--tenant", str(uuid.uuid4()), "--voice-port", str(port), "--personas", "silent"]) == 2
    assert f"no voice worker at http://127.0.0.1:{port}" in capsys.readouterr().err


def test_save_failures_and_save_calls_name_a_directory() -> None:
    args = build_parser().parse_args(["stress", str(uuid.uuid4()), "--save-failures", "failed", "--save-calls", "all"])
    assert (args.save_failures, args.save_calls) == ("failed", "all")
    assert build_parser().parse_args(["stress", str(uuid.uuid4())]).save_failures is None
