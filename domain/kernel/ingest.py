"""Ingestion commands: what `POST /v1/metrics`, `/v1/revenue-events`, `/v1/opportunities` and
`/v1/kernel/action-results` accept. Refused here (a 422, never a database error): NUL characters,
which Postgres text cannot hold, and numbers beyond the stored precision (metric values below 1e18,
money below 1e16 in magnitude).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.kernel.inputs import ActionResult, MetricPoint, Opportunity, RevenueEvent

BATCH = 20_000
MAX_METRIC = 1e18
MAX_MONEY = Decimal("1e16")


def reject_nul(value: Any, path: str = "") -> None:
    """Raise ValueError naming the first string (key or value) with a NUL character."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(f"NUL character in {path or 'body'}")
    if isinstance(value, dict):
        for k, v in value.items():
            reject_nul(k, path)
            reject_nul(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            reject_nul(v, f"{path}[{i}]")


class _Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant_id: UUID

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        reject_nul(data)
        return data


class MetricsIn(_Batch):
    """Metric points for one tenant."""

    metrics: list[MetricPoint] = Field(min_length=1, max_length=BATCH)

    @field_validator("metrics")
    @classmethod
    def _storable(cls, points: list[MetricPoint]) -> list[MetricPoint]:
        for i, p in enumerate(points):
            if abs(p.value) >= MAX_METRIC:
                raise ValueError(f"metrics[{i}].value must be below {MAX_METRIC:g} in magnitude")
        return points


class RevenueEventsIn(_Batch):
    """Revenue events for one tenant."""

    events: list[RevenueEvent] = Field(min_length=1, max_length=BATCH)

    @field_validator("events")
    @classmethod
    def _storable(cls, events: list[RevenueEvent]) -> list[RevenueEvent]:
        for i, e in enumerate(events):
            if abs(e.amount) >= MAX_MONEY:
                raise ValueError(f"events[{i}].amount must be below {MAX_MONEY} in magnitude")
        return events


class OpportunitiesIn(_Batch):
    """Opportunity snapshots for one tenant."""

    opportunities: list[Opportunity] = Field(min_length=1, max_length=BATCH)

    @field_validator("opportunities")
    @classmethod
    def _storable(cls, opps: list[Opportunity]) -> list[Opportunity]:
        for i, o in enumerate(opps):
            if abs(o.amount) >= MAX_MONEY:
                raise ValueError(f"opportunities[{i}].amount must be below {MAX_MONEY} in magnitude")
        return opps


class ActionResultsIn(_Batch):
    """Measured results of executed kernel actions for one tenant."""

    results: list[ActionResult] = Field(min_length=1, max_length=BATCH)
