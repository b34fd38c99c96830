"""Task queue names: one per domain, so workers can be scaled and isolated separately."""

from __future__ import annotations

SPINE = "revos-spine"
GOVERNANCE = "revos-governance"
CAPITAL = "revos-capital"
KERNEL = "revos-kernel"
VOICE = "revos-voice"
ONBOARDING = "revos-onboarding"
