"""A call's recording, transcript and replay (issue 13): `GET /v1/calls/{sid}/recording|transcript|replay`.

The recording and the transcript are for the tenant's customer key and operators (admins too); the replay, which
re-decides the call on its pinned graph or another version (`config_version`), is for operators and admins.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from activities.call_replay import CallReplayer
from api.deps import OperatorOrAdminDep, StateDep, ensure_tenant, require
from api.media import ranged
from api.state import AppState
from domain.auth import Principal, Role
from domain.errors import NotFound
from domain.events import RecordedEvent
from domain.replay import ReplayReport
from domain.voice.transcript import Speaker, transcript
from infra.db.read_models import calls
from infra.db.replay_sources import PostgresReplaySources
from infra.recordings.reader import read_recording, stored_recording
from infra.recordings.store import RecordingStore, build_store
from infra.recordings.wav import Leg, leg_wav

router = APIRouter(prefix="/v1/calls", tags=["voice: recordings and replay"])
CallReaderDep = Annotated[Principal, Depends(require(Role.OPERATOR, Role.ADMIN, Role.CUSTOMER))]


class Turn(BaseModel):
    """One line of the call: who, what, when (`offset_ms` from the recording's first sample, or the call's start)."""

    speaker: Speaker
    text: str
    at: datetime
    offset_ms: int
    note: str | None = None


class CallTranscript(BaseModel):
    call_sid: str
    recorded: bool
    turns: list[Turn]


def recordings_store(request: Request, state: AppState) -> RecordingStore:
    """The process's recordings store, built once from the settings."""
    store: RecordingStore | None = getattr(request.app.state, "revos_recordings", None)
    if store is None:
        store = build_store(state.settings)
        request.app.state.revos_recordings = store
    return store


async def call_events_for(request: Request, state: AppState, principal: Principal, call_sid: str
                          ) -> list[RecordedEvent]:
    """The call's events, once the principal may see its tenant's calls."""
    async with state.engine.connect() as conn:
        row = await calls.call_row(conn, call_sid)
        if row is None:
            raise NotFound(f"call {call_sid} has no events", code="call_not_found")
        await ensure_tenant(request, state, principal, row.tenant_id)
        return await calls.call_events(conn, call_sid)


def origin(events: list[RecordedEvent]) -> tuple[datetime | None, bool]:
    """The time offsets count from: the recording's first sample, else the call's start."""
    try:
        return datetime.fromisoformat(str(stored_recording(events)["started_at"])), True
    except (NotFound, KeyError, ValueError):
        started = next((e.occurred_at for e in events if e.type == "call.started"), None)
        return started or (events[0].occurred_at if events else None), False


def call_turns(events: list[RecordedEvent]) -> tuple[list[Turn], bool]:
    zero, recorded = origin(events)
    turns = [Turn(speaker=line.speaker, text=line.text, at=line.at, note=line.note,
                  offset_ms=max(0, round((line.at - zero).total_seconds() * 1000)) if zero else 0)
             for line in transcript(events) if line.speaker != "system"]
    return turns, recorded


@router.get("/{call_sid}/recording", response_class=Response,
            responses={200: {"content": {"audio/wav": {}}, "description": "8 kHz PCM16 WAV"}})
async def read_call_recording(call_sid: str, request: Request, state: StateDep, principal: CallReaderDep,
                              leg: Annotated[Leg, Query()] = "mixed") -> Response:
    """The call's recording as heard on the line: the caller's leg, the agent's, or both mixed (audio/wav)."""
    events = await call_events_for(request, state, principal, call_sid)
    data = await read_recording(recordings_store(request, state), events)
    audio = await asyncio.to_thread(leg_wav, data, leg)
    return ranged(request, audio, "audio/wav", {"Content-Disposition": f'inline; filename="{call_sid}-{leg}.wav"',
                                                "Cache-Control": "private, max-age=3600"})


@router.get("/{call_sid}/transcript")
async def read_call_transcript(call_sid: str, request: Request, state: StateDep, principal: CallReaderDep
                               ) -> CallTranscript:
    """The turns of the call with speaker and times (offsets line up with the recording)."""
    turns, recorded = call_turns(await call_events_for(request, state, principal, call_sid))
    return CallTranscript(call_sid=call_sid, recorded=recorded, turns=turns)


@router.get("/{call_sid}/replay")
async def replay_call(call_sid: str, state: StateDep, _: OperatorOrAdminDep,
                      config_version: Annotated[int | None, Query(ge=1)] = None) -> ReplayReport:
    """Re-decide the call from its events: `identical`, or the first divergence (on another version: a what-if)."""
    return await CallReplayer(PostgresReplaySources(state.engine)).replay(call_sid, config_version)


