"""Details said before they are asked ("Sam Taylor, 0412 345 678", "my name's Sam, I've got a burst pipe").

Every caller turn is read for the objectives the walk may still reach (any later capture, the next choices); what
is found is kept by objective id and read back when that objective's turn comes instead of being asked again.
Phone numbers, e-mail addresses, street addresses and dates/times are recognised from the words alone; a name only
after an explicit "my name is" / "this is" (names are ordinary words otherwise); a choice only by one of its
phrases (never the catch-all, which would take any words).
"""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime

from domain.objectives import Node, ObjectiveGraph, WalkState
from domain.voice.capture import CaptureKind
from domain.voice.choice import phrase_match
from domain.voice.kinds import OPS
from domain.voice.name import parse_name
from domain.voice.spoken import normalise

MAX_CHOICES = 3
_NAME_CUE = re.compile(r"\b(?:my name is|my name's|name's|the name is|this is|you're speaking (?:with|to))\b|"
                       r"\bit's [a-z'-]+(?: [a-z'-]+)? (?:here|speaking)\b")
# Words without which a turn cannot hold an e-mail address or a date/time: the parsers are skipped (they cost
# more than the rest of a turn's decision).
_MAY_HOLD = {
    CaptureKind.EMAIL: re.compile(r"@|\bat\b"),
    CaptureKind.DATE_TIME: re.compile(
        r"\d|\b(?:today|tomorrow|tonight|arvo|morning|afternoon|evening|noon|midday|lunchtime|week|fortnight|"
        r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
        r"march|april|may|june|july|august|september|october|november|december|o'clock|am|pm|half|quarter|one|two|"
        r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|second|third|\w+(?:teenth|tieth|th))\b"),
}


def later_nodes(graph: ObjectiveGraph, walk: WalkState) -> list[Node]:
    """Objectives the walk may still reach from where it is, nearest first (breadth first over every edge)."""
    if walk.at is None:
        return []
    done = {v.objective for v in walk.visits} | {walk.at}
    order: list[Node] = []
    seen, queue = {walk.at}, deque([walk.at])
    while queue:
        for edge in graph.node(queue.popleft()).edges:
            if edge.to not in seen:
                seen.add(edge.to)
                queue.append(edge.to)
                if edge.to not in done:
                    order.append(graph.node(edge.to))
    return order


def _value(kind: CaptureKind, text: str, now: datetime, tz: str) -> str | None:
    said = normalise(text)
    if kind is CaptureKind.NAME and not _NAME_CUE.search(said):
        return None
    gate = _MAY_HOLD.get(kind)
    if gate is not None and not gate.search(said):
        return None
    result = parse_name(text) if kind is CaptureKind.NAME else OPS[kind].parse(text, now, tz)
    return result.value if result.ok else None


def _without(text: str, words: str) -> str:
    """`text` without the words of `words` (a name just read back must not pick a choice: "Sam Price")."""
    drop = set(re.findall(r"[a-z']+", words.lower()))
    return " ".join(w for w in re.findall(r"[a-z0-9']+", normalise(text)) if w not in drop)


def scan(graph: ObjectiveGraph, walk: WalkState, text: str, now: datetime, tz: str, *,
         exclude: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """Values for later objectives found in `text`: (objective id -> value, choice id -> the phrase said)."""
    if not text.strip() or walk.at is None:
        return {}, {}
    current = graph.node(walk.at)
    values: dict[str, str] = {}
    phrases: dict[str, str] = {}
    kinds = {current.capture}
    choices = 0
    for node in later_nodes(graph, walk):
        if node.type == "choice":
            choices += 1
            found = phrase_match(node, _without(text, exclude)) if current.type != "choice" else None
            if found is not None and choices <= MAX_CHOICES:
                values[node.id], phrases[node.id] = found
        elif node.capture is not None and node.capture != "message" and node.capture not in kinds:
            kinds.add(node.capture)
            value = _value(CaptureKind(node.capture), text, now, tz)
            if value is not None:
                values[node.id] = value
    return values, phrases
