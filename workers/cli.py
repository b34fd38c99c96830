"""The `revos` command: up, worker, api, migrate, keys."""

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
        client = await connect(settings.temporal_address or f"127.0.0.1:{settings.temporal_port}",
                               settings.temporal_namespace)
        return await ensure_capital_schedules(client, settings)

    print("created:", ", ".join(asyncio.run(main())) or "nothing (both schedules exist)")
    return 0


def cmd_kernel_schemas(args: argparse.Namespace) -> int:
    from infra.kernel_schema_files import write_schemas

    for path in write_schemas():
        print(path)
    return 0


def cmd_kernel_schedule(args: argparse.Namespace) -> int:
    from infra.temporal.client import connect
    from infra.temporal.kernel_schedule import ensure_daily_schedule

    settings = _settings(args)

    async def main() -> str:
        client = await connect(settings.temporal_address or f"127.0.0.1:{settings.temporal_port}",
                               settings.temporal_namespace)
        return await ensure_daily_schedule(client, settings, UUID(args.tenant))

    print(asyncio.run(main()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from workers.demo import run

    return run(_settings(args))


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
    return parser


def main(argv: list[str] | None = None) -> None:
    tune_gc()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
