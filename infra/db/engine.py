"""Async engine and session factory; one per process, made in its wiring."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


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
