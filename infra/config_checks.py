"""What the configuration compiler needs from the world, looked up at the edge that compiles (API or activity).

The compiler is pure: the numbers bound to other tenants come from the routing table, the names of the tenant's
stored secrets from its secrets store (a webhook naming another is `secret_unknown`), and each webhook host's
verdict from resolving it (getaddrinfo) and applying the pure public-address rule. Upload and onboarding both
look again, since a number can be bound, a secret deleted and DNS can change in between.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.objectives import CompiledConfig, compile_document, host_verdict, webhook_hosts
from infra.db.tenant_configs import numbers_bound_elsewhere
from infra.db.tenant_secrets import secret_names

RESOLVE_TIMEOUT = 5.0


async def resolve(host: str) -> list[str]:
    """Every address the host resolves to (none when it does not resolve in time)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT)
    except (OSError, TimeoutError):
        return []
    return sorted({str(info[4][0]) for info in infos})


async def host_verdicts(document: Mapping[str, Any], *, allow_private: bool) -> dict[str, str | None] | None:
    """host -> None (may be called) or why not; None when the deployment skips the check."""
    if allow_private:
        return None
    hosts = sorted(webhook_hosts(document))
    addresses = await asyncio.gather(*(resolve(h) for h in hosts))
    return {host: host_verdict(found) for host, found in zip(hosts, addresses, strict=True)}


async def compile_for_tenant(conn: AsyncConnection, tenant_id: UUID, document: Mapping[str, Any], *,
                             allow_private_hosts: bool) -> CompiledConfig:
    """Compile with the tenant's world: other tenants' numbers, its stored secrets' names and the webhook hosts'
    verdicts (ConfigInvalid)."""
    elsewhere = await numbers_bound_elsewhere(conn, tenant_id)
    secrets = await secret_names(conn, tenant_id)
    verdicts = await host_verdicts(document, allow_private=allow_private_hosts)
    return compile_document(document, numbers_bound_elsewhere=elsewhere, host_verdicts=verdicts,
                            secret_names=secrets)
