"""`revos replay CALL_SID [--config-version N] [--audio] [--save PATH] [--json]`: re-decide a stored call.

Exit code 0 only when the replay is identical (with `--audio`: the transcripts and the decisions too); 1 when it
diverges; 2 when the call cannot be replayed (unknown call, no such version, a graph that cannot be rebuilt).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from activities.call_replay import CallReplayer
from domain.errors import DomainError
from domain.replay import ReplayReport
from domain.replay.fixtures import FixtureGraph, fixture_of
from infra.db.engine import make_engine
from infra.db.replay_sources import PostgresReplaySources
from infra.recordings.reader import read_recording
from infra.recordings.store import build_store
from infra.recordings.wav import leg_wav
from infra.settings import Settings


def describe(report: ReplayReport) -> str:
    """The report as a terminal reads it."""
    version = f"v{report.config_version}" if report.config_version is not None else "the built-in default graph"
    lines = [f"call {report.call_sid} on {version} ({report.config_hash[:12]}): {report.inputs} inputs, "
             f"{report.decisions} recorded decisions"]
    d = report.divergence
    if d is None:
        lines.append("identical")
    else:
        where = f"#{d.seq} {d.event}" if d.seq is not None else f"{d.event} (not in the recording)"
        lines += [f"diverged at {where} ({d.check}, after input {d.input})",
                  f"  expected: {json.dumps(d.expected, ensure_ascii=False)}",
                  f"  actual:   {json.dumps(d.actual, ensure_ascii=False)}"]
    for field in ("outcomes", "terminal", "captured", "transfers", "hung_up"):
        recorded, replayed = getattr(report.recorded, field), getattr(report.replayed, field)
        if recorded != replayed:
            lines.append(f"  {field}: recorded {json.dumps(recorded, ensure_ascii=False)}"
                         f" -> replayed {json.dumps(replayed, ensure_ascii=False)}")
    return "\n".join(lines)


async def save_fixture(replayer: CallReplayer, settings: Settings, report: ReplayReport, path: Path,
                       description: str = "") -> list[Path]:
    """Write the call as a fixture (and its caller leg beside it, when the call was recorded)."""
    events = await replayer.call_events(report.call_sid)
    graph, canonical = await replayer.pinned_graph(events)
    audio: str | None = None
    written = [path]
    try:
        data = await read_recording(build_store(settings), events)
    except DomainError:
        data = None
    if data is not None:
        wav = path.with_suffix(".wav")
        wav.parent.mkdir(parents=True, exist_ok=True)
        wav.write_bytes(leg_wav(data, "caller"))
        audio, written = wav.name, [path, wav]
    fixture = fixture_of(path.stem, report, FixtureGraph.of(graph, report.recorded_config_version, canonical),
                         events, caller_audio=audio, description=description)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fixture.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n")
    return written


async def run_replay(settings: Settings, url: str, args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    engine = make_engine(url, pool_size=1)
    try:
        replayer = CallReplayer(PostgresReplaySources(engine))
        report = await replayer.replay(args.call_sid, args.config_version)
        out: dict[str, Any] = {"report": report.model_dump(mode="json")}
        ok = report.identical
        if args.audio:
            from workers.replay_audio import replay_audio

            audio = await replay_audio(settings, replayer, report.call_sid, args.config_version)
            out["audio"] = audio.model_dump(mode="json")
            ok = ok and audio.identical
        if args.save:
            out["saved"] = [str(p) for p in await save_fixture(replayer, settings, report, Path(args.save),
                                                                  getattr(args, "description", "") or "")]
    finally:
        await engine.dispose()
    return (0 if ok else 1), out


def cmd_replay(args: argparse.Namespace) -> int:
    from workers.local_db import database_url_for_cli

    settings = Settings()
    try:
        with database_url_for_cli(settings) as url:
            code, out = asyncio.run(run_replay(settings, url, args))
    except DomainError as error:
        print(json.dumps({"code": error.code, "message": error.message}) if args.json
              else f"cannot replay {args.call_sid}: {error.message} ({error.code})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return code
    print(describe(ReplayReport.model_validate(out["report"])))
    if "audio" in out:
        from workers.replay_audio import describe_audio

        print(describe_audio(out["audio"]))
    for path in out.get("saved", []):
        print(f"saved {path}")
    return code


def add_replay_parser(sub: Any) -> None:
    replay = sub.add_parser("replay", help="re-decide a stored call from its events: identical, or the divergence")
    replay.add_argument("call_sid")
    replay.add_argument("--config-version", type=int, help="replay on another version of the tenant's config")
    replay.add_argument("--audio", action="store_true",
                        help="re-run the recorded caller audio through the VAD and STT too (faster than real time)")
    replay.add_argument("--save", metavar="PATH", help="write the call as a fixture (tests/fixtures/calls/NAME.json)")
    replay.add_argument("--description", help="with --save: what the fixture is about")
    replay.add_argument("--json", action="store_true", help="print the report as JSON")
    replay.set_defaults(func=cmd_replay)
