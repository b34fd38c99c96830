"""`capital.campaign`: a campaign's budget and status, changed through capital's own campaign commands.

`set_campaign_budget` and `set_campaign_status` (what the capital API calls) apply capital's rules: a
campaign with a running experiment cannot be paused, a completed one is final. Health is capital's
invariants on the campaign: spend within its budget, every experiment within its cap, no experiment
running in a campaign that is not active.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from uuid import UUID

from pydantic import JsonValue
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capabilities import CAPITAL_CAMPAIGN_SPEC
from domain.capital.models import CampaignStatus, ExperimentStatus
from domain.errors import InvalidInput
from domain.governance.changes import ProposedChange
from domain.governance.health import HealthMeasure
from domain.governance.scopes import ScopeState
from infra.db.capital_costs import campaign_spend
from infra.db.capital_entities import get_campaign, list_experiments, set_campaign_budget, set_campaign_status
from infra.db.capital_lifecycle import experiment_spend

STATUSES = [s.value for s in CampaignStatus]


def _budget(value: JsonValue) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput("budget_usd is a number of dollars, or null for no budget", code="invalid_budget")
    try:
        budget = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"budget_usd {value!r} is not a number", code="invalid_budget") from None
    if not budget.is_finite() or budget < 0 or budget >= Decimal("1e12"):
        raise InvalidInput(f"budget_usd {value!r} is not a budget", code="invalid_budget")
    return budget


class CapitalCampaignExecutor:
    spec = CAPITAL_CAMPAIGN_SPEC

    def check(self, change: ProposedChange) -> list[str]:
        if change.key == "budget_usd":
            try:
                _budget(change.value)
            except InvalidInput as error:
                return [f"{change.scope}: {error.message}"]
            return []
        if change.key == "status":
            return [] if change.value in STATUSES else [f"{change.scope}: status is one of {', '.join(STATUSES)}"]
        return [f"{change.scope}: {change.key} is not a campaign setting (budget_usd or status)"]

    async def read(self, conn: AsyncConnection, target: str) -> ScopeState:
        campaign = await get_campaign(conn, UUID(target))
        budget = campaign.capital_budget_usd
        return ScopeState(values={"budget_usd": float(budget) if budget is not None else None,
                                  "status": campaign.status.value})

    async def apply(self, conn: AsyncConnection, target: str, key: str, value: JsonValue, at: datetime,
                    request_id: str) -> None:
        if key == "budget_usd":
            await set_campaign_budget(conn, UUID(target), _budget(value), at)
        elif key == "status" and value in STATUSES:
            await set_campaign_status(conn, UUID(target), CampaignStatus(str(value)), at)
        else:
            raise InvalidInput(f"{key}={value!r} is not a campaign change", code="invalid_campaign_change")

    async def restore(self, conn: AsyncConnection, target: str, prior: ScopeState, at: datetime,
                      request_id: str) -> None:
        now = await self.read(conn, target)
        for key in ("budget_usd", "status"):  # the budget first: a completed campaign's budget is final
            if key in prior.values and prior.values[key] != now.values.get(key):
                await self.apply(conn, target, key, prior.values[key], at, request_id)

    async def measure(self, conn: AsyncConnection, target: str, start: datetime, end: datetime) -> HealthMeasure:
        campaign = await get_campaign(conn, UUID(target))
        spend = await campaign_spend(conn, campaign.id)
        problems: list[str] = []
        if campaign.capital_budget_usd is not None and spend > campaign.capital_budget_usd:
            problems.append("campaign spend exceeds its budget")  # the amounts are in the figures
        running = 0
        for experiment in await list_experiments(conn, campaign.id):
            if experiment.status is ExperimentStatus.RUNNING:
                running += 1
                if campaign.status is not CampaignStatus.ACTIVE:
                    problems.append(f"experiment {experiment.id} runs in a {campaign.status.value} campaign")
            spent = await experiment_spend(conn, experiment.id)
            if spent > experiment.capital_cap_usd:
                problems.append(f"experiment {experiment.id} spent over its cap")
        return HealthMeasure(evidence=True, problems=problems, figures={
            "spend_usd": float(spend), "status": campaign.status.value, "running_experiments": running,
            "budget_usd": float(campaign.capital_budget_usd) if campaign.capital_budget_usd is not None else None})
