"""The worker registry: every domain's bundle factory, imported (a domain adds one import and one line)."""

from __future__ import annotations

from workers.bundle import BundleFactory
from workers.capital import capital_bundle
from workers.governance_worker import governance_bundle
from workers.integrations import integrations_bundle
from workers.kernel import kernel_bundle
from workers.onboarding import onboarding_bundle
from workers.spine import spine_bundle
from workers.voice import voice_bundle

BUNDLE_FACTORIES: list[BundleFactory] = [
    spine_bundle,
    governance_bundle,
    capital_bundle,
    kernel_bundle,
    voice_bundle,
    integrations_bundle,
    onboarding_bundle,
]
