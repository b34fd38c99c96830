"""Page roles come from the API routes: every page and form the dashboards offer names a role-checked route."""

from __future__ import annotations

from api.routers import ROUTERS, contracts, experiments, reports, voice_calls
from api.ui import nav_for
from api.ui.access import Access
from api.ui.pages import founder
from domain.auth import Principal, Role


def test_roles_are_the_api_routes_roles() -> None:
    access = Access(ROUTERS)
    assert access.roles(contracts.approve) == {Role.FOUNDER}
    assert access.roles(contracts.list_contracts) == {Role.FOUNDER, Role.ADMIN, Role.OPERATOR}
    assert access.roles(experiments.evaluate) == {Role.ADMIN}
    assert access.roles(reports.weekly_summary) == {Role.ADMIN, Role.FOUNDER}
    assert Role.CUSTOMER in access.roles(voice_calls.read_call)
    assert Role.CUSTOMER not in access.roles(voice_calls.tenant_health)


def test_every_nav_entry_and_decision_names_a_role_checked_route() -> None:
    access = Access(ROUTERS)
    customer = Principal(id="00000000-0000-0000-0000-000000000001", name="c", role=Role.CUSTOMER,
                         tenant_id="00000000-0000-0000-0000-000000000002")
    for item in nav_for(customer):
        assert access.roles(item.endpoint)
    for endpoint, _ in founder.DECISIONS.values():
        assert access.roles(endpoint) == {Role.FOUNDER}
    shown = [i.label for i in nav_for(customer) if access.allows(customer, i.endpoint)]
    assert shown == ["Calls"]
