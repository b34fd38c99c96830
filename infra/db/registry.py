"""Where each domain's table module is listed, so Alembic and tests see every table."""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import MetaData

from infra.db import (
    tables,
    tables_capital,
    tables_capital_costs,
    tables_dashboards,
    tables_governance,
    tables_integrations,
    tables_kernel,
    tables_objectives,
    tables_voice,
    tables_webrtc,
)
from infra.db.base import metadata

# Each domain adds its module here (one import, one line); importing a module registers its tables.
TABLE_MODULES: list[ModuleType] = [
    tables,
    tables_governance,
    tables_capital,
    tables_kernel,
    tables_voice,
    tables_dashboards,
    tables_webrtc,
    tables_integrations,
    tables_objectives,
    tables_capital_costs,
]


def all_tables() -> MetaData:
    """The metadata every listed module's tables are registered on."""
    return metadata
