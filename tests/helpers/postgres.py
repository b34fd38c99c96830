"""The embedded Postgres server every test session shares: the migrated template database and admin SQL."""

from __future__ import annotations

from infra.db import embedded
from infra.db.admin import admin_execute as execute_on_server

TEMPLATE = "revos_template"  # migrated once per session; each test's database is a copy of it


async def admin_execute(server: embedded.EmbeddedPostgres, sql: str) -> None:
    """Run `sql` (CREATE/DROP DATABASE ...) on the server's maintenance database."""
    await execute_on_server(server.url, sql)
