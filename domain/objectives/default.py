"""The Voice Core's built-in graph (name, then phone, then end), for a tenant with no active configuration yet.

It is compiled and hashed like a tenant's document: the objectives and the escalation (the number bound with the
phone number, if any) make its canonical JSON. Without business hours the call counts as open, and escalation
goes to the number at any hour, as calls did before configurations existed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from domain.objectives.build import build_graph
from domain.objectives.compiler import OBJECTIVE_LIST, content_hash
from domain.objectives.config import Escalation
from domain.objectives.errors import ConfigInvalid
from domain.objectives.graph import ObjectiveGraph

DEFAULT_OBJECTIVES: tuple[dict[str, Any], ...] = (
    {"id": "name", "type": "capture_name"},
    {"id": "phone", "type": "capture_phone"},
    {"id": "wrap_up", "type": "end"},
)


@lru_cache(maxsize=256)
def default_graph(transfer_to: str | None = None) -> ObjectiveGraph:
    """The default graph; `transfer_to` (E.164) is where escalations go, None promises a call back."""
    objectives = OBJECTIVE_LIST.validate_python([dict(o) for o in DEFAULT_OBJECTIVES])
    escalation = Escalation.model_validate({"transfer_to": transfer_to, "after_hours": "transfer"})
    nodes, errors = build_graph(objectives, escalation, frozenset())
    if errors:
        raise ConfigInvalid(errors)
    document = {"objectives": OBJECTIVE_LIST.dump_python(objectives, mode="json"),
                "escalation": escalation.model_dump(mode="json")}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return ObjectiveGraph(config_hash=content_hash(canonical), entry=nodes[0].id, nodes=nodes, escalation=escalation)
