"""Building a KernelInput from stored facts, the metric-deviation rule, and which actions need a human.

All pure: the stored rows, the tenant's policy, the trigger and the dates come in as arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, model_validator

from domain.capabilities import CAPITAL_CAMPAIGN, KERNEL_POLICY
from domain.kernel.ingest import reject_nul
from domain.kernel.inputs import CfoGuardrails, Guardrails, KernelConfig, Targets
from domain.kernel.outputs import Action, KernelOutput
from domain.kernel.types import TriggerType

# Actions that change configuration, pricing or spend go to governed change; the rest are notices.
GOVERNED_TYPES = frozenset({"config_change", "scale", "pause", "revert"})


class KernelPolicy(BaseModel):
    """A tenant's standing targets and guardrails; scheduled cycles read the latest one."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    targets: Targets
    guardrails: Guardrails
    cfo_guardrails: CfoGuardrails
    config: KernelConfig | None = None

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        reject_nul(data)
        return data


@dataclass(frozen=True)
class StoredFacts:
    """What the cycle reads from storage, already shaped as contract items (JSON dicts)."""

    metrics: Sequence[dict[str, Any]]
    revenue_events: Sequence[dict[str, Any]]
    campaigns: Sequence[dict[str, Any]]
    opportunities: Sequence[dict[str, Any]]
    action_results: Sequence[dict[str, Any]] = ()


def analysis_window(now: datetime, days: int) -> tuple[date, date]:
    """The `days` calendar days (UTC) ending today."""
    end = now.date()
    return end - timedelta(days=days - 1), end


def build_input(tenant_id: str, policy: dict[str, Any] | None, trigger: TriggerType, source: str, now: datetime,
                window: tuple[date, date], facts: StoredFacts) -> dict[str, Any]:
    """The KernelInput payload for a stored-data cycle.

    Without a policy the payload has no targets, guardrails or cfo_guardrails, so the kernel answers
    INVALID_INPUT naming them (rule 6) rather than this function inventing values.
    """
    body: dict[str, Any] = {
        "tenant_id": tenant_id,
        "trigger": {"type": trigger, "source": source, "triggered_at": now.isoformat()},
        "analysis_window": {"start_date": window[0].isoformat(), "end_date": window[1].isoformat()},
        "metrics": list(facts.metrics),
        "revenue_events": list(facts.revenue_events),
        "campaigns": list(facts.campaigns),
        "opportunities": list(facts.opportunities),
    }
    if facts.action_results:
        body["recent_action_results"] = list(facts.action_results)
    if policy is not None:
        body.update({k: v for k, v in policy.items() if v is not None})
    return body


@dataclass(frozen=True)
class Deviation:
    """An ingested value far enough off its trailing mean to start a cycle."""

    metric_id: str
    value: float
    trailing_mean: float
    deviation_pct: float


def trailing_start(before: date, days: int) -> date:
    """The first day of the `days` before `before`; the calendar's first day when that reaches past it."""
    if (before - date.min).days < days:
        return date.min
    return before - timedelta(days=days)


def deviation(metric_id: str, value: float, trailing: Sequence[float], threshold_pct: float,
              min_points: int) -> Deviation | None:
    """|value - mean| / |mean| x 100 > threshold_pct over at least `min_points` trailing values.

    A zero mean deviates on any non-zero value (infinitely far off in relative terms).
    """
    if len(trailing) < min_points:
        return None
    mean = sum(trailing) / len(trailing)
    if mean == 0:
        pct = 0.0 if value == 0 else float("inf")
    else:
        pct = abs(value - mean) / abs(mean) * 100
    if pct <= threshold_pct:
        return None
    return Deviation(metric_id, value, mean, pct)


def governed_actions(output: KernelOutput) -> list[Action]:
    """Actions that change configuration, pricing or spend (filed for human approval).

    Governed: every config_change, scale, pause and revert; any action owned by pricing; any action
    with max_additional_spend > 0. Experiments without spend outside pricing are recorded only.
    """
    def governed(a: Action) -> bool:
        spend = a.guardrails.max_additional_spend
        return a.type in GOVERNED_TYPES or a.owner_subsystem == "pricing" or (spend is not None and spend > 0)

    return [a for a in output.actions if governed(a)]


# Campaign fields an action changes -> the key capital.campaign executes them as.
_CAMPAIGN_KEYS = {"budget_total": "budget_usd", "status": "status"}


def _uuid(value: Any) -> str | None:
    try:
        return str(UUID(str(value)))
    except ValueError:
        return None


def governed_change(action: dict[str, Any], tenant_id: str, policy: dict[str, Any] | None) -> dict[str, Any] | None:
    """The governed capability change an action asks for, when a domain here executes it; else None.

    A campaign's budget or status -> `capital.campaign` (the campaign is capital's: the cycle read it from
    there). More daily budget into a channel -> `kernel.policy` `guardrails.max_daily_spend`, scaled by the
    multiplier: the ceiling the kernel plans every later action's spend against.
    """
    change = action.get("proposed_change") or {}
    field, new = change.get("field"), change.get("new_value")
    entity = action.get("target_entity") or {}
    campaign = _uuid(entity.get("id")) if entity.get("type") == "campaign" else None
    if action.get("owner_subsystem") == "campaigns" and campaign and field in _CAMPAIGN_KEYS:
        return {"capability": CAPITAL_CAMPAIGN, "target": campaign, "key": _CAMPAIGN_KEYS[field], "value": new}
    ceiling = ((policy or {}).get("guardrails") or {}).get("max_daily_spend")
    if field == "daily_budget_multiplier" and isinstance(new, int | float) and isinstance(ceiling, int | float):
        return {"capability": KERNEL_POLICY, "target": tenant_id, "key": "guardrails.max_daily_spend",
                "value": round(float(ceiling) * float(new), 2)}
    return None
