"""A caller's side of a whole call as one WAV, for Chromium's fake microphone (it plays a file, it cannot listen).

The caller's answers are drawn from benchmarks/speech_corpus.py's lists with a seed (a name, a number, ways of
saying yes) and rendered by piper with its noise on. Where each answer starts comes from the pure dialogue: what
the agent will say to the answers before it, rendered by the same voice to know how long it talks, plus the time
the agent takes to answer (`REPLY_S`). So the caller speaks into the pauses after the agent's questions.
"""

from __future__ import annotations

import random
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from domain.objectives import ObjectiveGraph
from domain.voice.capture import CallerTurn, CapturePhase
from domain.voice.dialogue import DialogueState, on_caller_turn, start_dialogue
from tests.helpers.voice_capture import NOW
from voice_runtime.codec import Resampler, mulaw_to_pcm16
from voice_runtime.testing.speech_corpus import MAKERS, YES, Utterance
from voice_runtime.tts.base import TextToSpeech

RATE = 48_000
CONNECT_S = 3.0  # microphone open -> the agent's first word (token, ICE, DTLS, the TTS's first audio)
REPLY_S = 2.5  # the caller stops -> the agent starts answering (end of turn, STT, TTS first audio)
AFTER_S = 0.8  # the agent stops -> the caller answers
TAIL_S = 40.0  # silence after the last answer (the agent's goodbye; the file must not loop into a new call)


@dataclass(frozen=True)
class Conversation:
    """The caller's answers in order, when each starts in the file, and what the agent says after each."""

    answers: list[str]
    starts: list[float]
    agent: list[str]
    name: Utterance
    phone: Utterance
    seconds: float


def _answer(state: DialogueState, name: Utterance, phone: Utterance, rng: random.Random) -> str:
    capture = state.capture
    if state.stage in ("summary", "which") or (capture is not None and capture.phase is CapturePhase.CONFIRMING):
        return rng.choice(YES)
    node = state.node
    if node is not None and node.capture == "name":
        return name.text
    if node is not None and node.capture == "phone":
        return phone.text
    raise AssertionError(f"the default graph asked something this caller has no answer for: {node}")


async def _seconds(tts: TextToSpeech, text: str) -> float:
    return len(b"".join([c async for c in tts.synthesize(text)])) / 8000


async def plan(graph: ObjectiveGraph, business_name: str, agent_voice: TextToSpeech, seed: int) -> Conversation:
    """Walk the pure dialogue with the drawn answers; place each answer after the agent's question."""
    rng = random.Random(seed)
    name, phone = MAKERS["name"](rng), MAKERS["phone"](rng)
    step = start_dialogue(graph, business_name=business_name)
    t = CONNECT_S + await _seconds(agent_voice, step.say) + AFTER_S
    answers: list[str] = []
    starts: list[float] = []
    agent = [step.say]
    while step.action == "speak" and len(answers) < 12:
        line = _answer(step.state, name, phone, rng)
        answers.append(line)
        starts.append(t)
        t += await _seconds(agent_voice, line)
        step = on_caller_turn(step.state, CallerTurn(text=line), now=NOW)
        agent.append(step.say)
        t += REPLY_S + await _seconds(agent_voice, step.say) + AFTER_S
    return Conversation(answers, starts, agent, name, phone, t + TAIL_S)


async def write_wav(path: Path, conversation: Conversation, caller_voice: TextToSpeech) -> Path:
    """The caller's microphone for the whole call: 48 kHz mono PCM16, silence between the answers."""
    samples = np.zeros(int(conversation.seconds * RATE), dtype=np.int16)
    for text, start in zip(conversation.answers, conversation.starts, strict=True):
        mulaw = b"".join([c async for c in caller_voice.synthesize(text)])
        pcm = np.frombuffer(Resampler(8000, RATE).process(mulaw_to_pcm16(mulaw)), dtype=np.int16)
        at = int(start * RATE)
        samples[at:at + pcm.size] = pcm[: samples.size - at]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return path
