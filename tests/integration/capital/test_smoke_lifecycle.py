"""A first end-to-end pass: create, start, attribute, pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers.capital import World

pytestmark = pytest.mark.integration


async def test_start_attribute_pause(world: World, capital_worker: None) -> None:
    exp = await world.experiment()
    started = await world.post(f"/v1/experiments/{exp}/start", expect=200)
    assert started["status"] == "running"
    lead = await world.lead()
    result = await world.call(lead, datetime.now(UTC) - timedelta(milliseconds=1))
    assert result["attributed"] == 1 and result["events"] == 3
    paused = await world.post(f"/v1/experiments/{exp}/pause", expect=200)
    assert paused["status"] == "paused" and paused["pause_reason"] == "manual"
