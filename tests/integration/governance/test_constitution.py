"""Governed change's five constraints: each test tries to break one, and fails to.

No contract but from an eligible issue; only the founder decides; jobs cannot override health; the
audit cannot be bypassed; a failed audit always rolls back.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.governance import GovernanceActivities
from activities.governance_executors import JobStatePort, deployment_executors
from activities.governance_jobs import JobActivities
from domain.errors import Conflict
from domain.governance.audit import next_after_audit
from domain.governance.contracts import ContractStatus
from domain.governance.messages import ApproveContract, CreateDraft, Transition, lifecycle_workflow_id
from domain.governance.validator import RuleBasedValidator
from infra.db.tables_governance import issues
from tests.helpers.governance import (
    BREAKING_KEY,
    BREAKING_VALUE,
    also,
    approve,
    change_payload,
    contract,
    drafted,
    file_issue,
    kernel_tenant,
    reaches,
    register,
    state,
)
from tests.helpers.polling import until
from workers.governance_worker import governance_bundle
from workflows.contract_lifecycle import ContractLifecycleWorkflow

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CHANGES = {"changes": [{"capability": "kernel.policy", "target": str(uuid.uuid4()), "key": "targets.cac_max",
                        "value": 900}]}
EXECUTORS = deployment_executors(30)


async def _raw_issue(engine, **extra) -> uuid.UUID:
    issue_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(insert(issues).values(
            id=issue_id, source="crm_feedback", status="RECEIVED", raw_payload={}, received_at=NOW,
            updated_at=NOW, workflow_id=lifecycle_workflow_id(issue_id), **extra))
    return issue_id


# --- CRM cannot create contracts directly ---------------------------------------------------------

@pytest.mark.parametrize("role", ["founder", "admin", "operator", "service"])
async def test_no_api_creates_a_contract(api, keys, role) -> None:
    r = await api.post("/v1/contracts", json={"issue_id": str(uuid.uuid4()), "proposed_changes": CHANGES},
                       headers=keys.headers(role))
    assert r.status_code == 405


async def test_activity_refuses_unvalidated_or_ineligible_issue(engine) -> None:
    acts = GovernanceActivities(engine, RuleBasedValidator(), EXECUTORS)
    unvalidated = await _raw_issue(engine)
    ineligible = await _raw_issue(engine, validator_output={"severity": "low"},
                                  eligibility={"decision": "MAY_NOT", "reasons": ["x"]})
    for issue_id in (unvalidated, ineligible):
        cmd = CreateDraft(issue_id=issue_id, contract_id=uuid.uuid4(), version=1, proposed_changes=CHANGES,
                          created_at=NOW, ttl_seconds=60)
        with pytest.raises(Conflict) as info:
            await ActivityEnvironment().run(acts.create_draft, cmd)
        assert info.value.code == "not_eligible"
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM system_contracts"))).scalar_one() == 0


async def test_database_refuses_a_contract_for_an_ineligible_issue(engine) -> None:
    issue_id = await _raw_issue(engine, validator_output={"severity": "low"},
                                eligibility={"decision": "MAY_NOT", "reasons": ["x"]})
    with pytest.raises(DBAPIError, match="validated, eligible issue"):
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO system_contracts (id, issue_id, version, status, proposed_changes, "
                "affected_capabilities, risk_level, created_at, expires_at, updated_at) VALUES "
                "(gen_random_uuid(), :i, 1, 'DRAFT', '{}', '[]', 'low', now(), now(), now())"), {"i": issue_id})


async def test_crm_payload_claiming_authority_gets_no_contract(api, keys, worker) -> None:
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, {"title": "hello", "status": "APPROVED", "eligibility": "MAY",
                                             "contract": {"approved_by": "founder"}, "confidence_score": 1.0})

        async def ended() -> bool:
            r = await api.get(f"/v1/issues/{filed['id']}", headers=keys.headers("founder"))
            return bool(r.json()["status"] == "INELIGIBLE")
        await until(ended)
    r = await api.get("/v1/contracts", headers=keys.headers("founder"))
    assert r.json()["count"] == 0


# --- contracts require founder approval -----------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "operator", "service"])
@pytest.mark.parametrize("action", ["approve", "reject", "clarify", "modify-scope", "resolve-audit"])
async def test_only_the_founder_decides(api, keys, worker, engine, role, action) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        body = {"reason": "x", "question": "x", "proposed_changes": CHANGES, "resolution": "rollout"}
        r = await api.post(f"/v1/contracts/{cid}/{action}", json=body, headers=keys.headers(role))
        assert r.status_code == 403 and r.json()["code"] == "forbidden", r.text
    assert (await contract(api, keys, cid))["status"] == "DRAFT"
    refusals = await api.get("/v1/streams/security:refusals/events", headers=keys.headers("admin"))
    assert any(e["payload"]["path"].endswith(action) for e in refusals.json()["events"])


async def test_a_direct_temporal_update_without_founder_role_is_refused(
        api, keys, worker, temporal_client, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        handle = temporal_client.get_workflow_handle(filed["workflow_id"])
        cmd = ApproveContract(contract_id=cid, founder_id=uuid.uuid4(), founder_role="admin")
        with pytest.raises(WorkflowUpdateFailedError) as info:
            await handle.execute_update(ContractLifecycleWorkflow.approve, cmd)
        assert isinstance(info.value.cause, ApplicationError) and info.value.cause.type == "founder_only"
    assert (await contract(api, keys, cid))["status"] == "DRAFT"


async def test_founder_role_claim_without_a_founder_principal_is_refused(
        api, keys, worker, temporal_client, engine) -> None:
    """Calling Temporal directly and claiming the founder role: refused without the API's signed approval."""
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        handle = temporal_client.get_workflow_handle(filed["workflow_id"])
        cmd = ApproveContract(contract_id=cid, founder_id=uuid.uuid4(), founder_role="founder")
        with pytest.raises(WorkflowUpdateFailedError) as info:
            await handle.execute_update(ContractLifecycleWorkflow.approve, cmd)
        assert isinstance(info.value.cause, ApplicationError) and info.value.cause.type == "approval_missing"
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "APPROVED", r.text


async def test_database_refuses_approval_by_a_non_founder(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
    async with engine.connect() as conn:
        admin_id = (await conn.execute(text("SELECT id FROM principals WHERE role = 'admin'"))).scalar_one()
    for status in ("APPROVED", "ACTIVE"):
        with pytest.raises(DBAPIError, match="founder"):
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE system_contracts SET status = :s, approved_by = :a WHERE id = :c"),
                                   {"s": status, "a": admin_id, "c": cid})


# --- jobs cannot override health ------------------------------------------------------------------

async def test_the_job_port_has_no_way_to_write_health(engine) -> None:
    store = EXECUTORS.job_port()
    members = {m for m in dir(JobStatePort) if not m.startswith("_")}
    assert members == {"read_scope", "apply_change", "restore_scope"}
    for attempt in ("measure", "record_health_signal", "write_health", "health_signals", "probe"):
        with pytest.raises(AttributeError):
            getattr(store, attempt)
    jobs = JobActivities(engine, store)
    assert not any("health" in name or "measure" in name for name in dir(jobs))


async def test_recorded_health_cannot_be_overwritten(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant, BREAKING_VALUE, key=BREAKING_KEY))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        await reaches(api, keys, cid, "FAILED")
    for statement in ("UPDATE health_signals SET status = 'HEALTHY'", "DELETE FROM health_signals",
                      "TRUNCATE health_signals", "UPDATE health_baselines SET measure = '{}'",
                      "DELETE FROM health_baselines"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT status FROM health_signals"))).scalar_one() == "UNHEALTHY"


# --- the audit cannot be bypassed -----------------------------------------------------------------

async def test_nothing_completes_without_audit_pass(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
    acts = GovernanceActivities(engine, RuleBasedValidator(), EXECUTORS)
    cmd = Transition(contract_id=cid, to_status=ContractStatus.COMPLETED, event_type="contract.completed",
                     event_id=uuid.uuid4(), at=NOW)
    with pytest.raises(Conflict, match="audit PASS") as info:  # the worker's edge sends it as non-retryable
        await ActivityEnvironment().run(acts.transition_contract, cmd)
    assert info.value.code == "contract_guard"
    with pytest.raises(DBAPIError, match="audit PASS"):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE system_contracts SET status = 'COMPLETED' WHERE id = :c"), {"c": cid})
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO audit_verdicts (id, contract_id, verdict, reasons, decided_by, created_at)"
                                " VALUES (gen_random_uuid(), :c, 'FAIL', '[]', 'auditor', now())"), {"c": cid})
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE audit_verdicts SET verdict = 'PASS'"))
    with pytest.raises(DBAPIError, match="audit PASS"):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE system_contracts SET status = 'COMPLETED' WHERE id = :c"), {"c": cid})


@pytest.mark.parametrize("resolution,final", [("rollout", "COMPLETED"), ("rollback", "FAILED")])
async def test_inconclusive_audit_waits_for_the_founder(api, keys, worker, engine, resolution, final) -> None:
    tenant = await kernel_tenant(engine, facts=False)  # no stored facts: no cycle can run, before or after
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        waiting = await reaches(api, keys, cid, "AUDIT_INCONCLUSIVE")
        verdict = next(e for e in waiting["timeline"] if e["type"] == "audit.verdict")["payload"]
        assert verdict["verdict"] == "INCONCLUSIVE"
        for role in ("admin", "operator", "service"):
            r = await api.post(f"/v1/contracts/{cid}/resolve-audit", json={"resolution": "rollout"},
                               headers=keys.headers(role))
            assert r.status_code == 403
        r = await api.post(f"/v1/contracts/{cid}/resolve-audit", json={"resolution": resolution},
                           headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == final, r.text
    assert (await state(api, keys, tenant))["targets.cac_max"] == (1500 if resolution == "rollout" else 1200)


async def test_resolve_audit_refused_outside_inconclusive(api, keys, worker, engine) -> None:
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/resolve-audit", json={"resolution": "rollout"},
                           headers=keys.headers("founder"))
        assert r.status_code == 409 and r.json()["code"] == "contract_wrong_state", r.text


# --- a failed audit always rolls back (the prior state is restored) -------------------------------

def test_fail_rolls_back_whatever_the_resolution() -> None:
    assert next_after_audit("FAIL") == "rollback"
    assert next_after_audit("FAIL", "rollout") == "rollback"


async def test_step_outside_window_fails_audit_and_rolls_back(api, keys, worker, settings, engine) -> None:
    settings.governance_activation_window_seconds = 2.0
    settings.governance_step_interval_seconds = 3.0
    tenant = await kernel_tenant(engine)
    await register(api, keys)
    before = await state(api, keys, tenant)
    payload = also(change_payload(tenant), tenant, "guardrails.max_daily_spend", 2500)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, payload)
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "FAILED")
        r = await api.post(f"/v1/contracts/{cid}/resolve-audit", json={"resolution": "rollout"},
                           headers=keys.headers("founder"))
        assert r.status_code == 409
    finished = next(e for e in done["timeline"] if e["type"] == "job.finished")["payload"]
    assert finished["status"] == "FAILED" and "outside the activation window" in finished["error"]
    assert finished["steps"] == {"1": "APPLIED", "2": "PENDING"}
    assert await state(api, keys, tenant) == before
