"""Kernel: metric dictionary and executor map (seeded), metrics, revenue events, opportunities,
action results, kernel policies and kernel cycles (append-only).

Revision ID: 0004_kernel
Revises: 0001_spine
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0004_kernel"
down_revision = "0001_spine"
branch_labels = None
depends_on = None

APPEND_ONLY = ("metrics", "revenue_events", "opportunities", "kernel_action_results", "kernel_policies",
               "kernel_cycles")
MONEY = sa.Numeric(18, 2)
# The seeds as they were at this revision (domain/kernel/catalog.py may change; a change to the seeded
# rows is a new revision).
METRIC_FIELDS = ("metric_id", "name", "unit", "good", "min_value", "max_value")
METRIC_ROWS = [
    ("pipeline_total", "Open pipeline", "usd", "increase", 0.0, None),
    ("bookings_new", "New bookings", "usd", "increase", 0.0, None),
    ("cac_blended", "Blended CAC", "usd", "decrease", 0.0, None),
    ("gross_margin_pct", "Gross margin", "pct", "increase", -100.0, 100.0),
    ("payback_months", "CAC payback", "months", "decrease", 0.0, None),
    ("revenue_per_fte", "Revenue per FTE", "usd", "increase", 0.0, None),
    ("runway_months", "Cash runway", "months", "increase", 0.0, None),
    ("arr", "Annual recurring revenue", "usd", "increase", 0.0, None),
    ("win_rate_pct", "Win rate", "pct", "increase", 0.0, 100.0),
    ("lead_to_opportunity_pct", "Lead to opportunity conversion", "pct", "increase", 0.0, 100.0),
    ("marketing_spend", "Marketing spend", "usd", "decrease", 0.0, None),
]
EXECUTOR_FIELDS = ("owner_subsystem", "executor", "description")
EXECUTOR_ROWS = [
    ("campaigns", "capital.campaigns", "Campaign budgets and status in the capital domain"),
    ("crm", "crm.sequences", "CRM sequences, required fields and stages"),
    ("pricing", "governance.pricing", "Price and discount changes, always through governed change"),
    ("routing", "voice.routing", "Lead routing and speed-to-lead in the voice platform"),
    ("content", "content.ops", "Content and messaging changes"),
]


def _tenant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False)


def _recorded() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _catalog() -> None:
    dictionary = op.create_table(
        "metric_dictionary",
        sa.Column("metric_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("good", sa.Text, nullable=False),
        sa.Column("min_value", sa.Float, nullable=True),
        sa.Column("max_value", sa.Float, nullable=True),
        sa.CheckConstraint("good IN ('increase','decrease')", name="good_valid"),
    )
    executors = op.create_table(
        "executor_map",
        sa.Column("owner_subsystem", sa.Text, primary_key=True),
        sa.Column("executor", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.bulk_insert(dictionary, [dict(zip(METRIC_FIELDS, row, strict=True)) for row in METRIC_ROWS])
    op.bulk_insert(executors, [dict(zip(EXECUTOR_FIELDS, row, strict=True)) for row in EXECUTOR_ROWS])


def _facts() -> None:
    op.create_table(
        "metrics",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        _tenant(),
        sa.Column("metric_id", sa.Text, nullable=False),
        sa.Column("value", sa.Numeric(24, 6), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("dimension", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        _recorded(),
    )
    op.create_index("ix_metrics_tenant_metric_date", "metrics", ["tenant_id", "metric_id", "date"])
    op.create_table(
        "revenue_events",
        _tenant(),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("attributed_campaign_id", sa.Text, nullable=True),
        sa.Column("attributed_channel", sa.Text, nullable=True),
        _recorded(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_revenue_events"),
    )
    op.create_index("ix_revenue_events_tenant_date", "revenue_events", ["tenant_id", "effective_date"])
    op.create_table(
        "opportunities",
        sa.Column("row_id", sa.BigInteger, primary_key=True, autoincrement=True),
        _tenant(),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("expected_close_date", sa.Date, nullable=False),
        sa.Column("win_probability", sa.Float, nullable=False),
        _recorded(),
    )
    op.create_index("ix_opportunities_tenant_id_row", "opportunities", ["tenant_id", "id", "row_id"])


def _cycles() -> None:
    op.create_table(
        "kernel_action_results",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        _tenant(),
        sa.Column("result", JSONB, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kernel_action_results_tenant", "kernel_action_results", ["tenant_id", "recorded_at"])
    op.create_table(
        "kernel_policies",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        _tenant(),
        sa.Column("policy", JSONB, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kernel_policies_tenant", "kernel_policies", ["tenant_id", "id"])
    op.create_table(
        "kernel_cycles",
        sa.Column("cycle_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=True),
        sa.Column("trigger_type", sa.Text, nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("error_code", sa.Text, nullable=True),
        sa.Column("input", JSONB, nullable=False),
        sa.Column("output", JSONB, nullable=False),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=False),
        _recorded(),
        sa.CheckConstraint("status IN ('completed','error')", name="status_valid"),
        sa.CheckConstraint("(status = 'error') = (error_code IS NOT NULL)", name="error_has_code"),
    )
    op.create_index("ix_kernel_cycles_tenant_done", "kernel_cycles", ["tenant_id", "executed_at"],
                    postgresql_where=sa.text("status = 'completed'"))


def upgrade() -> None:
    _catalog()
    _facts()
    _cycles()
    for table in APPEND_ONLY:
        for statement in append_only_ddl(table):
            op.execute(statement)


def downgrade() -> None:
    for table in APPEND_ONLY:
        for statement in drop_append_only_ddl(table):
            op.execute(statement)
    for table in ("kernel_cycles", "kernel_policies", "kernel_action_results", "opportunities", "revenue_events",
                  "metrics", "executor_map", "metric_dictionary"):
        op.drop_table(table)
