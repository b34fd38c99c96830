"""A standing schemathesis run over every route for every role, against the real app on the real services.

Schemathesis (its CLI, exactly as a user would run it) reads the app's /openapi.json, follows its
links to reach real ids, and fails the run on: any 5xx, any response that breaks its documented
schema, status or content type, and any 2xx to a role the route refuses (tests/helpers/
schemathesis_hooks.py). Bounded by examples per operation; REVOS_SCHEMATHESIS_EXAMPLES and
REVOS_SCHEMATHESIS_SEED widen or vary it (the seed is printed with every failure, to replay it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.state import TemporalProvider
from domain.auth import Role
from infra.db.principals import create_principal
from infra.secrets_box import new_key
from tests.helpers.api_server import route_roles, serve
from workers.capital import capital_bundle
from workers.governance_worker import governance_bundle
from workers.kernel import kernel_bundle
from workers.spine import spine_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[3]
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = int(os.environ.get("REVOS_SCHEMATHESIS_EXAMPLES", "8"))
SEED = os.environ.get("REVOS_SCHEMATHESIS_SEED", "20261201")
CHECKS = ["no_server_error", "response_schema_conformance", "status_code_conformance",
          "content_type_conformance", "refused_role_gets_no_2xx"]


async def _keys(engine: AsyncEngine) -> dict[str, str]:
    async with engine.begin() as conn:
        out = {}
        for role in (Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE):
            out[role.value] = (await create_principal(conn, name=f"st {role.value}", role=role))[1]
        tenant = (await conn.exec_driver_sql(
            "INSERT INTO tenants (id, name, timezone, locale) VALUES (gen_random_uuid(), 'St Customer', "
            "'Australia/Sydney', 'en-AU') RETURNING id")).scalar_one()
        out[Role.CUSTOMER.value] = (await create_principal(conn, name="st customer", role=Role.CUSTOMER,
                                                           tenant_id=tenant))[1]
    return out


# The coverage phase (every boundary value of every field) runs for the roles that own most write routes;
# every role gets the examples, fuzzing and stateful phases.
PHASES = {"admin": "examples,coverage,fuzzing,stateful", "service": "examples,coverage,fuzzing,stateful"}
OTHER_PHASES = "examples,fuzzing,stateful"


async def _run(base: str, role: str, key: str, roles_file: Path, out: Path) -> tuple[int, str]:
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.helpers.schemathesis_hooks", "REVOS_ST_ROLE": role,
           "REVOS_ST_ROLES_FILE": str(roles_file), "PYTHONPATH": str(ROOT)}
    args = ["--config-file", str(CONFIG), "run", f"{base}/openapi.json", "--checks", ",".join(CHECKS),
            "-H", f"Authorization: Bearer {key}", "--phases", PHASES.get(role, OTHER_PHASES),
            "--max-examples", str(EXAMPLES), "--seed", SEED, "--generation-database", "none", "--no-color",
            "--workers", "1", "--warnings", "off", "--request-timeout", "30", "--suppress-health-check", "all"]
    proc = await asyncio.create_subprocess_exec(st, *args, cwd=out, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    stdout, _ = await proc.communicate()
    text = stdout.decode(errors="replace")
    (out / f"schemathesis-{role}.log").write_text(text)
    return proc.returncode or 0, text


async def test_schemathesis_every_route_every_role(settings, engine, temporal_env, worker, tmp_path,
                                                   caplog) -> None:
    # As deployed (`revos up` always keeps a secrets key): a missing key's 503 is a deployment fault, not an input's.
    settings = settings.model_copy(update={"secrets_key": SecretStr(new_key())})
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default",
                                                                        client=temporal_env.client))
    roles_file = tmp_path / "roles.json"
    roles_file.write_text(json.dumps(route_roles(app)))
    keys = await _keys(engine)
    two_at_a_time = asyncio.Semaphore(2)  # the machine's two cores: one run generating while another waits

    async def one(role: str, key: str) -> str | None:
        async with two_at_a_time:
            code, text = await _run(base, role, key, roles_file, tmp_path)
        return None if code == 0 else f"--- {role} (seed {SEED}) ---\n{text[-6000:]}"

    caplog.set_level(logging.ERROR, logger="api.errors")
    async with worker(spine_bundle, governance_bundle, capital_bundle, kernel_bundle), serve(app) as base:
        results = await asyncio.gather(*(one(role, key) for role, key in keys.items()))
    server_errors = [f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records if r.name == "api.errors"]
    failed = [r for r in results if r]
    assert not failed and not server_errors, "\n".join(failed + server_errors[:3])
