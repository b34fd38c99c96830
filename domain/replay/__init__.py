"""Deterministic call replay: rebuild a call from its events and re-decide it (docs/decisions/0013)."""

from domain.replay.compare import replay_events
from domain.replay.graphs import Pinned, default_candidates, graph_for, pinned
from domain.replay.model import CallResult, Divergence, ReplayEvent, ReplayReport

__all__ = [
    "CallResult", "Divergence", "Pinned", "ReplayEvent", "ReplayReport", "default_candidates", "graph_for",
    "pinned", "replay_events",
]  # fmt: skip
