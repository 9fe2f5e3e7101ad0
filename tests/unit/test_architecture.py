"""The package's shape, checked: what each layer may import, who owns transactions, no import cycles.

Read from the source (ast), not by importing it: an import inside a function or under
``TYPE_CHECKING`` counts too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "server" / "ownwise"


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path) -> set[str]:
    """Absolute names of everything ``name`` imports (``from . import x`` gives ``pkg.x`` when it is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def test_only_lsp_imports_pygls_and_lsprotocol():
    bad = [f"{name} imports {imp}" for name, path in modules().items() if not name.startswith("ownwise.lsp")
           for imp in imports(name, path) if imp.split(".")[0] in ("pygls", "lsprotocol")]
    assert bad == []


def test_no_database_handle_outside_the_store():
    """Storage owns its transactions: outside ``store/`` nobody touches ``store.db`` (use ``Store.atomic``)."""
    bad = []
    for name, path in modules().items():
        if name.startswith("ownwise.store"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("db", "conn") and not (
                    isinstance(node.value, ast.Name) and node.value.id == "args"):
                bad.append(f"{name}:{node.lineno}: .{node.attr}")
    assert bad == []


def test_the_hooks_path_stays_light():
    """``ownwise hook`` imports neither pydantic nor sqlite-utils (it runs around every agent edit)."""
    code = ("import sys; import ownwise.hooks.run, ownwise.hooks.agents, ownwise.store.fast, ownwise.hashing; "
            "print(sorted(m for m in ('pydantic', 'sqlite_utils', 'argparse', 'typing') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(PKG.parent)})
    assert out.stdout.strip() == "[]"


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        targets = set()
        for imp in imports(name, path):
            while imp and imp not in mods:  # ``pkg.mod.name`` -> ``pkg.mod``
                imp = imp.rpartition(".")[0]
            if imp and imp != name and imp != "ownwise":
                targets.add(imp)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_in_the_package():
    """No module imports one that imports it back (through any chain, at any level: inside a function
    or under TYPE_CHECKING too). Features import the server; the server imports no feature."""
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
