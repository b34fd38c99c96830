"""Capital governance tables: the five layers, facts, cost truth and judgment.

Names here are read by other domains (the kernel): products, campaigns, experiments, cost_rollups.
Money is NUMERIC; time is timestamptz (UTC); dates are UTC calendar dates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from infra.db.base import metadata

MONEY = Numeric(18, 6)


def _id() -> Column[object]:
    return Column("id", UUID(as_uuid=True), primary_key=True)


def _created() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


products = Table(
    "products", metadata, _id(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    _created(),
)

campaigns = Table(
    "campaigns", metadata, _id(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("product_id", UUID(as_uuid=True), ForeignKey("products.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("owner_user_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),
    Column("capital_budget_usd", MONEY, nullable=True),
    _created(),
)

experiments = Table(
    "experiments", metadata, _id(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("hypothesis", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("pause_reason", Text, nullable=True),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("capital_cap_usd", MONEY, nullable=False),
    Column("time_cap_days", Numeric(12, 4), nullable=False),
    Column("tranche_size_usd", MONEY, nullable=False),
    Column("primary_success_event", Text, nullable=False),
    Column("secondary_events", ARRAY(Text), nullable=False),
    Column("denominator_event", Text, nullable=False),
    Column("evaluation_logic", Text, nullable=False, server_default=""),
    Column("evaluation_recommended_at", DateTime(timezone=True), nullable=True),
    _created(),
)

# Running intervals [started_at, stopped_at): the attribution history; never rewritten once closed.
experiment_runs = Table(
    "experiment_runs", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("experiment_id", UUID(as_uuid=True), ForeignKey("experiments.id"), nullable=False),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("stopped_at", DateTime(timezone=True), nullable=True),
    Index("ix_experiment_runs_campaign", "campaign_id", "started_at"),
)

bonus_rules = Table(
    "bonus_rules", metadata, _id(),
    Column("experiment_id", UUID(as_uuid=True), ForeignKey("experiments.id"), nullable=False),
    Column("event_type", Text, nullable=False),
    Column("bonus_amount_usd", MONEY, nullable=False),
    Column("eligible_roles", ARRAY(Text), nullable=False),
    Column("max_per_period", Integer, nullable=True),
    _created(),
)

leads = Table(
    "leads", metadata, _id(),
    Column("tenant_id", UUID(as_uuid=True), ForeignKey("tenants.id"), nullable=False),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("phone", Text, nullable=True),
    Column("terminal_state", Text, nullable=True),
    Column("terminal_at", DateTime(timezone=True), nullable=True),
    _created(),
)

team_logins = Table(
    "team_logins", metadata, _id(),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id"), nullable=False),
    Column("email", Text, nullable=False, unique=True),
    Column("person_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("hourly_rate_usd", MONEY, nullable=False),
    _created(),
)

labor_hours = Table(
    "labor_hours", metadata,
    Column("login_id", UUID(as_uuid=True), ForeignKey("team_logins.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("hours", Numeric(8, 3), nullable=False),
    _created(),
)

dialer_calls = Table(
    "dialer_calls", metadata, _id(),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("campaign_id", UUID(as_uuid=True), nullable=False),
    Column("lead_id", UUID(as_uuid=True), nullable=False),
    Column("login_id", UUID(as_uuid=True), nullable=False),
    Column("twilio_call_sid", Text, nullable=False, unique=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("duration_s", Integer, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("recording_requested", Boolean, nullable=False),
    Column("experiment_id", UUID(as_uuid=True), nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_dialer_calls_campaign_started", "campaign_id", "started_at"),
)

canonical_events = Table(
    "canonical_events", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("campaign_id", UUID(as_uuid=True), nullable=False),
    Column("lead_id", UUID(as_uuid=True), nullable=False),
    Column("login_id", UUID(as_uuid=True), nullable=True),
    Column("call_id", UUID(as_uuid=True), nullable=True),
    Column("external_id", Text, nullable=True, unique=True),
    Column("type", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("experiment_id", UUID(as_uuid=True), nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_canonical_events_exp", "experiment_id", "occurred_at", "type"),
)

bonuses = Table(
    "bonuses", metadata, _id(),
    Column("experiment_id", UUID(as_uuid=True), ForeignKey("experiments.id"), nullable=False),
    Column("rule_id", UUID(as_uuid=True), ForeignKey("bonus_rules.id"), nullable=False),
    Column("event_id", BigInteger, ForeignKey("canonical_events.id"), nullable=False, unique=True),
    Column("login_id", UUID(as_uuid=True), ForeignKey("team_logins.id"), nullable=False),
    Column("period", Text, nullable=False),
    Column("amount_usd", MONEY, nullable=False),
    Column("earned_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=True),
    # The milestone a bonus pays for: one per (experiment, lead, milestone); NULL only on rows older than the rule.
    Column("lead_id", UUID(as_uuid=True), nullable=True),
    Column("milestone", Text, nullable=True),
    Index("uq_bonuses_milestone", "experiment_id", "lead_id", "milestone", unique=True,
          postgresql_where=text("milestone IS NOT NULL")),
)

evaluations = Table(
    "evaluations", metadata, _id(),
    Column("experiment_id", UUID(as_uuid=True), ForeignKey("experiments.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("capital_cap_usd", MONEY, nullable=False),
    Column("time_cap_days", Numeric(12, 4), nullable=False),
    Column("tranche_size_usd", MONEY, nullable=False),
    Column("verdict", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recommended_next_action", Text, nullable=False),
    Column("admin_notes", Text, nullable=False),
    Column("admin_principal_id", UUID(as_uuid=True), nullable=False),
)

overrides = Table(
    "overrides", metadata, _id(),
    Column("experiment_id", UUID(as_uuid=True), ForeignKey("experiments.id"), nullable=False),
    Column("evaluation_id", UUID(as_uuid=True), ForeignKey("evaluations.id"), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("admin_principal_id", UUID(as_uuid=True), nullable=False),
)

capital_alerts = Table(
    "capital_alerts", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("experiment_id", UUID(as_uuid=True), ForeignKey("experiments.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("cap_epoch", Integer, nullable=False),
    Column("detail", JSONB, nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Index("uq_capital_alerts_once", "experiment_id", "kind", "cap_epoch", unique=True,
          postgresql_where=text("kind <> 'evaluation_requested'")),
)

cost_rollups = Table(
    "cost_rollups", metadata,
    Column("date", Date, nullable=False),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id"), nullable=False),
    Column("experiment_id", UUID(as_uuid=True), nullable=True),
    Column("source", Text, nullable=False),
    Column("cost_usd", MONEY, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_cost_rollups_exp", "experiment_id", "date"),
)

# Where a campaign's external spend is found: a Twilio (sub)account sid, a GCP project id, and the campaign's
# share of it (one account may serve several campaigns; the shares of a key add up to at most 1).
campaign_cost_sources = Table(
    "campaign_cost_sources", metadata,
    Column("source", Text, primary_key=True),
    Column("external_key", Text, primary_key=True),
    Column("campaign_id", UUID(as_uuid=True), ForeignKey("campaigns.id"), primary_key=True),
    Column("share", Numeric(7, 6), nullable=False, server_default=text("1")),
)

# Local stand-ins shaped like the providers' rows (Twilio Usage Records, GCP billing export).
twilio_usage_records = Table(
    "twilio_usage_records", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account_sid", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("usage", Numeric(18, 4), nullable=False),
    Column("usage_unit", Text, nullable=False),
    Column("count", Integer, nullable=False),
    Column("price", MONEY, nullable=False),
    Column("price_unit", Text, nullable=False),
    Index("ix_twilio_usage_day", "start_date"),
)

gcp_billing_export = Table(
    "gcp_billing_export", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("project_id", Text, nullable=False),
    Column("service_description", Text, nullable=False),
    Column("sku_description", Text, nullable=False),
    Column("usage_start_time", DateTime(timezone=True), nullable=False),
    Column("usage_end_time", DateTime(timezone=True), nullable=False),
    Column("cost", MONEY, nullable=False),
    Column("credits_amount", MONEY, nullable=False, server_default="0"),
    Column("currency", Text, nullable=False),
    Index("ix_gcp_billing_usage_start", "usage_start_time"),
)

weekly_summaries = Table(
    "weekly_summaries", metadata,
    Column("week", Text, primary_key=True),
    Column("summary", JSONB, nullable=False),
    Column("generated_at", DateTime(timezone=True), nullable=False),
)
