"""Server-level statements (CREATE DATABASE and the like) over a plain asyncpg connection."""

from __future__ import annotations

import asyncpg


def asyncpg_args(url: str) -> tuple[str, str | None]:
    """(dsn, unix-socket host) for asyncpg from a SQLAlchemy URL like `postgresql+asyncpg://u@/db?host=/sock`."""
    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    base, _, query = plain.partition("?")
    host = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("host")
    return (base, host) if host else (plain, None)


async def admin_execute(url: str, sql: str, *args: object) -> object:
    """Run one statement outside any transaction (CREATE/DROP DATABASE need that); returns fetchval's result."""
    dsn, host = asyncpg_args(url)
    conn = await asyncpg.connect(dsn, host=host) if host else await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def ensure_database(url: str, name: str) -> None:
    """Create database `name` on the server at `url` unless it exists."""
    if not await admin_execute(url, "SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin_execute(url, f'CREATE DATABASE "{name}"')
