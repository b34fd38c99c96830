"""The compiled objective graph: an immutable model the Voice Core walks, serialisable as JSON.

Every edge is explicit (the document's implicit "next is the following objective" is resolved), a transfer node
carries the number it dials, and every node and edge keeps the JSON path it came from (`source`), so a smoke test
or a replay can name the objective or branch it exercised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from domain.objectives.business import Business
from domain.objectives.config import Escalation

ObjectiveType = Literal["capture_name", "capture_phone", "capture_email", "capture_address", "capture_datetime",
                        "choice", "transfer", "message", "end"]
# What a capture collects; the first five are domain.voice.kinds.CaptureKind values, `message` is free text.
CaptureKind = Literal["name", "phone", "email", "address", "date_time", "message"]
CAPTURE_KINDS: dict[str, CaptureKind] = {
    "capture_name": "name", "capture_phone": "phone", "capture_email": "email", "capture_address": "address",
    "capture_datetime": "date_time", "message": "message",
}
FROZEN = ConfigDict(frozen=True, extra="forbid")


class ChoiceIs(BaseModel):
    """Holds when the caller chose one of `options` at the choice `objective`."""

    model_config = FROZEN

    objective: str
    options: tuple[str, ...]


class Condition(BaseModel):
    """Every clause must hold: each choice clause, and the business being open or closed (at the call's start)."""

    model_config = FROZEN

    choices: tuple[ChoiceIs, ...] = ()
    business: Literal["open", "closed"] | None = None

    def holds(self, chosen: Mapping[str, str], business_open: bool) -> bool:
        """Whether the condition holds for the options chosen so far and the business state."""
        if self.business is not None and (self.business == "open") != business_open:
            return False
        return all(chosen.get(c.objective) in c.options for c in self.choices)


class GraphEdge(BaseModel):
    """An edge to `to`, taken when `condition` holds (None: always); the first edge that holds is taken."""

    model_config = FROZEN

    to: str
    condition: Condition | None = None
    source: str


class Option(BaseModel):
    """A choice's option and the phrases that select it; no phrases makes it the catch-all."""

    model_config = FROZEN

    name: str
    phrases: tuple[str, ...]


class Node(BaseModel):
    """One objective, compiled."""

    model_config = FROZEN

    id: str
    type: ObjectiveType
    capture: CaptureKind | None = None
    required: bool = True
    skip_when_closed: bool = False
    prompt_topic: str | None = None
    options: tuple[Option, ...] = ()
    edges: tuple[GraphEdge, ...] = ()
    transfer_to: str | None = None
    source: str

    @property
    def terminal(self) -> bool:
        """End and transfer finish the graph."""
        return self.type in ("end", "transfer")


class ObjectiveGraph(BaseModel):
    """What the Voice Core needs to run a call: the nodes (document order), the entry, escalation and settings.

    `business` is None for the built-in default graph (no hours: the call counts as open). `config_hash` is the
    content hash of the document it was compiled from (`call.started` carries it).
    """

    model_config = FROZEN

    config_hash: str
    entry: str
    nodes: tuple[Node, ...]
    escalation: Escalation
    optional_objectives: Literal["on", "off"] = "on"
    recording: Literal["record", "off"] = "record"
    business: Business | None = None
    _index: dict[str, Node] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._index = {n.id: n for n in self.nodes}

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when there is none)."""
        return self._index[node_id]
