"""Imports point one way: ui -> services -> {importers, documents, gateways, store} -> domain.

Only ``ui/`` (and ``app.py``, the composition root) imports PySide6; only ``store/`` imports
SQLAlchemy and Alembic; ``domain/`` imports neither and none of the other layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "desktop"

# For each layer, the layers of ours it may import.
ALLOWED = {
    "domain": {"domain"},
    "store": {"store", "domain"},
    "importers": {"importers", "domain"},
    "documents": {"documents", "domain"},
    "gateways": {"gateways", "domain"},
    "services": {"services", "store", "importers", "documents", "gateways", "domain"},
    "ui": {"ui", "services", "domain"},
}
QT = ("PySide6", "shiboken6")
SQL = ("sqlalchemy", "alembic")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts or p.name == "env.py")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _layer(path: Path) -> str | None:
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    layer = _layer(path)
    problems = []
    for name in _imports(path):
        top = name.split(".")[0]
        if top in QT and layer != "ui" and path.name != "app.py":
            problems.append(f"imports {name}: only desktop/ui may import Qt")
        if top in SQL and layer != "store":
            problems.append(f"imports {name}: only desktop/store may import SQLAlchemy/Alembic")
        if top == "desktop" and layer is not None and len(name.split(".")) > 1:
            target = name.split(".")[1]
            if target in ALLOWED and target not in ALLOWED[layer]:
                problems.append(f"imports {name}: {layer} may not import {target}")
            if target in ("app", "cli") and layer is not None:
                problems.append(f"imports {name}: only entry points import the composition root")
    assert not problems, f"{path.relative_to(PACKAGE)}: " + "; ".join(problems)


def test_the_check_sees_every_layer() -> None:
    layers = {_layer(p) for p in _modules()}
    assert {"domain", "store", "services", "ui", "documents"} <= layers
