"""The candidate action library, keyed by binding constraint and lever.

Each template's estimates are relative: `revenue_lift` (fraction of revenue), `payback_change`
(fraction of current payback; negative is shorter), `cac_change` (fraction of current CAC) and
`margin_pts` (gross-margin points). `spend` is the fraction of the spend base an action may add.
Tags drive the gate effects: demand_scaling, channel_scaling, conversion, efficiency, pricing, cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.kernel.types import ActionType, BindingConstraint, Direction, Lever, OwnerSubsystem

EntityRule = Literal["top_campaign", "worst_campaign", "top_channel", "segment_over_cap", "none"]


@dataclass(frozen=True)
class ActionTemplate:
    """A kind of action the kernel can recommend; `key` starts every action_id made from it."""

    key: str
    constraints: frozenset[BindingConstraint]
    lever: Lever
    owner: OwnerSubsystem
    type: ActionType
    target_metric: str
    direction: Direction
    magnitude_pct: float
    entity: EntityRule
    field: str
    new_value: str | float
    revenue_lift: float
    payback_change: float
    cac_change: float
    margin_pts: float
    spend: float
    base_confidence: float
    tags: frozenset[str]
    note: str


def _t(key: str, constraints: str, lever: Lever, owner: OwnerSubsystem, type_: ActionType, metric: str,
       direction: Direction, magnitude: float, entity: EntityRule, field: str, new_value: str | float,
       economics: tuple[float, float, float, float], spend: float, confidence: float, tags: str, note: str,
       ) -> ActionTemplate:
    lift, payback, cac, margin = economics
    return ActionTemplate(key, frozenset(constraints.split()), lever, owner, type_, metric,  # type: ignore[arg-type]
                          direction, magnitude, entity, field, new_value, lift, payback, cac, margin, spend,
                          confidence, frozenset(tags.split()), note)


LIBRARY: tuple[ActionTemplate, ...] = (
    # demand
    _t("scale_top_campaign", "demand", "campaigns", "campaigns", "scale", "pipeline_total", "increase", 15,
       "top_campaign", "budget_total", 1.2, (0.12, 0.05, 0.04, 0), 0.2, 0.6, "demand_scaling",
       "Raise the budget of the campaign with the best attributed revenue per dollar by 20%."),
    _t("launch_campaign_test", "demand", "campaigns", "content", "experiment", "pipeline_total", "increase", 10,
       "none", "campaign_variant", "new_offer_test", (0.08, 0, 0, 0), 0.05, 0.5, "conversion",
       "Test a new offer and message variant on a slice of campaign traffic."),
    _t("scale_top_channel", "demand", "channels", "campaigns", "scale", "pipeline_total", "increase", 12,
       "top_channel", "daily_budget_multiplier", 1.2, (0.1, 0.06, 0.05, 0), 0.15, 0.55,
       "demand_scaling channel_scaling", "Shift 20% more daily budget into the best-attributed channel."),
    _t("test_new_channel", "demand", "channels", "campaigns", "experiment", "pipeline_total", "increase", 8,
       "none", "channel_test", "enabled", (0.06, 0.02, 0.02, 0), 0.05, 0.45, "",
       "Open a capped test of one new acquisition channel."),
    _t("outbound_sequence", "demand", "sequences", "crm", "experiment", "pipeline_total", "increase", 10,
       "none", "outbound_sequence", "enabled", (0.07, -0.03, -0.02, 0), 0.0, 0.5, "efficiency",
       "Start an outbound sequence to lookalike accounts with no added media spend."),
    _t("entry_offer_test", "demand", "pricing", "pricing", "experiment", "pipeline_total", "increase", 8,
       "none", "entry_offer", "starter_tier", (0.06, -0.02, 0, -1.0), 0.0, 0.4, "pricing",
       "Test an entry-tier offer to widen the top of the funnel."),
    # conversion
    _t("speed_to_lead", "conversion", "sequences", "routing", "config_change", "bookings_new", "increase", 8,
       "none", "first_response_sla_minutes", 5, (0.06, -0.06, -0.04, 0), 0.0, 0.65, "conversion efficiency",
       "Route new leads to a rep within five minutes."),
    _t("followup_sequence_test", "conversion", "sequences", "crm", "experiment", "bookings_new", "increase", 10,
       "none", "followup_cadence", "7_touch", (0.07, -0.05, -0.03, 0), 0.0, 0.55, "conversion efficiency",
       "Test a seven-touch follow-up cadence on open opportunities."),
    _t("landing_page_test", "conversion", "campaigns", "content", "experiment", "bookings_new", "increase", 8,
       "top_campaign", "landing_page_variant", "case_study_led", (0.05, -0.04, -0.03, 0), 0.02, 0.5,
       "conversion", "Test a case-study-led landing page on the top campaign."),
    _t("packaging_test", "conversion", "pricing", "pricing", "experiment", "bookings_new", "increase", 6,
       "none", "packaging", "good_better_best", (0.05, -0.03, 0, 1.0), 0.0, 0.45, "conversion pricing",
       "Test good-better-best packaging on new quotes."),
    _t("channel_lead_scoring", "conversion", "channels", "crm", "config_change", "bookings_new", "increase", 5,
       "none", "lead_score_threshold", 60, (0.04, -0.05, -0.04, 0), 0.0, 0.5, "conversion efficiency",
       "Only pass channel leads above a score of 60 to sales."),
    # economics
    _t("pause_worst_campaign", "economics", "campaigns", "campaigns", "pause", "cac_blended", "decrease", 10,
       "worst_campaign", "status", "paused", (-0.02, -0.12, -0.1, 0.5), 0.0, 0.7, "efficiency cost",
       "Pause the campaign with the worst attributed revenue per dollar."),
    _t("reallocate_channel_budget", "economics", "channels", "campaigns", "config_change", "cac_blended",
       "decrease", 8, "top_channel", "budget_allocation", "shift_20pct_to_channel", (0.01, -0.08, -0.08, 0.3),
       0.0, 0.55, "efficiency cost", "Move 20% of budget from the weakest channels into the best one."),
    _t("segment_cac_cap", "economics", "campaigns", "campaigns", "config_change", "cac_blended", "decrease", 12,
       "segment_over_cap", "max_cpa", "segment_cap", (-0.01, -0.1, -0.12, 0.2), 0.0, 0.6, "efficiency cost",
       "Cap cost per acquisition in the segment whose CAC is above its limit."),
    _t("price_increase_test", "economics", "pricing", "pricing", "experiment", "gross_margin_pct", "increase", 5,
       "none", "list_price_change_pct", 5, (0.02, -0.08, 0, 3.0), 0.0, 0.5, "pricing",
       "Test a 5% list price increase on new deals."),
    _t("discount_guardrail", "economics", "pricing", "pricing", "config_change", "gross_margin_pct", "increase", 3,
       "none", "max_discount_pct", 10, (-0.01, -0.05, 0, 2.0), 0.0, 0.6, "pricing cost",
       "Cap discretionary discounts at 10% without approval."),
    _t("qualify_before_demo", "economics", "sequences", "crm", "config_change", "payback_months", "decrease", 8,
       "none", "demo_qualification", "required", (-0.01, -0.1, -0.06, 0.5), 0.0, 0.55, "efficiency cost",
       "Require qualification before demos to cut cost of sale."),
    # data quality
    _t("require_campaign_tag", "data_quality", "campaigns", "campaigns", "config_change", "bookings_new",
       "increase", 2, "none", "require_campaign_attribution", True, (0.01, 0, 0, 0), 0.0, 0.7, "",
       "Refuse untagged conversions so revenue can be attributed."),
    _t("require_channel_tag", "data_quality", "channels", "campaigns", "config_change", "pipeline_total",
       "increase", 2, "none", "require_channel_attribution", True, (0.01, 0, 0, 0), 0.0, 0.65, "",
       "Require a channel on every new lead."),
    _t("crm_required_fields", "data_quality", "sequences", "crm", "config_change", "pipeline_total", "increase", 2,
       "none", "required_opportunity_fields", "amount,close_date,source", (0.01, 0, 0, 0), 0.0, 0.7, "",
       "Make amount, close date and source required on opportunities."),
    _t("price_book_audit", "data_quality", "pricing", "pricing", "config_change", "gross_margin_pct", "increase",
       1, "none", "require_price_book", True, (0, 0, 0, 0.2), 0.0, 0.6, "cost",
       "Require every quote to use the price book so margin is measurable."),
)

BY_KEY: dict[str, ActionTemplate] = {t.key: t for t in LIBRARY}


def templates_for(constraint: BindingConstraint, tags: frozenset[str] = frozenset()) -> list[ActionTemplate]:
    """Templates for a constraint, plus any template carrying one of `tags` (gate additions)."""
    return [t for t in LIBRARY if constraint in t.constraints or t.tags & tags]
