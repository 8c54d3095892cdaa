"""The layers of docs/architecture.md are the imports: arrows point one way, no cycles.

Every import of every module (function-level ones included) is read with `ast`; a module may
import only from its own layer's package or from lower layers, and the core never imports
the converters.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first. A package's modules may import their own package and anything listed before.
LAYERS: list[tuple[str, ...]] = [
    (
        "transcript.errors",
        "transcript.problems",
        "transcript.generated",
        "transcript.util",
        "transcript._speedups",
    ),
    ("transcript.model",),
    ("transcript.rules",),
    ("transcript.pki",),
    ("transcript.sign",),
    ("transcript.status",),
    ("transcript.wallet",),
    ("transcript.pdfa",),
    ("transcript.verify",),
    ("transcript.render",),
    ("transcript.package", "transcript.extend", "transcript.demo"),
    ("transcript",),  # the public API of __init__
    ("converters",),  # builds on the core
    ("transcript.issuing", "transcript.cli", "transcript.web"),  # on top: the run and the faces
]
FACES = {"transcript.issuing", "transcript.cli", "transcript.web"}


def _package_of(module: str) -> str:
    """The layer entry that owns `module` (the longest listed prefix)."""
    names = [name for layer in LAYERS for name in layer]
    owners = [n for n in names if module == n or module.startswith(n + ".")]
    assert owners, f"{module} is in no layer of docs/architecture.md"
    return max(owners, key=len)


def _rank(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("transcript", "converters"):
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _analysed(modules: dict[str, Path]) -> dict[str, Path]:
    """The hand-written modules (the generated model is the generator's)."""
    return {m: p for m, p in modules.items() if not m.startswith("transcript.generated")}


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found |= {f"{name}.{alias.name}" for alias in node.names}  # `from x import submodule`
    modules = _modules()
    return {name for name in found if name in modules or name.split(".")[0] in ("transcript", "converters")}


def _resolved(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def test_every_import_points_down_the_layers() -> None:
    modules = _modules()
    wrong = []
    for module, path in sorted(_analysed(modules).items()):
        own = _package_of(module)
        for imported in sorted(_imports(module, path)):
            target = _resolved(imported, modules)
            if target is None or target == module:
                continue
            other = _package_of(target)
            if other == own or (other == "transcript" and own != "transcript"):
                if other == "transcript" and own not in FACES and own != "converters":
                    wrong.append(f"{module} imports the public API {target} (import the module instead)")
                continue
            if _rank(other) > _rank(own):
                wrong.append(f"{module} ({own}) imports {target} ({other})")
    assert not wrong, "imports against the layers of docs/architecture.md:\n" + "\n".join(wrong)


def test_the_core_never_imports_the_converters() -> None:
    modules = _modules()
    core = [m for m in _analysed(modules) if m.startswith("transcript") and _package_of(m) not in FACES]
    offenders = [m for m in core if any(i.split(".")[0] == "converters" for i in _imports(m, modules[m]))]
    assert not offenders


def test_no_import_cycles_between_modules() -> None:
    modules = _modules()
    graph = {
        m: {t for i in _imports(m, p) if (t := _resolved(i, modules)) and t != m}
        for m, p in _analysed(modules).items()
    }
    # A package's __init__ importing its own modules is how packages re-export: not a cycle.
    for m in graph:
        graph[m] = {t for t in graph[m] if not t.startswith(m + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state and node in graph:
            visit(node)


def test_the_architecture_document_lists_every_layer() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in LAYERS:
        for name in layer:
            shown = name.replace(".", "/") + ("/" if (ROOT / name.replace(".", "/")).is_dir() else ".py")
            assert f"`{shown}`" in text or f"`{name}`" in text, f"{name} is not in docs/architecture.md"


WEB_STACK = ("fastapi", "starlette", "uvicorn", "jinja2", "multipart", "python_multipart")


def test_only_the_page_needs_the_web_stack() -> None:
    """`pip install .` gives everything but the page: only transcript.web imports the web
    stack, and the serve command only when it runs."""
    modules = _modules()
    wrong = []
    for module, path in _analysed(modules).items():
        if _package_of(module) == "transcript.web":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            stack = [n for n in names if n.split(".")[0] in WEB_STACK or n.startswith("transcript.web")]
            if stack and (module != "transcript.cli.web" or id(node) in top_level):
                wrong.append(f"{module} imports {stack[0]}")
    assert not wrong, wrong
