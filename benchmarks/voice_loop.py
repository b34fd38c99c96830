"""Voice loop benchmark: capacity, late frames, voice-to-voice and barge-in latency.

    python -m benchmarks.voice_loop [--steps 10,50,100] [--local-steps 1,2,4,6] [--latency-calls 6]

The voice worker runs in a child process (`--serve`); simulated callers (piper-rendered lines,
Twilio Media Streams) run here. Capacity uses ScriptedStt + PrerenderedTts (real port
implementations for load tests); the rest uses the deployment's embedded default engines as
`revos voice` builds them (Whisper tiny.en + Silero VAD + piper; REVOS_STT_ENGINE / REVOS_VAD_ENGINE
pick others). Figures: per inbound-frame processing p50/p99, outgoing frames sent after their playout
deadline, voice-to-voice and its parts (end of turn decided, STT final, the dialogue's decision, TTS
first byte), barge-in reaction (server-side, and as the caller observed them), the worker's RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from typing import Any

import httpx

LINES = ["Sorry, hi there, my name is Jane Smith.", "Yeah, that's right.",
         "My number is oh four one two, three four five, six seven eight.", "No, the last digit is nine.",
         "Yes, that's right.", "Yes, that's all correct."]
NUMBER = "+61298765432"


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.1f} ms"


# --- the voice worker (child process) ------------------------------------------------------------


def serve(port: int, engines: str, barge_min_ms: int, tenant: str | None = None) -> None:
    """The voice worker; standalone, or with `tenant` part of a running system (its database and Temporal,
    from the REVOS_ environment), the benchmark's number routed to that tenant."""
    import gc
    import secrets

    import uvicorn
    import uvloop
    from pydantic import SecretStr

    from infra.settings import Settings
    from voice_runtime.engines.factory import build_engines
    from voice_runtime.testing.prerendered_tts import PrerenderedTts
    from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
    from voice_runtime.tts.piper_tts import PiperTts
    from workers.voice import build_runtime

    standalone: dict[str, Any] = {} if tenant else {"database_url": None, "temporal_address": "127.0.0.1:9"}
    settings = Settings(**standalone, voice_port=port, voice_stream_secret=SecretStr(secrets.token_hex(16)),
                        voice_barge_in_min_speech_ms=barge_min_ms, voice_reprompt_after_seconds=30)
    if engines == "scripted":
        stt: Any = ScriptedStt([ScriptLine(t, 300) for t in LINES])
        tts: Any = PrerenderedTts(PiperTts())
    else:
        stt, tts = build_engines(settings)
    import uuid

    from infra.db.voice_numbers import NumberRoute
    from voice_runtime.routing import RouteRecord, StaticRoutes

    route = NumberRoute(NUMBER, uuid.UUID(tenant) if tenant else uuid.uuid4(), "Acme Plumbing",
                        "Australia/Sydney")  # a static table: no number is provisioned for it
    runtime = build_runtime(settings, stt=stt, tts=tts, routes=StaticRoutes({NUMBER: RouteRecord(route, None)}))
    metrics = runtime.deps.metrics
    base = {"late": 0.0, "out": 0.0}

    @runtime.app.get("/bench/stats")
    async def stats() -> dict[str, Any]:
        late, out = metrics.late_frames._value.get(), metrics.frames_out._value.get()
        frames, ticks = list(metrics.frame_samples), list(metrics.tick_lateness)
        metrics.tick_lateness.clear()
        result = {"frame_p50": pct(frames, 0.5), "frame_p99": pct(frames, 0.99), "frame_max": max(frames, default=0),
                  "frames_in": len(frames), "late": late - base["late"], "frames_out": out - base["out"],
                  "tick_p99": pct(ticks, 0.99), "tick_max": max(ticks, default=0),
                  **{name: list(values) for name, values in metrics.samples.items()}}
        base.update(late=late, out=out)
        metrics.frame_samples.clear()
        for values in metrics.samples.values():
            values.clear()
        return result

    async def run() -> None:
        await runtime.warm_up()
        gc.collect()
        gc.freeze()
        runtime.start()
        config = uvicorn.Config(runtime.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        await uvicorn.Server(config).serve()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:  # as `revos voice` runs
        runner.run(run())


# --- the callers (this process) ------------------------------------------------------------------


class Worker:
    def __init__(self, engines: str, barge_min_ms: int = 300, env: dict[str, str] | None = None,
                 tenant: str | None = None) -> None:
        from tests.helpers.net import free_port

        self.port = free_port()
        system = ["--tenant", tenant] if tenant else []
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.voice_loop", "--serve", str(self.port),
                                      "--engines", engines, "--barge-min", str(barge_min_ms), *system],
                                     env=env or os.environ.copy())
        self.url = f"http://127.0.0.1:{self.port}"

    async def ready(self) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                try:
                    if (await client.get(f"http://127.0.0.1:{self.port}/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("voice worker did not start")

    def rss_mb(self) -> float:
        import psutil

        return float(psutil.Process(self.proc.pid).memory_info().rss) / 1e6

    async def engines(self) -> str:
        async with httpx.AsyncClient(timeout=30) as client:
            health = (await client.get(f"http://127.0.0.1:{self.port}/healthz")).json()
        return f"{health['stt']} + {health['tts']}"

    async def stats(self) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=30) as client:
            return dict((await client.get(f"http://127.0.0.1:{self.port}/bench/stats")).json())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def calls(worker: Worker, n: int, script: list[Any], audio: dict[str, bytes]) -> list[Any]:
    from voice_runtime.testing.sim_caller import dial

    callers = await asyncio.gather(*(dial(worker.url, NUMBER, None, audio=audio) for _ in range(n)))
    return list(await asyncio.gather(*(c.run(script, max_seconds=180) for c in callers)))


def conversation() -> list[Any]:
    from voice_runtime.testing.sim_caller import Say, WaitForAgent

    script: list[Any] = [WaitForAgent()]
    for line in LINES:
        script += [Say(line), WaitForAgent()]
    return script


async def render_lines(texts: list[str]) -> dict[str, bytes]:
    from voice_runtime.tts.piper_tts import PiperTts

    tts = PiperTts()
    return {t: b"".join([c async for c in tts.synthesize(t)]) for t in texts}


def report_step(label: str, n: int, stats: dict[str, Any], reports: list[Any], seconds: float) -> None:
    timed_out = sum(bool(r.timed_out) for r in reports)
    print(f"{label:>9} {n:>4} calls  {seconds:6.1f}s  frame p50 {ms(stats['frame_p50'])}  p99 "
          f"{ms(stats['frame_p99'])}  max {ms(stats['frame_max'])}  inbound {stats['frames_in']}  "
          f"outbound {int(stats['frames_out'])}  late {int(stats['late'])}  clock tick late p99 "
          f"{ms(stats['tick_p99'])} max {ms(stats['tick_max'])}  scripts timed out {timed_out}", flush=True)


async def capacity(steps: list[int], audio: dict[str, bytes]) -> None:
    print("\n== loop capacity: ScriptedStt + PrerenderedTts(piper) ==", flush=True)
    worker = Worker("scripted")
    try:
        await worker.ready()
        await calls(worker, 1, conversation(), audio)  # renders every agent line once (the cache)
        await worker.stats()
        for n in steps:
            began = time.monotonic()
            reports = await calls(worker, n, conversation(), audio)
            report_step("scripted", n, await worker.stats(), reports, time.monotonic() - began)
    finally:
        worker.stop()


async def local(steps: list[int], latency_calls: list[int], audio: dict[str, bytes], barge_min_ms: int) -> None:
    from voice_runtime.testing.sim_caller import Hangup, Say, WaitForAgent

    short = [WaitForAgent(), Say(LINES[0]), WaitForAgent(), Say(LINES[1]), WaitForAgent(), Hangup()]
    worker = Worker("local", barge_min_ms)
    try:
        await worker.ready()
        print(f"\n== the embedded default engines: {await worker.engines()} (VAD: REVOS_VAD_ENGINE, default silero) "
              f"==\nworker RSS after warm-up: {worker.rss_mb():.0f} MB (one Whisper model per process)", flush=True)
        await calls(worker, 1, short, audio)
        await worker.stats()
        best = 0
        for n in steps:
            began = time.monotonic()
            reports = await calls(worker, n, short, audio)
            stats = await worker.stats()
            report_step("local", n, stats, reports, time.monotonic() - began)
            if stats["late"] == 0 and not any(r.timed_out for r in reports):
                best = n  # no late frame, and every caller got every answer it waited for
        print(f"largest step with no late frames and every script completed (local engines): {best}", flush=True)
        for n in latency_calls:
            reports = await calls(worker, n, conversation(), audio)
            stats = await worker.stats()
            v2v, caller_v2v = stats["voice_to_voice"], [x for r in reports for x in r.voice_to_voice()]
            print(f"voice-to-voice ({n} concurrent full conversations): server p50 {ms(pct(v2v, .5))} p95 "
                  f"{ms(pct(v2v, .95))} (n={len(v2v)}); as the caller heard it p50 {ms(pct(caller_v2v, .5))} p95 "
                  f"{ms(pct(caller_v2v, .95))}", flush=True)
            print_breakdown(stats)
            print(f"worker RSS after {n} concurrent conversations: {worker.rss_mb():.0f} MB", flush=True)
        await barge_in(worker, max(latency_calls), audio, barge_min_ms)
    finally:
        worker.stop()


def print_breakdown(stats: dict[str, Any]) -> None:
    """Where voice-to-voice goes, p50 (p95) after the caller's last voiced frame."""
    turn, final, reply = stats["turn_end_delay"], stats["stt_final_delay"], stats["reply_request"]
    decision = [r - t for r, t in zip(sorted(reply), sorted(turn), strict=False)]  # quantile by quantile
    print(f"  breakdown from the caller's last voiced frame: STT final p50 {ms(pct(final, .5))} (p95 "
          f"{ms(pct(final, .95))}); end of turn decided (end-of-turn window, then the final) p50 {ms(pct(turn, .5))} "
          f"(p95 {ms(pct(turn, .95))}); reply requested p50 {ms(pct(reply, .5))} (the dialogue's decision ~"
          f"{ms(pct(decision, .5))}); then TTS first byte p50 {ms(pct(stats['tts_ttfb'], .5))} (p95 "
          f"{ms(pct(stats['tts_ttfb'], .95))})", flush=True)


async def barge_in(worker: Worker, n: int, audio: dict[str, bytes], guard_ms: int) -> None:
    from voice_runtime.testing.sim_caller import Hangup, Interrupt, WaitForAgent

    reports = await calls(worker, n, [Interrupt(LINES[0], after=1.0), WaitForAgent(), Hangup()], audio)
    stats = await worker.stats()
    server, heard = stats["barge_in_reaction"], [x for r in reports for x in r.barge_in_reactions()]
    print(f"barge-in reaction ({n} calls, backchannel guard {guard_ms} ms): server onset -> clear p50 "
          f"{ms(pct(server, .5))} p95 {ms(pct(server, .95))} (n={len(server)}); caller speech start -> clear "
          f"received p50 {ms(pct(heard, .5))} p95 {ms(pct(heard, .95))}", flush=True)


async def barge_in_with_guard(n: int, audio: dict[str, bytes], guard_ms: int) -> None:
    worker = Worker("local", guard_ms)
    try:
        await worker.ready()
        await barge_in(worker, n, audio, guard_ms)
    finally:
        worker.stop()


async def main(args: argparse.Namespace) -> None:
    audio = await render_lines(LINES)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()}", flush=True)
    if args.steps:
        await capacity([int(x) for x in args.steps.split(",")], audio)
    if args.local_steps:
        latency = [int(x) for x in args.latency_calls.split(",")]
        await local([int(x) for x in args.local_steps.split(",")], latency, audio, args.barge_min)
        for guard in [int(x) for x in args.extra_guards.split(",") if x]:
            await barge_in_with_guard(max(latency), audio, guard)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=int)
    parser.add_argument("--engines", default="scripted")
    parser.add_argument("--barge-min", type=int, default=300)
    parser.add_argument("--tenant", help="with --serve: part of the system in the REVOS_ environment, as this tenant")
    parser.add_argument("--steps", default="10,50,100")
    parser.add_argument("--local-steps", default="1,2,4,8,12")
    parser.add_argument("--latency-calls", default="1,4", help="concurrent full conversations for latency")
    parser.add_argument("--extra-guards", default="100", help="backchannel guards (ms) to measure barge-in with")
    ns = parser.parse_args()
    if ns.serve:
        serve(ns.serve, ns.engines, ns.barge_min, ns.tenant)
    else:
        asyncio.run(main(ns))
