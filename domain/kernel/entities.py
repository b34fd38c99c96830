"""Which campaign, channel or segment a template acts on, and the spend figures actions are sized by.

- top_campaign: the active campaign with the highest attributed revenue per dollar spent
  (revenue / max(spent, 1)); ties by id.
- worst_campaign: the active campaign with spend > 0 and the lowest revenue per dollar; ties by id;
  never the top campaign unless it is the only one spending.
- top_channel: the channel with the most attributed revenue; ties by name.
- segment_over_cap: the first segment (by name) whose CAC is above its cap.
A campaign is active unless its status is paused, completed, ended, archived or cancelled, or its
end_date is before the analysis window's end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from domain.kernel.inputs import Campaign, KernelInput

INACTIVE = frozenset({"paused", "completed", "ended", "archived", "cancelled", "canceled"})


@dataclass(frozen=True)
class Entities:
    """The entities templates can target, chosen once per cycle."""

    top_campaign: Campaign | None
    worst_campaign: Campaign | None
    top_channel: str | None
    segment_over_cap: str | None
    remaining_budget: Decimal


def _revenue_by(inp: KernelInput) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    by_campaign: dict[str, Decimal] = defaultdict(Decimal)
    by_channel: dict[str, Decimal] = defaultdict(Decimal)
    for e in inp.revenue_events:
        if e.attributed_campaign_id:
            by_campaign[e.attributed_campaign_id] += e.amount
        if e.attributed_channel:
            by_channel[e.attributed_channel] += e.amount
    return by_campaign, by_channel


def choose_entities(inp: KernelInput, segments_over_cap: list[str]) -> Entities:
    """The module's entity rules applied to one input."""
    by_campaign, by_channel = _revenue_by(inp)
    end = inp.analysis_window.end_date
    active = [c for c in inp.campaigns if c.status.strip().lower() not in INACTIVE
              and (c.end_date is None or c.end_date >= end)]
    one = Decimal(1)

    def roi(c: Campaign) -> Decimal:
        return by_campaign.get(c.id, Decimal(0)) / max(c.budget_spent, one)

    top = max(active, key=lambda c: (roi(c), c.id), default=None)
    spending = [c for c in active if c.budget_spent > 0]
    if len(spending) > 1:  # never pause the campaign another action scales or tests
        spending = [c for c in spending if c is not top]
    worst = min(spending, key=lambda c: (roi(c), c.id), default=None)
    channel = max(by_channel.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    remaining = sum((max(c.budget_total - c.budget_spent, Decimal(0)) for c in active), Decimal(0))
    return Entities(
        top_campaign=top,
        worst_campaign=worst,
        top_channel=channel[0] if channel and channel[1] > 0 else None,
        segment_over_cap=segments_over_cap[0] if segments_over_cap else None,
        remaining_budget=remaining,
    )
