"""The database's refusals become domain refusals by constraint name; anything unnamed still propagates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import Conflict
from domain.tenants import Tenant
from infra.db.tables_voice import tenant_phone_numbers
from infra.db.tenants import create_tenant
from infra.db.violations import UNIQUE_VIOLATION, Violation, refusing

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Every constraint the code refuses by name: a renamed index must fail here, not turn refusals into 500s.
NAMED_IN_CODE = ["pk_tenant_phone_numbers", "uq_team_logins_email", "pk_campaign_cost_sources",
                 "uq_experiments_one_running", "uq_experiment_runs_one_open"]


async def test_every_constraint_the_code_names_exists(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        found = set((await conn.execute(text(
            "SELECT conname FROM pg_constraint UNION SELECT relname FROM pg_class WHERE relkind = 'i'"))).scalars())
    assert set(NAMED_IN_CODE) <= found, set(NAMED_IN_CODE) - found


async def _bind(engine: AsyncEngine, tenant_id: uuid.UUID) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(tenant_phone_numbers).values(number="+61400000001", tenant_id=tenant_id,
                                                               created_at=NOW))


async def test_a_named_violation_is_the_refusal_and_others_propagate(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        tenant = await create_tenant(conn, Tenant(id=uuid.uuid4(), name="Acme"), NOW)
    await _bind(engine, tenant.id)
    taken = Conflict("+61400000001 already routes to another tenant", code="phone_number_taken")
    with pytest.raises(Conflict) as info, refusing({"pk_tenant_phone_numbers": taken}):
        await _bind(engine, tenant.id)
    assert info.value is taken

    def because(violation: Violation) -> Conflict:
        return Conflict(violation.message, code="duplicate", details={"constraint": violation.constraint})
    with pytest.raises(Conflict, match="duplicate key") as by_state, refusing({UNIQUE_VIOLATION: because}):
        await _bind(engine, tenant.id)
    assert by_state.value.details == {"constraint": "pk_tenant_phone_numbers"}
    with pytest.raises(IntegrityError), refusing({"some_other_constraint": taken}):
        await _bind(engine, tenant.id)
