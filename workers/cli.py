"""The `revos` command: up, worker, api, migrate, keys, replay."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from uuid import UUID

from infra.runtime import tune_gc
from infra.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    for name in ("api_port", "api_host", "voice_port", "voice_host"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    return Settings(**overrides)


def cmd_up(args: argparse.Namespace) -> int:
    from workers.supervisor import up

    return up(_settings(args), voice=not args.no_voice)


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.temporal_worker import run

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(_settings(args), stop)

    asyncio.run(main())
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    settings = _settings(args)
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port,
                log_level=settings.log_level.lower(), access_log=False)
    return 0


def cmd_voice(args: argparse.Namespace) -> int:
    from workers.voice import run_forever

    run_forever(_settings(args))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from infra.db.migrate import upgrade

    settings = _settings(args)
    if not settings.database_url:
        print("REVOS_DATABASE_URL is required", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    from domain.auth import Role
    from infra.db.engine import make_engine
    from infra.db.principals import create_principal
    from workers.local_db import database_url_for_cli

    role = Role(args.role)
    tenant = UUID(args.tenant) if args.tenant else None
    if (role is Role.CUSTOMER) != (tenant is not None):
        print("--tenant is required for the customer role and refused for every other role", file=sys.stderr)
        return 2

    async def main(url: str) -> str:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                principal, key = await create_principal(conn, name=args.name, role=role, tenant_id=tenant)
        finally:
            await engine.dispose()
        print(f"created {role.value} principal {principal.id} ({principal.name}); the key is shown once:")
        return key

    with database_url_for_cli(_settings(args)) as url:
        print(asyncio.run(main(url)))
    return 0


def cmd_capital_schedules(args: argparse.Namespace) -> int:
    from infra.temporal.client import connect
    from infra.temporal.schedules_capital import ensure_capital_schedules

    settings = _settings(args)

    async def main() -> list[str]:
        client = await connect(settings.temporal_target, settings.temporal_namespace)
        return await ensure_capital_schedules(client, settings)

    print("created:", ", ".join(asyncio.run(main())) or "nothing (both schedules exist)")
    return 0


def cmd_kernel_schemas(args: argparse.Namespace) -> int:
    from infra.kernel_schema_files import write_schemas

    for path in write_schemas():
        print(path)
    return 0


def cmd_config_schema(args: argparse.Namespace) -> int:
    from domain.objectives.schema import schema_text
    from infra.tenant_config_schema_file import write_schema

    print(write_schema() if args.write else schema_text(), end="\n" if args.write else "")
    return 0


def cmd_kernel_schedule(args: argparse.Namespace) -> int:
    from infra.temporal.client import connect
    from infra.temporal.kernel_schedule import ensure_daily_schedule

    settings = _settings(args)

    async def main() -> str:
        client = await connect(settings.temporal_target, settings.temporal_namespace)
        return await ensure_daily_schedule(client, settings, UUID(args.tenant))

    print(asyncio.run(main()))
    return 0


def cmd_onboard(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workers.onboard_cli import run

    return run(_settings(args), Path(args.file), tenant=args.tenant, key=args.key)


def cmd_stress(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workers.stress_cli import StressArgs, run

    args.tenant = args.tenant or args.tenant_option
    if bool(args.tenant) == bool(args.all_tenants):
        print("revos stress: name a tenant or --all-tenants", file=sys.stderr)
        return 2
    try:
        tenants = [UUID(args.tenant)] if args.tenant else []
    except ValueError:
        print(f"revos stress: {args.tenant!r} is not a tenant id", file=sys.stderr)
        return 2
    return run(_settings(args), StressArgs(tenants=tenants, all_tenants=args.all_tenants, version=args.config_version,
                                           personas=args.personas, calls=args.calls, concurrency=args.concurrency,
                                           seed=args.seed, as_json=args.json,
                                           save_failures=Path(args.save_failures) if args.save_failures else None,
                                           save_calls=Path(args.save_calls) if args.save_calls else None))
def cmd_demo(args: argparse.Namespace) -> int:
    from workers.demo import run

    return run(_settings(args))


def add_replay(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from workers.replay_cli import add_replay_parser

    add_replay_parser(sub)


def cmd_secrets_key(args: argparse.Namespace) -> int:
    from infra.secrets_box import new_key

    print(new_key())  # for REVOS_SECRETS_KEY; keep it: the stored tenant secrets open only with it
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revos", description="Revenue OS")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start Postgres, Temporal, migrations, worker, voice and API")
    up.add_argument("--port", dest="api_port", type=int, help="API port (default 8000)")
    up.add_argument("--voice-port", dest="voice_port", type=int, help="voice worker port (default 8765)")
    up.add_argument("--no-voice", action="store_true", help="do not start the voice worker")
    up.set_defaults(func=cmd_up)

    demo = sub.add_parser("demo", help="seed a demo tenant on the running system (`revos up` first)")
    demo.add_argument("--port", dest="api_port", type=int, help="API port (default 8000)")
    demo.add_argument("--voice-port", dest="voice_port", type=int, help="voice worker port (default 8765)")
    demo.set_defaults(func=cmd_demo)

    onboard = sub.add_parser("onboard", help="onboard a tenant configuration on the running system: upload, smoke "
                             "test, activate")
    onboard.add_argument("file", help="the tenant configuration (YAML or JSON; see `revos config schema`)")
    onboard.add_argument("--tenant", help="an existing tenant's id (default: create the tenant)")
    onboard.add_argument("--key", help="an operator or admin API key (default: REVOS_API_KEY, else a new one)")
    onboard.add_argument("--port", dest="api_port", type=int, help="API port (default 8000)")
    onboard.set_defaults(func=cmd_onboard)

    stress = sub.add_parser("stress", help="stress personas (hostile, confused, silent, interrupting, ...) through "
                            "the running voice worker; exit 1 when one fails")
    stress.add_argument("tenant", nargs="?", help="the tenant's id")
    stress.add_argument("--tenant", dest="tenant_option", help="the tenant's id (same as the positional)")
    stress.add_argument("--all-tenants", action="store_true", help="every tenant's active version (before a Voice "
                        "Core upgrade)")
    stress.add_argument("--config-version", type=int, help="the version to call (default: the active one)")
    stress.add_argument("--personas", default="all", help="all, or a comma-separated list (cooperative, hostile, "
                        "confused, silent, interrupter, corrector, speller, noisy_line, fast_talker, dtmf_only, "
                        "asks_for_person, hangs_up)")
    stress.add_argument("--calls", type=int, default=1, help="calls per persona and business state (default 1)")
    stress.add_argument("--concurrency", type=int, default=4, help="calls at once (default 4)")
    stress.add_argument("--seed", type=int, default=0, help="the first caller's seed (the same seed, the same caller)")
    stress.add_argument("--json", action="store_true", help="the report as JSON")
    stress.add_argument("--voice-port", dest="voice_port", type=int, help="the voice worker's port (default 8765)")
    stress.add_argument("--save-failures", metavar="DIR", help="write each failed call as a replay fixture "
                        "(DIR/PERSONA_STATE_seedN.json and its caller audio, as `revos replay --save` does)")
    stress.add_argument("--save-calls", metavar="DIR", help="write every call as a replay fixture")
    stress.set_defaults(func=cmd_stress)

    worker = sub.add_parser("worker", help="run the Temporal worker")
    worker.set_defaults(func=cmd_worker)

    api = sub.add_parser("api", help="run the HTTP API (uvicorn)")
    api.add_argument("--host", dest="api_host")
    api.add_argument("--port", dest="api_port", type=int)
    api.set_defaults(func=cmd_api)

    voice = sub.add_parser("voice", help="run the voice worker (Twilio webhook and Media Streams)")
    voice.add_argument("--host", dest="voice_host", help="bind address (default 127.0.0.1)")
    voice.add_argument("--port", dest="voice_port", type=int, help="port (default 8765)")
    voice.set_defaults(func=cmd_voice)

    migrate = sub.add_parser("migrate", help="apply Alembic migrations to head")
    migrate.set_defaults(func=cmd_migrate)

    schedules = sub.add_parser("capital-schedules", help="create the daily cost rollup and weekly summary schedules")
    schedules.set_defaults(func=cmd_capital_schedules)

    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="create a principal and print its key (last line)")
    create.add_argument("--role", required=True, choices=["founder", "admin", "operator", "customer", "service"])
    create.add_argument("--name", required=True)
    create.add_argument("--tenant", help="tenant id (customers only)")
    create.set_defaults(func=cmd_keys_create)

    kernel = sub.add_parser("kernel", help="revenue kernel").add_subparsers(dest="kernel_command", required=True)
    kernel.add_parser("schemas", help="write the contract's JSON Schemas to domain/kernel/schemas/").set_defaults(
        func=cmd_kernel_schemas)
    schedule = kernel.add_parser("schedule", help="create or update a tenant's daily kernel cycle schedule")
    schedule.add_argument("--tenant", required=True, help="tenant id")
    schedule.set_defaults(func=cmd_kernel_schedule)
    config = sub.add_parser("config", help="tenant configuration").add_subparsers(dest="config_command", required=True)
    schema = config.add_parser("schema", help="print the tenant configuration's JSON Schema")
    schema.add_argument("--write", action="store_true", help="write it to domain/objectives/ instead")
    schema.set_defaults(func=cmd_config_schema)
    add_replay(sub)
    sub.add_parser("secrets-key", help="print a new key for REVOS_SECRETS_KEY (tenant secrets at rest)").set_defaults(
        func=cmd_secrets_key)
    return parser


def main(argv: list[str] | None = None) -> None:
    tune_gc()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
