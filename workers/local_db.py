"""Which database a CLI command talks to: REVOS_DATABASE_URL, else the embedded one in the data dir."""

from __future__ import annotations

import asyncio

from infra.db import embedded
from infra.db.migrate import upgrade
from infra.settings import Settings


def database_url_for_cli(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    from workers.supervisor import _ensure_database

    server = embedded.start(settings.resolved_data_dir() / "postgres")
    asyncio.run(_ensure_database(server.url, "revos"))
    url = server.database_url("revos")
    upgrade(url)
    return url
