"""Namespace and search-attribute registration against a real Temporal server is idempotent."""

from __future__ import annotations

import uuid

import pytest
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from infra.temporal.search_attributes import ALL, ensure_namespace, register

pytestmark = pytest.mark.integration


async def test_register_namespace_and_attributes_twice(temporal_client: Client) -> None:
    namespace = f"ns-{uuid.uuid4().hex[:8]}"
    await ensure_namespace(temporal_client, namespace)
    await ensure_namespace(temporal_client, namespace)
    await register(temporal_client, "default")
    await register(temporal_client, "default")
    listed = await temporal_client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    assert {k.name for k in ALL} <= set(listed.custom_attributes)
