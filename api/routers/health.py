"""Liveness, readiness and Prometheus metrics (no key needed)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import StateDep
from api.state import AppState

router = APIRouter(tags=["health"])


async def _postgres_ok(state: AppState) -> bool:
    try:
        async with asyncio.timeout(2):
            async with state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Postgres or Temporal is down (the body names which)"}})
async def readyz(state: StateDep) -> JSONResponse:
    """200 only when Postgres and Temporal both answer; 503 names what is down."""
    postgres, temporal = await asyncio.gather(_postgres_ok(state), state.temporal.healthy())
    checks = {"postgres": "up" if postgres else "down", "temporal": "up" if temporal else "down"}
    down = [name for name, status in checks.items() if status == "down"]
    if down:
        body = {"code": "not_ready", "message": f"down: {', '.join(down)}", "checks": checks}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready", "checks": checks})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(state: StateDep) -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(state.registry), media_type=CONTENT_TYPE_LATEST)
