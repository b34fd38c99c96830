"""With an SMTP host configured, a rollback e-mails the founder (to a local SMTP sink) and records it."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy

import pytest
from sqlalchemy import text

from tests.integration.governance.conftest import BUNDLE, change_payload, drafted, file_issue, reaches, register

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
        await register(api, keys)
        async with worker(BUNDLE):
            filed = await file_issue(api, keys, change_payload(900))
            cid = await drafted(api, keys, filed["id"])
            await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
            await reaches(api, keys, cid, "FAILED")
    finally:
        server.close()
        await server.wait_closed()
    assert len(sink.messages) == 1
    mail = message_from_bytes(sink.messages[0], policy=policy.default)
    assert mail["To"] == "founder@example.com" and "rolled back" in mail["Subject"]
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT channel, delivery_status FROM notifications"))).all()
    assert [tuple(r) for r in rows] == [("email", "sent")]
