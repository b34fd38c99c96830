"""The smoke tests' scripted caller and verdict: what the caller says next, and whether the call walked its path.

The caller is scripted by the path it must walk (`domain.objectives.covering_paths`) and reacts to what the
Voice Core is doing, read from the call's events after each agent turn, the way a caller reacts to what they
hear: it answers the objective being asked the way the path needs (a confirmed value, an option's words, a
refusal of every read-back until the capture fails, a decline, silence), confirms read-backs and the summary.
Its words are fixed sentences a real caller says; the voice worker hears them through its real STT.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.objectives import Node, ObjectiveGraph, Outcome, SmokePath, Terminal, WalkError, fold, match_option
from domain.onboarding.events import EventView, asked_objective, outcomes

SPOKEN = {"name": "my name is mary brown", "phone": "zero four one two three four five six seven eight",
          "email": "mary brown at gmail dot com", "address": "twelve george street sydney new south wales two thousand",
          "date_time": "next monday at ten am", "message": "please call me back about a leaking tap"}
YES, NO, DECLINE = "yes that's right", "no that's wrong", "I'd rather not say"
ANYTHING_ELSE = ("something else", "I have a general question", "just a question thanks")
PROMPTS = {"objective.started", "dialogue.objective_started", "capture.readback", "capture.rejected",
           "capture.parsed", "dialogue.summary"}
ENDED = {"call.ended", "dialogue.ended"}


class Reply(BaseModel):
    """What the caller does after the agent's turn: say `say`, stay silent (None), or wait for the line to close.

    The stress harness's personas (domain/stress/caller.py) also press keys, talk over the agent and hang up.
    """

    model_config = ConfigDict(frozen=True)

    say: str | None = None
    done: bool = False
    press: str | None = None  # keys to press (a DTMF caller) instead of speaking
    barge: bool = False  # say it over the agent's next words rather than after them
    hangup: bool = False


def option_phrase(node: Node, option: str) -> str:
    """Words that select `option` (its first phrase that does; for the catch-all, words no other option has)."""
    chosen = next(o for o in node.options if o.name == option)
    for phrase in chosen.phrases or ANYTHING_ELSE:
        if match_option(node, phrase) == option:
            return phrase
    raise ValueError(f"no words select the option {option!r} of {node.id!r}")


def _answer(node: Node, planned: Outcome | None) -> str | None:
    if node.type == "choice":
        if planned is not None and planned.kind == "failed":
            return None  # a choice fails when the caller says nothing it can use
        return option_phrase(node, planned.value if planned and planned.value else node.options[0].name)
    if planned is not None and planned.kind == "declined":
        return DECLINE
    return SPOKEN[node.capture or "message"]


def reply(graph: ObjectiveGraph, path: SmokePath, events: Sequence[EventView]) -> Reply:
    """The caller's next move, from the events so far."""
    if any(kind in ENDED for kind, _ in events):
        return Reply(done=True)
    prompts = [(kind, p) for kind, p in events if kind in PROMPTS and (kind != "capture.parsed" or not p.get("ok"))]
    if prompts and prompts[-1][0] == "dialogue.summary":
        return Reply(say=YES)
    objective = asked_objective(graph, events)
    if objective is None or objective not in {n.id for n in graph.nodes}:
        return Reply()
    node = graph.node(objective)
    planned = next((o for o in path.outcomes if o.objective == objective), None)
    if prompts and prompts[-1][0] == "capture.readback":
        return Reply(say=NO if planned is not None and planned.kind == "failed" else YES)
    return Reply(say=_answer(node, planned))


def describe(terminal: Terminal | dict[str, Any] | str | None) -> str | None:
    """A terminal as one phrase: `end`, `transfer to +61...`, `call_back (closed)`."""
    if terminal is None or isinstance(terminal, str):
        return terminal
    data = terminal.model_dump() if isinstance(terminal, Terminal) else terminal
    if data.get("action") == "transfer":
        return f"transfer to {data.get('to')}"
    return f"{data.get('action')} ({data.get('reason')})" if data.get("action") == "call_back" else str(data["action"])


def _same(expected: Outcome, actual: Outcome) -> bool:
    if (expected.objective, expected.kind) != (actual.objective, actual.kind):
        return False
    return expected.kind != "chosen" or expected.value == actual.value  # captured values are the caller's own


class Verdict(BaseModel):
    """A smoke call's outcomes and terminal against its path's; no problems means it passed."""

    actual: list[Outcome]
    actual_terminal: str | None
    problems: list[str]


def verdict(graph: ObjectiveGraph, path: SmokePath, version: int, events: Sequence[EventView]) -> Verdict:
    """Check the recorded call against the path: version, business state, outcomes, terminal, transfers."""
    problems: list[str] = []
    started = next((p for kind, p in events if kind == "call.started"), None)
    if started is None:
        return Verdict(actual=[], actual_terminal=None, problems=["the call never started"])
    if started.get("config_version") != version:
        problems.append(f"the call ran version {started.get('config_version')}, not {version}")
    if started.get("business_open") != path.business_open:
        problems.append(f"the call ran with business_open={started.get('business_open')}")
    actual = outcomes(graph, events)
    if len(actual) != len(path.outcomes) or not all(map(_same, path.outcomes, actual)):
        problems.append("the objective outcomes differ from the path's")
    # The last dialogue.ended is final: a failed transfer records another, with the call back it fell back to.
    ends = [p.get("terminal") for kind, p in events if kind == "dialogue.ended" and p.get("terminal")]
    reported = ends[-1] if ends else None
    folded = _terminal(graph, path, actual, problems)
    actual_terminal = describe(reported) if reported is not None else describe(folded)
    if actual_terminal != describe(path.terminal):
        problems.append(f"the call finished with {actual_terminal}, not {describe(path.terminal)}")
    problems.extend(_transfers(path, events))
    if not any(kind == "call.ended" for kind, _ in events):
        problems.append("the call did not end")
    return Verdict(actual=actual, actual_terminal=actual_terminal, problems=problems)


def _terminal(graph: ObjectiveGraph, path: SmokePath, actual: list[Outcome], problems: list[str]) -> Terminal | None:
    try:
        return fold(graph, actual, business_open=path.business_open).terminal
    except WalkError as error:
        problems.append(f"the recorded outcomes do not walk the graph: {error.message}")
        return None


def _transfers(path: SmokePath, events: Sequence[EventView]) -> list[str]:
    asked = [p.get("to") for kind, p in events if kind == "transfer.requested"]
    failed = [p.get("to") for kind, p in events if kind == "transfer.failed"]
    if path.terminal.action != "transfer":
        return [f"the call was transferred to {', '.join(map(str, asked))}"] if asked else []
    if asked != [path.terminal.to]:
        return [f"expected one transfer to {path.terminal.to}, saw {asked or 'none'}"]
    return [f"the transfer to {failed[0]} failed"] if failed else []
