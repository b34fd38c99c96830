"""What must happen on a persona's call, from the Voice Core's contract (docs/decisions/0011), not from what it does.

The caller's intent at each objective (a confirmed value, the option it wants, a refusal, nothing) is walked through
the graph with `domain.objectives.advance`, so the expected outcomes and terminal are the walk's own: a required
objective the caller will not answer escalates (a transfer when someone can take it, else the promised call back);
an optional one is passed. Then each persona's own rules:

- cooperative, noisy line, fast talker, interrupter, corrector, speller, confused: every value exactly the caller's;
- hostile: nothing confirmed or chosen from abuse; the agent ends the call (a close or the escalation);
- silent: the silence reprompts, then the polite close (`dialogue.ended` reason `silence`), nothing captured;
- DTMF only: the number from its keys; nothing else is taken from keys;
- asks for a person: a transfer to the escalation number only when someone can answer (open, or after hours go to
  it too), once; otherwise the call-back promise and the call goes on;
- hangs up: what was finished before the hang-up stands; no transfer; the call ends.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.objectives import Node, ObjectiveGraph, Outcome, Terminal, WalkState, advance, start
from domain.objectives.walk import OutcomeKind
from domain.onboarding.smoke import describe
from domain.stress.personas import CallerPlan, Persona

FROZEN = ConfigDict(frozen=True)
REFUSED: tuple[OutcomeKind, ...] = ("failed", "declined")


class ExpectedOutcome(BaseModel):
    """One objective's expected outcome: any of `kinds`; `value` is the caller's (a capture's truth, an option)."""

    model_config = FROZEN

    objective: str
    kinds: tuple[OutcomeKind, ...]
    value: str | None = None
    capture: str | None = None  # the capture kind whose value is compared (None: a choice, or not compared)


class Expectation(BaseModel):
    """Everything the call must show."""

    model_config = FROZEN

    persona: Persona
    business_open: bool
    outcomes: tuple[ExpectedOutcome, ...]
    terminal: str | None  # `describe`d; None when the call ends without one (silence, the caller hung up)
    transfer_to: str | None  # the one transfer the call must make (None: none)
    ended_by: Literal["agent", "caller"] = "agent"
    end_reason: str | None = None  # the `dialogue.ended` reason it must record, when the persona fixes it


def _intent(plan: CallerPlan, node: Node) -> ExpectedOutcome:
    persona, capture = plan.persona, node.capture
    detail = plan.detail(capture)
    refused = REFUSED if not node.required else ("failed",)
    if persona is Persona.HOSTILE:
        kinds: tuple[OutcomeKind, ...] = ("confirmed", *REFUSED) if node.type == "message" else REFUSED
        return ExpectedOutcome(objective=node.id, kinds=kinds)
    if persona is Persona.DTMF_ONLY and capture != "phone":
        return ExpectedOutcome(objective=node.id, kinds=refused)
    if node.type == "choice":
        return ExpectedOutcome(objective=node.id, kinds=("chosen",),
                               value=plan.options.get(node.id) or node.options[0].name)
    if detail is None:
        return ExpectedOutcome(objective=node.id, kinds=refused)
    compared = capture if capture != "message" else None
    return ExpectedOutcome(objective=node.id, kinds=("confirmed",), value=detail.truth, capture=compared)


def _walked(graph: ObjectiveGraph, plan: CallerPlan, stop_after: int | None) -> tuple[list[ExpectedOutcome],
                                                                                     WalkState]:
    walk = start(graph, business_open=plan.business_open)
    found: list[ExpectedOutcome] = []
    for _ in range(len(graph.nodes)):
        if walk.at is None or (stop_after is not None and len(found) >= stop_after):
            break
        expected = _intent(plan, graph.node(walk.at))
        found.append(expected)
        kind = expected.kinds[0]
        value = (expected.value or expected.objective) if kind == "confirmed" else expected.value
        walk = advance(graph, walk, Outcome(objective=expected.objective, kind=kind, value=value))
    return found, walk


def person_reachable(graph: ObjectiveGraph, business_open: bool) -> str | None:
    """The number a caller who asks for a person is put through to (None: a call back is promised instead)."""
    number = graph.escalation.transfer_to
    return number if number is not None and (business_open or graph.escalation.after_hours == "transfer") else None


def _transfer_of(terminal: Terminal | None) -> str | None:
    return terminal.to if terminal is not None and terminal.action == "transfer" else None


def expectation(graph: ObjectiveGraph, plan: CallerPlan) -> Expectation:
    """What the persona's call must do on this graph, in this business state."""
    base = {"persona": plan.persona, "business_open": plan.business_open}
    if plan.persona is Persona.SILENT:
        return Expectation(**base, outcomes=(), terminal=None, transfer_to=None, end_reason="silence")
    if plan.persona is Persona.ASKS_FOR_PERSON:
        number = person_reachable(graph, plan.business_open)
        if number is not None:
            return Expectation(**base, outcomes=(), terminal=f"transfer to {number}", transfer_to=number)
    found, walk = _walked(graph, plan, plan.hang_up_after if plan.persona is Persona.HANGS_UP else None)
    if plan.persona is Persona.HANGS_UP and (walk.terminal is None or walk.terminal.action == "end"):
        return Expectation(**base, outcomes=tuple(found), terminal=None, transfer_to=None, ended_by="caller")
    return Expectation(**base, outcomes=tuple(found), terminal=describe(walk.terminal),
                       transfer_to=_transfer_of(walk.terminal))
