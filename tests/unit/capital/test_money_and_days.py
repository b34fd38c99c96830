"""Cost truth's pure rules: tenant days (23 and 25 hours across a clock change), USD at a recorded rate or
refused, shares, bonus milestones and the running-only rule, and the governor's spend ordering and days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.capital.costs import Rate, SourceCost, check_share, day_window, last_closed_day, local_day, to_usd
from domain.capital.facts import bonus_period, bonus_refusal, milestone_of
from domain.capital.lifecycle import AlertKind, Caps, Governor, seconds_to_next_time_mark, wall_seconds
from domain.capital.models import EventType
from domain.capital.notices import alert
from domain.errors import Conflict

SYD = "Australia/Sydney"
AT = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)


def test_a_tenant_day_is_its_own_midnight_to_midnight() -> None:
    w = day_window(date(2026, 11, 3), SYD)  # AEDT, UTC+11
    assert w.start == datetime(2026, 11, 2, 13, 0, tzinfo=UTC) and w.seconds == 86400
    assert day_window(date(2026, 10, 4), SYD).seconds == 23 * 3600  # clocks go forward
    assert day_window(date(2026, 4, 5), SYD).seconds == 25 * 3600  # and back
    assert local_day(datetime(2026, 11, 2, 13, 30, tzinfo=UTC), SYD) == date(2026, 11, 3)
    assert last_closed_day(datetime(2026, 11, 2, 13, 30, tzinfo=UTC), SYD) == date(2026, 11, 2)
    assert last_closed_day(datetime(2026, 11, 2, 12, 30, tzinfo=UTC), SYD) == date(2026, 11, 1)


def _rate(currency: str, day: date, usd: str, recorded: int = 0) -> Rate:
    return Rate(currency, day, Decimal(usd), AT + timedelta(hours=recorded))


def test_usd_passes_and_other_currencies_convert_at_the_rate_in_force() -> None:
    day = date(2026, 11, 3)
    rates = [_rate("AUD", date(2026, 11, 1), "0.65"), _rate("AUD", date(2026, 11, 1), "0.66", recorded=5),
             _rate("AUD", date(2026, 11, 4), "0.70"), _rate("EUR", date(2026, 10, 1), "1.08")]
    usd, refused = to_usd([SourceCost("AC1", Decimal("10"), "usd"), SourceCost("AC1", Decimal("100"), "aud"),
                           SourceCost("p2", Decimal("5"), "EUR")], day, rates)
    assert usd == [("AC1", Decimal("10") + Decimal("66.000000")), ("p2", Decimal("5.400000"))]  # the correction wins
    assert refused == []


def test_no_recorded_rate_is_refused_with_the_reason_never_added() -> None:
    usd, refused = to_usd([SourceCost("AC1", Decimal("7"), "usd"), SourceCost("AC1", Decimal("100"), "aud"),
                           SourceCost("AC2", Decimal("1"), "")], date(2026, 11, 3),
                          [_rate("AUD", date(2026, 11, 4), "0.7")])  # only from the next day on
    assert usd == [("AC1", Decimal("7"))]
    assert [(r.key, r.currency) for r in refused] == [("AC1", "AUD"), ("AC2", "")]
    assert "no USD rate recorded for AUD on or before 2026-11-03" in refused[0].reason


def test_shares_of_one_source_never_exceed_the_whole() -> None:
    check_share(Decimal("0.6"), Decimal("0.4"), "twilio", "AC1")
    with pytest.raises(Conflict) as refused:
        check_share(Decimal("0.6"), Decimal("0.5"), "twilio", "AC1")
    assert refused.value.code == "cost_source_taken"


def test_bonus_identity_is_the_lead_milestone_and_only_while_running() -> None:
    assert milestone_of(EventType.INSTALL_APPOINTMENT_SCHEDULED) == "schedule"
    assert milestone_of(EventType.CALCULATOR_INSTALLED) == "install_completed"
    assert milestone_of(EventType.INSTALL_APPOINTMENT_ATTENDED) is None
    assert bonus_refusal("running", False) is None
    assert bonus_refusal("running", True) == "milestone_already_paid"
    for status in ("completed", "terminated", "paused"):
        assert bonus_refusal(status, False) == "experiment_not_running"


def test_bonus_weeks_are_the_tenants() -> None:
    sunday_night_sydney = datetime(2026, 11, 8, 13, 30, tzinfo=UTC)  # Monday 00:30 in Sydney
    assert bonus_period(sunday_night_sydney) == "2026-W45"
    assert bonus_period(sunday_night_sydney, SYD) == "2026-W46"


def test_spend_updates_that_race_keep_the_newest() -> None:
    g = Governor(caps=Caps(capital_cap_usd=Decimal(100), time_cap_days=Decimal(10), tranche_size_usd=Decimal(10)))
    assert g.record_spend(Decimal(50), AT + timedelta(minutes=5))
    assert not g.record_spend(Decimal(40), AT + timedelta(minutes=1))  # an older total arriving late
    assert g.spend_usd == 50
    assert g.record_spend(Decimal(45), AT + timedelta(minutes=6))  # a newer one may be lower (hours replace talk)
    assert g.record_spend(Decimal(46), None) and g.spend_usd == 46  # the daily rollup's total, unordered


def test_time_cap_days_follow_the_tenants_clocks() -> None:
    start = datetime(2026, 4, 4, 13, 0, tzinfo=UTC)  # Sydney midnight starting the 25-hour day
    assert wall_seconds(start, start + timedelta(hours=25), SYD, 86400) == 24 * 3600
    assert wall_seconds(start, start + timedelta(hours=25), SYD, 1.0) == 25 * 3600  # a shrunk test day: plain
    g = Governor(caps=Caps(capital_cap_usd=Decimal(100), time_cap_days=Decimal(1), tranche_size_usd=Decimal(10)),
                 run_started_at=start, timezone=SYD, raised=[AlertKind.TIME_80, AlertKind.TIME_90])
    assert seconds_to_next_time_mark(g, start, 86400) == 25 * 3600  # one tenant day is 25 hours today
    assert g.running_days(start + timedelta(hours=25), 86400) == 1


def test_alert_words() -> None:
    subject, text = alert("Install appt", "stop_loss_capital", {"spend_usd": "1001"})
    assert "Install appt" in subject and "capital cap" in subject
    assert "spend_usd: 1001" in text and "override" in text
