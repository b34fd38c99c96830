"""The frozen 0003 DDL matches the table definitions the code uses (no missing tables or columns)."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db.registry import all_tables

pytestmark = pytest.mark.integration
STRUCTURAL = {"add_table", "remove_table", "add_column", "remove_column", "modify_type", "modify_nullable"}


def _name(diff: Any) -> str:
    op = diff[0] if isinstance(diff, list) else diff
    return str(op[0])


async def test_capital_schema_matches_code(engine: AsyncEngine) -> None:
    metadata = all_tables()
    capital = {t for t in metadata.tables if t not in {"tenants", "principals", "streams", "events"}}

    def diff(sync_conn: Any) -> list[Any]:
        found = compare_metadata(MigrationContext.configure(sync_conn), metadata)
        return [d for d in found if _name(d) in STRUCTURAL and any(t in repr(d) for t in capital)]

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
