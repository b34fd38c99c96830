"""Which graph a recorded call ran: the pinned configuration version, or the built-in default graph.

`call.started` names the version and the content hash of the graph. A version's graph is compiled from its stored
canonical document (the edge reads it); the default graph's hash depends on its escalation number, which is the
one bound with the called number, or one the call transferred to: the candidates are tried against the hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from domain.errors import Conflict, NotFound
from domain.objectives import ObjectiveGraph, default_graph
from domain.replay.model import ReplayEvent


class Pinned(BaseModel):
    """What `call.started` says about the call's configuration."""

    model_config = ConfigDict(frozen=True)

    call_sid: str
    tenant_id: str | None
    config_version: int | None
    config_hash: str
    called: str
    business_open: bool


def pinned(events: Sequence[ReplayEvent]) -> Pinned:
    """The call's pinned configuration, from its `call.started` event."""
    started = next((e.payload for e in events if e.type == "call.started"), None)
    if started is None:
        raise NotFound("the call has no call.started event: it cannot be replayed", code="call_not_replayable")
    version = started.get("config_version")
    return Pinned(call_sid=str(started.get("call_sid") or ""), tenant_id=started.get("tenant_id") or None,
                  config_version=int(version) if version is not None else None,
                  config_hash=str(started.get("config_hash") or ""), called=str(started.get("called") or ""),
                  business_open=bool(started.get("business_open", True)))


def _transfer_targets(events: Iterable[ReplayEvent]) -> list[str]:
    kinds = ("dialogue.transfer_requested", "transfer.requested")
    return [str(e.payload["to"]) for e in events if e.type in kinds and e.payload.get("to")]


def default_candidates(events: Sequence[ReplayEvent], bound_transfer_to: str | None = None) -> list[ObjectiveGraph]:
    """The default graphs the call may have run: no escalation number, the bound one, any it transferred to."""
    targets: list[str | None] = [None, bound_transfer_to, *_transfer_targets(events)]
    return [default_graph(t) for t in dict.fromkeys(targets)]


def graph_for(config_hash: str, candidates: Iterable[ObjectiveGraph]) -> ObjectiveGraph:
    """The candidate whose content hash is the one the call recorded."""
    for graph in candidates:
        if graph.config_hash == config_hash:
            return graph
    raise Conflict(f"no graph with the recorded hash {config_hash} could be rebuilt", code="graph_not_found")
