"""The package's shape: imports run one way, no cycles, and no heavy library is loaded at import time."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "peel_findings"

# Rooms from the bottom up: a module may import from its own room or a lower one, never a higher one.
LAYERS = (
    ("_version", "errors", "_lazy"),
    ("types", "_files"),
    ("taxonomy",),
    ("read", "segment", "model"),
    ("structure",),
    ("pipeline", "decide"),
    ("findings",),
    ("aggregate",),
    ("explore",),
    ("outputs",),
    ("batch", "learn"),
    ("cli",),
)
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}
HEAVY = ("sklearn", "scipy", "pandas", "pyarrow", "spacy", "pdfplumber", "pypdfium2", "numpy", "skops")
# Each PDF library is imported by its engine module alone.
PDF_LIBRARIES = {"pdfplumber": "read/pdf.py", "pdfminer": "read/pdf.py", "pypdfium2": "read/pdfium.py"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every peel_findings module ``path`` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "peel_findings":
                continue
            for alias in node.names:  # `from . import html` names a submodule
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "peel_findings")
    found.discard(name)
    return found


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_architecture_every_module_is_in_a_room():
    rooms = {_room(m) for m in _graph()} - {"__init__"}
    assert rooms <= set(RANK), f"modules outside the layer map: {sorted(rooms - set(RANK))}"


def test_architecture_imports_run_one_way_and_never_up():
    upward = []
    for module, targets in _graph().items():
        if module == "peel_findings":
            continue  # the package's front door imports everything, lazily
        for target in targets:
            if target == "peel_findings":
                upward.append(f"{module} imports the package __init__")
            elif _room(target) != _room(module) and RANK[_room(target)] >= RANK[_room(module)]:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports that run sideways or up:\n" + "\n".join(sorted(upward))


def test_architecture_has_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the stack, 2 done
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state[nxt] == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif state[nxt] == 0:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if state[node] == 0 and node != "peel_findings":
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_architecture_the_layer_test_sees_a_planted_upward_import(tmp_path, monkeypatch):
    """The checks above can fail: an import from a lower room into a higher one is caught."""
    planted = tmp_path / "peel_findings"
    (planted / "read").mkdir(parents=True)
    (planted / "cli.py").write_text("")
    (planted / "read" / "__init__.py").write_text("from ..cli import app\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", planted)
    with pytest.raises(AssertionError, match="peel_findings.read -> peel_findings.cli"):
        test_architecture_imports_run_one_way_and_never_up()


def _third_party_imports(path: Path) -> set[str]:
    """The top-level names of every absolute import in ``path``, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
    return found


def test_architecture_each_pdf_library_is_imported_by_its_engine_alone():
    importers: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        for library in _third_party_imports(path) & set(PDF_LIBRARIES):
            importers[library].add(path.relative_to(PACKAGE).as_posix())
    assert dict(importers) == {library: {module} for library, module in PDF_LIBRARIES.items()}


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [m for m in result.stdout.strip().split(",") if m]


def test_architecture_import_loads_no_heavy_library():
    assert _loaded_after("import peel_findings") == []


def test_architecture_peel_help_loads_no_heavy_library():
    code = ("from typer.testing import CliRunner\nfrom peel_findings.cli import app\n"
            "for args in (['--help'], ['run', '--help'], ['train', '--help']):\n"
            "    assert CliRunner().invoke(app, args).exit_code == 0")
    assert _loaded_after(code) == []


def test_architecture_checking_the_model_on_disk_loads_no_scikit_learn():
    # A resumed run with every file cached checks the model's hashes but never loads it.
    code = "from peel_findings.model.store import model_identity\nassert model_identity()['model']"
    assert not {"sklearn", "scipy", "skops"} & set(_loaded_after(code))
