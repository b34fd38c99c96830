"""Pricing a call: carrier minutes, engine rates or local CPU, transfer legs; every line keeps its rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.integrations.costs import (
    CallUsage,
    Rates,
    billed_minutes,
    number_kind,
    objective_shares,
    price_call,
    usage_of,
)
from domain.voice.messages import CallEventIn

RATES = Rates(inbound_per_minute={"AU:local": Decimal("0.01"), "default": Decimal("0.02")},
              outbound_per_minute={"AU:mobile": Decimal("0.072"), "default": Decimal("0.04")},
              media_stream_per_minute=Decimal("0.004"), stt_per_minute={"deepgram": Decimal("0.0077")},
              tts_per_1k_characters={"elevenlabs": Decimal("0.05")}, core_hour=Decimal("0.036"))
T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_minutes_round_up_as_carriers_bill() -> None:
    assert [billed_minutes(ms) for ms in (0, 1, 60_000, 60_001, 125_000)] == [1, 1, 1, 2, 3]
    assert number_kind("+61290000001") == "AU:local" and number_kind("+61412345678") == "AU:mobile"
    assert number_kind("+611800123456") == "AU:toll_free" and number_kind("nonsense") == "default"


def test_local_engines_cost_their_cpu_and_cloud_engines_their_rate() -> None:
    usage = CallUsage(duration_ms=95_000, called="+61290000001", stt_engine="whisper", stt_audio_seconds=95,
                      stt_busy_seconds=3, tts_engine="piper", tts_characters=900, tts_busy_seconds=1, cpu_seconds=8)
    telephony, stt, tts = price_call(usage, RATES)
    assert (telephony.basis, telephony.quantity, telephony.rate_usd, telephony.amount_usd) == (
        "rate", Decimal(2), Decimal("0.014"), Decimal("0.028"))
    assert stt.basis == "local_cpu" and stt.quantity == Decimal(6) and stt.rate_usd == Decimal("0.036") / 3600
    assert stt.amount_usd == Decimal("0.000060") and tts.quantity == Decimal(2)
    cloud = usage.model_copy(update={"stt_engine": "deepgram", "tts_engine": "elevenlabs"})
    _, stt, tts = price_call(cloud, RATES)
    assert (stt.basis, stt.unit, stt.amount_usd) == ("engine_rate", "audio_second", Decimal("0.012192"))
    assert (tts.basis, tts.unit, tts.amount_usd) == ("engine_rate", "character", Decimal("0.045000"))


def test_the_carriers_price_wins_and_transfer_legs_are_lines_of_their_own() -> None:
    usage = CallUsage(duration_ms=30_000, called="+61290000001", transfers=["+61412345678", "+61298765000"],
                      carrier_price=Decimal("0.0130"), carrier_leg_prices=[Decimal("0.15")])
    lines = price_call(usage, RATES)
    assert [(c.line, c.basis, c.amount_usd) for c in lines if c.component in ("telephony", "transfer")] == [
        ("telephony", "carrier_price", Decimal("0.013000")), ("transfer:1", "carrier_price", Decimal("0.150000")),
        ("transfer:2", "first_minute", Decimal("0.040000"))]


def test_a_browser_call_has_no_carrier_to_pay_but_its_transfer_legs_do() -> None:
    events = [_event(1, "call.started", 0, called="+61290000001", transport="webrtc"),
              _event(2, "transfer.completed", 20, to="+61412345678"),
              _event(3, "call.ended", 30, reason="transferred", duration_ms=90_000)]
    usage = usage_of(events)
    assert usage.transport == "webrtc" and usage_of(events[1:]).transport == "twilio"
    telephony, *_, leg = price_call(usage, RATES)
    assert (telephony.basis, telephony.quantity, telephony.amount_usd) == ("webrtc", Decimal(2), Decimal(0))
    assert (leg.line, leg.amount_usd) == ("transfer:1", Decimal("0.072000"))


def _event(seq: int, type_: str, at: float, **payload: object) -> CallEventIn:
    return CallEventIn(seq=seq, type=type_, payload=payload, occurred_at=T0 + timedelta(seconds=at))


def test_usage_and_objective_shares_come_from_the_events() -> None:
    events = [_event(1, "call.started", 0, called="+61290000001"), _event(2, "objective.started", 5, objective="name"),
              _event(3, "objective.started", 35, objective="phone"),
              _event(4, "transfer.completed", 50, to="+61298765000"),
              _event(5, "call.usage", 60, stt_engine="whisper", stt_audio_seconds=60.0, tts_characters=400,
                     cpu_seconds=2.5, core_version="0.1.0", unknown_field=1),
              _event(6, "call.ended", 60, reason="transferred", duration_ms=60_000)]
    usage = usage_of(events)
    assert (usage.duration_ms, usage.called, usage.stt_engine, usage.tts_characters, usage.cpu_seconds) == (
        60_000, "+61290000001", "whisper", 400, 2.5)
    assert usage.transfers == ["+61298765000"] and usage.core_version == "0.1.0"
    shares = objective_shares(events, usage.duration_ms)
    assert shares == {"name": 0.5, "phone": 0.416667, "_call": 0.083333}
    assert objective_shares(events[:1], 0) == {"_call": 1.0}
