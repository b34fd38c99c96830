"""Governed change acts on the real system: executors own capabilities, scopes, measured health.

capabilities.owner (the executing domain); step targets and revisions; a job's scopes and the
executor's revisions of the prior state; scope locks and waiters; health baselines, and health signals
per capability instance with their evidence.

Revision ID: 0008_governed_change
Revises: 0002_governance

Frozen: every table, column and index is written out here as it is at this revision (never built from
infra.db.tables_governance, which later changes edit); a schema change is a new revision.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0008_governed_change"
down_revision = "0002_governance"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB(astext_type=sa.Text())


def _locks() -> None:
    # One contract executes on a scope (a capability instance) at a time; the others wait for it.
    op.create_table("governance_scope_locks",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("workflow_id", sa.Text(), nullable=False),
        sa.Column("claimed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_governance_scope_locks")),
        sa.ForeignKeyConstraint(["contract_id"], ["system_contracts.id"],
                                name=op.f("fk_governance_scope_locks_contract_id_system_contracts")),
    )
    op.create_table("governance_scope_waiters",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("workflow_id", sa.Text(), nullable=False),
        sa.Column("since", TS, nullable=False),
        sa.PrimaryKeyConstraint("scope", "contract_id", name=op.f("pk_governance_scope_waiters")),
    )


def _health() -> None:
    op.add_column("health_signals", sa.Column("target", sa.Text(), nullable=True))
    op.add_column("health_signals", sa.Column("evidence", JSONB, nullable=True))
    op.drop_constraint("uq_health_job_capability", "health_signals", type_="unique")
    op.execute("CREATE UNIQUE INDEX uq_health_job_scope ON health_signals (job_id, capability, "
               "coalesce(target, ''))")
    op.create_table("health_baselines",
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("capability", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("window_start", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
        sa.Column("measure", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "scope", name=op.f("pk_health_baselines")),
        sa.ForeignKeyConstraint(["contract_id"], ["system_contracts.id"],
                                name=op.f("fk_health_baselines_contract_id_system_contracts")),
    )
    for statement in append_only_ddl("health_baselines"):
        op.execute(statement)


def upgrade() -> None:
    _locks()
    _health()
    op.add_column("capabilities", sa.Column("owner", sa.Text(), nullable=True))
    op.add_column("governance_job_steps", sa.Column("target", sa.Text(), nullable=True))
    op.add_column("governance_job_steps", sa.Column("revision", JSONB, nullable=True))
    op.add_column("governance_jobs", sa.Column("scopes", JSONB, nullable=True))
    op.add_column("governance_jobs", sa.Column("before_revisions", JSONB, nullable=True))


def downgrade() -> None:
    for column in ("before_revisions", "scopes"):
        op.drop_column("governance_jobs", column)
    for column in ("revision", "target"):
        op.drop_column("governance_job_steps", column)
    op.drop_column("capabilities", "owner")
    for statement in drop_append_only_ddl("health_baselines"):
        op.execute(statement)
    op.drop_table("health_baselines")
    op.execute("DROP INDEX uq_health_job_scope")
    op.create_unique_constraint("uq_health_job_capability", "health_signals", ["job_id", "capability"])
    op.drop_column("health_signals", "evidence")
    op.drop_column("health_signals", "target")
    op.drop_table("governance_scope_waiters")
    op.drop_table("governance_scope_locks")
