"""A call turned into a test case: its events, the graph it ran, its caller audio and what it should have done.

`revos replay CALL_SID --save tests/fixtures/calls/NAME.json` writes one (the caller leg beside it as NAME.wav);
a test replays every fixture on every run. `expected` starts as what the call did; for a call that went wrong,
it says what the call should have done, and `recorded_was_right` is false: the fix makes the replay diverge from
the recording and match `expected`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.objectives import ObjectiveGraph, compile_config, default_graph
from domain.replay.compare import replay_events
from domain.replay.model import CallResult, ReplayEvent, ReplayReport

FIXTURE_VERSION = 1


class FixtureGraph(BaseModel):
    """The graph the call ran: a version's canonical document, or the default graph and its escalation number."""

    model_config = ConfigDict(frozen=True)

    config_version: int | None
    config_hash: str
    canonical: str | None = None  # None: the built-in default graph
    transfer_to: str | None = None  # the default graph's escalation number

    def graph(self) -> ObjectiveGraph:
        """The graph, rebuilt (its hash is checked against the recorded one)."""
        graph = compile_config(self.canonical, "json").graph if self.canonical else default_graph(self.transfer_to)
        if graph.config_hash != self.config_hash:
            raise ValueError(f"the fixture's graph compiles to {graph.config_hash}, not {self.config_hash}")
        return graph

    @classmethod
    def of(cls, graph: ObjectiveGraph, config_version: int | None, canonical: str | None) -> FixtureGraph:
        """The fixture's description of a graph."""
        return cls(config_version=config_version, config_hash=graph.config_hash, canonical=canonical,
                   transfer_to=None if canonical else graph.escalation.transfer_to)


class CallFixture(BaseModel):
    """One saved call."""

    model_config = ConfigDict(frozen=True)

    fixture_version: int = FIXTURE_VERSION
    name: str
    description: str = ""
    call_sid: str
    graph: FixtureGraph
    events: list[ReplayEvent]
    caller_audio: str | None = None  # a sibling WAV file: the caller's leg of the recording
    recorded_was_right: bool = True  # False: the recorded call went wrong; `expected` is what it should have done
    expected: CallResult
    expected_transcripts: list[str] = Field(default_factory=list)  # what the caller said (for `--audio`)


def fixture_of(name: str, report: ReplayReport, graph: FixtureGraph, events: list[ReplayEvent], *,
               caller_audio: str | None, description: str = "") -> CallFixture:
    """A fixture of a call as recorded: what it did is what it should do.

    When the replay is identical, `expected` is the replay's view of the call (every utterance it decided on and
    every action, including one the caller hung up before); otherwise the recording's, and the fixture fails
    until the divergence is fixed or `expected` is edited to what the call should have done.
    """
    expected = report.replayed if report.identical else report.recorded
    return CallFixture(name=name, description=description, call_sid=report.call_sid, graph=graph, events=events,
                       caller_audio=caller_audio, expected=expected,
                       expected_transcripts=[str(e.payload.get("text") or "") for e in events
                                             if e.type == "turn.ended"])


def check_fixture(fixture: CallFixture) -> tuple[ReplayReport, list[str]]:
    """Replay a fixture: its report, and every way it falls short of what the call should have done."""
    report = replay_events(fixture.graph.graph(), fixture.events, config_version=fixture.graph.config_version,
                           recorded_version=fixture.graph.config_version, call_sid=fixture.call_sid)
    problems = [f"{field}: expected {getattr(fixture.expected, field)!r}, replayed {getattr(report.replayed, field)!r}"
                for field in CallResult.model_fields if getattr(fixture.expected, field) != getattr(report.replayed,
                                                                                                   field)]
    if fixture.recorded_was_right and not report.identical:
        problems.append(f"the replay diverges from the recording: {report.divergence}")
    return report, problems
