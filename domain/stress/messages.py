"""The stress calls' payloads, as the onboarding workflow, its activities and `revos stress` pass them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from domain.objectives import ObjectiveGraph
from domain.stress.personas import Persona, business_states


class StressCall(BaseModel):
    """One persona's call on a version of the tenant's configuration, in one business state; `seed` draws the
    caller (the same seed is the same caller, words and values).
    """

    tenant_id: UUID
    version: int = Field(ge=1)
    persona: Persona
    business_open: bool
    seed: int = Field(ge=0)
    number: str
    index: int = 0


class PersonaCall(BaseModel):
    """A persona call the smoke stage places (the number and version are the stage's)."""

    persona: Persona
    business_open: bool
    seed: int = Field(ge=0)


def parse_personas(text: str) -> tuple[Persona, ...]:
    """`all`, `none`, or a comma-separated list of persona names (ValueError names the unknown ones)."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    if words == ["all"]:
        return tuple(Persona)
    if words in ([], ["none"]):
        return ()
    known = {p.value: p for p in Persona}
    unknown = [w for w in words if w not in known]
    if unknown:
        raise ValueError(f"unknown persona {', '.join(unknown)}; known: {', '.join(known)}")
    return tuple(dict.fromkeys(known[w] for w in words))


def persona_calls(graph: ObjectiveGraph, personas: Sequence[Persona], calls: int, seed: int) -> list[PersonaCall]:
    """`calls` calls per persona and business state it runs in, seeds `seed`, `seed + 1`, ..."""
    return [PersonaCall(persona=p, business_open=state, seed=seed + i)
            for p in personas for state in business_states(p, graph) for i in range(calls)]


class StressPlanned(BaseModel):
    """The stress stage's calls on the version under test (none when the stage is switched off)."""

    calls: list[PersonaCall]
    concurrency: int = Field(ge=1)
    call_timeout_seconds: float = Field(gt=0)


class StressVerdict(BaseModel):
    """The stress stage's verdict on a version, as recorded on the tenant's stream."""

    tenant_id: UUID
    version: int
    workflow_id: str
    passed: bool
    detail: dict[str, Any]
