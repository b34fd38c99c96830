"""Routers, one per resource; each domain adds its module name here (one line)."""

ROUTER_MODULES: list[str] = [
    "api.routers.health",
    "api.routers.tenants",
    "api.routers.streams",
    "api.routers.phone_numbers",
]
