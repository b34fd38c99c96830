"""Governed change: from an issue to a reviewed, executed and audited contract, as pure rules and models."""
