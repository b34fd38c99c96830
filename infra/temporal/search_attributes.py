"""Custom search attributes the workflows set, so the Temporal UI can filter by them."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import SearchAttributeKey

TENANT_ID = SearchAttributeKey.for_keyword("tenant_id")
STATUS = SearchAttributeKey.for_keyword("status")
KIND = SearchAttributeKey.for_keyword("kind")

ALL: tuple[SearchAttributeKey[str], ...] = (TENANT_ID, STATUS, KIND)


def dev_server_args() -> list[str]:
    """`temporal server start-dev` flags that pre-register every attribute."""
    args: list[str] = []
    for key in ALL:
        args += ["--search-attribute", f"{key.name}=Keyword"]
    return args


async def ensure_namespace(client: Client, namespace: str, retention_days: int = 30) -> None:
    """Register the namespace on a cluster that does not have it yet (idempotent)."""
    from google.protobuf.duration_pb2 import Duration
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
    from temporalio.service import RPCError, RPCStatusCode

    try:
        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        await client.workflow_service.register_namespace(
            RegisterNamespaceRequest(
                namespace=namespace,
                workflow_execution_retention_period=Duration(seconds=retention_days * 86400),
            )
        )


async def register(client: Client, namespace: str) -> None:
    """Register the attributes on an existing server (idempotent)."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest

    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {k.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD for k in ALL}
    for name in list(missing):
        if name in existing.custom_attributes:
            del missing[name]
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
