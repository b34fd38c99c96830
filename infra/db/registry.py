"""Where each domain's table module is listed, so Alembic and tests see every table."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from infra.db.base import metadata

# Each domain adds its module here (one line), e.g. "infra.db.tables_capital".
TABLE_MODULES: list[str] = [
    "infra.db.tables",
    "infra.db.tables_governance",
    "infra.db.tables_capital",
    "infra.db.tables_kernel",
    "infra.db.tables_voice",
]


def load_table_modules() -> MetaData:
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return metadata
