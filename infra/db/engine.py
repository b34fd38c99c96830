"""Async engine and session factory; one per process, made in its wiring."""

from __future__ import annotations

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)


def asyncpg_url(libpq_uri: str) -> str:
    """`postgresql://u@/db?host=/sock` -> `postgresql+asyncpg://u@/db?host=/sock`."""
    scheme, rest = libpq_uri.split("://", 1)
    if "+" in scheme:
        return libpq_uri
    return f"postgresql+asyncpg://{rest}"


async def raw_driver(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under `conn`, inside `conn`'s transaction.

    SQLAlchemy begins the database transaction lazily, on its first statement: raw driver calls made
    before that would run in autocommit (locks released at once, half-written records on failure).
    """
    raw: asyncpg.Connection = (await conn.get_raw_connection()).driver_connection  # type: ignore[assignment]
    if conn.in_transaction() and not raw.is_in_transaction():
        await conn.execute(text("SELECT 1"))
    return raw
