"""Which database a CLI command talks to: REVOS_DATABASE_URL, else the embedded one in the data dir."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from infra.db import embedded
from infra.db.migrate import upgrade
from infra.settings import Settings


@contextmanager
def database_url_for_cli(settings: Settings) -> Iterator[str]:
    """The configured database, or the embedded one (started for the command and stopped after it,
    unless `revos up` already runs it)."""
    if settings.database_url:
        yield settings.database_url
        return
    from workers.supervisor import _ensure_database

    pgdata = settings.resolved_data_dir() / "postgres"
    was_running = embedded.is_running(pgdata)
    server = embedded.start(pgdata)
    try:
        asyncio.run(_ensure_database(server.url, "revos"))
        url = server.database_url("revos")
        upgrade(url)
        yield url
    finally:
        if not was_running:
            server.stop()
