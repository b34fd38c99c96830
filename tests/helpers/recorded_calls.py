"""A recorded call for the dashboards: one of the shipped fixtures (real events of a call through the voice worker,
its real caller audio) put in a tenant's event store with its configuration version and its stored recording.

The fixture keeps the caller's leg only, so the stored recording's agent leg is silent here.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from uuid import UUID

import numpy as np
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import NewEvent
from infra.recordings.store import FileRecordingStore, recording_key
from infra.recordings.wav import stereo_wav
from infra.settings import Settings
from tests.helpers.call_fixtures import FIXTURES, caller_audio, load_fixture
from tests.helpers.config_versions import add_version
from tests.helpers.dashboards import append_call

PLUMBER_TEXT = (Path(__file__).parents[2] / "examples/tenants/harbour-plumbing.yaml").read_text()
# Another version for the what-if: the greeting names the business differently.
RENAMED = PLUMBER_TEXT.replace("Harbour Plumbing", "Harbour Plumbing and Gas")


async def seed_recorded_call(engine: AsyncEngine, settings: Settings, tenant_id: UUID,
                             name: str = "caller_asks_for_a_person") -> str:
    """Store the fixture's call for `tenant_id` as run on its next configuration version (the one after: the
    what-if); returns the call sid."""
    path = FIXTURES / f"{name}.json"
    fixture = load_fixture(path)
    async with engine.begin() as conn:
        version, digest = await add_version(conn, tenant_id, PLUMBER_TEXT)
        assert digest == fixture.graph.config_hash
        await add_version(conn, tenant_id, RENAMED)
    pcm, _ = caller_audio(path, fixture)
    wav = stereo_wav(pcm, np.zeros(len(pcm) // 2, dtype="<i2").tobytes())
    sid = "CA" + uuid.uuid4().hex
    location = FileRecordingStore(settings.resolved_data_dir() / "recordings").put(recording_key(str(tenant_id), sid),
                                                                                    wav)
    events = []
    for e in fixture.events:
        payload = {k: v for k, v in e.payload.items() if k != "call_seq"}
        if e.type == "call.started":
            payload.update(call_sid=sid, tenant_id=str(tenant_id), config_version=version)
        elif e.type == "call.recording_stored":
            payload.update(location=location, sha256=hashlib.sha256(wav).hexdigest(), bytes=len(wav))
        events.append(NewEvent(type=e.type, payload=payload, occurred_at=e.occurred_at))
    await append_call(engine, sid, tenant_id, events)
    return sid


