"""Ingestion commands: what `POST /v1/metrics`, `/v1/revenue-events`, `/v1/opportunities` and
`/v1/kernel/action-results` accept. Refused here (a 422, never a database error): NUL characters
and lone surrogates, which Postgres text cannot hold (domain.text), and numbers beyond the stored
precision (metric values below 1e18, money below 1e16 in magnitude).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.kernel.inputs import ActionResult, MetricPoint, Opportunity, RevenueEvent
from domain.text import find_bad_value

BATCH = 20_000
MAX_METRIC = 1e18
MAX_MONEY = Decimal("1e16")
_T = TypeVar("_T")


def reject_nul(value: Any) -> None:
    """Raise ValueError naming the first string, number or level Postgres cannot store (domain.text's rule)."""
    bad = find_bad_value(value)
    if bad is not None:
        raise ValueError(f"{bad.message} ({bad.problem.value})")


class _Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant_id: UUID

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        reject_nul(data)
        return data


def _below(items: list[_T], field: str, attr: str, limit: Any) -> list[_T]:
    """Refuse values the database column cannot store, naming the item."""
    for i, item in enumerate(items):
        if abs(getattr(item, attr)) >= limit:
            raise ValueError(f"{field}[{i}].{attr} must be below {limit} in magnitude")
    return items


class MetricsIn(_Batch):
    """Metric points for one tenant."""

    metrics: list[MetricPoint] = Field(min_length=1, max_length=BATCH)

    @field_validator("metrics")
    @classmethod
    def _storable(cls, points: list[MetricPoint]) -> list[MetricPoint]:
        return _below(points, "metrics", "value", MAX_METRIC)


class RevenueEventsIn(_Batch):
    """Revenue events for one tenant."""

    events: list[RevenueEvent] = Field(min_length=1, max_length=BATCH)

    @field_validator("events")
    @classmethod
    def _storable(cls, events: list[RevenueEvent]) -> list[RevenueEvent]:
        return _below(events, "events", "amount", MAX_MONEY)


class OpportunitiesIn(_Batch):
    """Opportunity snapshots for one tenant."""

    opportunities: list[Opportunity] = Field(min_length=1, max_length=BATCH)

    @field_validator("opportunities")
    @classmethod
    def _storable(cls, opps: list[Opportunity]) -> list[Opportunity]:
        return _below(opps, "opportunities", "amount", MAX_MONEY)


class ActionResultsIn(_Batch):
    """Measured results of executed kernel actions for one tenant."""

    results: list[ActionResult] = Field(min_length=1, max_length=BATCH)
