"""The cost of one call, per component, from its events and the deployment's rates (every line keeps its rate).

Telephony: the carrier's own price when it is known (Twilio's `price` for the completed call), else the minutes
rounded up as the carrier bills them times the inbound rate for the called number's country and type, plus the
media stream. STT: audio seconds times the engine's rate; a local engine costs its share of the voice worker's CPU
seconds at the core-hour price (the call's CPU is split between STT and TTS by the time each engine was busy).
TTS: characters times the engine's rate; local likewise. Transfer legs: the carrier's price of each leg, else its
first billed minute at the outbound rate (the leg's length is only in the carrier's record).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field

from domain import phone_metadata  # noqa: F401  (every region loaded before a workflow parses a number)
from domain.integrations.triggers import EventLike

Component = Literal["telephony", "stt", "tts", "transfer"]
CENT_FRACTION = Decimal("0.000001")
_TYPES = {phonenumbers.PhoneNumberType.FIXED_LINE: "local", phonenumbers.PhoneNumberType.MOBILE: "mobile",
          phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "local", phonenumbers.PhoneNumberType.TOLL_FREE:
          "toll_free"}


class Rates(BaseModel):
    """USD list prices; keys of the per-minute maps are `<country>:<type>` (`AU:local`) with a `default`."""

    model_config = ConfigDict(frozen=True)

    inbound_per_minute: dict[str, Decimal]
    outbound_per_minute: dict[str, Decimal]
    media_stream_per_minute: Decimal
    stt_per_minute: dict[str, Decimal]  # cloud engines by name; an engine not listed runs locally
    tts_per_1k_characters: dict[str, Decimal]
    core_hour: Decimal


class CallUsage(BaseModel):
    """What pricing needs of one call (from its events, and the carrier's prices when they are known)."""

    model_config = ConfigDict(frozen=True)

    duration_ms: int = 0
    called: str = ""
    transport: str = "twilio"  # "webrtc": a browser call, which no carrier bills
    stt_engine: str = ""
    stt_audio_seconds: float = 0.0
    stt_busy_seconds: float = 0.0
    tts_engine: str = ""
    tts_characters: int = 0
    tts_busy_seconds: float = 0.0
    cpu_seconds: float = 0.0
    core_version: str = ""
    transfers: list[str] = Field(default_factory=list)  # the numbers of the connected transfer legs
    carrier_price: Decimal | None = None  # the call's own price as the carrier billed it (positive USD)
    carrier_leg_prices: list[Decimal] = Field(default_factory=list)


class CostLine(BaseModel):
    """One line of a call's cost; `line` names it uniquely within the call (`transfer:1`, ...)."""

    model_config = ConfigDict(frozen=True)

    line: str
    component: Component
    basis: str
    quantity: Decimal
    unit: str
    rate_usd: Decimal
    amount_usd: Decimal
    detail: dict[str, Any] = Field(default_factory=dict)


def billed_minutes(duration_ms: int) -> int:
    """Whole minutes, rounded up as carriers bill a connected call (at least one)."""
    return max(1, math.ceil(duration_ms / 60_000))


def number_kind(number: str) -> str:
    """`AU:local`, `AU:mobile`, `US:toll_free`...; `default` when the number cannot be read."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return "default"
    region = phonenumbers.region_code_for_number(parsed) or "ZZ"
    return f"{region}:{_TYPES.get(phonenumbers.number_type(parsed), 'local')}"


def _rate(table: Mapping[str, Decimal], key: str) -> Decimal:
    return table.get(key, table.get("default", Decimal(0)))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT_FRACTION, rounding=ROUND_HALF_UP)


def _cpu_split(usage: CallUsage) -> tuple[float, float]:
    busy = usage.stt_busy_seconds + usage.tts_busy_seconds
    share = usage.stt_busy_seconds / busy if busy > 0 else 0.5
    return usage.cpu_seconds * share, usage.cpu_seconds * (1 - share)


def _line(line: str, component: Component, basis: str, quantity: Decimal | float | int, unit: str, rate: Decimal,
          amount: Decimal | None = None, **detail: Any) -> CostLine:
    q = Decimal(str(quantity)).quantize(CENT_FRACTION)
    return CostLine(line=line, component=component, basis=basis, quantity=q, unit=unit, rate_usd=rate,
                    amount_usd=_money(amount if amount is not None else q * rate), detail=detail)


def _telephony(usage: CallUsage, rates: Rates) -> CostLine:
    minutes = billed_minutes(usage.duration_ms)
    if usage.transport == "webrtc":  # peer to peer with the browser: no number answered, no media stream billed
        return _line("telephony", "telephony", "webrtc", minutes, "minute", Decimal(0))
    kind = number_kind(usage.called)
    if usage.carrier_price is not None:
        return _line("telephony", "telephony", "carrier_price", minutes, "minute", _money(usage.carrier_price /
                     minutes), usage.carrier_price, number_kind=kind)
    rate = _rate(rates.inbound_per_minute, kind) + rates.media_stream_per_minute
    return _line("telephony", "telephony", "rate", minutes, "minute", rate, number_kind=kind,
                 inbound=str(_rate(rates.inbound_per_minute, kind)), media_stream=str(rates.media_stream_per_minute))


def _engine(component: Literal["stt", "tts"], usage: CallUsage, rates: Rates, cpu: float) -> CostLine:
    engine = usage.stt_engine if component == "stt" else usage.tts_engine
    core_second = rates.core_hour / 3600
    if component == "stt" and engine in rates.stt_per_minute:
        rate = rates.stt_per_minute[engine] / 60
        return _line("stt", "stt", "engine_rate", usage.stt_audio_seconds, "audio_second", rate, engine=engine)
    if component == "tts" and engine in rates.tts_per_1k_characters:
        rate = rates.tts_per_1k_characters[engine] / 1000
        return _line("tts", "tts", "engine_rate", usage.tts_characters, "character", rate, engine=engine)
    return _line(component, component, "local_cpu", cpu, "cpu_second", core_second, engine=engine,
                 core_hour=str(rates.core_hour))


def price_call(usage: CallUsage, rates: Rates) -> list[CostLine]:
    """Every cost line of the call: telephony, STT, TTS, then one per connected transfer leg."""
    stt_cpu, tts_cpu = _cpu_split(usage)
    lines = [_telephony(usage, rates), _engine("stt", usage, rates, stt_cpu), _engine("tts", usage, rates, tts_cpu)]
    for i, to in enumerate(usage.transfers, start=1):
        kind = number_kind(to)
        if i <= len(usage.carrier_leg_prices):
            price = usage.carrier_leg_prices[i - 1]
            lines.append(_line(f"transfer:{i}", "transfer", "carrier_price", 1, "leg", price, price, to_kind=kind))
        else:
            lines.append(_line(f"transfer:{i}", "transfer", "first_minute", 1, "minute",
                               _rate(rates.outbound_per_minute, kind), to_kind=kind,
                               note="the leg's length is in the carrier's record only"))
    return lines


def usage_of(events: Sequence[EventLike]) -> CallUsage:
    """The call's usage from its events (`call.usage` as the voice worker records it, the call's numbers, legs)."""
    started = next((e.payload for e in events if e.type == "call.started"), {})
    ended = next((e.payload for e in events if e.type == "call.ended"), {})
    usage = next((e.payload for e in events if e.type == "call.usage"), {})
    fields = {k: usage[k] for k in CallUsage.model_fields if k in usage}
    legs = [str(e.payload.get("to") or "") for e in events if e.type == "transfer.completed"]
    return CallUsage(**{**fields, "duration_ms": int(ended.get("duration_ms") or 0),
                        "called": str(started.get("called") or ""), "transfers": legs,
                        "transport": str(started.get("transport") or "twilio")})


def objective_shares(events: Sequence[Any], duration_ms: int) -> dict[str, float]:
    """How the call's time divides between the objectives it pursued (from `objective.started` to the next one or
    the end); the rest (greeting, closing) is `_call`. Needs events with `occurred_at`.
    """
    marks = [(e.occurred_at, str(e.payload.get("objective"))) for e in events if e.type == "objective.started"]
    end = next((e.occurred_at for e in events if e.type == "call.ended"), None)
    if not marks or end is None or duration_ms <= 0:
        return {"_call": 1.0}
    shares: dict[str, float] = {}
    for (at, objective), (following, _) in zip(marks, [*marks[1:], (end, "")], strict=True):
        seconds = max((following - at).total_seconds(), 0.0)
        shares[objective] = shares.get(objective, 0.0) + seconds / (duration_ms / 1000)
    total = sum(shares.values())
    if total > 1:
        shares = {k: v / total for k, v in shares.items()}
    shares["_call"] = max(0.0, 1 - sum(shares.values()))
    return {k: round(v, 6) for k, v in shares.items()}
