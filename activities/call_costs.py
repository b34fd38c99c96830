"""The cost of every call: priced from its events (domain.integrations.costs) and the carrier's record, written as
append-only lines (one per call and component) into `call_cost_lines`, which capital's daily rollup reads too.

A smoke call is priced like any call, its lines marked `purpose = 'smoke'`: the platform's cost of testing a
configuration, kept out of the tenant's voice costs and capital's rollup.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.integrations.costs import CallUsage, Rates, objective_shares, price_call, usage_of
from domain.integrations.messages import RecordCallCost
from domain.integrations.triggers import CallFacts, call_facts
from infra.db.tables_integrations import call_cost_lines
from infra.settings import Settings


@dataclass(frozen=True)
class CarrierPrices:
    call: Decimal
    legs: list[Decimal] = field(default_factory=list)


class CallPricePort(Protocol):
    async def prices(self, call_sid: str) -> CarrierPrices | None: ...


class PriceNotYet(Exception):
    """The carrier has not priced the completed call yet (Twilio sets `price` some time after completion)."""


class NoCarrierPrices:
    """No carrier account configured: telephony is priced from the rates."""

    async def prices(self, call_sid: str) -> CarrierPrices | None:
        return None


class TwilioCallPrices:
    """GET /Calls/{sid}.json (and its child calls, the transfer legs) through the SDK."""

    def __init__(self, account_sid: str, auth_token: str, *, base_url: str | None = None) -> None:
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token)
        if base_url:
            self._client.api.base_url = base_url

    def _fetch(self, call_sid: str) -> CarrierPrices:
        call = self._client.calls(call_sid).fetch()
        if call.status != "completed" or call.price is None:
            raise PriceNotYet(f"call {call_sid} is {call.status}, price {call.price!r}")
        legs = self._client.calls.list(parent_call_sid=call_sid)
        return CarrierPrices(abs(Decimal(str(call.price))), [abs(Decimal(str(leg.price))) for leg in legs
                                                             if leg.price is not None])

    async def prices(self, call_sid: str) -> CarrierPrices | None:
        return await asyncio.to_thread(self._fetch, call_sid)


def rates_from(settings: Settings) -> Rates:
    """The deployment's rates (REVOS_COST_*)."""
    def dec(table: dict[str, float]) -> dict[str, Decimal]:
        return {k: Decimal(str(v)) for k, v in table.items()}

    return Rates(inbound_per_minute=dec(settings.cost_twilio_inbound_per_minute),
                 outbound_per_minute=dec(settings.cost_twilio_outbound_per_minute),
                 media_stream_per_minute=Decimal(str(settings.cost_media_stream_per_minute)),
                 stt_per_minute=dec(settings.cost_stt_per_minute),
                 tts_per_1k_characters=dec(settings.cost_tts_per_1k_characters),
                 core_hour=Decimal(str(settings.cost_core_hour_usd)))


class CostActivities:
    def __init__(self, engine: AsyncEngine, rates: Rates, prices: CallPricePort) -> None:
        self._engine = engine
        self._rates = rates
        self._prices = prices

    @activity.defn(name="integrations_record_call_cost")
    async def record_call_cost(self, cmd: RecordCallCost) -> int:
        """Price the call and write its lines (a line already written stays as it is); returns how many."""
        facts = call_facts(cmd.call_sid, cmd.tenant_id, cmd.events)
        carrier = None
        if not cmd.use_rates:
            try:
                carrier = await self._prices.prices(cmd.call_sid)
            except PriceNotYet as exc:
                raise ApplicationError(str(exc), type="price_not_yet") from exc
        usage = usage_of(cmd.events)
        if carrier is not None:
            usage = usage.model_copy(update={"carrier_price": carrier.call, "carrier_leg_prices": carrier.legs})
        rows = _rows(cmd, facts, usage, self._rates)
        async with self._engine.begin() as conn:
            await conn.execute(pg_insert(call_cost_lines).values(rows)
                               .on_conflict_do_nothing(index_elements=["call_sid", "line"]))
        return len(rows)


def _rows(cmd: RecordCallCost, facts: CallFacts, usage: CallUsage, rates: Rates) -> list[dict[str, Any]]:
    started = next((e.occurred_at for e in cmd.events if e.type == "call.started"), cmd.events[0].occurred_at)
    shares = objective_shares(cmd.events, usage.duration_ms)
    common = {"call_sid": cmd.call_sid, "tenant_id": UUID(facts.tenant_id) if facts.tenant_id else None,
              "day": started.astimezone(UTC).date(), "config_version": facts.config_version,
              "core_version": usage.core_version or "unknown", "started_at": started, "recorded_at": datetime.now(UTC),
              "purpose": "smoke" if facts.smoke else "live"}
    return [{**common, "line": line.line, "component": line.component, "basis": line.basis,
             "quantity": line.quantity, "unit": line.unit, "rate_usd": line.rate_usd, "amount_usd": line.amount_usd,
             "detail": {**line.detail, "objective_shares": shares}} for line in price_call(usage, rates)]
