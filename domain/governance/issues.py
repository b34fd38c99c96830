"""An issue as received from a proposal channel (CRM, support, ops alerts)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.text import SafeId, SafeJson

IssueSource = Literal["crm_feedback", "support_ticket", "ops_alert"]


class IssueReceipt(BaseModel):
    """One delivery of an issue; idempotent on (source, external_id) when external_id is given."""

    source: IssueSource
    external_id: SafeId | None = None
    raw_payload: SafeJson


class IssueStatus(StrEnum):
    """Where an issue is on its way to (or away from) a draft contract."""

    RECEIVED = "RECEIVED"
    VALIDATED = "VALIDATED"
    ELIGIBLE = "ELIGIBLE"
    INELIGIBLE = "INELIGIBLE"
    CONTRACT_DRAFTED = "CONTRACT_DRAFTED"


class IssueView(BaseModel):
    """An issue with what the machine stages said about it."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    source: IssueSource
    external_id: str | None
    status: IssueStatus
    raw_payload: dict[str, Any]
    received_at: datetime
    tenant_id: UUID | None = None
    workflow_id: str
    validator_output: dict[str, Any] | None = None
    eligibility: dict[str, Any] | None = None
    contract_id: UUID | None = None
    duplicate: bool = False


def tenant_of(raw_payload: dict[str, Any]) -> UUID | None:
    """The tenant an issue concerns, when the payload names a well-formed one."""
    value = raw_payload.get("tenant_id")
    if not isinstance(value, str):
        return None
    try:
        return UUID(value)
    except ValueError:
        return None

