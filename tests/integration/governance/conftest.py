"""Governance fixtures: shrunk durations (the draft's expiry, the activation delay and window, observation)."""

from __future__ import annotations

import secrets

import pytest
from pydantic import SecretStr

from infra.settings import Settings


@pytest.fixture
def settings(db_url: str, task_queue: str) -> Settings:
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", contract_draft_ttl_seconds=120,
                    governance_activation_delay_seconds=0.3, governance_activation_window_seconds=120,
                    governance_step_interval_seconds=0, governance_observation_window_seconds=0.3,
                    governance_approval_secret=SecretStr(secrets.token_hex(32)))
