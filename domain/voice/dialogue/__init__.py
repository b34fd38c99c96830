"""The deterministic Voice Core dialogue: it walks the call's objective graph (docs/decisions/0010).

greet -> each objective's primitive (capture, choice, message) -> the walk's terminal: the summary and goodbye
(`end`), a transfer, or a promised call back. Phrasing comes from `phrasing` and is the same for every tenant; only
the business name, a choice's or message's topic and option phrases (plain words the compiler checked) are
substituted. Every function is pure: the turn's time and the timezone are arguments, so a replay that feeds the
recorded inputs (`replay`) makes the same decisions.
"""

from domain.voice.dialogue.core import DialogueState, DialogueStep, call_event
from domain.voice.dialogue.flow import on_caller_turn, on_silence, on_transfer_failed, start_dialogue
from domain.voice.dialogue.prompts import current_prompt

__all__ = [
    "DialogueState", "DialogueStep", "call_event", "current_prompt", "on_caller_turn", "on_silence",
    "on_transfer_failed", "start_dialogue",
]  # fmt: skip
