"""The weekly admin summary as JSON, HTML or CSV (the weekly cadence: closed weeks only, no live dashboard)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from api.deps import AdminDep, EngineDep, NowDep, require
from domain.auth import Principal, Role
from domain.capital import weekly
from domain.errors import Conflict
from infra.db import capital_reports

router = APIRouter(prefix="/v1/reports", tags=["capital: reports"])
ReaderDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.FOUNDER))]


def _format(request: Request, requested: str | None) -> str:
    if requested:
        return requested
    accept = request.headers.get("accept", "")
    return "html" if "text/html" in accept else "csv" if "text/csv" in accept else "json"


@router.get("/weekly", response_model=weekly.WeeklySummary)
async def weekly_summary(request: Request, week: str, _: ReaderDep, engine: EngineDep, now: NowDep,
                         format: Literal["json", "html", "csv"] | None = None, tenant_id: UUID | None = None
                         ) -> Response:
    """Spend (week and total), tranches, QPCs, schedules, installs, paid conversions, evaluation flag."""
    end = weekly.week_bounds_utc(week)[1]
    if end > now:
        raise Conflict(f"week {week} has not closed yet; the summary covers closed weeks only, not the week in "
                       "progress", code="week_not_closed")
    async with engine.connect() as conn:
        summary = await capital_reports.weekly_summary(conn, week, tenant_id)
    kind = _format(request, format)
    if kind == "html":
        return HTMLResponse(weekly.to_html(summary))
    if kind == "csv":
        return PlainTextResponse(weekly.to_csv(summary), media_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="weekly-{week}.csv"'})
    return JSONResponse(summary.model_dump(mode="json"))


@router.get("/alerts")
async def interrupt_alerts(since: datetime, _: AdminDep, engine: EngineDep) -> list[dict[str, Any]]:
    """Interrupt alerts (stop-loss proximity at 80/90%, stop-loss, manual evaluation trigger) since an instant."""
    async with engine.connect() as conn:
        rows = await capital_reports.alerts_since(conn, since)
    return [{**row, "detail": json.loads(str(row["detail"]))} for row in rows]
