"""The tenant configuration document: what an operator writes (YAML or JSON), with no code and no prompts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.objectives.business import STRICT, Business
from domain.objectives.integrations import Integration
from domain.objectives.objective_types import Objective
from domain.objectives.values import E164, Email

MAX_OBJECTIVES = 2000


class Escalation(BaseModel):
    """Where a required capture that fails goes: a transfer to `transfer_to`, or a promised call back.

    After hours the caller is promised a call back unless `after_hours` is `transfer` (an on-call number).
    """

    model_config = STRICT

    transfer_to: E164 | None = None
    after_hours: Literal["call_back", "transfer"] = "call_back"


class Notifications(BaseModel):
    """Who at the business hears about calls."""

    model_config = STRICT

    emails: Annotated[list[Email], Field(max_length=20)] = Field(default_factory=list)


class TenantConfig(BaseModel):
    """One tenant's configuration; `objectives` is the graph (the first is the entry).

    `recording`: whether calls are recorded (`record`, the default) or not (`off`).
    `optional_objectives`: `on` asks the objectives marked `required: false`; `off` skips them on every call.
    """

    model_config = STRICT

    business: Business
    numbers: Annotated[list[E164], Field(min_length=1, max_length=50)]
    escalation: Escalation = Field(default_factory=Escalation)
    notifications: Notifications = Field(default_factory=Notifications)
    objectives: Annotated[list[Objective], Field(min_length=1, max_length=MAX_OBJECTIVES)]
    integrations: Annotated[list[Integration], Field(max_length=50)] = Field(default_factory=list)
    recording: Literal["record", "off"] = "record"
    optional_objectives: Literal["on", "off"] = "on"
