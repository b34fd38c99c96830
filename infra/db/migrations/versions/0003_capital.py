"""Capital governance: tables, the one-running-experiment index, immutability triggers.

Revision ID: 0003_capital
Revises: 0001_spine

Frozen: every table, constraint and index is written out here as it was at this revision (never built
from infra.db.tables_capital, which later changes edit); a schema change is a new revision.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0003_capital"
down_revision = "0001_spine"
branch_labels = ("capital",)
depends_on = None

TABLES = [
    "products", "campaigns", "experiments", "experiment_runs", "bonus_rules", "leads", "team_logins",
    "labor_hours", "dialer_calls", "canonical_events", "bonuses", "evaluations", "overrides", "capital_alerts",
    "cost_rollups", "campaign_cost_sources", "twilio_usage_records", "gcp_billing_export", "weekly_summaries",
]
APPEND_ONLY = ["dialer_calls", "canonical_events", "evaluations", "overrides", "capital_alerts", "labor_hours"]


def _catalog() -> None:
    op.create_table("products",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_products_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products"))
    )
    op.create_table("campaigns",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("owner_user_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("capital_budget_usd", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_campaigns_product_id_products")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_campaigns_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns"))
    )
    op.create_table("experiments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("hypothesis", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("capital_cap_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("time_cap_days", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("tranche_size_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("primary_success_event", sa.Text(), nullable=False),
        sa.Column("secondary_events", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("denominator_event", sa.Text(), nullable=False),
        sa.Column("evaluation_logic", sa.Text(), server_default="", nullable=False),
        sa.Column("evaluation_recommended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_experiments_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_experiments_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments"))
    )
    op.create_table("experiment_runs",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_experiment_runs_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"],
                                name=op.f("fk_experiment_runs_experiment_id_experiments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiment_runs"))
    )
    op.create_index("ix_experiment_runs_campaign", "experiment_runs", ["campaign_id", "started_at"], unique=False)
    op.create_table("bonus_rules",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("bonus_amount_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("eligible_roles", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("max_per_period", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"],
                                name=op.f("fk_bonus_rules_experiment_id_experiments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_rules"))
    )


def _people() -> None:
    op.create_table("leads",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("terminal_state", sa.Text(), nullable=True),
        sa.Column("terminal_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_leads_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_leads_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads"))
    )
    op.create_table("team_logins",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("person_name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("hourly_rate_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_team_logins_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_logins")),
        sa.UniqueConstraint("email", name=op.f("uq_team_logins_email"))
    )
    op.create_table("labor_hours",
        sa.Column("login_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=8, scale=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["login_id"], ["team_logins.id"], name=op.f("fk_labor_hours_login_id_team_logins")),
        sa.PrimaryKeyConstraint("login_id", "day", name=op.f("pk_labor_hours"))
    )


def _facts() -> None:
    op.create_table("dialer_calls",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("lead_id", sa.UUID(), nullable=False),
        sa.Column("login_id", sa.UUID(), nullable=False),
        sa.Column("twilio_call_sid", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("recording_requested", sa.Boolean(), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialer_calls")),
        sa.UniqueConstraint("twilio_call_sid", name=op.f("uq_dialer_calls_twilio_call_sid"))
    )
    op.create_table("canonical_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("lead_id", sa.UUID(), nullable=False),
        sa.Column("login_id", sa.UUID(), nullable=True),
        sa.Column("call_id", sa.UUID(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canonical_events")),
        sa.UniqueConstraint("external_id", name=op.f("uq_canonical_events_external_id"))
    )
    op.create_index("ix_canonical_events_exp", "canonical_events", ["experiment_id", "occurred_at", "type"],
                    unique=False)
    op.create_table("bonuses",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=False),
        sa.Column("rule_id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("login_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("amount_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("earned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["canonical_events.id"],
                                name=op.f("fk_bonuses_event_id_canonical_events")),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"],
                                name=op.f("fk_bonuses_experiment_id_experiments")),
        sa.ForeignKeyConstraint(["login_id"], ["team_logins.id"], name=op.f("fk_bonuses_login_id_team_logins")),
        sa.ForeignKeyConstraint(["rule_id"], ["bonus_rules.id"], name=op.f("fk_bonuses_rule_id_bonus_rules")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonuses")),
        sa.UniqueConstraint("event_id", name=op.f("uq_bonuses_event_id"))
    )


def _judgment() -> None:
    op.create_table("evaluations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capital_cap_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("time_cap_days", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("tranche_size_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("verdict", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recommended_next_action", sa.Text(), nullable=False),
        sa.Column("admin_notes", sa.Text(), nullable=False),
        sa.Column("admin_principal_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"],
                                name=op.f("fk_evaluations_experiment_id_experiments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations"))
    )
    op.create_table("overrides",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=False),
        sa.Column("evaluation_id", sa.UUID(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("admin_principal_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"],
                                name=op.f("fk_overrides_evaluation_id_evaluations")),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"],
                                name=op.f("fk_overrides_experiment_id_experiments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides"))
    )
    op.create_table("capital_alerts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("cap_epoch", sa.Integer(), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"],
                                name=op.f("fk_capital_alerts_experiment_id_experiments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capital_alerts"))
    )
    op.create_index("uq_capital_alerts_once", "capital_alerts", ["experiment_id", "kind", "cap_epoch"], unique=True,
                    postgresql_where=sa.text("kind <> 'evaluation_requested'"))
    op.create_table("weekly_summaries",
        sa.Column("week", sa.Text(), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("week", name=op.f("pk_weekly_summaries"))
    )


def _costs() -> None:
    op.create_table("cost_rollups",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.Column("experiment_id", sa.UUID(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_cost_rollups_campaign_id_campaigns"))
    )
    op.create_index("ix_cost_rollups_exp", "cost_rollups", ["experiment_id", "date"], unique=False)
    op.create_table("campaign_cost_sources",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("external_key", sa.Text(), nullable=False),
        sa.Column("campaign_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_campaign_cost_sources_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("source", "external_key", name=op.f("pk_campaign_cost_sources"))
    )
    op.create_table("twilio_usage_records",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("account_sid", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("usage", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("usage_unit", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("price_unit", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_twilio_usage_records"))
    )
    op.create_index("ix_twilio_usage_day", "twilio_usage_records", ["start_date"], unique=False)
    op.create_table("gcp_billing_export",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("service_description", sa.Text(), nullable=False),
        sa.Column("sku_description", sa.Text(), nullable=False),
        sa.Column("usage_start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usage_end_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cost", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("credits_amount", sa.Numeric(precision=18, scale=6), server_default="0", nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gcp_billing_export"))
    )
    op.create_index("ix_gcp_billing_usage_start", "gcp_billing_export", ["usage_start_time"], unique=False)


def _rules() -> None:
    """The domain's rules at the database: checks, and the governor's rule that two starts cannot both win."""
    op.create_check_constraint(op.f("campaigns_status"), "campaigns",
                               "status IN ('planned','active','paused','completed')")
    op.create_check_constraint(op.f("campaigns_budget"), "campaigns",
                               "capital_budget_usd IS NULL OR capital_budget_usd >= 0")
    op.create_check_constraint(op.f("experiments_status"), "experiments",
                               "status IN ('planned','running','paused','completed','terminated')")
    op.create_check_constraint(op.f("experiments_caps"), "experiments",
                               "capital_cap_usd > 0 AND time_cap_days > 0 AND tranche_size_usd > 0")
    op.create_check_constraint(op.f("experiments_pause_reason"), "experiments",
                               "(status = 'paused') = (pause_reason IS NOT NULL)")
    op.create_check_constraint(op.f("dialer_calls_outcome"), "dialer_calls",
                               "outcome IN ('No Answer','Busy','Wrong #','Not Interested','Callback','Info',"
                               "'Schedule')")
    op.create_check_constraint(op.f("dialer_calls_duration"), "dialer_calls", "duration_s >= 0")
    op.create_check_constraint(op.f("canonical_events_type"), "canonical_events",
                               "type IN ('dial_attempt','conversation','qpc','install_appointment_scheduled',"
                               "'install_appointment_attended','calculator_installed','paid_conversion')")
    op.create_check_constraint(op.f("leads_terminal"), "leads",
                               "(terminal_state IS NULL) = (terminal_at IS NULL) AND (terminal_state IS NULL OR "
                               "terminal_state IN ('paid_customer','do_not_contact','permanently_not_interested'))")
    op.create_check_constraint(op.f("bonus_rules_event"), "bonus_rules",
                               "event_type IN ('schedule','install_completed','paid_conversion') "
                               "AND bonus_amount_usd > 0 AND (max_per_period IS NULL OR max_per_period > 0)")
    op.create_check_constraint(op.f("bonuses_status"), "bonuses",
                               "status IN ('earned','paid') AND (status = 'paid') = (paid_at IS NOT NULL)")
    op.create_check_constraint(op.f("evaluations_verdict"), "evaluations",
                               "verdict IN ('pass','fail','continue','stop') AND reason IN "
                               "('pitch','activation','economics','capital','inconclusive')")
    op.create_check_constraint(op.f("overrides_rationale"), "overrides", "length(btrim(rationale)) > 0")
    op.create_check_constraint(op.f("cost_rollups_source"), "cost_rollups",
                               "source IN ('labor','bonus','twilio','gcp')")
    op.create_unique_constraint(op.f("uq_cost_rollups"), "cost_rollups",
                                ["date", "campaign_id", "experiment_id", "source"], postgresql_nulls_not_distinct=True)
    op.create_check_constraint(op.f("labor_hours_range"), "labor_hours", "hours >= 0 AND hours <= 24")
    op.create_check_constraint(op.f("team_logins_rate"), "team_logins", "hourly_rate_usd >= 0")
    op.create_index("uq_experiments_one_running", "experiments", ["campaign_id"], unique=True,
                    postgresql_where=sa.text("status = 'running'"))
    op.create_index("uq_experiment_runs_one_open", "experiment_runs", ["campaign_id"], unique=True,
                    postgresql_where=sa.text("stopped_at IS NULL"))
    op.create_index("ix_canonical_events_campaign", "canonical_events", ["campaign_id", "occurred_at"])
    op.create_index("ix_gcp_billing_day", "gcp_billing_export",
                    [sa.text("((usage_start_time AT TIME ZONE 'UTC')::date)")])


FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION capital_experiment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('completed', 'terminated') THEN
        RAISE EXCEPTION 'experiment % is % and immutable: % refused', OLD.id, OLD.status, TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'experiments are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION capital_run_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.stopped_at IS NOT NULL OR NEW.started_at <> OLD.started_at
       OR NEW.experiment_id <> OLD.experiment_id OR NEW.campaign_id <> OLD.campaign_id
       OR NEW.stopped_at < OLD.started_at THEN
        RAISE EXCEPTION 'experiment run history is immutable: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION capital_bonus_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION 'bonus % is paid and locked: % refused', OLD.id, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' OR NEW.amount_usd <> OLD.amount_usd OR NEW.event_id <> OLD.event_id
       OR NEW.login_id <> OLD.login_id OR NEW.rule_id <> OLD.rule_id OR NEW.status <> 'paid' THEN
        RAISE EXCEPTION 'bonuses change only by being paid: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION capital_bonus_rule_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM experiments WHERE id = OLD.experiment_id) <> 'planned' THEN
        RAISE EXCEPTION 'bonus rules are fixed once the experiment has started: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$;
""",
    """
CREATE OR REPLACE FUNCTION capital_lead_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.terminal_state IS NOT NULL OR NEW.campaign_id <> OLD.campaign_id THEN
        RAISE EXCEPTION 'lead % is terminal or campaign-owned: % refused', OLD.id, TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
""",
]

TRIGGERS = [
    ("experiments", "capital_experiment_guard", "UPDATE OR DELETE"),
    ("experiment_runs", "capital_run_guard", "UPDATE OR DELETE"),
    ("bonuses", "capital_bonus_guard", "UPDATE OR DELETE"),
    ("bonus_rules", "capital_bonus_rule_guard", "UPDATE OR DELETE"),
    ("leads", "capital_lead_guard", "UPDATE OR DELETE"),
]


def upgrade() -> None:
    for create in (_catalog, _people, _facts, _judgment, _costs, _rules):
        create()
    for function in FUNCTIONS:
        op.execute(function)
    for table, function, ops in TRIGGERS:
        op.execute(f"CREATE TRIGGER {table}_guard BEFORE {ops} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION revos_refuse_mutation()")
    for table in APPEND_ONLY:
        for statement in append_only_ddl(table):
            op.execute(statement)


def downgrade() -> None:
    for table in APPEND_ONLY:
        for statement in drop_append_only_ddl(table):
            op.execute(statement)
    for name in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
    for function in ("capital_experiment_guard", "capital_run_guard", "capital_bonus_guard",
                     "capital_bonus_rule_guard", "capital_lead_guard"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
