"""Routers, one per resource; each domain adds its module name here (one line)."""

ROUTER_MODULES: list[str] = [
    "api.routers.health",
    "api.routers.tenants",
    "api.routers.streams",
    "api.routers.issues",
    "api.routers.contracts",
    "api.routers.capabilities",
    "api.routers.governance_signals",
    "api.routers.capital_catalog",
    "api.routers.capital_people",
    "api.routers.experiments",
    "api.routers.capital_facts",
    "api.routers.reports",
    "api.routers.kernel",
    "api.routers.kernel_ingest",
    "api.routers.phone_numbers",
]
