"""Governed change: issues, contracts, capabilities, signals, jobs, health, audit, incidents.

Revision ID: 0002_governance
Revises: 0001_spine

Frozen: every table, constraint and index is written out here as it was at this revision (never built
from infra.db.tables_governance, which later changes edit); a schema change is a new revision.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from infra.db.append_only import append_only_ddl, drop_append_only_ddl

revision = "0002_governance"
down_revision = "0001_spine"
branch_labels = None
depends_on = None

TABLES = ["issues", "issue_events", "capabilities", "capability_states", "governance_signals", "system_contracts",
          "governance_jobs", "governance_job_steps", "health_signals", "audit_verdicts", "incidents", "notifications"]
APPEND_ONLY = ["issue_events", "health_signals", "audit_verdicts"]


def _issues() -> None:
    op.create_table("issues",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("raw_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("workflow_id", sa.Text(), nullable=False),
        sa.Column("validator_output", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("eligibility", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("contract_id", sa.UUID(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issues")),
        sa.UniqueConstraint("source", "external_id", name="uq_issues_source_external_id")
    )
    op.create_table("issue_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("issue_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("raw_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("duplicate", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["issue_id"], ["issues.id"], name=op.f("fk_issue_events_issue_id_issues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_events"))
    )


def _capabilities() -> None:
    op.create_table("capabilities",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("checks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_capabilities"))
    )
    op.create_table("capability_states",
        sa.Column("capability", sa.Text(), nullable=False),
        sa.Column("state", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["capability"], ["capabilities.name"],
                                name=op.f("fk_capability_states_capability_capabilities")),
        sa.PrimaryKeyConstraint("capability", name=op.f("pk_capability_states"))
    )
    op.create_table("governance_signals",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("blocking", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.UUID(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_signals"))
    )


def _contracts() -> None:
    op.create_table("system_contracts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("issue_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("proposed_changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("affected_capabilities", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("risk_level", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.UUID(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activation_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activation_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("execution_constraints", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["approved_by"], ["principals.id"],
                                name=op.f("fk_system_contracts_approved_by_principals")),
        sa.ForeignKeyConstraint(["issue_id"], ["issues.id"], name=op.f("fk_system_contracts_issue_id_issues")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["system_contracts.id"],
                                name=op.f("fk_system_contracts_supersedes_id_system_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_contracts")),
        sa.UniqueConstraint("issue_id", "version", name="uq_contract_issue_version")
    )
    op.create_table("governance_jobs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("before_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["contract_id"], ["system_contracts.id"],
                                name=op.f("fk_governance_jobs_contract_id_system_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_jobs"))
    )
    op.create_table("governance_job_steps",
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("capability", sa.Text(), nullable=False),
        sa.Column("op", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("state", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("previous_state", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["governance_jobs.id"],
                                name=op.f("fk_governance_job_steps_job_id_governance_jobs")),
        sa.PrimaryKeyConstraint("job_id", "seq", name=op.f("pk_governance_job_steps"))
    )


def _verdicts() -> None:
    op.create_table("health_signals",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("capability", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("violations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("checks_evaluated", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["system_contracts.id"],
                                name=op.f("fk_health_signals_contract_id_system_contracts")),
        sa.ForeignKeyConstraint(["job_id"], ["governance_jobs.id"],
                                name=op.f("fk_health_signals_job_id_governance_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_signals")),
        sa.UniqueConstraint("job_id", "capability", name="uq_health_job_capability")
    )
    op.create_table("audit_verdicts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=True),
        sa.Column("verdict", sa.Text(), nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["system_contracts.id"],
                                name=op.f("fk_audit_verdicts_contract_id_system_contracts")),
        sa.ForeignKeyConstraint(["job_id"], ["governance_jobs.id"],
                                name=op.f("fk_audit_verdicts_job_id_governance_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_verdicts"))
    )
    op.create_table("incidents",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["system_contracts.id"],
                                name=op.f("fk_incidents_contract_id_system_contracts")),
        sa.ForeignKeyConstraint(["job_id"], ["governance_jobs.id"], name=op.f("fk_incidents_job_id_governance_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents"))
    )
    op.create_table("notifications",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=True),
        sa.Column("delivery_status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications"))
    )


# Governed change at the database: a contract row needs a validated issue whose eligibility is MAY;
# APPROVED/ACTIVE need an approver who is a founder principal; COMPLETED needs an audit PASS or a
# founder's `rollout` resolution for that contract; a terminal contract never changes status.
GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION revos_guard_contract() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'DRAFT' OR NOT EXISTS (
            SELECT 1 FROM issues WHERE id = NEW.issue_id AND validator_output IS NOT NULL
               AND eligibility->>'decision' = 'MAY') THEN
            RAISE EXCEPTION 'contract % refused: a contract is born DRAFT from a validated, eligible issue',
                NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status IN ('APPROVED', 'ACTIVE') AND NOT EXISTS (
        SELECT 1 FROM principals WHERE id = NEW.approved_by AND role = 'founder') THEN
        RAISE EXCEPTION 'contract % refused: % needs a founder''s approval', NEW.id, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'COMPLETED' AND NOT EXISTS (
        SELECT 1 FROM audit_verdicts WHERE contract_id = NEW.id
           AND (verdict = 'PASS' OR resolution = 'rollout')) THEN
        RAISE EXCEPTION 'contract % refused: COMPLETED needs an audit PASS or a founder resolution', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status IN ('COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED', 'SUPERSEDED')
       AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'contract % is % (terminal)', NEW.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    for create in (_issues, _capabilities, _contracts, _verdicts):
        create()
    op.create_index("ix_contracts_status", "system_contracts", ["status", "created_at"])
    op.create_index("ix_governance_signals_scope", "governance_signals", ["scope"])
    op.execute(GUARD_FUNCTION)
    op.execute("CREATE TRIGGER system_contracts_guard BEFORE INSERT OR UPDATE ON system_contracts "
               "FOR EACH ROW EXECUTE FUNCTION revos_guard_contract()")
    for name in APPEND_ONLY:
        for statement in append_only_ddl(name):
            op.execute(statement)


def downgrade() -> None:
    for name in APPEND_ONLY:
        for statement in drop_append_only_ddl(name):
            op.execute(statement)
    for table in reversed(TABLES):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS revos_guard_contract()")
