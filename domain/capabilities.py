"""The capabilities governed change can act on, named once: which domain owns each, what it targets, its keys.

Shared by governance (which registers, checks and executes them) and the domains that file changes to
them (the kernel's actions), so nobody spells a capability's name in a string of their own.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

KERNEL_POLICY = "kernel.policy"
CAPITAL_CAMPAIGN = "capital.campaign"
VOICE_TENANT_SETTINGS = "voice.tenant_settings"

Owner = Literal["kernel", "capital", "voice"]
TargetKind = Literal["tenant", "campaign"]


class CapabilitySpec(BaseModel):
    """A governed capability: its owner domain executes every change to it through that domain's own commands."""

    model_config = ConfigDict(frozen=True)

    name: str
    owner: Owner
    target: TargetKind
    keys: tuple[str, ...]
    description: str


KERNEL_POLICY_SPEC = CapabilitySpec(
    name=KERNEL_POLICY, owner="kernel", target="tenant",
    keys=("targets.<field>", "guardrails.<field>", "cfo_guardrails.<field>", "config.<field>"),
    description="A tenant's kernel targets, guardrails and CFO guardrails (a new policy version per change)")
CAPITAL_CAMPAIGN_SPEC = CapabilitySpec(
    name=CAPITAL_CAMPAIGN, owner="capital", target="campaign", keys=("budget_usd", "status"),
    description="A campaign's capital budget and status, through capital's own campaign commands")
VOICE_TENANT_SETTINGS_SPEC = CapabilitySpec(
    name=VOICE_TENANT_SETTINGS, owner="voice", target="tenant",
    keys=("hours", "holidays", "transfer_to", "emails", "optional_objectives"),
    description="A tenant's call settings: a new configuration version, onboarded (smoke-tested) then activated")
