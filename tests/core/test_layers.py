"""The layer contract: core ← library ← audit ← policy ← render/gate/grading/fill ← serve ← cli, and no import cycle.

Every import in ``src/aiaudit`` (module level or inside a function) is an edge of the graph. An
edge may go down the layers or stay inside one package; sideways edges between packages of the
same layer are allowed only where listed in ``SIDEWAYS``. The checks are plain functions over a
graph, so a fake graph with a back-edge shows that they fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import aiaudit

SRC = Path(aiaudit.__file__).resolve().parent

#: Each layer's top-level parts of the package; a module belongs to the first entry that prefixes it.
LAYERS: list[tuple[str, ...]] = [
    (
        *("aiaudit", "loading", "diagnostics", "i18n", "paths", "schemas", "model", "records", "validation", "text", "files"),
        *("csvfile", "cache", "digest"),
    ),
    ("library",),
    ("audit",),
    ("policy",),
    ("render", "gate", "grading", "fill", "report", "lifecycle"),
    ("serve",),
    ("cli", "__main__"),
]
#: Allowed imports between different packages of the same layer.
SIDEWAYS = {("grading", "render"), ("lifecycle", "render"), ("__main__", "cli")}


def part(module: str) -> str:
    """``aiaudit.audit.load`` → ``audit``; ``aiaudit`` → ``aiaudit``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else pieces[0]


def rank(module: str) -> int:
    name = part(module)
    for n, layer in enumerate(LAYERS):
        if name in layer:
            return n
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def back_edges(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Every import that goes up a layer, or sideways without being allowed."""
    bad = []
    for src, targets in graph.items():
        for dst in targets:
            if part(src) == part(dst):
                continue
            if rank(dst) > rank(src) or (rank(dst) == rank(src) and (part(src), part(dst)) not in SIDEWAYS and rank(src) > 0):
                bad.append((src, dst))
    return sorted(bad)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the aiaudit modules it imports (relative imports resolved; ``from pkg import mod`` is the module)."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("aiaudit"):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    edges.add(sub if sub in modules else target)
            elif isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name.startswith("aiaudit")}
        graph[name] = {e for e in edges if e != name and e in modules}
    return graph


def test_no_module_imports_a_higher_layer():
    assert back_edges(import_graph()) == []


def test_no_import_cycles():
    graph = import_graph()
    assert cycles(graph) == []


def test_every_module_is_in_a_layer():
    for module in import_graph():
        rank(module)


def test_the_checks_catch_a_back_edge_and_a_cycle():
    fake = {
        "aiaudit.loading": {"aiaudit.audit.load"},  # core importing the audit layer
        "aiaudit.audit.load": {"aiaudit.library.catalog"},
        "aiaudit.render.html": {"aiaudit.gate.findings"},  # sideways, not allowed
        "aiaudit.grading.outputs": {"aiaudit.render.pdf"},  # sideways, allowed
        "aiaudit.gate.findings": {"aiaudit.gate.outputs"},
        "aiaudit.gate.outputs": {"aiaudit.gate.findings"},
    }
    assert back_edges(fake) == [("aiaudit.loading", "aiaudit.audit.load"), ("aiaudit.render.html", "aiaudit.gate.findings")]
    assert cycles(fake) == [["aiaudit.gate.findings", "aiaudit.gate.outputs"]]


def test_the_real_graph_is_not_empty():
    graph = import_graph()
    assert "aiaudit.audit.load" in graph["aiaudit.gate"] or any("aiaudit.audit" in d for d in graph["aiaudit.gate"])
    assert len(graph) > 50
