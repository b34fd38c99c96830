"""A call's recording and replay on its dashboard page: the audio through the session, the replay's verdict.

The audio route is the recording API's handler's view (same roles, same tenant scoping); the replay panel is the
replay API's (operators and admins). The call page (`voice.call_page`) shows both with `call_media`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response

from activities.call_replay import CallReplayer
from api.media import ranged
from api.routers import call_records
from api.ui.web import UiRoute, Viewer, ViewerDep
from domain.errors import DomainError, NotFound
from domain.events import RecordedEvent
from domain.replay import ReplayReport
from infra.db.read_models import calls
from infra.db.replay_sources import PostgresReplaySources
from infra.recordings.reader import read_recording
from infra.recordings.wav import Leg, leg_wav

router = APIRouter(prefix="/ui", route_class=UiRoute, include_in_schema=False)


@router.get("/calls/{call_sid}/recording.wav")
async def recording_audio(call_sid: str, viewer: ViewerDep, leg: Leg = "mixed") -> Response:
    """The call's recording for the page's audio player (the session stands for the API key)."""
    await viewer.check(call_records.read_call_recording)
    async with viewer.state.engine.connect() as conn:
        row = await calls.call_row(conn, call_sid)
        if row is None:
            raise NotFound(f"call {call_sid} has no events", code="call_not_found")
        await viewer.check(call_records.read_call_recording, row.tenant_id, scoped=True)
        events = await calls.call_events(conn, call_sid)
    data = await read_recording(call_records.recordings_store(viewer.request, viewer.state), events)
    return ranged(viewer.request, await asyncio.to_thread(leg_wav, data, leg), "audio/wav",
                  {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


@dataclass
class Recording:
    """What the recording panel shows."""

    state: str  # "stored", "failed", "pending" (the call is still on or being stored), "off"
    stored: dict[str, Any] | None = None


def recording_of(events: list[RecordedEvent]) -> Recording:
    stored = [e.payload for e in events if e.type == "call.recording_stored"]
    if stored:
        return Recording("stored", stored[-1])
    if any(e.type == "call.recording_failed" for e in events):
        return Recording("failed")
    return Recording("off" if any(e.type == "call.ended" for e in events) else "pending")


@dataclass
class Replay:
    """The replay panel: the report, or why the call could not be replayed."""

    report: ReplayReport | None = None
    refused: DomainError | None = None
    config_version: int | None = None


async def replay_of(viewer: Viewer, call_sid: str, config_version: int | None) -> Replay:
    """Replay the call for the page (operators and admins)."""
    await viewer.check(call_records.replay_call)
    try:
        report = await CallReplayer(PostgresReplaySources(viewer.state.engine)).replay(call_sid, config_version)
    except DomainError as refused:
        return Replay(refused=refused, config_version=config_version)
    return Replay(report=report, config_version=config_version)


async def call_media(viewer: Viewer, call_sid: str, events: list[RecordedEvent], replay: bool,
                     config_version: int | None) -> dict[str, Any]:
    """The call page's recording, turn offsets and (when asked for) replay."""
    zero, _ = call_records.origin(events)

    def offset(at: datetime) -> float:
        """Seconds into the recording (where the player seeks for a transcript line)."""
        return max(0.0, (at - zero).total_seconds()) if zero else 0.0

    media: dict[str, Any] = {"recording": recording_of(events), "offset": offset,
                             "can_replay": viewer.can(call_records.replay_call), "replay": None}
    if replay and media["can_replay"]:
        media["replay"] = await replay_of(viewer, call_sid, config_version)
    return media

