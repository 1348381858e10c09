"""Size budgets of the adapter layer (issue 15): no module over :data:`MODULE_LINES` lines and no
function over :data:`FUNCTION_LINES` lines in ``registry/``, ``ingest/``, ``api/``, ``web/`` and
``cli/`` (the generated migrations live elsewhere). A module that grows past the budget is split by
what it does, a function into named steps."""

from __future__ import annotations

import ast
from pathlib import Path

import irpatrol

PACKAGE = Path(irpatrol.__file__).parent
FOLDERS = ("registry", "ingest", "api", "web", "cli")
MODULE_LINES = 400
FUNCTION_LINES = 60


def over_budget() -> dict[str, int]:
    """Every module and function of :data:`FOLDERS` over its budget: name → lines."""
    over: dict[str, int] = {}
    for folder in FOLDERS:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            name = path.relative_to(PACKAGE).as_posix()
            if (lines := len(text.splitlines())) > MODULE_LINES:
                over[name] = lines
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > FUNCTION_LINES:
                        over[f"{name}::{node.name}"] = length
    return over


def test_every_folder_exists() -> None:
    assert all((PACKAGE / folder / "__init__.py").is_file() for folder in FOLDERS)


def test_modules_and_functions_within_budget() -> None:
    assert over_budget() == {}, f"over {MODULE_LINES} lines a module or {FUNCTION_LINES} a function"
