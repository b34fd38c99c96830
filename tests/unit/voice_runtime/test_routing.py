"""Call plans: the default graph without an active version, the active version's graph compiled once per hash,
a smoke grant's version and business state, one use per token, corrupt versions refused.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.objectives import compile_document, default_graph
from domain.onboarding.versions import StoredVersion, VersionCorrupt
from domain.voice.stream_token import TokenRefused
from infra.db.voice_numbers import NumberRoute
from voice_runtime.routing import Business, CallPlan, PendingCalls, Planner, RouteRecord, StaticRoutes

TENANT = uuid.uuid4()
NUMBER = "+61298765432"
DOCUMENT: dict[str, object] = {
    "business": {"name": "Harbour Plumbing", "timezone": "Australia/Sydney", "hours": {"mon": ["07:00-17:00"]}},
            "numbers": [NUMBER], "escalation": {"transfer_to": "+61298765000"},
            "objectives": [{"id": "name", "type": "capture_name"}, {"id": "done", "type": "end"}]}


def stored(version: int, document: dict[str, object] = DOCUMENT) -> StoredVersion:
    compiled = compile_document(document)
    return StoredVersion(tenant_id=TENANT, version=version, hash=compiled.hash,
                         canonical=compiled.config.model_dump(mode="json"), document=dict(document),
                         source_format="json", created_at=datetime.now(UTC), created_by="test")


def routes(active: StoredVersion | None, *others: StoredVersion) -> StaticRoutes:
    table = StaticRoutes({NUMBER: RouteRecord(NumberRoute(NUMBER, TENANT, "Acme", "Australia/Perth", "+61298765009"),
                                              active)})
    for v in (active, *others):
        if v is not None:
            table.versions[(TENANT, v.version)] = v
    return table


async def plan(planner: Planner, version: int | None = None, business: Business | None = None) -> CallPlan:
    record = await planner.route(NUMBER)
    assert record is not None
    return await planner.plan(record, call_sid="CA1", caller="+61400000001", called=NUMBER, version=version,
                              business=business)


async def test_no_active_version_is_the_default_graph_with_the_bound_transfer_target() -> None:
    p = await plan(Planner(routes(None)))
    assert p.config_version is None and p.graph == default_graph("+61298765009")
    assert (p.business_name, p.call_timezone, p.transfer_to) == ("Acme", "Australia/Perth", "+61298765009")
    assert p.business_open(datetime(2026, 12, 25, 3, tzinfo=UTC)) and not p.smoke


async def test_the_active_version_is_compiled_once_per_hash_and_read_from_its_document() -> None:
    planner = Planner(routes(stored(1)))
    first, second = await plan(planner), await plan(planner)
    assert first.config_version == 1 and first.graph is second.graph and planner.cache.compiles == 1
    assert (first.business_name, first.call_timezone, first.transfer_to) == (
        "Harbour Plumbing", "Australia/Sydney", "+61298765000")
    monday_9am, monday_9pm = datetime(2026, 11, 22, 22, tzinfo=UTC), datetime(2026, 11, 23, 10, tzinfo=UTC)  # AEDT
    assert first.business_open(monday_9am) and not first.business_open(monday_9pm)


async def test_a_smoke_grant_runs_the_version_under_test_in_the_state_it_names() -> None:
    planner = Planner(routes(stored(1), stored(2, {**DOCUMENT, "recording": "off"})))
    p = await plan(planner, version=2, business="closed")
    assert p.config_version == 2 and p.smoke and not p.business_open(datetime(2026, 11, 22, 22, tzinfo=UTC))
    with pytest.raises(TokenRefused, match="no configuration version 7"):
        await plan(planner, version=7, business="open")


async def test_a_version_whose_document_no_longer_matches_its_hash_is_refused() -> None:
    tampered = stored(1).model_copy(update={"canonical": {**stored(1).canonical, "recording": "off"}})
    with pytest.raises(VersionCorrupt):
        await plan(Planner(routes(tampered)))


async def test_pending_calls_hand_out_each_plan_once_and_forget_expired_ones() -> None:
    now = [100.0]
    pending = PendingCalls(clock=lambda: now[0])
    p = await plan(Planner(routes(None)))
    claims = p.claims(expires_at=160.0, nonce="n1")
    pending.add(p, claims)
    assert pending.claim(claims) is p
    with pytest.raises(TokenRefused, match="already used"):
        pending.claim(claims)
    other = p.claims(expires_at=160.0, nonce="n2")
    assert pending.claim(other) is None  # made by another process: the socket rebuilds it from the records
    late = p.claims(expires_at=150.0, nonce="n3")
    pending.add(p, late)
    now[0] = 151.0
    assert pending.claim(late) is None  # expired plans are dropped (the token check refuses them first)
