"""Dial the voice worker the way Twilio does, with the simulated caller (used by `revos demo`)."""

from __future__ import annotations

from infra.settings import Settings
from voice_runtime.testing.sim_caller import Hangup, Say, Step, WaitForAgent, dial
from voice_runtime.tts.piper_tts import PiperTts

# A caller as the end-to-end test's callers speak: a name, a mobile with the last digit misspoken and corrected,
# confirmations (tests/integration/voice_runtime/test_demo_call.py places this call on the embedded engines).
DEMO_LINES = ["Sorry, hi there, my name is Mary Brown.", "Yeah, that's right.",
              "My number is oh four one two, three four five, six seven eight.", "No, the last digit is nine.",
              "Yes, that's right.", "Yes, that's all correct."]


async def place_demo_call(settings: Settings, number: str) -> str:
    """A short call: name, mobile number, confirmations. Returns the call sid."""
    voice = PiperTts(noise=(0.0, 0.0))  # the same audio for the same words, as in the end-to-end test
    caller = await dial(f"http://{settings.voice_host}:{settings.voice_port}", number, voice)
    script: list[Step] = [WaitForAgent()]
    for line in DEMO_LINES:
        script += [Say(line), WaitForAgent()]
    script.append(Hangup())
    await caller.run(script, max_seconds=90)
    return caller.call_sid
