"""The voice worker's call path never imports the test doubles in voice_runtime/testing/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):  # function-level imports too
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_product_module_imports_voice_runtime_testing() -> None:
    product = [p for p in (ROOT / "voice_runtime").rglob("*.py") if "testing" not in p.relative_to(ROOT).parts]
    product.append(ROOT / "workers" / "voice.py")
    assert len(product) > 30
    doubles = {str(p.relative_to(ROOT)): [m for m in imported_modules(p) if m.startswith("voice_runtime.testing")]
               for p in product}
    assert {path: mods for path, mods in doubles.items() if mods} == {}
