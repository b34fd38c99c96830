"""Raw asyncpg calls made through `raw_driver` belong to the SQLAlchemy transaction around them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db.engine import raw_driver

pytestmark = pytest.mark.integration


async def test_raw_driver_work_rolls_back_with_the_transaction(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            pg = await raw_driver(conn)
            assert pg.is_in_transaction()
            await pg.execute("INSERT INTO tenants (id, name, timezone, locale) "
                             "VALUES (gen_random_uuid(), 'half', 'UTC', 'en-AU')")
            raise RuntimeError("fail after the raw write")
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM tenants"))).scalar_one() == 0
