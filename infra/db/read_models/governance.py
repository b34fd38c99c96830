"""Queries for the founder's dashboard: drafts waiting with their issue's proposal and verdicts, contracts, the
contract's job, health, audit and incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.tables_governance import (
    audit_verdicts,
    governance_job_steps,
    governance_jobs,
    health_signals,
    incidents,
    issues,
    system_contracts,
)

_ISSUE = [issues.c.source, issues.c.raw_payload, issues.c.validator_output, issues.c.eligibility,
          issues.c.workflow_id, issues.c.status.label("issue_status")]


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in result.mappings()]


async def waiting_drafts(conn: AsyncConnection, now: datetime) -> list[dict[str, Any]]:
    """Unexpired DRAFT contracts, the soonest to expire first, with their issue's proposal and verdicts."""
    query = (select(system_contracts, *_ISSUE).join(issues, issues.c.id == system_contracts.c.issue_id)
             .where(system_contracts.c.status == "DRAFT", system_contracts.c.expires_at > now)
             .order_by(system_contracts.c.expires_at))
    return _rows(await conn.execute(query))


async def recent_contracts(conn: AsyncConnection, limit: int = 50) -> list[dict[str, Any]]:
    """Contracts past their draft (every status but DRAFT), newest first."""
    query = (select(system_contracts, issues.c.workflow_id).join(issues, issues.c.id == system_contracts.c.issue_id)
             .where(system_contracts.c.status != "DRAFT")
             .order_by(system_contracts.c.updated_at.desc()).limit(limit))
    return _rows(await conn.execute(query))


async def contract_issue(conn: AsyncConnection, contract_id: UUID) -> dict[str, Any] | None:
    query = (select(*_ISSUE).join(system_contracts, issues.c.id == system_contracts.c.issue_id)
             .where(system_contracts.c.id == contract_id))
    row = (await conn.execute(query)).mappings().first()
    return dict(row) if row else None


async def jobs_of(conn: AsyncConnection, contract_id: UUID) -> list[dict[str, Any]]:
    """The contract's jobs, each with its steps in order."""
    jobs = _rows(await conn.execute(select(governance_jobs).where(governance_jobs.c.contract_id == contract_id)
                                    .order_by(governance_jobs.c.created_at)))
    for job in jobs:
        job["steps"] = _rows(await conn.execute(select(governance_job_steps)
                                                .where(governance_job_steps.c.job_id == job["id"])
                                                .order_by(governance_job_steps.c.seq)))
    return jobs


async def health_of(conn: AsyncConnection, contract_id: UUID) -> list[dict[str, Any]]:
    return _rows(await conn.execute(select(health_signals).where(health_signals.c.contract_id == contract_id)
                                    .order_by(health_signals.c.evaluated_at)))


async def audits_of(conn: AsyncConnection, contract_id: UUID) -> list[dict[str, Any]]:
    return _rows(await conn.execute(select(audit_verdicts).where(audit_verdicts.c.contract_id == contract_id)
                                    .order_by(audit_verdicts.c.created_at)))


async def incident_list(conn: AsyncConnection, contract_id: UUID | None = None, limit: int = 50
                        ) -> list[dict[str, Any]]:
    """Incidents, newest first (of one contract, or all)."""
    query = select(incidents).order_by(incidents.c.created_at.desc()).limit(limit)
    if contract_id is not None:
        query = query.where(incidents.c.contract_id == contract_id)
    return _rows(await conn.execute(query))
