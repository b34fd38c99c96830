"""Reads and small writes shared by the governance activities and API (SQLAlchemy Core)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import NewEvent, stream_name
from domain.governance.contracts import ActivationWindow, ExecutionConstraints
from domain.governance.issues import IssueView
from domain.governance.messages import ContractState
from infra.db import event_store
from infra.db.tables_governance import issues, system_contracts


def issue_stream(issue_id: UUID) -> str:
    return stream_name("issue", issue_id)


def contract_stream(contract_id: UUID) -> str:
    return stream_name("contract", contract_id)


async def append_once(conn: AsyncConnection, stream: str, event_id: UUID, type_: str, payload: dict[str, Any],
                      at: datetime, tenant_id: UUID | None = None) -> bool:
    """Append an event unless one with this event_id is already in the stream (retry-safe)."""
    found = await conn.execute(
        text("SELECT 1 FROM events WHERE stream = :s AND payload->>'event_id' = :e"),
        {"s": stream, "e": str(event_id)})
    if found.first() is not None:
        return False
    event = NewEvent(type=type_, payload={**payload, "event_id": str(event_id)}, occurred_at=at)
    await event_store.append(conn, stream, [event], tenant_id=tenant_id)
    return True


def issue_view(row: RowMapping, *, duplicate: bool = False) -> IssueView:
    return IssueView.model_validate({**dict(row), "duplicate": duplicate})


async def get_issue(conn: AsyncConnection, issue_id: UUID, *, lock: bool = False) -> RowMapping | None:
    query = select(issues).where(issues.c.id == issue_id)
    if lock:
        query = query.with_for_update()
    return (await conn.execute(query)).mappings().first()


async def get_contract(conn: AsyncConnection, contract_id: UUID, *, lock: bool = False) -> RowMapping | None:
    query = select(system_contracts).where(system_contracts.c.id == contract_id)
    if lock:
        query = query.with_for_update()
    return (await conn.execute(query)).mappings().first()


def contract_state(row: RowMapping) -> ContractState:
    window = None
    if row["activation_start"] is not None:
        window = ActivationWindow(start=row["activation_start"], end=row["activation_end"])
    constraints = ExecutionConstraints.model_validate(row["execution_constraints"]) \
        if row["execution_constraints"] is not None else None
    return ContractState(
        id=row["id"], version=row["version"], status=row["status"], proposed_changes=row["proposed_changes"],
        affected_capabilities=row["affected_capabilities"], expires_at=row["expires_at"],
        activation_window=window, execution_constraints=constraints)
