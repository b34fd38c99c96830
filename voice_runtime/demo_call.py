"""Dial the voice worker the way Twilio does, with the simulated caller (used by `revos demo`)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import httpx

from infra.settings import Settings
from voice_runtime.sim_caller import Hangup, Say, SimCaller, Step, WaitForAgent
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.tts.piper_tts import PiperTts

DEMO_LINES = ["my name is jane smith", "yes", "zero four one two three four five six seven eight", "yes", "yes"]


async def dial(base_url: str, to: str, tts: TextToSpeech | None, *, caller: str = "+61400000001",
               audio: dict[str, bytes] | None = None) -> SimCaller:
    """POST the voice webhook for a call to `to`, then return a caller for the <Stream> it names."""
    call_sid = "CA" + uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/twilio/voice", data={"CallSid": call_sid, "From": caller, "To": to})
    response.raise_for_status()
    stream = ET.fromstring(response.text).find("./Connect/Stream")
    if stream is None:
        raise RuntimeError(f"the voice worker did not connect a stream: {response.text}")
    params = {p.attrib["name"]: p.attrib["value"] for p in stream.findall("Parameter")}
    return SimCaller(stream.attrib["url"], tts, params=params, call_sid=call_sid, audio=audio)


async def place_demo_call(settings: Settings, number: str) -> str:
    """A short call: name, mobile number, confirmations. Returns the call sid."""
    caller = await dial(f"http://{settings.voice_host}:{settings.voice_port}", number, PiperTts())
    script: list[Step] = [WaitForAgent()]
    for line in DEMO_LINES:
        script += [Say(line), WaitForAgent()]
    script.append(Hangup())
    await caller.run(script, max_seconds=90)
    return caller.call_sid
