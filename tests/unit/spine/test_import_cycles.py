"""No import cycles between the product's modules (domain, activities, workflows, workers, api, voice_runtime, infra).

What counts as an edge: an `import` or `from ... import` at module level, including inside module-level
`if`/`try`/`with` blocks (such as `workflow.unsafe.imports_passed_through()`) and under
`if TYPE_CHECKING:` (a cycle of type-only imports never fails at run time, but it is still one design
split across two modules that each need the other); not imports inside functions (lazy imports).
`from a.b import c` is an edge to the module `a.b.c` when that is a module, else to `a.b`. An import
of `a.b.c` counts as an edge to `a.b.c` only, not to its parent packages: Python initialises those
first, so a package `__init__` that imports its own submodules (a registry such as
api/routers/__init__.py) is not a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("domain", "activities", "workflows", "workers", "api", "voice_runtime", "infra")
# Known cycles being removed (none now); a listed cycle that no longer exists fails the test.
PENDING: list[list[str]] = []


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _module_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level_imports(block)
        elif isinstance(node, ast.With | ast.AsyncWith):
            yield from _module_level_imports(node.body)


def _targets(name: str, path: Path, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    for alias in node.names:
        yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        graph[name] = {target for node in _module_level_imports(tree.body)
                       for target in _targets(name, path, node, modules) if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_every_package_and_real_edges() -> None:
    graph = import_graph()
    assert {name.split(".")[0] for name in graph} == set(PACKAGES)
    assert "activities.governance" in graph["workflows.contract_lifecycle"]  # inside imports_passed_through
    assert "voice_runtime.session" in graph["workers.voice"]  # under TYPE_CHECKING
    assert "api.routers.health" in graph["api.routers"]  # `from api.routers import health` is the submodule


def test_the_check_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    new = [c for c in found if c not in PENDING]
    assert new == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in new)
    gone = [c for c in PENDING if c not in found]
    assert gone == [], f"no longer a cycle, remove it from PENDING: {gone}"
