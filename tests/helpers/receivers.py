"""Real local servers the integrations talk to in tests: a webhook receiver that can misbehave on purpose, a server
speaking Twilio's Messages REST shape, and a small CalDAV-shaped server (PUT of calendar objects).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from domain.integrations.signature import HEADER, verify

Mode = Literal["ok", "hang", "error"]


@dataclass
class Seen:
    key: str
    event: str
    attempt: int
    verified: bool
    mode: Mode


@dataclass
class WebhookReceiver:
    """Applies each verified delivery once per Idempotency-Key (`applied`); `mode` makes it hang, fail or refuse."""

    secret: str
    mode: Mode = "ok"
    hang_seconds: float = 30.0
    delay_seconds: float = 0.0  # "ok" takes this long to answer (a slow CRM): a sender can die mid-request
    require_signature: bool = True
    seen: list[Seen] = field(default_factory=list)
    applied: Counter[str] = field(default_factory=Counter)  # the effect, once per key (a duplicate is not applied)
    duplicates: Counter[str] = field(default_factory=Counter)  # verified deliveries of a key already applied
    bodies: dict[str, dict[str, object]] = field(default_factory=dict)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/revos"

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        key = request.headers.get("Idempotency-Key", "")
        verdict = verify(request.headers.get(HEADER, ""), raw, self.secret, now=int(time.time()))
        self.seen.append(Seen(key, request.headers.get("X-Revos-Event", ""),
                              int(request.headers.get("X-Revos-Attempt", "0")), verdict is None, self.mode))
        if self.mode == "hang":
            await asyncio.sleep(self.hang_seconds)
            return web.Response(status=500, text="hung")
        if self.mode == "error":
            return web.Response(status=500, text="receiver broken")
        if verdict is not None and self.require_signature:
            return web.Response(status=401, text=verdict)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if key in self.applied:
            self.duplicates[key] += 1
        else:
            self.applied[key] += 1
            self.bodies[key] = json.loads(raw)
        return web.json_response({"ok": True})

    async def start(self) -> None:
        """Listen (again, on the same port after a `stop`)."""
        app = web.Application()
        app.router.add_post("/hooks/revos", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        if not self.port:
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Stop listening: connections are refused until `start`."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@dataclass
class FakeTwilioMessages:
    """Twilio's REST shape for Messages (POST, 201 and the resource) and Calls (GET one with its price, GET the
    child calls of a parent: the transfer legs).
    """

    status: int = 201
    call_prices: dict[str, str | None] = field(default_factory=dict)
    leg_prices: dict[str, list[str]] = field(default_factory=dict)
    created: list[dict[str, str]] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        account = request.match_info["sid"]
        if self.status != 201:
            return web.json_response({"code": 21211, "message": f"The 'To' number {form.get('To')} is not valid.",
                                      "status": self.status}, status=self.status)
        self.created.append(form)
        sid = f"SM{len(self.created):032d}"
        return web.json_response({"sid": sid, "account_sid": account, "to": form.get("To"), "from": form.get("From"),
                                  "body": form.get("Body"), "status": "queued", "num_segments": "1"}, status=201)

    async def _call(self, request: web.Request) -> web.Response:
        sid = request.match_info["call"]
        price = self.call_prices.get(sid)
        return web.json_response({"sid": sid, "account_sid": request.match_info["sid"], "status": "completed",
                                  "price": price, "price_unit": "USD", "duration": "95"})

    async def _calls(self, request: web.Request) -> web.Response:
        parent = request.query.get("ParentCallSid", "")
        legs = [{"sid": f"CL{i}", "parent_call_sid": parent, "status": "completed", "price": price,
                 "price_unit": "USD"} for i, price in enumerate(self.leg_prices.get(parent, []))]
        return web.json_response({"calls": legs, "next_page_uri": None, "page": 0, "page_size": 50,
                                  "uri": request.path_qs})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._handle)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Calls/{call}.json", self._call)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Calls.json", self._calls)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class CaldavServer:
    """Stores calendar objects PUT under /cal/...; honours If-None-Match: * (412 when the object exists)."""

    objects: dict[str, str] = field(default_factory=dict)
    auth: list[str] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cal"

    async def _put(self, request: web.Request) -> web.Response:
        self.auth.append(request.headers.get("Authorization", ""))
        if not request.content_type.startswith("text/calendar"):
            return web.Response(status=415)
        if request.headers.get("If-None-Match") == "*" and request.path in self.objects:
            return web.Response(status=412)
        self.objects[request.path] = await request.text()
        return web.Response(status=201, headers={"ETag": f'"{len(self.objects)}"'})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_put("/cal/{tail:.*}", self._put)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
