"""The lock file agrees with pyproject.toml (issue 9): every requirement of the package, its ``dev``
extra and ``requirements/tools.in`` is pinned in ``requirements/lock.txt`` at a version its specifier
allows, with hashes; and nothing is pinned there as a direct requirement that no longer is one."""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
BOOTSTRAP = ROOT / "requirements" / "bootstrap.txt"


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: int
    via: tuple[str, ...]


def read_lock(path: Path) -> dict[str, Pin]:
    """``name==version`` blocks of a compiled requirements file, with their hash count and the
    ``# via`` sources that the compiler wrote under each."""
    pins: dict[str, Pin] = {}
    blocks = re.split(r"\n(?=[A-Za-z0-9])", path.read_text(encoding="utf-8"))
    for block in blocks:
        head = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block)
        if head is None:
            continue
        via = tuple(v.strip() for v in re.findall(r"#\s+(?:via\s+)?(.+)", block) if v.strip() != "via")
        name = canonicalize_name(head.group(1))
        pins[name] = Pin(name, head.group(2), block.count("--hash=sha256:"), via)
    return pins


def direct_requirements() -> dict[str, tuple[Requirement, str]]:
    """Every requirement the lock is compiled from → (requirement, where it is written)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found: dict[str, tuple[Requirement, str]] = {}
    for text in project["dependencies"]:
        found[canonicalize_name(Requirement(text).name)] = (Requirement(text), "irpatrol (pyproject.toml)")
    for text in project["optional-dependencies"]["dev"]:
        found[canonicalize_name(Requirement(text).name)] = (Requirement(text), "irpatrol (pyproject.toml)")
    for line in (ROOT / "requirements" / "tools.in").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            found[canonicalize_name(Requirement(line).name)] = (Requirement(line), "-r requirements/tools.in")
    return found


def test_every_requirement_is_pinned_at_an_allowed_version_with_hashes() -> None:
    pins = read_lock(LOCK)
    problems = []
    for name, (req, _where) in direct_requirements().items():
        pin = pins.get(name)
        if pin is None:
            problems.append(f"{req} is not in {LOCK.name}")
        elif not req.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{req} but {LOCK.name} pins {pin.version}")
    assert not problems, "pyproject.toml and the lock disagree (run `make lock`):\n" + "\n".join(problems)
    unhashed = [p.name for p in pins.values() if p.hashes == 0]
    assert not unhashed, f"pins without hashes: {unhashed}"


def test_nothing_is_locked_as_direct_that_is_no_longer_required() -> None:
    wanted = direct_requirements()
    stale = [p.name for p in read_lock(LOCK).values()
             if any(v.startswith(("irpatrol (pyproject.toml)", "-r requirements/tools.in")) for v in p.via)
             and p.name not in wanted]
    assert not stale, f"locked as direct requirements but no longer required (run `make lock`): {stale}"


def test_the_lock_names_no_index_host() -> None:
    """The lock carries names, versions and hashes only: installs take the index the machine is
    configured for."""
    for path in (LOCK, BOOTSTRAP):
        assert not re.search(r"https?://", path.read_text(encoding="utf-8")), path


def test_the_installer_is_pinned_with_hashes() -> None:
    pins = read_lock(BOOTSTRAP)
    assert set(pins) == {"uv"} and pins["uv"].hashes >= 2


@pytest.mark.parametrize("broken", ["numpy>=999", "a-package-nobody-locked>=1"])
def test_a_disagreement_is_reported(broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself fails on a pyproject.toml that asks for what the lock does not hold."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    fake = tmp_path / "pyproject.toml"
    fake.write_text(text.replace('"numpy>=2.0",', f'"numpy>=2.0",\n    "{broken}",'), encoding="utf-8")
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "tools.in").write_text(
        (ROOT / "requirements" / "tools.in").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="disagree"):
        test_every_requirement_is_pinned_at_an_allowed_version_with_hashes()
