"""One stress call judged against its persona's expectation, from the call's events and what the caller observed.

The checks: the version and business state the call ran, the objective outcomes (objective and kind in order, the
option of a choice), every captured value exactly the caller's (after its corrections), the terminal, the transfers
(exactly the one expected, else none), how the call ended, each persona's own rules, and the call's health: fatal
errors and the caller left waiting for an answer. Latencies are measured, not judged: voice-to-voice per agent
reply and barge-in reaction per interruption, as the worker recorded them, and agent audio that reached the caller
late (its playout ran dry mid-utterance).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.events import stream_name
from domain.objectives import ObjectiveGraph, Outcome, WalkError, fold
from domain.onboarding.events import EventView, outcomes, transcript
from domain.onboarding.smoke import describe
from domain.stress.expect import Expectation, ExpectedOutcome
from domain.stress.personas import Persona
from domain.stress.values import has_exact_value, same_value


class Observed(BaseModel):
    """What the simulated caller saw of the call."""

    model_config = ConfigDict(frozen=True)

    seconds: float = 0.0
    timed_out: list[str] = Field(default_factory=list)  # waits for the agent that ran out
    barged: int = 0  # times the caller talked over the agent
    late_frames: int = 0  # agent frames that arrived after the caller's playout had run dry mid-utterance
    hung_up: bool = False  # the caller hung up
    closed_by_agent: bool = False  # the worker closed the line


class CallVerdict(BaseModel):
    """A stress call's result; no problems means the persona's expectations held."""

    persona: Persona
    business_open: bool
    seed: int
    call_sid: str
    stream: str
    expected: list[ExpectedOutcome]
    actual: list[Outcome]
    expected_terminal: str | None
    actual_terminal: str | None
    completed: bool  # the expected outcomes and terminal, all of them
    values: int  # captured values compared with the caller's
    exact: int  # of which exactly the caller's
    transfer_expected: bool
    transfers: int
    transfers_right: bool
    voice_to_voice_ms: list[int]
    barge_in_ms: list[int]
    errors: list[str]
    late_frames: int
    problems: list[str]
    seconds: float = 0.0
    attempts: int = 1
    first_problems: list[str] = Field(default_factory=list)
    transcript: list[str] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        """No problem found."""
        return not self.problems


def _of(events: Sequence[EventView], kind: str) -> list[Mapping[str, Any]]:
    return [p for k, p in events if k == kind]


def _outcome_problems(expected: Sequence[ExpectedOutcome], actual: Sequence[Outcome]) -> list[str]:
    walked = [o for o in actual if o.kind != "corrected"]
    if len(walked) != len(expected):
        return [f"{len(walked)} objective outcomes, expected {len(expected)}: " + _said(walked, expected)]
    for want, got in zip(expected, walked, strict=True):
        if want.objective != got.objective or got.kind not in want.kinds or (
                got.kind == "chosen" and got.value != want.value):
            return ["the objective outcomes differ: " + _said(walked, expected)]
    return []


def _said(actual: Sequence[Outcome], expected: Sequence[ExpectedOutcome]) -> str:
    got = ", ".join(f"{o.objective} {o.kind}" + (f" {o.value}" if o.kind == "chosen" else "") for o in actual)
    want = ", ".join(f"{e.objective} {'/'.join(e.kinds)}" + (f" {e.value}" if e.kinds == ("chosen",) else "")
                     for e in expected)
    return f"got [{got}], expected [{want}]"


def _values(graph: ObjectiveGraph, expected: Sequence[ExpectedOutcome], actual: Sequence[Outcome],
            business_open: bool) -> tuple[int, int, list[str]]:
    """(compared, exact, problems): each confirmed capture's final value against the caller's."""
    try:
        captured = fold(graph, actual, business_open=business_open).captured
    except WalkError as error:
        return 0, 0, [f"the recorded outcomes do not walk the graph: {error.message}"]
    compared = exact = 0
    problems: list[str] = []
    for want in expected:
        if not has_exact_value(want.capture) or want.objective not in captured:
            continue
        compared += 1
        if same_value(want.capture, captured[want.objective], want.value):
            exact += 1
        else:
            problems.append(f"{want.objective}: captured {captured[want.objective]!r}, the caller said {want.value!r}")
    return compared, exact, problems


def _transfer_problems(expectation: Expectation, events: Sequence[EventView]) -> tuple[int, list[str]]:
    asked = [p.get("to") for p in _of(events, "transfer.requested")]
    failed = [p.get("to") for p in _of(events, "transfer.failed")]
    if expectation.transfer_to is None:
        return len(asked), [f"transferred to {', '.join(map(str, asked))} without reason"] if asked else []
    if asked != [expectation.transfer_to]:
        return len(asked), [f"expected one transfer to {expectation.transfer_to}, saw {asked or 'none'}"]
    return len(asked), [f"the transfer to {failed[0]} failed"] if failed else []


def _ending_problems(expectation: Expectation, events: Sequence[EventView], observed: Observed) -> list[str]:
    if not _of(events, "call.ended"):
        return ["the call did not end"]
    ended = _of(events, "dialogue.ended")
    problems: list[str] = []
    if expectation.ended_by == "agent" and not observed.closed_by_agent:
        problems.append("the agent never closed the call" + (" (it never ended the dialogue)" if not ended else ""))
    if expectation.ended_by == "caller" and not observed.hung_up:
        problems.append("the call ended before the caller hung up")
    if expectation.end_reason is not None and (not ended or ended[-1].get("reason") != expectation.end_reason):
        reason = ended[-1].get("reason") if ended else None
        problems.append(f"the dialogue ended with {reason!r}, not {expectation.end_reason!r}")
    return problems


def _silent_problems(events: Sequence[EventView]) -> list[str]:
    reprompts = len(_of(events, "dialogue.silence_reprompt"))
    allowed = [int(p.get("max_reprompts", 0)) for p in _of(events, "caller.silence")]
    if not allowed or reprompts != allowed[-1]:
        return [f"{reprompts} silence reprompts before the close, expected {allowed[-1] if allowed else 'some'}"]
    return []


def _persona_problems(expectation: Expectation, events: Sequence[EventView], observed: Observed) -> list[str]:
    persona = expectation.persona
    if persona is Persona.SILENT:
        return _silent_problems(events)
    if persona is Persona.INTERRUPTER and observed.barged and not _of(events, "barge_in"):
        return [f"the caller talked over the agent {observed.barged} times and it never yielded"]
    if persona is Persona.ASKS_FOR_PERSON and not _of(events, "dialogue.person_requested"):
        return ["the request for a person was not heard as one"]
    return []


def _health(events: Sequence[EventView], observed: Observed) -> tuple[list[str], list[str]]:
    """(errors, problems): every error the call recorded; fatal ones, and the caller left waiting, fail it."""
    errors = [f"{p.get('processor')}: {p.get('error')}" for p in _of(events, "error")]
    problems = [f"fatal error: {p.get('processor')}: {p.get('error')}" for p in _of(events, "error") if p.get("fatal")]
    problems += [f"the caller waited in vain for the agent ({t})" for t in observed.timed_out[:3]]
    return errors, problems


def _started_problems(events: Sequence[EventView], expectation: Expectation, version: int | None) -> list[str]:
    started = next((p for kind, p in events if kind == "call.started"), None)
    if started is None:
        return ["the call never started"]
    problems = []
    if version is not None and started.get("config_version") != version:
        problems.append(f"the call ran version {started.get('config_version')}, not {version}")
    if started.get("business_open") != expectation.business_open:
        problems.append(f"the call ran with business_open={started.get('business_open')}")
    return problems


def judge(graph: ObjectiveGraph, expectation: Expectation, events: Sequence[EventView], observed: Observed, *,
          version: int | None, call_sid: str, seed: int) -> CallVerdict:
    """The call against its persona's expectation."""
    actual = outcomes(graph, events)
    problems = _started_problems(events, expectation, version)
    outcome_problems = _outcome_problems(expectation.outcomes, actual)
    compared, exact, value_problems = _values(graph, expectation.outcomes, actual, expectation.business_open)
    ended = _of(events, "dialogue.ended")
    actual_terminal = describe(ended[-1].get("terminal")) if ended else None
    terminal_problems = [] if actual_terminal == expectation.terminal else [
        f"the call finished with {actual_terminal}, not {expectation.terminal}"]
    transfers, transfer_problems = _transfer_problems(expectation, events)
    errors, health = _health(events, observed)
    problems += outcome_problems + value_problems + terminal_problems + transfer_problems + health
    problems += _ending_problems(expectation, events, observed) + _persona_problems(expectation, events, observed)
    return CallVerdict(
        persona=expectation.persona, business_open=expectation.business_open, seed=seed, call_sid=call_sid,
        stream=stream_name("call", call_sid), expected=list(expectation.outcomes), actual=actual,
        expected_terminal=expectation.terminal, actual_terminal=actual_terminal,
        completed=not (outcome_problems or terminal_problems), values=compared, exact=exact,
        transfer_expected=expectation.transfer_to is not None, transfers=transfers,
        transfers_right=not transfer_problems, errors=errors, late_frames=observed.late_frames,
        voice_to_voice_ms=[int(p["voice_to_voice_ms"]) for p in _of(events, "agent.utterance.started")
                           if p.get("voice_to_voice_ms") is not None],
        barge_in_ms=[int(p["reaction_ms"]) for p in _of(events, "barge_in") if p.get("reaction_ms") is not None],
        problems=problems, seconds=observed.seconds, transcript=transcript(events))
