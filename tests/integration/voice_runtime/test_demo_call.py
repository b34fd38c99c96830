"""`revos demo`'s phone call on the embedded engines (Whisper tiny.en, Silero, piper): it gets a name and a number."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenants import Tenant
from infra.settings import Settings
from tests.helpers.voice_worker import NUMBER, VoiceFactory, stored_events
from voice_runtime.stt.whisper_stt import WhisperStt
from voice_runtime.testing.demo_call import place_demo_call
from voice_runtime.tts.piper_tts import PiperTts

pytestmark = [pytest.mark.integration, pytest.mark.slow]



async def test_the_demo_call_captures_a_name_and_the_corrected_mobile(
    voice_worker: VoiceFactory, tenant: Tenant, settings: Settings, whisper: WhisperStt, piper: PiperTts,
    engine: AsyncEngine,
) -> None:
    async with voice_worker(whisper, piper, voice_reprompt_after_seconds=20.0) as voice:
        port = urlsplit(voice.base_url).port
        sid = await place_demo_call(settings.model_copy(update={"voice_host": "127.0.0.1", "voice_port": port}), NUMBER)
        events = await stored_events(engine, sid)
    confirmed = {e.payload["kind"]: e.payload["value"] for e in events if e.type == "capture.confirmed"}
    told = "\n".join(f"{e.type}: {e.payload}" for e in events if e.type in ("turn.ended", "agent.utterance.started"))
    assert confirmed.get("name"), told
    assert confirmed.get("phone") == "+61412345679", told
    assert [e.payload["reason"] for e in events if e.type == "dialogue.ended"] == ["completed"], told
