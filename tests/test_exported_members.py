"""Every package states its public surface: ``__all__`` in each ``__init__``, naming exactly the
public names the package defines (the pattern of httpx's ``tests/test_exported_members.py``; ruff's
RUF022 keeps each ``__all__`` sorted).

A package whose ``__init__`` holds only a docstring exports nothing (``__all__ = []``): its modules
are imported by name. Members are the public names the package defines or re-exports from its own
modules; submodules, ``from __future__`` names, ``TYPE_CHECKING`` and names imported from elsewhere
(``Path``, an error class of :mod:`irpatrol.errors`) are not."""

from __future__ import annotations
import __future__

import importlib
import pkgutil
import types

import pytest

import irpatrol

KEPT_DUNDERS = frozenset({"__version__"})


def _packages() -> list[str]:
    names = ["irpatrol"]
    for info in pkgutil.walk_packages(irpatrol.__path__, "irpatrol."):
        if info.ispkg:
            names.append(info.name)
    return sorted(names)


def _own(package: str, value: object) -> bool:
    """Whether ``value`` is defined by ``package`` or one of its modules (constants always are)."""
    home = getattr(value, "__module__", None)
    if not isinstance(home, str) or isinstance(value, types.ModuleType | __future__._Feature):
        return not isinstance(value, types.ModuleType | __future__._Feature)
    return home in (package, "builtins") or home.startswith(package + ".")  # builtins: an alias


def _public(module: types.ModuleType) -> list[str]:
    return [
        name for name, value in vars(module).items()
        if (not name.startswith("_") or name in KEPT_DUNDERS)
        and name != "TYPE_CHECKING"
        and _own(module.__name__, value)
    ]


def test_every_package_is_walked() -> None:
    assert {"irpatrol.diagnosis", "irpatrol.registry", "irpatrol.web.pages"} <= set(_packages())


@pytest.mark.parametrize("name", _packages())
def test_package_exports_exactly_its_public_names(name: str) -> None:
    package = importlib.import_module(name)
    exported = getattr(package, "__all__", None)
    assert exported is not None, f"{name}/__init__.py: no __all__"
    for member in exported:  # first: a package may import its members when first asked (irpatrol.ingest)
        assert hasattr(package, member), f"{name}.__all__ names {member!r}, which it does not define"
    assert sorted(_public(package)) == sorted(exported), f"{name}.__all__ differs from its public names"
