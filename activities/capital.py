"""Capital activities: the only place the capital workflows touch the database, the cost providers and the admins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities.capital_costs import DailyCostPort
from activities.capital_notify import CapitalNotifier, LocalCapitalNotifier, alert_message, weekly_message
from domain.capital import notices
from domain.capital.costs import DayWindow, Refused, day_window, last_closed_day, local_day, normalize_currency, to_usd
from domain.capital.messages import (
    AlertCommand,
    RollupCommand,
    RollupResult,
    TransitionCommand,
    TransitionResult,
    WeeklyCommand,
)
from domain.capital.weekly import WeeklyTotals
from infra.db import capital_costs, capital_lifecycle, capital_reports
from infra.db.capital_facts import driver

DEFAULT_RECIPIENTS = ("admin@localhost",)


class CapitalActivities:
    def __init__(self, engine: AsyncEngine, twilio: DailyCostPort, gcp: DailyCostPort,
                 notifier: CapitalNotifier | None = None, recipients: Sequence[str] = DEFAULT_RECIPIENTS) -> None:
        self._engine = engine
        self._twilio = twilio
        self._gcp = gcp
        self._notifier = notifier or LocalCapitalNotifier()
        self._recipients = tuple(recipients)

    @activity.defn(name="capital_apply_transition")
    async def apply_transition(self, command: TransitionCommand) -> TransitionResult:
        async with self._engine.begin() as conn:
            return await capital_lifecycle.apply_transition(conn, command)

    @activity.defn(name="capital_raise_alert")
    async def raise_alert(self, command: AlertCommand) -> bool:
        """Record the alert once and push it to every admin (in the same transaction: recorded means sent)."""
        async with self._engine.begin() as conn:
            if command.kind == "evaluation_requested":
                await capital_lifecycle.flag_evaluation(conn, command.experiment_id, command.at)
            raised = await capital_lifecycle.record_alert(conn, command.experiment_id, command.kind,
                                                          command.cap_epoch, command.detail, command.at)
            if raised:
                name = await capital_lifecycle.experiment_name(conn, command.experiment_id)
                subject, text = notices.alert(name, command.kind, command.detail)
                key = f"{command.experiment_id}:{command.kind}:{command.cap_epoch}:{command.at.isoformat()}"
                for recipient in self._recipients:
                    await self._notifier.deliver(conn, alert_message(key, recipient, subject, text, command.at))
            return raised

    async def _source_costs(self, window: DayWindow, keys: dict[str, list[str]]
                            ) -> tuple[dict[str, list[tuple[str, Decimal]]], list[tuple[str, Refused]]]:
        raw = {"twilio": await self._twilio.daily_costs(window, keys["twilio"]) if keys["twilio"] else [],
               "gcp": await self._gcp.daily_costs(window, keys["gcp"]) if keys["gcp"] else []}
        currencies = sorted({normalize_currency(c.currency) for costs in raw.values() for c in costs} - {"USD"})
        async with self._engine.connect() as conn:
            rates = await capital_costs.rates(conn, currencies)
        usd: dict[str, list[tuple[str, Decimal]]] = {}
        refused: list[tuple[str, Refused]] = []
        for source, costs in raw.items():
            usd[source], lost = to_usd(costs, window.day, rates)
            refused.extend((source, r) for r in lost)
        return usd, refused

    async def _rollup_tenant(self, tenant_id: UUID, timezone: str, command: RollupCommand) -> tuple[date, int]:
        if command.day is not None:
            day = command.day
        else:
            day = local_day(command.at, timezone) if command.live else last_closed_day(command.at, timezone)
        window = day_window(day, timezone)
        async with self._engine.connect() as conn:
            keys = await capital_costs.cost_keys(conn, tenant_id)
        usd, refused = await self._source_costs(window, keys)
        async with self._engine.begin() as conn:
            # One rollup of a tenant day at a time (the live refresh and the daily run may meet).
            await (await driver(conn)).execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"rollup:{tenant_id}")
            await capital_costs.rollup_day(conn, tenant_id, window, usd["twilio"], usd["gcp"], refused, command.at)
        return day, len(refused)

    @activity.defn(name="capital_rollup_costs")
    async def rollup_costs(self, command: RollupCommand) -> RollupResult:
        """Each tenant's day (or one tenant's), then every live experiment's total spend for its governor."""
        async with self._engine.connect() as conn:
            tenants = await capital_costs.tenants(conn, command.tenant_id)
        days: dict[UUID, date] = {}
        refused = 0
        for tenant_id, timezone in tenants:
            days[tenant_id], lost = await self._rollup_tenant(tenant_id, timezone, command)
            refused += lost
        async with self._engine.connect() as conn:
            live = await capital_costs.live_experiments(conn, command.tenant_id)
            spend = await capital_costs.spend_by_experiment(conn, live)
        return RollupResult(day=command.day, days=days, refused=refused, as_of=command.at,
                            spend_by_experiment={e: spend.get(e, Decimal(0)) for e in live})

    @activity.defn(name="capital_weekly_summary")
    async def weekly_summary(self, command: WeeklyCommand) -> WeeklyTotals:
        """Build and store the week's summary, and deliver it (text, HTML and CSV) to every admin."""
        async with self._engine.begin() as conn:
            summary = await capital_reports.weekly_summary(conn, command.week)
            await capital_reports.store_summary(conn, summary, command.at)
            for recipient in self._recipients:
                await self._notifier.deliver(conn, weekly_message(summary, recipient, command.at))
        return summary.totals
