"""Configuration versions for replay tests, stored through the onboarding's repository (infra/db/tenant_configs.py,
migration 0006_objectives): the same rows a tenant's onboarding writes, without its smoke calls or activation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.objectives import compile_config


async def add_version(conn: AsyncConnection, tenant_id: UUID, document: str) -> tuple[int, str]:
    """Store `document` (YAML or JSON) as the tenant's next version; returns its number and content hash."""
    from infra.db import tenant_configs

    compiled = compile_config(document)
    stored, _ = await tenant_configs.create_version(conn, tenant_id, compiled, compiled.config.model_dump(mode="json"),
                                                    source_format="json" if document.lstrip().startswith("{")
                                                    else "yaml", created_by="replay tests", now=datetime.now(UTC))
    return stored.version, compiled.hash
