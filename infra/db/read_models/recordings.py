"""A tenant's newest recorded calls, from the `call.recording_stored` events of its call streams (smoke calls,
onboarding's, left out: their recordings are on their own call pages)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_RECENT = text("""
    SELECT substr(e.stream, 6) AS call_sid, e.occurred_at AS stored_at,
           (e.payload->>'duration_ms')::numeric::bigint AS duration_ms
    FROM events e JOIN streams s ON s.stream = e.stream
    WHERE e.type = 'call.recording_stored' AND s.tenant_id = :tenant AND e.stream LIKE 'call:%'
      AND NOT EXISTS (SELECT 1 FROM call_summaries c WHERE c.call_sid = substr(e.stream, 6) AND c.smoke)
    ORDER BY e.id DESC LIMIT :limit""")


class RecordedCall(BaseModel):
    call_sid: str
    stored_at: datetime
    duration_ms: int | None


async def recent_recordings(conn: AsyncConnection, tenant_id: UUID, limit: int = 10) -> list[RecordedCall]:
    rows = (await conn.execute(_RECENT, {"tenant": tenant_id, "limit": limit})).mappings()
    return [RecordedCall.model_validate(dict(r)) for r in rows]
