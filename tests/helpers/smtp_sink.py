"""A local SMTP sink (a real socket, just enough SMTP: EHLO, MAIL, RCPT, DATA, QUIT) that keeps what it receives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(m, policy=policy.default) for m in self.messages]  # type: ignore[misc]

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
                    body.append(line[1:] if line.startswith(b"..") else line)
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


@asynccontextmanager
async def smtp_sink() -> AsyncIterator[tuple[SmtpSink, int]]:
    """A sink listening on 127.0.0.1; yields it and its port."""
    sink = SmtpSink()
    server = await asyncio.start_server(sink.handle, "127.0.0.1", 0)
    try:
        yield sink, server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
