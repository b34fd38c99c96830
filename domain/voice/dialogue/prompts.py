"""What the caller is being asked right now (for silence reprompts, and to ask again after an aside)."""

from __future__ import annotations

from domain.voice import phrasing
from domain.voice.capture import CapturePhase, CaptureState
from domain.voice.choice import question as choice_question
from domain.voice.dialogue.closing import fix_prompt, summary_text
from domain.voice.dialogue.core import DialogueState
from domain.voice.kinds import OPS


def capture_prompt(capture: CaptureState) -> str:
    """A capture's question, or its read-back while it waits for a yes or no."""
    if capture.phase is CapturePhase.CONFIRMING and capture.candidate is not None:
        return phrasing.silence_prompt_confirm(OPS[capture.kind].readback(capture.candidate, ""))
    return phrasing.question(capture.kind.value)


def current_prompt(state: DialogueState) -> str:
    """The question the caller is answering now ("" once the call is closing or being transferred)."""
    if state.stage == "closed" or state.transfer is not None:
        return ""
    if state.fix is not None:
        return capture_prompt(state.fix.capture)
    if state.stage == "summary":
        return summary_text(state)
    if state.stage == "which":
        return fix_prompt(state)
    node = state.node
    if node is None:
        return ""
    if node.type == "choice":
        choice = state.choice
        if choice is not None and choice.phase == "confirming" and choice.phrase:
            return phrasing.choice_readback(choice.phrase)
        return choice_question(node)
    if node.type == "message":
        return phrasing.message_question(node.prompt_topic)
    return capture_prompt(state.capture) if state.capture is not None else ""
