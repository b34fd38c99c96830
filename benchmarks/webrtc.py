"""Voice-to-voice over WebRTC against the Twilio transport, in the same run, on loopback.

    python -m benchmarks.webrtc [--calls 6] [--concurrency 1] [--engines scripted|deployment]

One voice worker runs in a child process (`--serve`, on uvloop as `revos voice` runs). Calls alternate between
the two transports with the same script and the same rendered caller audio: a phone caller on Twilio Media
Streams (mu-law over a WebSocket) and a browser caller (an aiortc peer: Opus over loopback ICE, keys on the data
channel). Voice-to-voice is measured where the caller is: from the last frame of the caller's speech leaving it
to the first frame of the agent's answer reaching it (for WebRTC that includes Opus both ways and the jitter
buffer). `scripted` (default) takes the words from ScriptedStt so the figures are about the transports;
`deployment` uses the worker's configured engines (build_engines).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx

from benchmarks.common import percentile

LINES = ["my name is jane smith", "yes", "zero four one two three four five six seven eight", "yes"]
NUMBER = "+61298765432"
SECRET = "benchmark-call-token-secret"
TENANT = uuid.UUID("00000000-0000-4000-8000-00000000be9c")
LOOPBACK = ["127.0.0.0/8"]


def serve(port: int, engines: str) -> None:
    import gc

    import uvicorn
    import uvloop
    from pydantic import SecretStr

    from infra.db.voice_numbers import NumberRoute
    from infra.settings import Settings
    from voice_runtime.engines.factory import build_engines
    from voice_runtime.routing import RouteRecord, StaticRoutes
    from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
    from voice_runtime.tts.piper_tts import PiperTts
    from workers.voice import build_runtime

    settings = Settings(database_url=None, temporal_address="127.0.0.1:9", voice_port=port,
                        voice_reprompt_after_seconds=30, voice_stream_secret=SecretStr(SECRET),
                        webrtc_ice_networks=LOOPBACK)
    stt: Any
    tts: Any
    if engines == "scripted":
        stt, tts = ScriptedStt([ScriptLine(t, 300) for t in LINES]), PiperTts()
    else:
        stt, tts = build_engines(settings)
    # No database: one tenant on one number, its default graph; both transports are planned from this table.
    route = NumberRoute(number=NUMBER, tenant_id=TENANT, tenant_name="Acme Plumbing", timezone="Australia/Sydney")
    runtime = build_runtime(settings, stt=stt, tts=tts, routes=StaticRoutes({NUMBER: RouteRecord(route, None)}))

    async def run() -> None:
        await runtime.warm_up()
        gc.collect()
        gc.freeze()
        runtime.start()
        config = uvicorn.Config(runtime.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        await uvicorn.Server(config).serve()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run())


def script() -> list[Any]:
    from voice_runtime.testing.sim_caller import Hangup, Say, WaitForAgent

    steps: list[Any] = [WaitForAgent()]
    for line in LINES[:3]:
        steps += [Say(line), WaitForAgent(quiet=0.8)]
    return [*steps, Hangup()]


async def twilio_call(port: int, audio: dict[str, bytes]) -> list[float]:
    from voice_runtime.testing.sim_caller import dial

    caller = await dial(f"http://127.0.0.1:{port}", NUMBER, None, audio=audio)  # the webhook, then its signed stream
    return (await caller.run(script(), max_seconds=120)).voice_to_voice()


async def webrtc_call(port: int, audio: dict[str, bytes]) -> list[float]:
    from domain.voice.call_tokens import WebRtcClaims, sign_webrtc
    from voice_runtime.testing.webrtc_caller import WebRtcCaller

    claims = WebRtcClaims(call_sid="WR" + uuid.uuid4().hex, tenant_id=str(TENANT), config_version=None,
                          issued_to="operator:benchmark", expires_at=time.time() + 60, nonce=uuid.uuid4().hex)
    caller = WebRtcCaller(f"http://127.0.0.1:{port}/webrtc/offer", sign_webrtc(claims, SECRET.encode()), None,
                          audio=audio)
    return (await caller.run(script(), max_seconds=120)).voice_to_voice()


async def ready(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(900):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("voice worker did not start")


def line(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    if not ms:
        return f"{name:>8}: no samples"
    return f"{name:>8}: n={len(ms):3d}  p50={percentile(ms, 50):7.1f} ms  p95={percentile(ms, 95):7.1f} ms"


async def main(args: argparse.Namespace) -> None:
    from tests.helpers.net import free_port
    from voice_runtime.tts.piper_tts import PiperTts
    from voice_runtime.webrtc.ice import restrict_ice

    restrict_ice(LOOPBACK)
    voice = PiperTts()
    audio = {t: b"".join([c async for c in voice.synthesize(t)]) for t in LINES}
    voice.close()
    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "benchmarks.webrtc", "--serve", str(port),
                              "--engines", args.engines], env=os.environ.copy())
    samples: dict[str, list[float]] = {"twilio": [], "webrtc": []}
    try:
        await ready(port)
        for round_ in range(args.calls):
            kinds = ("twilio", "webrtc") if round_ % 2 == 0 else ("webrtc", "twilio")
            for kind in kinds:
                call = twilio_call if kind == "twilio" else webrtc_call
                results = await asyncio.gather(*(call(port, audio) for _ in range(args.concurrency)))
                for found in results:
                    samples[kind] += found
            print(f"round {round_ + 1}/{args.calls}: " + "  ".join(f"{k} n={len(v)}" for k, v in samples.items()))
    finally:
        child.terminate()
        child.wait(20)
    print(f"voice-to-voice at the caller, {args.calls} calls per transport x {args.concurrency} at once, "
          f"engines={args.engines} (2 shared cores: figures taken on a loaded machine)")
    for kind, values in samples.items():
        print(line(kind, values))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--engines", choices=["scripted", "deployment"], default="scripted")
    parser.add_argument("--calls", type=int, default=6, help="calls per transport")
    parser.add_argument("--concurrency", type=int, default=1, help="calls at once per round")
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve, arguments.engines)
    else:
        asyncio.run(main(arguments))
