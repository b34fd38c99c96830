"""An operator's test call from Chromium: the fake microphone is a caller (piper, noise on) giving a name and a
number drawn from the speech corpus in the pauses after the agent's questions; the call captures both, the page
shows them live, and the call's stored events hold them.

Chromium gets `--allow-loopback-in-peer-connection` and the voice worker's ICE is confined to 127.0.0.0/8, so every
packet of the call stays on loopback.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.objectives import default_graph
from domain.tenants import Tenant
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from tests.helpers.browser import ARGS, chromium_or_reason
from tests.helpers.voice_worker import ESCALATION, NUMBER, stored_events
from tests.helpers.webrtc_speech import plan, write_wav
from voice_runtime.tts.piper_tts import PiperTts
from workers.voice import VoiceRuntime

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]
SEED = int(os.environ.get("REVOS_WEBRTC_SEED", "17"))


def fake_microphone(wav: Path) -> list[str]:
    return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop", "--allow-loopback-in-peer-connection",
            "--autoplay-policy=no-user-gesture-required"]


async def a_tenant(engine: AsyncEngine) -> Tenant:
    tenant = Tenant(id=uuid.uuid4(), name="Acme Plumbing")
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, now)
        await bind_number(conn, tenant.id, NUMBER, now, transfer_to=ESCALATION)
    return tenant


async def test_a_test_call_from_the_browser_captures_the_spoken_name_and_number(
    engine: AsyncEngine, keys: Any, voice: VoiceRuntime, api_url: str, tmp_path: Path
) -> None:
    chromium, reason = chromium_or_reason()
    if chromium is None:
        pytest.skip(f"BROWSER TESTS SKIPPED, LOUDLY: {reason}")
    tenant = await a_tenant(engine)
    caller_voice = PiperTts()  # piper's own noise on: each rendering differs, as people do
    await caller_voice.warm_up()
    conversation = await plan(default_graph(ESCALATION), tenant.name, voice.deps.tts, SEED)
    wav = await write_wav(tmp_path / "caller.wav", conversation, caller_voice)
    caller_voice.close()
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS + fake_microphone(wav))
        page = await (await browser.new_context(viewport={"width": 1360, "height": 900})).new_page()
        await page.goto(api_url + "/ui/login")
        await page.fill("#api_key", keys["operator"])
        await page.click("button:has-text('Sign in')")
        await page.goto(api_url + "/ui/operator")
        await page.click(f"table[data-test=tenant-health] tr:has-text('{tenant.name}') a[data-test=test-call-link]")
        await page.wait_for_selector("#call-start")
        began = time.monotonic()
        await page.click("#call-start")
        try:
            await page.locator("#call-status:has-text('call ended')").wait_for(timeout=conversation.seconds * 1000)
        except PlaywrightTimeout:  # the agent never closed the call: hang up, and say below what it heard
            await page.click("#call-hangup")
            await page.locator("#call-status:has-text('call ended')").wait_for(timeout=10_000)
        seconds = time.monotonic() - began
        call_sid = await page.get_attribute("#test-call", "data-call-sid")
        status = await page.inner_text("#call-status")
        with contextlib.suppress(PlaywrightTimeout):  # the page polls the events until the call has ended
            await page.wait_for_selector("[data-test=live-captured] dd", timeout=10_000)
        await page.screenshot(path=str(tmp_path / "test-call.png"), full_page=True)
        shown = await page.inner_text("[data-test=live-captured]")
        lines = await page.inner_text("[data-test=live-transcript]")
        await browser.close()
    assert call_sid, status
    events = await stored_events(engine, call_sid)
    shown_types = ("call.started", "stt.final", "turn.ended", "agent.utterance.started", "agent.utterance.interrupted",
                   "barge_in", "caller.backchannel", "capture.confirmed", "call.ended")
    story = f"{status}\n{conversation}\n" + "\n".join(f"{e.occurred_at:%S.%f} {e.type}: {e.payload}"
                                                       for e in events if e.type in shown_types)
    started = next(e.payload for e in events if e.type == "call.started")
    assert started["transport"] == "webrtc" and started["tenant_id"] == str(tenant.id), story
    confirmed = {e.payload["kind"]: e.payload["value"] for e in events if e.type == "capture.confirmed"}
    assert confirmed.get("phone") == conversation.phone.truth, story
    assert confirmed.get("name") == conversation.name.truth, story
    assert events[-1].type == "call.ended" and events[-1].payload["reason"] == "dialogue_complete", story
    assert conversation.name.truth in shown and conversation.name.truth in lines, (shown, lines)
    assert seconds < conversation.seconds, seconds
