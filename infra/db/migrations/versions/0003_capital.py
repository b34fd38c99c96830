"""Capital governance V5: tables, the one-running-experiment index, immutability triggers.

Revision ID: 0003_capital
Revises: 0001_spine
"""

from alembic import op

from infra.db.append_only import append_only_ddl, drop_append_only_ddl
from infra.db.capital_ddl_0003 import DDL

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

CHECKS = [
    "ALTER TABLE campaigns ADD CONSTRAINT campaigns_status CHECK (status IN ('planned','active','paused','completed'))",
    "ALTER TABLE campaigns ADD CONSTRAINT campaigns_budget "
    "CHECK (capital_budget_usd IS NULL OR capital_budget_usd >= 0)",
    "ALTER TABLE experiments ADD CONSTRAINT experiments_status "
    "CHECK (status IN ('planned','running','paused','completed','terminated'))",
    "ALTER TABLE experiments ADD CONSTRAINT experiments_caps "
    "CHECK (capital_cap_usd > 0 AND time_cap_days > 0 AND tranche_size_usd > 0)",
    "ALTER TABLE experiments ADD CONSTRAINT experiments_pause_reason "
    "CHECK ((status = 'paused') = (pause_reason IS NOT NULL))",
    "ALTER TABLE dialer_calls ADD CONSTRAINT dialer_calls_outcome CHECK (outcome IN "
    "('No Answer','Busy','Wrong #','Not Interested','Callback','Info','Schedule'))",
    "ALTER TABLE dialer_calls ADD CONSTRAINT dialer_calls_duration CHECK (duration_s >= 0)",
    "ALTER TABLE canonical_events ADD CONSTRAINT canonical_events_type CHECK (type IN ('dial_attempt','conversation',"
    "'qpc','install_appointment_scheduled','install_appointment_attended','calculator_installed','paid_conversion'))",
    "ALTER TABLE leads ADD CONSTRAINT leads_terminal CHECK ((terminal_state IS NULL) = (terminal_at IS NULL) AND "
    "(terminal_state IS NULL OR terminal_state IN ('paid_customer','do_not_contact','permanently_not_interested')))",
    "ALTER TABLE bonus_rules ADD CONSTRAINT bonus_rules_event CHECK "
    "(event_type IN ('schedule','install_completed','paid_conversion') AND bonus_amount_usd > 0 "
    "AND (max_per_period IS NULL OR max_per_period > 0))",
    "ALTER TABLE bonuses ADD CONSTRAINT bonuses_status CHECK (status IN ('earned','paid') "
    "AND (status = 'paid') = (paid_at IS NOT NULL))",
    "ALTER TABLE evaluations ADD CONSTRAINT evaluations_verdict CHECK (verdict IN ('pass','fail','continue','stop') "
    "AND reason IN ('pitch','activation','economics','capital','inconclusive'))",
    "ALTER TABLE overrides ADD CONSTRAINT overrides_rationale CHECK (length(btrim(rationale)) > 0)",
    "ALTER TABLE cost_rollups ADD CONSTRAINT cost_rollups_source CHECK (source IN ('labor','bonus','twilio','gcp'))",
    "ALTER TABLE cost_rollups ADD CONSTRAINT uq_cost_rollups UNIQUE NULLS NOT DISTINCT "
    "(date, campaign_id, experiment_id, source)",
    "ALTER TABLE labor_hours ADD CONSTRAINT labor_hours_range CHECK (hours >= 0 AND hours <= 24)",
    "ALTER TABLE team_logins ADD CONSTRAINT team_logins_rate CHECK (hourly_rate_usd >= 0)",
    # The governor's rule at the database: two concurrent starts cannot both win.
    "CREATE UNIQUE INDEX uq_experiments_one_running ON experiments (campaign_id) WHERE status = 'running'",
    "CREATE UNIQUE INDEX uq_experiment_runs_one_open ON experiment_runs (campaign_id) WHERE stopped_at IS NULL",
    "CREATE INDEX ix_canonical_events_campaign ON canonical_events (campaign_id, occurred_at)",
    "CREATE INDEX ix_gcp_billing_day ON gcp_billing_export (((usage_start_time AT TIME ZONE 'UTC')::date))",
]

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
    for statement in DDL + CHECKS + FUNCTIONS:
        op.execute(statement)
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
