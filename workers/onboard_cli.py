"""`revos onboard FILE.yaml [--tenant ID]`: create the tenant if needed, upload, onboard, show every stage live.

It talks to the running API like any client. Exit 0 once the version is active; 1 with the reasons when the
configuration is refused or a stage fails; 2 when the system is not reachable.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from domain.objectives import ConfigInvalid, compile_document, parse_document
from domain.objectives.parse import Format

MARKS = {"pending": "·", "running": "▶", "passed": "✓", "failed": "✗", "skipped": "-"}


def bar(done: int, total: int, width: int = 20) -> str:
    """`[########------------] 3/6`."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total}"


def stage_line(stage: dict[str, Any]) -> str:
    """One stage: its mark, name, time, and a word on what it found."""
    seconds = f"{stage['seconds']:.1f}s" if stage.get("seconds") is not None else ""
    detail, note = stage.get("detail") or {}, ""
    if stage["stage"] == "smoke" and "paths" in detail:
        note = f"{bar(detail['done'], detail['paths'], 12)} calls, {detail['passed']} passed"
    elif stage["stage"] == "stress" and "calls" in detail:
        failed = [p["name"] for p in detail.get("personas", []) if not p["ok"]]
        note = f"{bar(detail['done'], detail['calls'], 12)} persona calls, {detail['passed']} passed" + (
            f"; failed: {', '.join(failed)}" if failed else "")
    elif stage["stage"] == "compile" and "paths" in detail:
        note = f"{detail['objectives']} objectives, {detail['paths']} smoke paths"
    elif stage["stage"] == "bind" and "numbers" in detail:
        note = ", ".join(f"{n['number']} ({n['provider']})" for n in detail["numbers"])
    elif "error" in detail:
        note = detail["error"].get("message", "")
    return f"  {MARKS[stage['status']]} {stage['stage']:<9} {seconds:>7}  {note}".rstrip()


def failure_report(progress: dict[str, Any]) -> list[str]:
    """Why onboarding failed: the stage's error, or each failed smoke or stress call in full."""
    lines = [f"onboarding failed: {progress.get('failure')}"]
    for stage in progress["stages"]:
        for call in (stage.get("detail") or {}).get("failures", []):
            state = "open" if call["business_open"] else "closed"
            who = f"path {call['path']}" if "path" in call else f"persona {call['persona']} (seed {call['seed']})"
            lines.append(f"  {who} ({state}), call stream {call['stream']}:")
            lines += [f"    - {p}" for p in call["problems"]]
            lines.append(f"    expected {_outcomes(call['expected'])} then {call['expected_terminal']}")
            lines.append(f"    actual   {_outcomes(call['actual'])} then {call['actual_terminal']}")
    return lines


def _outcomes(outcomes: list[dict[str, Any]]) -> str:
    return ", ".join(f"{o['objective']} {o['kind']}" + (f" {o['value']}" if o["kind"] == "chosen" else "")
                     for o in outcomes) or "nothing"


@dataclass
class Live:
    """Redraws the stage block in place on a terminal; prints each change once otherwise."""

    out: TextIO
    tty: bool
    drawn: int = 0
    last: list[str] = field(default_factory=list)

    def show(self, title: str, progress: dict[str, Any]) -> None:
        stages = progress["stages"]
        done = sum(s["status"] in ("passed", "failed", "skipped") for s in stages)
        lines = [f"{title}  {bar(done, len(stages))} stages"] + [stage_line(s) for s in stages]
        if self.tty:
            if self.drawn:
                self.out.write(f"\x1b[{self.drawn}F")
            self.out.write("".join(f"\x1b[2K{line}\n" for line in lines))
            self.drawn = len(lines)
        else:
            for line in lines:
                if line not in self.last:
                    self.out.write(line + "\n")
        self.last = lines
        self.out.flush()


class OnboardClient:
    """The API steps of onboarding, for the command and `revos demo`."""

    def __init__(self, base_url: str, key: str, out: TextIO = sys.stdout) -> None:
        self.api = httpx.Client(base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {key}"})
        self.out = out

    def create_tenant(self, document: dict[str, Any]) -> str:
        found = document.get("business")
        business: dict[str, Any] = found if isinstance(found, dict) else {}
        body = {"name": str(business.get("name") or "New tenant")}
        if isinstance(business.get("timezone"), str):
            body["timezone"] = business["timezone"]
        response = self.api.post("/v1/tenants", json=body)
        response.raise_for_status()
        return str(response.json()["id"])

    def upload(self, tenant: str, text: str, fmt: str) -> dict[str, Any] | list[dict[str, str]]:
        """The stored version, or the refusals (path, code, message)."""
        response = self.api.post(f"/v1/tenants/{tenant}/configs", content=text.encode(),
                                 headers={"content-type": f"application/{fmt}"})
        if response.status_code == 422 and response.json().get("code") == "config_invalid":
            return list(response.json()["errors"])
        response.raise_for_status()
        return dict(response.json())

    def start(self, tenant: str, version: int) -> str:
        response = self.api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": version})
        if response.status_code == 409 and response.json().get("code") == "onboarding_in_progress":
            return f"onboarding-{tenant}-v{version}"  # follow the run already going
        response.raise_for_status()
        return str(response.json()["workflow_id"])

    def follow(self, workflow_id: str, title: str, *, every: float = 1.0, timeout: float = 3600) -> dict[str, Any]:
        live = Live(self.out, self.out.isatty())
        deadline = time.monotonic() + timeout
        while True:
            response = self.api.get(f"/v1/onboarding/{workflow_id}")
            response.raise_for_status()
            progress: dict[str, Any] = response.json()
            live.show(title, progress)
            if progress["status"] != "running" or time.monotonic() > deadline:
                return progress
            time.sleep(every)

    def onboard(self, path: Path, tenant: str | None) -> int:
        """The whole command; its exit code."""
        text = path.read_text()
        fmt: Format = "json" if path.suffix.lower() == ".json" else "yaml"
        try:  # refused here, nothing is created; the server checks again with what only it knows
            document = parse_document(text, fmt)
            compile_document(document)
        except ConfigInvalid as refused:
            return self._refused([e.model_dump() for e in refused.errors])
        tenant = tenant or self.create_tenant(document)
        stored = self.upload(tenant, text, fmt)
        if isinstance(stored, list):
            return self._refused(stored)
        if stored["active"]:
            self.out.write(f"tenant {tenant}: version {stored['version']} ({stored['hash'][:12]}) is active already\n")
            return 0
        workflow_id = self.start(tenant, stored["version"])
        title = f"tenant {tenant} version {stored['version']} ({workflow_id})"
        progress = self.follow(workflow_id, title)
        if progress["status"] == "active":
            self.out.write(f"active: version {stored['version']} answers {', '.join(document.get('numbers', []))}\n")
            return 0
        self.out.write("\n".join(failure_report(progress)) + "\n")
        return 1

    def _refused(self, errors: list[dict[str, str]]) -> int:
        self.out.write(f"the configuration is refused ({len(errors)} error{'s' if len(errors) != 1 else ''}):\n")
        self.out.writelines(f"  {e['path']}: {e['code']}: {e['message']}\n" for e in errors)
        return 1


def operator_key(settings: Any) -> str:
    """A new operator key, made in the local database (when no key is given)."""
    import asyncio

    from domain.auth import Role
    from infra.db.engine import make_engine
    from infra.db.principals import create_principal
    from workers.local_db import database_url_for_cli

    async def make(url: str) -> str:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                return (await create_principal(conn, name="revos onboard", role=Role.OPERATOR))[1]
        finally:
            await engine.dispose()

    with database_url_for_cli(settings) as url:
        return asyncio.run(make(url))


def run(settings: Any, path: Path, *, tenant: str | None, key: str | None) -> int:
    """`revos onboard`: 0 active, 1 refused or failed, 2 nothing to talk to."""
    import os

    base = f"http://{settings.api_host}:{settings.api_port}"
    if not path.is_file():
        print(f"revos onboard: no such file {path}", file=sys.stderr)
        return 2
    try:
        httpx.get(f"{base}/readyz", timeout=5).raise_for_status()
    except httpx.HTTPError:
        print(f"revos onboard: nothing ready at {base}; start the system first (revos up)", file=sys.stderr)
        return 2
    client = OnboardClient(base, key or os.environ.get("REVOS_API_KEY") or operator_key(settings))
    try:
        return client.onboard(path, tenant)
    except httpx.HTTPStatusError as exc:
        print(f"revos onboard: {exc.request.method} {exc.request.url.path} answered {exc.response.status_code}: "
              f"{exc.response.text}", file=sys.stderr)
        return 1
