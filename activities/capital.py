"""Capital activities: the only place the capital workflows touch the database and the cost providers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.capital_costs import DailyCostPort
from domain.capital.weekly import WeeklyTotals
from domain.errors import DomainError
from infra.db import capital_costs, capital_lifecycle, capital_reports
from infra.db.capital_facts import driver
from infra.db.capital_lifecycle import TransitionCommand, TransitionResult


class AlertCommand(BaseModel):
    experiment_id: UUID
    kind: str
    cap_epoch: int
    detail: dict[str, Any]
    at: datetime


class RollupCommand(BaseModel):
    day: date
    at: datetime


class RollupResult(BaseModel):
    day: date
    spend_by_experiment: dict[UUID, Decimal]


class WeeklyCommand(BaseModel):
    week: str
    at: datetime


def refusal(error: DomainError) -> ApplicationError:
    """A business refusal: not retried, its code travels as the error type."""
    return ApplicationError(error.message, error.details, type=error.code, non_retryable=True)


class CapitalActivities:
    def __init__(self, engine: AsyncEngine, twilio: DailyCostPort, gcp: DailyCostPort) -> None:
        self._engine = engine
        self._twilio = twilio
        self._gcp = gcp

    @activity.defn(name="capital_apply_transition")
    async def apply_transition(self, command: TransitionCommand) -> TransitionResult:
        try:
            async with self._engine.begin() as conn:
                return await capital_lifecycle.apply_transition(conn, command)
        except DomainError as error:
            raise refusal(error) from error

    @activity.defn(name="capital_raise_alert")
    async def raise_alert(self, command: AlertCommand) -> bool:
        async with self._engine.begin() as conn:
            if command.kind == "evaluation_requested":
                try:
                    await capital_lifecycle.flag_evaluation(conn, command.experiment_id, command.at)
                except DomainError as error:
                    raise refusal(error) from error
            return await capital_lifecycle.record_alert(conn, command.experiment_id, command.kind, command.cap_epoch,
                                                        command.detail, command.at)

    @activity.defn(name="capital_rollup_costs")
    async def rollup_costs(self, command: RollupCommand) -> RollupResult:
        async with self._engine.connect() as conn:
            pg = await driver(conn)
            sources = await pg.fetch("SELECT source, external_key FROM campaign_cost_sources")
        twilio = await self._twilio.daily_costs(command.day, [r["external_key"] for r in sources
                                                              if r["source"] == "twilio"])
        gcp = await self._gcp.daily_costs(command.day, [r["external_key"] for r in sources if r["source"] == "gcp"])
        async with self._engine.begin() as conn:
            await capital_costs.rollup_day(conn, command.day, twilio, gcp, command.at)
            live = await capital_costs.live_experiments(conn)
            spend = await capital_costs.spend_by_experiment(conn, live)
        return RollupResult(day=command.day, spend_by_experiment={e: spend.get(e, Decimal(0)) for e in live})

    @activity.defn(name="capital_weekly_summary")
    async def weekly_summary(self, command: WeeklyCommand) -> WeeklyTotals:
        async with self._engine.begin() as conn:
            summary = await capital_reports.weekly_summary(conn, command.week)
            await capital_reports.store_summary(conn, summary, command.at)
        return summary.totals
