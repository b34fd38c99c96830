"""Dashboards: the calls read model (one row per call, one per objective pursued), projected from call events,
and the platform's closed days rolled up from it.

A trigger on `events` projects each call event as it is appended, in the same transaction, so the read model
is never behind the events and needs no projector process; the projection is one SQL function, which also
rebuilds the model from the events already stored (the upgrade runs it once). A projection error never blocks
an append: the trigger skips that event with a WARNING.

Revision ID: 0010_dashboards
Revises: 0001_spine
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0010_dashboards"
down_revision = "0001_spine"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

PROJECTED_TYPES = (
    "call.started", "call.ended", "agent.utterance.started", "barge_in", "turn.ended", "transfer.requested",
    "transfer.completed", "transfer.failed", "capture.confirmed", "dialogue.ended", "objective.started",
    "objective.outcome", "objective.skipped", "error",
)

# Casts go through numeric so 1234.0 is an int too; a payload that still does not fit raises, and the
# trigger below skips the event rather than refuse the append.
APPLY_FUNCTION = """
CREATE FUNCTION revos_project_call_event(s text, t text, p jsonb, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sid text := substr(s, 6);
    tid uuid := (SELECT tenant_id FROM streams WHERE stream = s);
BEGIN
    INSERT INTO call_summaries (call_sid, tenant_id, started_at, last_event_at)
    VALUES (sid, tid, at, at) ON CONFLICT (call_sid) DO NOTHING;
    UPDATE call_summaries SET last_event_at = GREATEST(last_event_at, at), started_at = LEAST(started_at, at),
        tenant_id = COALESCE(tenant_id, tid) WHERE call_sid = sid;
    IF t = 'call.started' THEN
        UPDATE call_summaries SET started_at = at, caller = p->>'caller', called = p->>'called',
            config_version = CASE WHEN jsonb_typeof(p->'config_version') = 'number'
                                  THEN (p->>'config_version')::numeric::int END,
            config_hash = p->>'config_hash',
            business_open = CASE WHEN jsonb_typeof(p->'business_open') = 'boolean'
                                 THEN (p->>'business_open')::boolean END,
            transport = p->>'transport'
        WHERE call_sid = sid;
    ELSIF t = 'call.ended' THEN
        UPDATE call_summaries SET ended_at = at, end_reason = p->>'reason',
            duration_ms = CASE WHEN jsonb_typeof(p->'duration_ms') = 'number'
                               THEN (p->>'duration_ms')::numeric::bigint END
        WHERE call_sid = sid;
    ELSIF t = 'agent.utterance.started' THEN
        UPDATE call_summaries SET agent_utterances = agent_utterances + 1,
            v2v_ms = CASE WHEN jsonb_typeof(p->'voice_to_voice_ms') = 'number'
                          THEN v2v_ms || (p->>'voice_to_voice_ms')::numeric::int ELSE v2v_ms END
        WHERE call_sid = sid;
    ELSIF t = 'barge_in' THEN
        UPDATE call_summaries SET barge_ins = barge_ins + 1,
            barge_in_ms = CASE WHEN jsonb_typeof(p->'reaction_ms') = 'number'
                               THEN barge_in_ms || (p->>'reaction_ms')::numeric::int ELSE barge_in_ms END
        WHERE call_sid = sid;
    ELSIF t = 'turn.ended' THEN
        UPDATE call_summaries SET caller_turns = caller_turns + 1 WHERE call_sid = sid;
    ELSIF t = 'error' THEN
        UPDATE call_summaries SET errors = errors + 1 WHERE call_sid = sid;
    ELSIF t LIKE 'transfer.%' THEN
        UPDATE call_summaries SET transfer_status = substr(t, 10), transfer_to = COALESCE(p->>'to', transfer_to)
        WHERE call_sid = sid;
    ELSIF t = 'capture.confirmed' AND p->>'value' IS NOT NULL THEN
        UPDATE call_summaries SET captured = captured || jsonb_build_object(COALESCE(p->>'kind', 'value'), p->>'value')
        WHERE call_sid = sid;
    ELSIF t = 'dialogue.ended' THEN
        UPDATE call_summaries SET
            terminal = CASE jsonb_typeof(p->'terminal') WHEN 'object' THEN p->'terminal'->>'action'
                                                        ELSE p->>'terminal' END,
            captured = CASE WHEN jsonb_typeof(p->'captured') = 'object' THEN captured || p->'captured'
                            ELSE captured END
        WHERE call_sid = sid;
    ELSIF t = 'objective.started' AND p->>'objective' IS NOT NULL THEN
        INSERT INTO call_objectives (call_sid, objective, tenant_id, type, started_at)
        VALUES (sid, p->>'objective', tid, p->>'type', at)
        ON CONFLICT (call_sid, objective) DO UPDATE SET type = EXCLUDED.type, started_at = EXCLUDED.started_at;
    ELSIF t IN ('objective.outcome', 'objective.skipped') AND p->>'objective' IS NOT NULL THEN
        INSERT INTO call_objectives (call_sid, objective, tenant_id, started_at, outcome, value, outcome_at)
        VALUES (sid, p->>'objective', tid, at, CASE t WHEN 'objective.skipped' THEN 'skipped' ELSE p->>'kind' END,
                p->>'value', at)
        ON CONFLICT (call_sid, objective) DO UPDATE SET outcome = EXCLUDED.outcome, value = EXCLUDED.value,
            outcome_at = EXCLUDED.outcome_at;
    END IF;
    -- an event of a call on a day already rolled up (late delivery, a call past midnight) makes that day stale
    DELETE FROM call_rollup_days
    WHERE day IN ((SELECT date(timezone('UTC', started_at)) FROM call_summaries WHERE call_sid = sid),
                  date(timezone('UTC', at)));
END
$$;
"""

TRIGGER_FUNCTION = """
CREATE FUNCTION revos_project_call_event_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM revos_project_call_event(NEW.stream, NEW.type, NEW.payload, NEW.occurred_at);
    EXCEPTION WHEN others THEN
        RAISE WARNING 'calls read model skipped event % of %: %', NEW.seq, NEW.stream, SQLERRM;
    END;
    RETURN NULL;
END
$$;
"""

TRIGGER = (
    "CREATE TRIGGER events_project_calls AFTER INSERT ON events FOR EACH ROW "
    "WHEN (NEW.stream LIKE 'call:%' AND NEW.type IN ({types})) "
    "EXECUTE FUNCTION revos_project_call_event_trigger()"
).format(types=", ".join(f"'{t}'" for t in PROJECTED_TYPES))

BACKFILL = (
    "SELECT revos_project_call_event(stream, type, payload, occurred_at) FROM events "
    "WHERE stream LIKE 'call:%' AND type IN ({types}) ORDER BY id"
).format(types=", ".join(f"'{t}'" for t in PROJECTED_TYPES))


def _call_summaries() -> None:
    op.create_table(
        "call_summaries",
        sa.Column("call_sid", sa.Text, primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("last_event_at", TS, nullable=False),
        sa.Column("caller", sa.Text, nullable=True),
        sa.Column("called", sa.Text, nullable=True),
        sa.Column("config_version", sa.Integer, nullable=True),
        sa.Column("config_hash", sa.Text, nullable=True),
        sa.Column("business_open", sa.Boolean, nullable=True),
        sa.Column("transport", sa.Text, nullable=True),
        sa.Column("end_reason", sa.Text, nullable=True),
        sa.Column("duration_ms", sa.BigInteger, nullable=True),
        sa.Column("terminal", sa.Text, nullable=True),
        sa.Column("agent_utterances", sa.Integer, nullable=False, server_default="0"),
        sa.Column("caller_turns", sa.Integer, nullable=False, server_default="0"),
        sa.Column("barge_ins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("transfer_status", sa.Text, nullable=True),
        sa.Column("transfer_to", sa.Text, nullable=True),
        sa.Column("captured", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("v2v_ms", ARRAY(sa.Integer), nullable=False, server_default=sa.text("'{}'::int[]")),
        sa.Column("barge_in_ms", ARRAY(sa.Integer), nullable=False, server_default=sa.text("'{}'::int[]")),
    )
    op.create_index("ix_call_summaries_started", "call_summaries", ["started_at"])
    op.create_index("ix_call_summaries_tenant_started", "call_summaries", ["tenant_id", "started_at"])


def _call_objectives() -> None:
    op.create_table(
        "call_objectives",
        sa.Column("call_sid", sa.Text, primary_key=True),
        sa.Column("objective", sa.Text, primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=True),
        sa.Column("type", sa.Text, nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("outcome_at", TS, nullable=True),
    )
    op.create_index("ix_call_objectives_started", "call_objectives", ["started_at"])
    op.create_index("ix_call_objectives_tenant_started", "call_objectives", ["tenant_id", "started_at"])


def _rollups() -> None:
    """Closed UTC days of the platform-wide figures, computed once from the read model above."""
    op.create_table("call_rollup_days", sa.Column("day", sa.Date, primary_key=True),
                    sa.Column("computed_at", TS, nullable=False))
    counts = [sa.Column(name, sa.Integer, nullable=False) for name in
              ("calls", "answered", "missed", "in_progress", "transfers", "transfers_failed", "leads", "errors")]
    op.create_table("call_daily_tenant", sa.Column("day", sa.Date, nullable=False),
                    sa.Column("tenant_id", UUID(as_uuid=True), nullable=True), *counts,
                    sa.Column("last_call_at", TS, nullable=True))
    op.create_table("call_daily_latency", sa.Column("day", sa.Date, primary_key=True),
                    sa.Column("metric", sa.Text, primary_key=True), sa.Column("samples", sa.Integer, nullable=False),
                    *(sa.Column(p, sa.Float, nullable=False) for p in ("p50", "p95", "p99")))
    op.create_table("call_daily_objectives", sa.Column("day", sa.Date, nullable=False),
                    sa.Column("tenant_id", UUID(as_uuid=True), nullable=True),
                    sa.Column("objective", sa.Text, nullable=False), sa.Column("type", sa.Text, nullable=True),
                    *(sa.Column(name, sa.Integer, nullable=False) for name in
                      ("pursued", "completed", "failed", "declined", "skipped")))
    op.execute("CREATE UNIQUE INDEX uq_call_daily_tenant ON call_daily_tenant (day, tenant_id) NULLS NOT DISTINCT")
    op.execute("CREATE UNIQUE INDEX uq_call_daily_objectives ON call_daily_objectives (day, tenant_id, objective) "
               "NULLS NOT DISTINCT")


def upgrade() -> None:
    _call_summaries()
    _call_objectives()
    _rollups()
    op.execute(APPLY_FUNCTION)
    op.execute(TRIGGER_FUNCTION)
    op.execute(TRIGGER)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS events_project_calls ON events")
    op.execute("DROP FUNCTION IF EXISTS revos_project_call_event_trigger()")
    op.execute("DROP FUNCTION IF EXISTS revos_project_call_event(text, text, jsonb, timestamptz)")
    for table in ("call_daily_objectives", "call_daily_latency", "call_daily_tenant", "call_rollup_days",
                  "call_objectives", "call_summaries"):
        op.drop_table(table)
