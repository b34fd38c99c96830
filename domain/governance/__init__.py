"""Governed change: the charter's 10-step contract lifecycle, as pure rules and models."""
