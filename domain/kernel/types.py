"""Scalar types and enums of the kernel contract (revenue_os_v1.1).

Money is held as `Decimal` but travels as a JSON number, exactly as the contract's `number`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, PlainSerializer, WithJsonSchema

VERSION: Literal["revenue_os_v1.1"] = "revenue_os_v1.1"

Money = Annotated[
    Decimal,
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number"}),
]

TriggerType = Literal["scheduled", "metric_deviation", "lifecycle_event", "manual"]
Lever = Literal["campaigns", "channels", "sequences", "pricing"]
RiskTolerance = Literal["low", "medium", "high"]
Outcome = Literal["successful", "failed", "inconclusive"]
BindingConstraint = Literal["demand", "conversion", "economics", "data_quality"]
Gate = Literal["payback_exceeded", "margin_below_floor", "cash_constrained"]
OwnerSubsystem = Literal["campaigns", "crm", "pricing", "routing", "content"]
ActionType = Literal["config_change", "experiment", "pause", "scale", "revert"]
EntityType = Literal["campaign", "channel", "segment", "sequence"]
Operator = Literal[">", "<", ">=", "<="]
Direction = Literal["increase", "decrease"]
OutcomeDirection = Literal["increase", "decrease", "stabilize"]
IssueType = Literal["missing_data", "stale_data", "invalid_data", "missing_attribution"]
ErrorCode = Literal["INVALID_INPUT", "TENANT_NOT_FOUND", "INSUFFICIENT_DATA", "CYCLE_TOO_RECENT", "INTERNAL_ERROR"]

# Every contract model refuses unknown fields and NaN/Infinity (JSON has neither).
CONTRACT = ConfigDict(extra="forbid", allow_inf_nan=False)

LEVERS: tuple[Lever, ...] = ("campaigns", "channels", "sequences", "pricing")
GATES: tuple[Gate, ...] = ("payback_exceeded", "margin_below_floor", "cash_constrained")
CONSTRAINTS: tuple[BindingConstraint, ...] = ("demand", "conversion", "economics", "data_quality")
