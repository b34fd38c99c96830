"""The personas' moves: what each caller does after the agent's turn, from the call's events (the smoke caller's
`Reply`, extended: keys, talking over the agent, hanging up).

Every persona listens the way a caller does: it answers what it was asked, and it checks what is read back
against what it said (a read-back of another value gets a "no", as a caller who hears the wrong number says no).
The cooperative caller is the base; the others change one thing about it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.objectives import Node, ObjectiveGraph
from domain.onboarding.events import EventView
from domain.onboarding.smoke import Reply, option_phrase
from domain.stress.hearing import Heard, heard
from domain.stress.personas import CallerPlan, Detail, Persona
from domain.stress.values import same_value

KEY_YES, KEY_NO = "1", "2"
Move = Callable[[ObjectiveGraph, CallerPlan, Heard], Reply]


def _node(graph: ObjectiveGraph, now: Heard) -> Node | None:
    if now.objective is None or now.objective not in {n.id for n in graph.nodes}:
        return None
    return graph.node(now.objective)


def _answer(graph: ObjectiveGraph, plan: CallerPlan, node: Node, now: Heard) -> str | None:
    """The caller's answer to the question of `node` (the value words alone when asked again)."""
    if node.type == "choice":
        return plan.words.get(node.id) or option_phrase(node, plan.options.get(node.id, node.options[0].name))
    detail = plan.detail(node.capture)
    if detail is None:
        return None
    return detail.text if now.turns == 0 or node.type == "message" else detail.said


def _right(graph: ObjectiveGraph, plan: CallerPlan, node: Node, candidate: str | None) -> bool:
    """Whether the read-back is what the caller said (or, for a choice, the option it wants)."""
    if node.type == "choice":
        return candidate == plan.options.get(node.id)
    detail = plan.detail(node.capture)
    return detail is not None and same_value(node.capture, candidate, detail.truth)


def _summary_right(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> bool:
    names = {n.id: n for n in graph.nodes}
    return all(oid in names and _right(graph, plan, names[oid], value) for oid, value in now.captured.items())


def cooperative(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Answers every question, confirms a right read-back, refuses a wrong one."""
    node = _node(graph, now)
    if now.prompt == "summary":
        return Reply(say=plan.yes if _summary_right(graph, plan, now) else plan.no)
    if now.prompt == "which":
        wrong = [oid for oid, v in now.captured.items() if not _right(graph, plan, graph.node(oid), v)]
        detail = plan.detail(graph.node(wrong[0]).capture) if wrong else None
        return Reply(say=detail.text if detail is not None else plan.yes)
    if node is None or node.terminal:
        return Reply()
    if now.prompt == "readback":
        return Reply(say=plan.yes if _right(graph, plan, node, now.candidate) else plan.no)
    if now.prompt == "question":
        return Reply(say=_answer(graph, plan, node, now))
    return Reply()


def hostile(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Abuse and refusals, whatever it is asked."""
    lines = list(plan.lines)
    if now.prompt == "nothing" or not lines:
        return Reply()
    return Reply(say=lines[now.said % len(lines)])


def confused(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Asks for each question again, then answers a capture wrongly first (and says no to its read-back)."""
    node, lines = _node(graph, now), list(plan.lines)
    if now.prompt == "question" and node is not None and not node.terminal:
        if now.turns == 0 and lines:
            return Reply(say=lines[now.said % len(lines)])
        detail = plan.detail(node.capture) if node.capture else None
        if now.turns == 1 and detail is not None and detail.wrong:
            return Reply(say=detail.wrong)
    return cooperative(graph, plan, now)


def corrector(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Says one digit (or letter) wrong first, then corrects it when it is read back."""
    node = _node(graph, now)
    detail: Detail | None = plan.detail(node.capture) if node is not None and node.capture else None
    if detail is not None and detail.slip and detail.fix and node is not None:
        if now.prompt == "question" and now.turns == 0:
            return Reply(say=detail.slip)
        if now.prompt == "readback" and same_value(node.capture, now.candidate, detail.slip_value):
            return Reply(say=detail.fix)
    return cooperative(graph, plan, now)


def speller(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Spells the detail that has a spelling (the e-mail address) every time it is asked."""
    node = _node(graph, now)
    detail = plan.detail(node.capture) if node is not None and node.capture else None
    if now.prompt == "question" and detail is not None and detail.spelled:
        return Reply(say=detail.spelled)
    return cooperative(graph, plan, now)


def interrupter(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """The cooperative answers, said over the agent's words."""
    reply = cooperative(graph, plan, now)
    return reply.model_copy(update={"barge": True}) if reply.say else reply


def dtmf_only(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Keys only: its number (then #) whenever it is asked anything, 1 or 2 for a read-back and the summary."""
    node = _node(graph, now)
    phone = plan.detail("phone")
    keys = (phone.keys if phone is not None else None) or "0"
    if now.prompt == "summary":
        return Reply(press=KEY_YES if _summary_right(graph, plan, now) else KEY_NO)
    if now.prompt == "readback" and node is not None:
        return Reply(press=KEY_YES if _right(graph, plan, node, now.candidate) else KEY_NO)
    if now.prompt in ("question", "which") and (node is None or not node.terminal):
        return Reply(press=keys + "#")
    return Reply()


def asks_for_person(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Asks for a person at the first question; promised a call back instead, it carries on cooperatively."""
    lines = list(plan.lines)
    if now.prompt == "question" and not now.person_asked and now.said < 2 and lines:
        return Reply(say=lines[0])
    return cooperative(graph, plan, now)


def hangs_up(graph: ObjectiveGraph, plan: CallerPlan, now: Heard) -> Reply:
    """Cooperative until `hang_up_after` objectives are done, then hangs up at the next question."""
    if now.finished >= plan.hang_up_after and now.prompt in ("question", "summary"):
        return Reply(hangup=True)
    return cooperative(graph, plan, now)


MOVES: dict[Persona, Move] = {
    Persona.COOPERATIVE: cooperative, Persona.HOSTILE: hostile, Persona.CONFUSED: confused,
    Persona.SILENT: lambda graph, plan, now: Reply(), Persona.INTERRUPTER: interrupter,
    Persona.CORRECTOR: corrector, Persona.SPELLER: speller, Persona.NOISY_LINE: cooperative,
    Persona.FAST_TALKER: cooperative, Persona.DTMF_ONLY: dtmf_only, Persona.ASKS_FOR_PERSON: asks_for_person,
    Persona.HANGS_UP: hangs_up,
}  # fmt: skip


def move(graph: ObjectiveGraph, plan: CallerPlan, events: Sequence[EventView]) -> Reply:
    """The persona's next move after the agent's turn, from the call's events so far."""
    now = heard(events)
    if now.prompt == "ended" or now.transferring:
        return Reply(done=True)
    return MOVES[plan.persona](graph, plan, now)
