"""The layers of docs/architecture.md hold: import-linter's contracts (the layers over the whole tree,
entry points independent, the scheduling core reached only through its service, the pure core free
of I/O frameworks) and mypy over the whole package."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import irpatrol

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _contract(name_start: str) -> dict[str, object]:
    contracts = CONFIG["tool"]["importlinter"]["contracts"]
    found = [c for c in contracts if c["name"].startswith(name_start)]
    assert len(found) == 1, f"no single import-linter contract named {name_start!r}…"
    return found[0]


def test_import_contracts_hold() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_top_level_module_has_a_layer() -> None:
    layers = _contract("layers of docs/architecture.md")["layers"]
    assert isinstance(layers, list)
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    modules = {m.name for m in pkgutil.iter_modules(irpatrol.__path__)}
    assert modules - placed == set(), "add the new top-level module to a layer of pyproject.toml"
    assert "api | cli | web" in layers, "the entry points are independent of each other"


def test_edges_reach_the_scheduling_core_only_through_its_service() -> None:
    contract = _contract("the edges reach the scheduling core")
    assert {"irpatrol.api", "irpatrol.cli", "irpatrol.web"} <= set(contract["source_modules"])
    assert contract["forbidden_modules"] == ["irpatrol.scheduling.core"]


@pytest.mark.slow
def test_mypy_covers_the_whole_package() -> None:
    assert CONFIG["tool"]["mypy"]["files"] == ["src/irpatrol"]
    exe = Path(sys.executable).with_name("mypy")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_lists_every_feature_without_error() -> None:
    exe = Path(sys.executable).with_name("irpatrol")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
