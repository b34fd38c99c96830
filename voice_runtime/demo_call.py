"""Dial the voice worker the way Twilio does, with the simulated caller (used by `revos demo`)."""

from __future__ import annotations

from infra.settings import Settings
from voice_runtime.sim_caller import Hangup, Say, Step, WaitForAgent, dial
from voice_runtime.tts.piper_tts import PiperTts

# The lines the real-audio end-to-end test proves: a name, a mobile, a one-group correction, confirmations.
DEMO_LINES = ["my name is mary brown", "yes", "zero four one two three four five six seven eight",
              "no, six seven nine", "yes", "yes"]


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
