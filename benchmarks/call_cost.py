"""What a call costs: the demo call run through the real voice worker with the local engines, then priced with the
local engines (their measured CPU at the core-hour price) and with cloud engines (Deepgram, ElevenLabs) for the same
audio and characters, per minute and per component, against the $0.20/min ceiling and other platforms' list prices.

    python -m benchmarks.call_cost [--calls 2]

The voice worker runs in a child process, so the CPU a call is charged is the worker's (and its engine
processes'), not the simulated callers'. Telephony is priced from the rates (Twilio AU local inbound plus the media
stream), the way a call without a carrier record is; every rate is a setting (REVOS_COST_*) with today's published
figure as its default. The other platforms' per-minute prices include an LLM and their margin; this Voice Core has
no LLM in the loop (a deterministic dialogue), and the figures here carry no margin, memory or idle capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from activities.call_costs import rates_from
from domain.integrations.costs import CallUsage, Rates, price_call, usage_of
from infra.db.voice_numbers import NumberRoute
from infra.settings import Settings
from voice_runtime.call_events import CallEvent

CEILING = Decimal("0.20")
PLATFORMS = [("Vapi", "0.07", "0.25"), ("Retell", "0.07", "0.31"), ("Bland", "0.11", "0.14")]
NUMBER = "+61290000001"


class FileRecorder:
    """An event sink that appends every event as a JSON line (the benchmark needs no Postgres or Temporal)."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")

    def offer(self, event: CallEvent) -> None:
        self._file.write(event.model_dump_json() + "\n")
        self._file.flush()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int, events: Path) -> None:
    """The voice worker with the deployment's engines (a child process, so the callers' CPU is not counted)."""
    import signal

    import uvicorn

    from voice_runtime.app import create_voice_app
    from voice_runtime.context import VoiceConfig
    from voice_runtime.engines.factory import build_engines, build_vad
    from voice_runtime.event_buffer import EventBuffer
    from voice_runtime.frame_clock import FrameClock
    from voice_runtime.metrics import VoiceMetrics
    from voice_runtime.routing import RouteRecord, StaticRoutes
    from voice_runtime.session import VoiceDeps
    from voice_runtime.transfer import LocalTransfer
    from workers.voice import build_door

    async def main() -> None:
        settings = Settings(voice_stream_secret=SecretStr(secrets.token_hex(32)))
        stt, tts = build_engines(settings)
        for engine in (stt, tts):
            warm = getattr(engine, "warm_up", None)
            if warm is not None:
                await warm()
        metrics = VoiceMetrics()
        clock = FrameClock(metrics)
        deps = VoiceDeps(config=VoiceConfig.from_settings(settings), metrics=metrics, sink=FileRecorder(events),
                         stt=stt, tts=tts, transfer=LocalTransfer(), clock=clock, vad_factory=build_vad)
        route = NumberRoute(number=NUMBER, tenant_id=uuid.uuid4(), tenant_name="Acme Plumbing",
                            timezone="Australia/Sydney")

        door = build_door(settings, metrics, None, StaticRoutes({NUMBER: RouteRecord(route, active=None)}))
        app = create_voice_app(deps, EventBuffer([], capacity=1, metrics=metrics), door)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: setattr(server, "should_exit", True))
        await server.serve()
        await clock.stop()

    asyncio.run(main())


async def place_calls(port: int, calls: int) -> None:
    """The demo call, `calls` times, as Twilio would place it."""
    from voice_runtime.testing.demo_call import DEMO_LINES
    from voice_runtime.testing.sim_caller import Hangup, Say, Step, WaitForAgent, dial
    from voice_runtime.tts.piper_tts import PiperTts

    voice = PiperTts(noise=(0.0, 0.0))
    try:
        for _ in range(calls):
            caller = await dial(f"http://127.0.0.1:{port}", NUMBER, voice)
            script: list[Step] = [WaitForAgent()]
            for line in DEMO_LINES:
                script += [Say(line), WaitForAgent()]
            await caller.run([*script, Hangup()], max_seconds=120)
    finally:
        voice.close()


def run_calls(calls: int) -> list[list[CallEvent]]:
    """Each finished call's events, from a voice worker in a child process."""
    with tempfile.TemporaryDirectory(prefix="revos-cost-") as tmp:
        path, port = Path(tmp) / "events.jsonl", _free_port()
        child = subprocess.Popen([sys.executable, "-m", "benchmarks.call_cost", "--serve", str(port), str(path)])
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.2)
            asyncio.run(place_calls(port, calls))
            time.sleep(1.0)  # the last call's usage and end are written as its socket closes
        finally:
            child.terminate()
            child.wait(30)
        by_call: dict[str, list[CallEvent]] = {}
        for line in path.read_text().splitlines():
            event = CallEvent.model_validate_json(line)
            by_call.setdefault(event.call_sid, []).append(event)
    return [e for e in by_call.values() if any(x.type == "call.ended" for x in e)]


def cloud(usage: CallUsage) -> CallUsage:
    """The same call with cloud engines: the audio and characters they would have billed."""
    return usage.model_copy(update={"stt_engine": "deepgram", "tts_engine": "elevenlabs", "cpu_seconds": 0.0})


def report(name: str, usages: list[CallUsage], rates: Rates) -> Decimal:
    """Print one pricing of the calls; returns the cost per billed minute."""
    totals: dict[str, Decimal] = {}
    minutes = Decimal(0)
    for usage in usages:
        for line in price_call(usage, rates):
            totals[line.component] = totals.get(line.component, Decimal(0)) + line.amount_usd
            if line.component == "telephony":
                minutes += line.quantity
    total = sum(totals.values(), Decimal(0))
    per_minute = total / minutes if minutes else Decimal(0)
    parts = ", ".join(f"{k} ${v / minutes:.4f}/min" for k, v in totals.items()) if minutes else ""
    print(f"{name}: {len(usages)} call(s), {minutes} billed min, total ${total:.4f}, ${per_minute:.4f}/min ({parts})")
    return per_minute


def compare(per_minute: dict[str, Decimal]) -> None:
    for name, value in per_minute.items():
        verdict = "within" if value <= CEILING else "OVER"
        print(f"  {name}: ${value:.4f}/min, {verdict} the ${CEILING}/min ceiling "
              f"({(value / CEILING * 100):.0f}% of it)")
    for platform, low, high in PLATFORMS:
        marks = [f"{name} {'below' if v < Decimal(low) else 'above' if v > Decimal(high) else 'inside'}"
                 for name, v in per_minute.items()]
        print(f"  {platform} ${low}-{high}/min: " + "; ".join(marks))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "EVENTS_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]))
        return
    events = run_calls(args.calls)
    usages = [usage_of(e).model_copy(update={"called": NUMBER}) for e in events]
    for usage in usages:
        print(f"call: {usage.duration_ms / 1000:.1f} s, STT {usage.stt_engine} {usage.stt_audio_seconds:.1f} audio s, "
              f"TTS {usage.tts_engine} {usage.tts_characters} chars, CPU {usage.cpu_seconds:.2f} s")
    rates = rates_from(Settings())
    figures: dict[str, Any] = {"local engines": report("local engines", usages, rates),
                               "cloud engines": report("cloud engines", [cloud(u) for u in usages], rates)}
    compare(figures)
    print("  (their prices include an LLM and a margin; this Voice Core runs no LLM and no margin is added here)")


if __name__ == "__main__":
    main()
