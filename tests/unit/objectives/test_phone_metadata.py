"""Every module that checks E.164 numbers in workflow payloads has every region's metadata loaded at import: a
region loaded lazily inside a workflow sandbox leaves phonenumbers' lock held and deadlocks the worker."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["domain.objectives.values", "domain.voice.phone", "domain.integrations.costs"])
def test_importing_a_number_checker_loads_every_region(module: str) -> None:
    probe = (f"import {module}; from phonenumbers import PhoneMetadata; "
             "print(sum(loader is not None for loader in PhoneMetadata._region_available.values()))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"  # no region left to load lazily
