"""Performance facts: canonical events derived from dialer calls, attribution, bonuses (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field

from domain.capital.models import BONUS_EVENT_FOR, REPORTED_EVENTS, DialerOutcome, EventType, Strict, TerminalState

CONVERSATION_MIN_S = 10  # strictly more than 10 s
QPC_MIN_S = 150  # at least 150 s
RECORDING_MIN_S = 150
QPC_OUTCOMES = frozenset({DialerOutcome.SCHEDULE, DialerOutcome.INFO, DialerOutcome.CALLBACK})


class DialerCallIn(Strict):
    """One dialer call as ingested; every field is a fact that is required (nothing is guessed)."""

    lead_id: UUID
    login_id: UUID
    started_at: AwareDatetime
    duration_s: int = Field(ge=0, le=86_400)
    outcome: DialerOutcome
    twilio_call_sid: str = Field(min_length=2, max_length=64, pattern=r"^CA[0-9a-zA-Z]+$")


class PerformanceEventIn(Strict):
    """A reported performance event (install appointment, install, paid conversion)."""

    external_id: str = Field(min_length=1, max_length=200)
    lead_id: UUID
    type: EventType
    occurred_at: AwareDatetime
    login_id: UUID | None = None


def derived_events(duration_s: int, outcome: DialerOutcome) -> list[EventType]:
    """Dial Attempt always; Conversation when > 10 s; QPC when >= 150 s and outcome Schedule/Info/Callback."""
    out = [EventType.DIAL_ATTEMPT]
    if duration_s > CONVERSATION_MIN_S:
        out.append(EventType.CONVERSATION)
    if duration_s >= QPC_MIN_S and outcome in QPC_OUTCOMES:
        out.append(EventType.QPC)
    return out


def recording_requested(duration_s: int) -> bool:
    """Recordings only for calls of 150 s or more; metadata is kept for all."""
    return duration_s >= RECORDING_MIN_S


def is_reportable(event_type: EventType) -> bool:
    """Only these may be reported directly; the call-derived ones come from dialer calls."""
    return event_type in REPORTED_EVENTS


class Run(BaseModel):
    """One running interval of an experiment: [started_at, stopped_at)."""

    experiment_id: UUID
    started_at: datetime
    stopped_at: datetime | None = None


def attribute(occurred_at: datetime, runs: Sequence[Run], lead_terminal_at: datetime | None) -> UUID | None:
    """The experiment running in the lead's campaign at `occurred_at`, or None.

    Start inclusive, stop exclusive; a lead's facts after it became terminal belong to no experiment
    (the event that made it terminal, at exactly terminal_at, still counts).
    """
    if lead_terminal_at is not None and occurred_at > lead_terminal_at:
        return None
    for run in runs:
        if run.started_at <= occurred_at and (run.stopped_at is None or occurred_at < run.stopped_at):
            return run.experiment_id
    return None


TERMINAL_BY_EVENT: dict[EventType, TerminalState] = {EventType.PAID_CONVERSION: TerminalState.PAID_CUSTOMER}


def bonus_period(occurred_at: datetime, timezone: str = "UTC") -> str:
    """The period max_per_period counts in: the event's ISO week in the tenant's timezone, per login."""
    year, week, _ = occurred_at.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def milestone_of(event_type: EventType) -> str | None:
    """What a bonus pays for: the lead's milestone (schedule, install completed, paid conversion).

    A bonus's identity is (experiment, lead, milestone): a lead's appointment scheduled twice, or
    reported twice under two ids, is one milestone and pays once.
    """
    kind = BONUS_EVENT_FOR.get(event_type)
    return kind.value if kind else None


def bonus_refusal(experiment_status: str, milestone_paid: bool) -> str | None:
    """Why an attributed event earns no bonus, or None: only while the experiment is running, once per milestone.

    An event backdated into an experiment that has since completed (or is paused, or was terminated) is
    still a fact of that experiment, but it pays nothing: bonuses lock with the experiment.
    """
    if experiment_status != "running":
        return "experiment_not_running"
    if milestone_paid:
        return "milestone_already_paid"
    return None


def bonus_allowed(login_role: str, eligible_roles: Sequence[str], already_in_period: int,
                  max_per_period: int | None) -> bool:
    """Binary bonus: the login's role is eligible and the period's cap is not yet reached."""
    if login_role not in eligible_roles:
        return False
    return max_per_period is None or already_in_period < max_per_period
