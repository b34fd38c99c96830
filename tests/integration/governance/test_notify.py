"""The founder hears about what waits for them: a DRAFT, a DRAFT about to expire, an INCONCLUSIVE audit (with
its deadline, after which the change is rolled back), a rollback; by e-mail when an SMTP host is configured."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.governance import (
    BREAKING_KEY,
    BREAKING_VALUE,
    approve,
    change_payload,
    contract,
    drafted,
    events,
    file_issue,
    kernel_tenant,
    reaches,
    register,
    state,
)
from tests.helpers.polling import until
from workers.governance_worker import governance_bundle

pytestmark = pytest.mark.integration


class SmtpSink:
    """Just enough SMTP to accept messages (EHLO, MAIL, RCPT, DATA, QUIT)."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink\r\n")
        body: list[bytes] | None = None
        while line := await reader.readline():
            if body is not None:
                if line == b".\r\n":
                    self.messages.append(b"".join(body))
                    body = None
                    writer.write(b"250 queued\r\n")
                else:
                    body.append(line)
            elif line[:4].upper() == b"DATA":
                body = []
                writer.write(b"354 go on\r\n")
            elif line[:4].upper() == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


async def test_rollback_emails_the_founder(api, keys, worker, settings, engine) -> None:
    sink = SmtpSink()
    server = await asyncio.start_server(sink.handle, "127.0.0.1", 0)
    settings.governance_smtp_host = "127.0.0.1"
    settings.governance_smtp_port = server.sockets[0].getsockname()[1]
    settings.governance_founder_notify = "founder@example.com"
    try:
        tenant = await kernel_tenant(engine)
        await register(api, keys)
        async with worker(governance_bundle):
            filed = await file_issue(api, keys, change_payload(tenant, BREAKING_VALUE, key=BREAKING_KEY))
            cid = await drafted(api, keys, filed["id"])
            await approve(api, keys, cid)
            await reaches(api, keys, cid, "FAILED")
    finally:
        server.close()
        await server.wait_closed()
    mails = [message_from_bytes(m, policy=policy.default) for m in sink.messages]
    assert [m["To"] for m in mails] == ["founder@example.com"] * 2
    assert "waits for your decision" in mails[0]["Subject"] and "rolled back" in mails[1]["Subject"]
    assert f"/v1/contracts/{cid}" in mails[0].get_content()
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT channel, delivery_status FROM notifications"))).all()
    assert [tuple(r) for r in rows] == [("email", "sent")] * 2


async def _kinds(api: Any, keys: Any, cid: str) -> list[str]:
    return [e["payload"]["kind"] for e in events(await contract(api, keys, cid), "founder.notified")]


async def test_a_draft_is_announced_then_its_expiry_is_reminded(api, keys, worker, settings, engine) -> None:
    settings.contract_draft_ttl_seconds = 3.0
    settings.governance_draft_reminder_seconds = 2.0  # remind 2 s before the expiry, 1 s after the draft
    tenant = await kernel_tenant(engine, facts=False)
    await register(api, keys)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        done = await reaches(api, keys, cid, "EXPIRED", timeout=15)
    told = events(done, "founder.notified")
    assert [e["payload"]["kind"] for e in told] == ["draft_created", "draft_expiring"]
    drafted_at = datetime.fromisoformat(events(done, "contract.drafted")[0]["occurred_at"])
    reminded_at = datetime.fromisoformat(told[1]["occurred_at"])
    assert timedelta(seconds=0.9) <= reminded_at - drafted_at < timedelta(seconds=3)
    assert datetime.fromisoformat(told[1]["payload"]["due"]) == datetime.fromisoformat(done["expires_at"])
    async with engine.connect() as conn:
        subjects = (await conn.execute(text("SELECT subject FROM notifications ORDER BY created_at"))).scalars().all()
    assert "waits for your decision" in subjects[0] and "expires at" in subjects[1]


async def test_an_unresolved_inconclusive_audit_is_rolled_back_at_its_deadline(api, keys, worker, settings,
                                                                             engine) -> None:
    settings.governance_inconclusive_deadline_seconds = 2.0
    tenant = await kernel_tenant(engine, facts=False)  # no stored facts: health has no evidence, INCONCLUSIVE
    await register(api, keys)
    before = await state(api, keys, tenant)
    async with worker(governance_bundle):
        filed = await file_issue(api, keys, change_payload(tenant))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        waiting = await reaches(api, keys, cid, "AUDIT_INCONCLUSIVE")
        assert events(waiting, "contract.audit_escalated")[0]["payload"]["deadline"]
        await until(lambda: _told(api, keys, cid, "audit_inconclusive"))
        done = await reaches(api, keys, cid, "FAILED", timeout=20)
        late = await api.post(f"/v1/contracts/{cid}/resolve-audit", json={"resolution": "rollout"},
                              headers=keys.headers("founder"))
        assert late.status_code == 409, late.text
    resolved = events(done, "audit.resolved")[0]["payload"]
    assert resolved["resolution"] == "rollback" and resolved["by"] == "deadline"
    assert await state(api, keys, tenant) == before
    assert await _kinds(api, keys, cid) == ["draft_created", "audit_inconclusive"]
    async with engine.connect() as conn:
        subjects = (await conn.execute(text("SELECT subject FROM notifications WHERE contract_id = :c "
                                            "ORDER BY created_at"), {"c": cid})).scalars().all()
    assert "needs your resolution" in subjects[1] and "rolled back" in subjects[2]


async def _told(api: Any, keys: Any, cid: str, kind: str) -> bool:
    return kind in await _kinds(api, keys, cid)
