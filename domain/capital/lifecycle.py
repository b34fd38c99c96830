"""Experiment transitions and the stop-loss governor (pure; the workflow calls these for every decision)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain.capital.models import ExperimentStatus, PauseReason, Verdict
from domain.errors import Conflict

ALERT_THRESHOLDS = (Decimal("0.8"), Decimal("0.9"))
FINAL = frozenset({ExperimentStatus.COMPLETED, ExperimentStatus.TERMINATED})


class Action(StrEnum):
    """What an admin (or the governor) asks of an experiment."""

    START = "start"
    PAUSE = "pause"
    COMPLETE = "complete"
    TERMINATE = "terminate"
    OVERRIDE = "override"
    STOP_LOSS = "stop_loss"


_ALLOWED: dict[Action, frozenset[ExperimentStatus]] = {
    Action.START: frozenset({ExperimentStatus.PLANNED, ExperimentStatus.PAUSED}),
    Action.PAUSE: frozenset({ExperimentStatus.RUNNING}),
    Action.COMPLETE: frozenset({ExperimentStatus.RUNNING, ExperimentStatus.PAUSED}),
    Action.TERMINATE: frozenset({ExperimentStatus.PLANNED, ExperimentStatus.RUNNING, ExperimentStatus.PAUSED}),
    Action.OVERRIDE: frozenset({ExperimentStatus.PAUSED}),
    Action.STOP_LOSS: frozenset({ExperimentStatus.RUNNING}),
}
_TARGET: dict[Action, ExperimentStatus] = {
    Action.START: ExperimentStatus.RUNNING,
    Action.PAUSE: ExperimentStatus.PAUSED,
    Action.COMPLETE: ExperimentStatus.COMPLETED,
    Action.TERMINATE: ExperimentStatus.TERMINATED,
    Action.OVERRIDE: ExperimentStatus.RUNNING,
    Action.STOP_LOSS: ExperimentStatus.PAUSED,
}


def transition(status: ExperimentStatus, pause_reason: PauseReason | None, action: Action) -> ExperimentStatus:
    """The status after `action`, or a Conflict whose message is the reason it is refused."""
    if status in FINAL:
        raise Conflict(f"experiment is {status.value} and immutable; {action.value} refused", code="experiment_final")
    if status not in _ALLOWED[action]:
        raise Conflict(f"cannot {action.value} an experiment that is {status.value}", code="invalid_transition",
                       details={"status": status.value, "action": action.value})
    if action is Action.START and pause_reason is PauseReason.STOP_LOSS:
        raise Conflict("experiment was paused by the stop-loss governor; it runs again only through an override "
                       "tied to an evaluation", code="stop_loss_requires_override")
    if action is Action.OVERRIDE and pause_reason is not PauseReason.STOP_LOSS:
        raise Conflict("an override resumes only a stop-loss pause; use start for a manual pause",
                       code="override_not_applicable")
    return _TARGET[action]


class Caps(BaseModel):
    """The caps the governor enforces; an override replaces them with its evaluation's caps."""

    capital_cap_usd: Decimal
    time_cap_days: Decimal
    tranche_size_usd: Decimal


class EvaluationFacts(BaseModel):
    """What the override doctrine needs to know about the evaluation an override cites."""

    experiment_id: str
    verdict: Verdict
    created_at: datetime
    caps: Caps


def check_override(experiment_id: str, evaluation: EvaluationFacts | None, stopped_at: datetime | None,
                   spend: Decimal, running_days: Decimal) -> Caps:
    """Override doctrine: tied to an evaluation of this experiment, made after the stop-loss, verdict continue,
    with caps not already reached. Returns the caps to resume under.
    """
    if evaluation is None:
        raise Conflict("an override must be tied to an evaluation; none given", code="override_requires_evaluation")
    if evaluation.experiment_id != experiment_id:
        raise Conflict("the evaluation belongs to another experiment", code="evaluation_mismatch")
    if stopped_at is not None and evaluation.created_at < stopped_at:
        raise Conflict("the evaluation predates the stop-loss; record a new evaluation first",
                       code="evaluation_stale")
    if evaluation.verdict is not Verdict.CONTINUE:
        raise Conflict(f"the evaluation's verdict is {evaluation.verdict.value}, not continue",
                       code="evaluation_not_continue")
    caps = evaluation.caps
    if spend >= caps.capital_cap_usd or running_days >= caps.time_cap_days:
        raise Conflict("the evaluation's caps are already reached; the override would stop at once",
                       code="evaluation_caps_reached",
                       details={"spend_usd": str(spend), "running_days": str(running_days)})
    return caps


class AlertKind(StrEnum):
    """Interrupt alerts: stop-loss proximity, the stop-loss itself, a manual evaluation trigger."""

    CAPITAL_80 = "capital_80"
    CAPITAL_90 = "capital_90"
    TIME_80 = "time_80"
    TIME_90 = "time_90"
    STOP_LOSS_CAPITAL = "stop_loss_capital"
    STOP_LOSS_TIME = "stop_loss_time"
    EVALUATION_REQUESTED = "evaluation_requested"


REAL_DAY = 86400.0


def wall_seconds(start: datetime, end: datetime, timezone: str | None, day_seconds: float) -> float:
    """Running time as the tenant's clocks count it: a day of the tenant is 23 or 25 hours across a clock change.

    Only real days (day_seconds = 86400) follow the tenant's clocks; a shrunk test "day" is plain seconds.
    """
    if timezone is None or day_seconds != REAL_DAY:
        return (end - start).total_seconds()
    zone = ZoneInfo(timezone)
    return (end.astimezone(zone).replace(tzinfo=None) - start.astimezone(zone).replace(tzinfo=None)).total_seconds()


def real_seconds_for(now: datetime, wall: float, timezone: str | None, day_seconds: float) -> float:
    """How long until the tenant's clocks have moved on by `wall` seconds from `now`."""
    if timezone is None or day_seconds != REAL_DAY or wall <= 0:
        return wall
    zone = ZoneInfo(timezone)
    at = now + timedelta(seconds=wall)
    shift = (at.astimezone(zone).utcoffset() or timedelta()) - (now.astimezone(zone).utcoffset() or timedelta())
    return max(0.0, wall - shift.total_seconds())


class Governor(BaseModel):
    """The governor's memory, kept in the workflow: caps, spend, running time, alerts already raised.

    `timezone` is the tenant's: the time cap counts the tenant's days. `spend_as_of` orders spend updates.
    """

    caps: Caps
    spend_usd: Decimal = Decimal(0)
    running_seconds: float = 0.0
    run_started_at: datetime | None = None
    cap_epoch: int = 0
    raised: list[AlertKind] = Field(default_factory=list)
    timezone: str | None = None
    spend_as_of: datetime | None = None

    def live_seconds(self, now: datetime, day_seconds: float) -> float:
        """Running time of the open run so far (0 when not running)."""
        if self.run_started_at is None:
            return 0.0
        return wall_seconds(self.run_started_at, now, self.timezone, day_seconds)

    def running_days(self, now: datetime, day_seconds: float) -> Decimal:
        return Decimal(str(round((self.running_seconds + self.live_seconds(now, day_seconds)) / day_seconds, 6)))

    def record_spend(self, spend_usd: Decimal, as_of: datetime | None) -> bool:
        """Take a spend total unless a newer one was already taken (two rollups may race)."""
        if as_of is not None and self.spend_as_of is not None and as_of < self.spend_as_of:
            return False
        self.spend_usd = spend_usd
        self.spend_as_of = as_of or self.spend_as_of
        return True

    def tranches_consumed(self) -> Decimal:
        return self.spend_usd / self.caps.tranche_size_usd


def _fractions(g: Governor, now: datetime, day_seconds: float) -> tuple[Decimal, Decimal]:
    return g.spend_usd / g.caps.capital_cap_usd, g.running_days(now, day_seconds) / g.caps.time_cap_days


def due_alerts(g: Governor, now: datetime, day_seconds: float) -> list[AlertKind]:
    """Alerts whose threshold is crossed and which were not raised under the current caps (each once)."""
    capital, time = _fractions(g, now, day_seconds)
    crossed = [
        (capital >= ALERT_THRESHOLDS[0], AlertKind.CAPITAL_80), (capital >= ALERT_THRESHOLDS[1], AlertKind.CAPITAL_90),
        (time >= ALERT_THRESHOLDS[0], AlertKind.TIME_80), (time >= ALERT_THRESHOLDS[1], AlertKind.TIME_90),
        (capital >= 1, AlertKind.STOP_LOSS_CAPITAL), (time >= 1, AlertKind.STOP_LOSS_TIME),
    ]
    return [kind for hit, kind in crossed if hit and kind not in g.raised]


def stop_loss_due(g: Governor, now: datetime, day_seconds: float) -> AlertKind | None:
    """The cap that trips the governor, if any (capital first: it is the harder truth)."""
    if g.run_started_at is None:
        return None
    capital, time = _fractions(g, now, day_seconds)
    if capital >= 1:
        return AlertKind.STOP_LOSS_CAPITAL
    if time >= 1:
        return AlertKind.STOP_LOSS_TIME
    return None


def seconds_to_next_time_mark(g: Governor, now: datetime, day_seconds: float) -> float | None:
    """How long the durable timer should sleep: until the next time-cap mark (80%, 90%, 100%) not yet raised."""
    if g.run_started_at is None:
        return None
    cap_seconds = float(g.caps.time_cap_days) * day_seconds
    elapsed = g.running_seconds + g.live_seconds(now, day_seconds)
    marks = [(0.8, AlertKind.TIME_80), (0.9, AlertKind.TIME_90), (1.0, AlertKind.STOP_LOSS_TIME)]
    pending = [fraction * cap_seconds - elapsed for fraction, kind in marks if kind not in g.raised]
    return max(0.0, real_seconds_for(now, min(pending), g.timezone, day_seconds)) if pending else None
