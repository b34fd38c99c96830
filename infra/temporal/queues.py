"""Task queue names: one per domain, so workers can be scaled and isolated separately."""

from __future__ import annotations

SPINE = "revos-spine"
GOVERNANCE = "revos-governance"
CAPITAL = "revos-capital"
KERNEL = "revos-kernel"
VOICE = "revos-voice"
ONBOARDING = "revos-onboarding"
INTEGRATIONS = "revos-integrations"  # post-call deliveries and costs: their own workers, never the voice loop's


def sibling(current: str, base: str, other: str) -> str:
    """The task queue `other` with the suffix `current` (a `base` queue) carries: what a workflow on `base` names
    when it starts work on `other` (Settings.queue appends one suffix to every base name).
    """
    return other + current[len(base):] if current.startswith(base) else other
