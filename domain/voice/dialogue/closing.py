"""How a dialogue finishes: the final read-back of everything captured (the `end` objective), and the close."""

from __future__ import annotations

from typing import Any

from domain.voice import phrasing
from domain.voice.dialogue.core import DialogueState, DialogueStep, ended, join, kind_of, step
from domain.voice.kinds import OPS


def summarised(state: DialogueState) -> list[str]:
    """The captured details read back at the end, in the order they were confirmed (messages are not)."""
    seen = dict.fromkeys(v.objective for v in state.walk.visits if v.result == "confirmed")
    return [o for o in seen if o in state.captured and kind_of(state.graph, o) is not None]


def summary_text(state: DialogueState) -> str:
    """E.g. "So I've got: name, John Smith; number, oh four one two, .... Is that all correct?"."""
    parts = []
    for objective in summarised(state):
        kind = kind_of(state.graph, objective)
        assert kind is not None
        parts.append((phrasing.NOUNS[kind.value], OPS[kind].readback(state.captured[objective], "")))
    return phrasing.summary(parts)


def fix_prompt(state: DialogueState) -> str:
    """Which captured detail should be fixed."""
    nouns = []
    for objective in summarised(state):
        kind = kind_of(state.graph, objective)
        if kind is not None:
            nouns.append(phrasing.NOUNS[kind.value])
    return phrasing.which_detail(list(dict.fromkeys(nouns)))


def begin_summary(state: DialogueState, prefix: str, events: list[dict[str, Any]] | None = None) -> DialogueStep:
    """The `end` objective: read back everything captured, or close straight away when there is nothing to check."""
    lead = list(events or [])
    base = state.model_copy(update={"capture": None, "choice": None, "message": None, "fix": None})
    if not summarised(base):
        say = phrasing.closing() if base.captured else phrasing.closing_nothing_captured()
        return close(base, join(prefix, say), "completed" if base.captured else "nothing_captured", lead)
    new = base.model_copy(update={"stage": "summary", "summary_turns": 0})
    event = {"type": "dialogue.summary", "captured": {o: new.captured[o] for o in summarised(new)}}
    return step(new, join(prefix, summary_text(new)), [*lead, event])


def close(state: DialogueState, say: str, reason: str, events: list[dict[str, Any]] | None = None,
          terminal: dict[str, Any] | None = None) -> DialogueStep:
    """End the call with `say`."""
    closed = state.model_copy(update={"stage": "closed", "capture": None, "choice": None, "message": None,
                                      "fix": None, "transfer": None})
    return step(closed, say, [*(events or []), ended(state, reason, terminal)], "speak_and_hangup")
