"""Capital hardening: bonuses once per lead milestone, cost-source shares, recorded USD rates, refused costs,
capital deliveries, indexes for intraday labor.

Revision ID: 0009_capital_hardening
Revises: 0001_spine (needs 0003_capital)

Frozen: written out as it is at this revision.
"""

import sqlalchemy as sa
from alembic import op

from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0009_capital_hardening"
down_revision = "0001_spine"
branch_labels = None
depends_on = ("0003_capital",)

BONUS_GUARD = """
CREATE OR REPLACE FUNCTION capital_bonus_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION 'bonus % is paid and locked: % refused', OLD.id, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' OR NEW.amount_usd <> OLD.amount_usd OR NEW.event_id <> OLD.event_id
       OR NEW.login_id <> OLD.login_id OR NEW.rule_id <> OLD.rule_id OR NEW.status <> 'paid'
       OR NEW.lead_id IS DISTINCT FROM OLD.lead_id OR NEW.milestone IS DISTINCT FROM OLD.milestone THEN
        RAISE EXCEPTION 'bonuses change only by being paid: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
"""

# A Twilio account or GCP project may serve several campaigns, each with its share; together at most all of it.
SHARE_GUARD = """
CREATE OR REPLACE FUNCTION capital_cost_share_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('cost-source:' || NEW.source || ':' || NEW.external_key));
    IF (SELECT COALESCE(SUM(share), 0) FROM campaign_cost_sources
        WHERE source = NEW.source AND external_key = NEW.external_key
          AND campaign_id <> NEW.campaign_id) + NEW.share > 1 THEN
        RAISE EXCEPTION 'shares of % % would exceed the whole', NEW.source, NEW.external_key
            USING ERRCODE = 'check_violation', CONSTRAINT = 'campaign_cost_sources_shares';
    END IF;
    RETURN NEW;
END $$;
"""


def _bonuses() -> None:
    op.add_column("bonuses", sa.Column("lead_id", sa.UUID(), nullable=True))
    op.add_column("bonuses", sa.Column("milestone", sa.Text(), nullable=True))
    op.execute("ALTER TABLE bonuses DISABLE TRIGGER bonuses_guard")
    op.execute("UPDATE bonuses b SET lead_id = e.lead_id, milestone = r.event_type "
               "FROM canonical_events e, bonus_rules r WHERE e.id = b.event_id AND r.id = b.rule_id")
    # Earlier repeats of a milestone keep their rows (they were paid or earned) but not the milestone mark.
    op.execute("UPDATE bonuses SET milestone = NULL WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
               "(PARTITION BY experiment_id, lead_id, milestone ORDER BY earned_at, id) AS n FROM bonuses) x "
               "WHERE n > 1)")
    op.execute("ALTER TABLE bonuses ENABLE TRIGGER bonuses_guard")
    op.execute(BONUS_GUARD)
    op.create_index("uq_bonuses_milestone", "bonuses", ["experiment_id", "lead_id", "milestone"], unique=True,
                    postgresql_where=sa.text("milestone IS NOT NULL"))


def _cost_sources() -> None:
    op.add_column("campaign_cost_sources", sa.Column("share", sa.Numeric(7, 6), nullable=False,
                                                     server_default=sa.text("1")))
    op.create_check_constraint("campaign_cost_sources_share", "campaign_cost_sources", "share > 0 AND share <= 1")
    op.drop_constraint("pk_campaign_cost_sources", "campaign_cost_sources", type_="primary")
    op.create_primary_key("pk_campaign_cost_sources", "campaign_cost_sources",
                          ["source", "external_key", "campaign_id"])
    op.execute(SHARE_GUARD)
    op.execute("CREATE TRIGGER campaign_cost_sources_shares BEFORE INSERT OR UPDATE ON campaign_cost_sources "
               "FOR EACH ROW EXECUTE FUNCTION capital_cost_share_guard()")


def _rates_and_refusals() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("usd_per_unit", sa.Numeric(18, 8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.UUID(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_fx_rates"),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$' AND usd_per_unit > 0", name="fx_rates_valid"),
    )
    op.create_index("ix_fx_rates_lookup", "fx_rates", ["currency", "effective_date", "recorded_at"])
    for statement in append_only_ddl("fx_rates"):
        op.execute(statement)
    op.create_table(
        "cost_refusals",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("external_key", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 6), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cost_refusals_day", "cost_refusals", ["tenant_id", "date"])


def _deliveries() -> None:
    op.create_table(
        "capital_deliveries",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("attachments", sa.dialects.postgresql.JSONB(), nullable=False,
                  server_default=sa.text("'[]'::jsonb")),
        sa.Column("delivery_status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_capital_deliveries"),
    )


def upgrade() -> None:
    _bonuses()
    _cost_sources()
    _rates_and_refusals()
    _deliveries()
    op.create_index("ix_dialer_calls_campaign_started", "dialer_calls", ["campaign_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_dialer_calls_campaign_started", table_name="dialer_calls")
    op.drop_table("capital_deliveries")
    op.drop_table("cost_refusals")
    for statement in drop_append_only_ddl("fx_rates"):
        op.execute(statement)
    op.drop_table("fx_rates")
    op.execute("DROP TRIGGER IF EXISTS campaign_cost_sources_shares ON campaign_cost_sources")
    op.drop_constraint("pk_campaign_cost_sources", "campaign_cost_sources", type_="primary")
    op.create_primary_key("pk_campaign_cost_sources", "campaign_cost_sources", ["source", "external_key"])
    op.drop_column("campaign_cost_sources", "share")
    extra = "\n       OR NEW.lead_id IS DISTINCT FROM OLD.lead_id OR NEW.milestone IS DISTINCT FROM OLD.milestone"
    op.execute(BONUS_GUARD.replace(extra, ""))
    op.drop_index("uq_bonuses_milestone", table_name="bonuses")
    op.drop_column("bonuses", "milestone")
    op.drop_column("bonuses", "lead_id")
