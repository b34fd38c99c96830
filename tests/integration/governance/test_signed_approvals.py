"""A client that reaches Temporal but not the API cannot decide a contract: unsigned, forged, altered,
reused or expired approvals are refused by the update validators, and the contract stays DRAFT."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.governance.approvals import ApprovalClaims, key_id_for, sign
from domain.governance.messages import ApproveContract, RejectContract
from tests.helpers.governance import change_payload, contract, drafted, file_issue, kernel_tenant, register
from workers.governance_worker import governance_bundle
from workflows.contract_lifecycle import ContractLifecycleWorkflow

pytestmark = pytest.mark.integration


async def _founder(engine: Any) -> uuid.UUID:
    from sqlalchemy import text
    async with engine.connect() as conn:
        return uuid.UUID(str((await conn.execute(text("SELECT id FROM principals WHERE role = 'founder'"))
                              ).scalar_one()))


def _claims(secret: bytes, action: Any, founder: uuid.UUID, cid: str, *, version: int = 1,
            expires_in: float = 300) -> ApprovalClaims:
    return ApprovalClaims(key_id=key_id_for(secret), action=action, founder_id=founder,
                          contract_id=uuid.UUID(cid), version=version,
                          expires_at=datetime.now(UTC) + timedelta(seconds=expires_in))


async def _refused(handle: Any, cmd: ApproveContract, code: str) -> None:
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await handle.execute_update(ContractLifecycleWorkflow.approve, cmd)
    assert isinstance(info.value.cause, ApplicationError) and info.value.cause.type == code, info.value.cause


async def test_forged_commands_sent_to_temporal_directly_are_refused(
        api, keys, worker, temporal_client, settings, engine) -> None:
    secret = settings.governance_approval_secret.get_secret_value().encode()
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        other = await file_issue(api, keys, change_payload(tenant, 1300))
        cid, other_cid = await drafted(api, keys, filed["id"]), await drafted(api, keys, other["id"])
        founder = await _founder(engine)
        handle = temporal_client.get_workflow_handle(filed["workflow_id"])
        base = {"contract_id": cid, "founder_id": founder, "founder_role": "founder"}
        await _refused(handle, ApproveContract(**base), "approval_missing")
        attacker = b"not-the-server-secret"
        await _refused(handle, ApproveContract(**base, approval=sign(attacker, _claims(attacker, "approve", founder,
                                                                                        cid))), "approval_key_unknown")
        # the right key id, a signature made without the secret
        guessed = sign(attacker, _claims(secret, "approve", founder, cid))
        await _refused(handle, ApproveContract(**base, approval=guessed), "approval_forged")
        # a genuine rejection, altered into an approval
        rejection = sign(secret, _claims(secret, "reject", founder, cid))
        altered = rejection.model_copy(update={"action": "approve"})
        await _refused(handle, ApproveContract(**base, approval=altered), "approval_forged")
        # genuine, but for another contract, another version, or another decision
        for claims in (_claims(secret, "approve", founder, other_cid), _claims(secret, "approve", founder, cid,
                                                                                version=2)):
            await _refused(handle, ApproveContract(**base, approval=sign(secret, claims)), "approval_mismatch")
        with pytest.raises(WorkflowUpdateFailedError) as info:
            await handle.execute_update(ContractLifecycleWorkflow.reject, RejectContract(
                **base, reason="x", approval=sign(secret, _claims(secret, "approve", founder, cid))))
        assert isinstance(info.value.cause, ApplicationError) and info.value.cause.type == "approval_mismatch"
        expired = sign(secret, _claims(secret, "approve", founder, cid, expires_in=-1))
        await _refused(handle, ApproveContract(**base, approval=expired), "approval_expired")
        assert (await contract(api, keys, cid))["status"] == "DRAFT"
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200 and r.json()["status"] == "APPROVED", r.text
