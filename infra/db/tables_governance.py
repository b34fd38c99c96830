"""Governed change tables: issues, contracts, capabilities, signals, jobs, health, audit, incidents."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from infra.db.base import metadata

TS = DateTime(timezone=True)

issues = Table(
    "issues", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("source", Text, nullable=False),
    Column("external_id", Text, nullable=True),
    Column("status", Text, nullable=False),
    Column("raw_payload", JSONB, nullable=False),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("workflow_id", Text, nullable=False),
    Column("validator_output", JSONB, nullable=True),
    Column("eligibility", JSONB, nullable=True),
    Column("contract_id", UUID(as_uuid=True), nullable=True),
    Column("received_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    UniqueConstraint("source", "external_id", name="uq_issues_source_external_id"),
)

# Every delivery, duplicates included (append-only).
issue_events = Table(
    "issue_events", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("issue_id", UUID(as_uuid=True), ForeignKey("issues.id"), nullable=False),
    Column("source", Text, nullable=False),
    Column("external_id", Text, nullable=True),
    Column("raw_payload", JSONB, nullable=False),
    Column("duplicate", Boolean, nullable=False),
    Column("received_at", TS, nullable=False),
)

capabilities = Table(
    "capabilities", metadata,
    Column("name", Text, primary_key=True),
    Column("description", Text, nullable=False),
    Column("checks", JSONB, nullable=False),  # before executors (0008): registry checks; now always []
    Column("created_by", UUID(as_uuid=True), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("owner", Text, nullable=True),  # the domain that executes it (null: registered before executors)
)

capability_states = Table(
    "capability_states", metadata,
    Column("capability", Text, ForeignKey("capabilities.name"), primary_key=True),
    Column("state", JSONB, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", TS, nullable=False),
)

governance_signals = Table(
    "governance_signals", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("scope", Text, nullable=False),
    Column("blocking", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("revoked_at", TS, nullable=True),
    Column("revoked_by", UUID(as_uuid=True), nullable=True),
)

system_contracts = Table(
    "system_contracts", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("issue_id", UUID(as_uuid=True), ForeignKey("issues.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("supersedes_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), nullable=True),
    Column("status", Text, nullable=False),
    Column("proposed_changes", JSONB, nullable=False),
    Column("affected_capabilities", JSONB, nullable=False),
    Column("risk_level", Text, nullable=False),
    Column("tenant_id", UUID(as_uuid=True), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("approved_by", UUID(as_uuid=True), ForeignKey("principals.id"), nullable=True),
    Column("approved_at", TS, nullable=True),
    Column("activation_start", TS, nullable=True),
    Column("activation_end", TS, nullable=True),
    Column("execution_constraints", JSONB, nullable=True),
    Column("decided_by", UUID(as_uuid=True), nullable=True),
    Column("updated_at", TS, nullable=False),
    UniqueConstraint("issue_id", "version", name="uq_contract_issue_version"),
)

governance_jobs = Table(
    "governance_jobs", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("before_snapshot", JSONB, nullable=True),
    Column("after_snapshot", JSONB, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("started_at", TS, nullable=True),
    Column("finished_at", TS, nullable=True),
    Column("error", Text, nullable=True),
    Column("scopes", JSONB, nullable=True),  # the contract's scopes: all the job may snapshot and restore
    Column("before_revisions", JSONB, nullable=True),  # scope -> the executor's handle on the prior state
)

governance_job_steps = Table(
    "governance_job_steps", metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("governance_jobs.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("capability", Text, nullable=False),
    Column("target", Text, nullable=True),
    Column("op", Text, nullable=False),
    Column("key", Text, nullable=True),
    Column("value", JSONB, nullable=True),
    Column("state", JSONB, nullable=True),
    Column("revision", JSONB, nullable=True),
    Column("status", Text, nullable=False),
    Column("previous_state", JSONB, nullable=True),
    Column("applied_at", TS, nullable=True),
    Column("error", Text, nullable=True),
)

health_signals = Table(
    "health_signals", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), nullable=False),
    Column("job_id", UUID(as_uuid=True), ForeignKey("governance_jobs.id"), nullable=False),
    Column("capability", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("violations", JSONB, nullable=False),
    Column("checks_evaluated", Integer, nullable=False),
    Column("evaluated_at", TS, nullable=False),
    Column("target", Text, nullable=True),
    Column("evidence", JSONB, nullable=True),  # the measures before and after the change
)
# One signal per (job, capability instance): a retry cannot overwrite a verdict.
Index("uq_health_job_scope", health_signals.c.job_id, health_signals.c.capability,
      func.coalesce(health_signals.c.target, ""), unique=True)

# What each executor measured in the window before the change (the baseline health compares with).
health_baselines = Table(
    "health_baselines", metadata,
    Column("contract_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), primary_key=True),
    Column("scope", Text, primary_key=True),
    Column("capability", Text, nullable=False),
    Column("target", Text, nullable=True),
    Column("window_start", TS, nullable=False),
    Column("window_end", TS, nullable=False),
    Column("measure", JSONB, nullable=False),
)

audit_verdicts = Table(
    "audit_verdicts", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), nullable=False),
    Column("job_id", UUID(as_uuid=True), ForeignKey("governance_jobs.id"), nullable=True),
    Column("verdict", Text, nullable=False),
    Column("reasons", JSONB, nullable=False),
    Column("resolution", Text, nullable=True),
    Column("decided_by", Text, nullable=False),
    Column("created_at", TS, nullable=False),
)

incidents = Table(
    "incidents", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), nullable=False),
    Column("job_id", UUID(as_uuid=True), ForeignKey("governance_jobs.id"), nullable=True),
    Column("kind", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("details", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", TS, nullable=False),
)

notifications = Table(
    "notifications", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("channel", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("contract_id", UUID(as_uuid=True), nullable=True),
    Column("delivery_status", Text, nullable=False),
    Column("created_at", TS, nullable=False),
)

# One contract executes on a scope (a capability instance) at a time; the others wait (and are woken).
governance_scope_locks = Table(
    "governance_scope_locks", metadata,
    Column("scope", Text, primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("system_contracts.id"), nullable=False),
    Column("workflow_id", Text, nullable=False),
    Column("claimed_at", TS, nullable=False),
)

governance_scope_waiters = Table(
    "governance_scope_waiters", metadata,
    Column("scope", Text, primary_key=True),
    Column("contract_id", UUID(as_uuid=True), primary_key=True),
    Column("workflow_id", Text, nullable=False),
    Column("since", TS, nullable=False),
)
