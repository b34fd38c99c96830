"""A call's transcript, read from its events: what the caller said (`turn.ended`) and what the agent said
(`agent.utterance.started`), with interruptions, transfers and the call's start and end in between.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from domain.events import RecordedEvent

Speaker = Literal["caller", "agent", "system"]


class TranscriptLine(BaseModel):
    """One line of the transcript; `note` says what happened to it (e.g. the caller interrupted)."""

    at: datetime
    speaker: Speaker
    text: str
    note: str | None = None


def _caller_text(payload: dict[str, Any]) -> str:
    said = str(payload.get("text") or "").strip()
    digits = str(payload.get("dtmf") or "").strip()
    if digits:
        said = f"{said} [keypad {digits}]".strip()
    return said or "(nothing heard)"


def _system_text(event: RecordedEvent) -> str | None:
    p = event.payload
    texts = {
        "call.started": f"call from {p.get('caller') or 'unknown'} to {p.get('called') or 'unknown'}",
        "call.ended": f"call ended ({p.get('reason')}, {round(float(p.get('duration_ms') or 0) / 1000)} s)",
        "transfer.requested": f"transfer requested to {p.get('to')}",
        "transfer.completed": f"transferred to {p.get('to')}",
        "transfer.failed": f"transfer to {p.get('to')} failed: {p.get('error')}",
    }
    return texts.get(event.type)


def transcript(events: list[RecordedEvent]) -> list[TranscriptLine]:
    """The transcript of a call from its events in stream order."""
    lines: list[TranscriptLine] = []
    agent_lines: dict[Any, TranscriptLine] = {}
    for event in events:
        p = event.payload
        if event.type == "turn.ended":
            lines.append(TranscriptLine(at=event.occurred_at, speaker="caller", text=_caller_text(p)))
        elif event.type == "agent.utterance.started":
            line = TranscriptLine(at=event.occurred_at, speaker="agent", text=str(p.get("text") or ""))
            agent_lines[p.get("utterance_id")] = line
            lines.append(line)
        elif event.type == "agent.utterance.interrupted" and p.get("utterance_id") in agent_lines:
            heard = str(p.get("heard_text") or "").strip()
            index = lines.index(agent_lines[p.get("utterance_id")])
            note = f"interrupted; the caller heard: \u201c{heard}\u201d" if heard else "interrupted before a word"
            lines[index] = lines[index].model_copy(update={"note": note})
        elif (text := _system_text(event)) is not None:
            lines.append(TranscriptLine(at=event.occurred_at, speaker="system", text=text))
    return lines
