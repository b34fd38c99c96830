"""A WebSocket as the transport sees it: Twilio's messages to read, and what was written, behind a gate."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Iterable
from typing import Any

from starlette.websockets import WebSocketDisconnect


class TwilioSocket:
    """Reads `incoming`, then behaves as a closed stream; each write waits for `gate` (open by default)."""

    def __init__(self, incoming: Iterable[str] = ()) -> None:
        self.incoming = deque(incoming)
        self.written: list[dict[str, Any]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.writing = asyncio.Event()  # set while a write waits at the gate

    async def receive_text(self) -> str:
        if not self.incoming:
            raise WebSocketDisconnect(1000)
        return self.incoming.popleft()

    async def send_text(self, data: str) -> None:
        self.writing.set()
        await self.gate.wait()
        self.writing.clear()
        self.written.append(json.loads(data))

    def events(self) -> list[str]:
        return [str(m["event"]) for m in self.written]


async def drain(times: int = 10) -> None:
    """Let the writer task (and anything it triggers) run."""
    for _ in range(times):
        await asyncio.sleep(0)
