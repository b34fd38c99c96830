"""Reading the cost of calls: one call's lines, and totals over a period grouped by day, objective or core version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.tables_integrations import call_cost_lines

GroupBy = Literal["day", "objective", "core_version"]
Purpose = Literal["live", "smoke"]
_KEYS = {"day": ("l.day::text", "", "1"), "core_version": ("l.core_version", "", "1"),
         "objective": ("s.objective", "CROSS JOIN LATERAL jsonb_each_text(l.detail->'objective_shares') "
                                      "AS s(objective, share)", "s.share::numeric"),
         "all": ("'all'", "", "1")}


async def lines_of(conn: AsyncConnection, call_sid: str) -> Sequence[Any]:
    """A call's cost lines, in the order they were written."""
    query = select(call_cost_lines).where(call_cost_lines.c.call_sid == call_sid).order_by(call_cost_lines.c.id)
    return (await conn.execute(query)).mappings().all()


async def grouped(conn: AsyncConnection, *, tenant_id: UUID | None, start: date, end: date,
                  group_by: GroupBy | Literal["all"], purpose: Purpose = "live") -> dict[str, dict[str, Any]]:
    """key -> {calls, minutes, total, components{component: amount}} over calls that started in [start, end].

    `purpose`: live calls (the tenant's voice cost) or onboarding's smoke calls, never both in one total.
    """
    key, join, weight = _KEYS[group_by]
    sql = text(f"""
        SELECT {key} AS key, l.component, COUNT(DISTINCT l.call_sid) AS calls, SUM(l.amount_usd * {weight}) AS amount,
               SUM(CASE WHEN l.component = 'telephony' THEN l.quantity * {weight} ELSE 0 END) AS minutes
        FROM call_cost_lines l {join}
        WHERE (CAST(:tenant AS uuid) IS NULL OR l.tenant_id = CAST(:tenant AS uuid)) AND l.day BETWEEN :start AND :end
          AND l.purpose = :purpose
        GROUP BY 1, 2 ORDER BY 1, 2""")  # noqa: S608 - key/join/weight come from _KEYS, never from input
    rows = (await conn.execute(sql, {"tenant": tenant_id, "start": start, "end": end, "purpose": purpose})
            ).mappings().all()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        group = out.setdefault(row["key"], {"calls": 0, "minutes": Decimal(0), "total": Decimal(0), "components": {}})
        group["calls"] = max(group["calls"], int(row["calls"]))
        group["minutes"] += Decimal(row["minutes"])
        group["total"] += Decimal(row["amount"])
        group["components"][row["component"]] = Decimal(row["amount"])
    return out
