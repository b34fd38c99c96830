"""The real app served over loopback HTTP by uvicorn, inside the test's event loop (for tools that speak HTTP)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute

from domain.auth import Role


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def allowed_roles(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route admits, read from its `require(...)` dependencies (None: it declares none)."""
    found: list[frozenset[Role]] = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        roles = getattr(dependant.call, "allowed_roles", None)
        if roles is not None:
            found.append(roles)
        pending.extend(dependant.dependencies)
    return frozenset.intersection(*found) if found else None


def route_roles(app: FastAPI) -> dict[str, list[str]]:
    """`"METHOD /path/{template}"` -> the role names it admits, for every /v1 route of the app."""
    out: dict[str, list[str]] = {}
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/v1"):
            roles = allowed_roles(route)
            for method in route.methods or ():
                out[f"{method} {route.path}"] = sorted(r.value for r in roles or ())
    return out
