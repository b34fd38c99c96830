"""Onboarding: stored configuration versions, the onboarding stages, and the smoke tests' scripted callers."""
