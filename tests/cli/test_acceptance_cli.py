"""``irpatrol acceptance`` and ``irpatrol site`` through the Typer app on a fresh SQLite database:
a project from import to accepted with its reports, a site with a violation closed, and a checklist
file with a wrong field refused with row and field named (exit 2, one line)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image as PILImage
from typer.testing import CliRunner

from irpatrol import db
from irpatrol.acceptance.checklist import CHECKLIST_DIR
from irpatrol.cli.main import app


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    from irpatrol.config import get_settings

    for k in list(os.environ):
        if k.startswith("IRPATROL_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    db._ENGINES.clear()
    yield CliRunner()
    for eng in db._ENGINES.values():
        eng.dispose()
    db._ENGINES.clear()
    get_settings.cache_clear()


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == code, (args, r.stdout, r.stderr)
    return r.stdout if code == 0 else r.stderr


def test_checklist_file_with_a_wrong_field_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (CHECKLIST_DIR / "tree-clearance.toml")
        .read_text(encoding="utf-8")
        .replace('method = "visible"', 'methd = "visible"'),
        encoding="utf-8",
    )
    err = run(runner, "acceptance", "checklist", str(bad), code=2)
    assert err.count("\n") == 1 and str(bad) in err
    assert "row 2 (cuttings-removed): unknown field 'methd'" in err
    assert "tree-clearance" in run(runner, "acceptance", "checklists")


@pytest.mark.slow
def test_project_from_import_to_accepted_report(runner: CliRunner, tmp_path: Path) -> None:
    csv = tmp_path / "poles.csv"
    csv.write_text(
        "feeder,pole,lat,lon\n" + "".join(f"F9,N{i},{30 + i * 0.0005:.5f},120.0\n" for i in (1, 2))
    )
    out = json.loads(
        run(
            runner,
            "acceptance",
            "create",
            "Tree job",
            "--kind",
            "tree-clearance",
            "--poles-file",
            str(csv),
            "--contractor",
            "Green Co",
            "--json",
        )
    )
    assert [p["new"] for p in out["poles"]] == [True, True] and out["results"] == {"pending": 3}
    pid = str(out["id"])
    kmz = tmp_path / "m.kmz"
    run(runner, "acceptance", "mission", pid, "--out", str(kmz))
    assert kmz.read_bytes()[:2] == b"PK"
    items = json.loads(run(runner, "acceptance", "show", pid, "--json"))["items"]
    photo = tmp_path / "p.jpg"
    PILImage.new("RGB", (30, 20), (0, 120, 0)).save(photo, "JPEG")
    first = items[0]["id"]
    for it in items:
        run(
            runner,
            "acceptance",
            "evidence",
            str(it["id"]),
            "--value",
            "2.4",
            "--unit",
            "m",
            "--photo",
            str(photo),
        )
        run(runner, "acceptance", "mark", str(it["id"]), "fail" if it["id"] == first else "pass")
    err = run(runner, "acceptance", "accept", pid, code=2)
    assert "1 failed" in err
    rect = json.loads(run(runner, "acceptance", "show", pid, "--json"))["items"][0]["rectifications"][0]
    run(runner, "acceptance", "rectification", str(rect["id"]), "rectified")
    run(runner, "acceptance", "evidence", str(first), "--value", "2.6", "--unit", "m")
    run(runner, "acceptance", "rectification", str(rect["id"]), "verified")
    assert "accepted" in run(runner, "acceptance", "accept", pid)
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    run(runner, "acceptance", "report", pid, "--out", str(pdf), "--lang", "zh")
    run(runner, "acceptance", "report", pid, "--out", str(xlsx))
    assert pdf.read_bytes()[:4] == b"%PDF" and xlsx.read_bytes()[:2] == b"PK"


def test_site_with_a_violation_closed_and_its_report(runner: CliRunner, tmp_path: Path) -> None:
    csv = tmp_path / "poles.csv"
    csv.write_text(
        "feeder,pole,lat,lon\n" + "".join(f"F9,N{i},{30 + i * 0.0005:.5f},120.0\n" for i in (1, 2, 3))
    )
    run(runner, "assets", "import", str(csv))
    site = json.loads(
        run(
            runner,
            "site",
            "create",
            "--ticket",
            "WT-1",
            "--feeder",
            "F9",
            "--poles",
            "N1,N2",
            "--start",
            "2026-05-06T08:00:00",
            "--end",
            "2026-05-06T14:00:00",
            "--json",
        )
    )
    photo = tmp_path / "v.jpg"
    PILImage.new("RGB", (30, 20), (200, 0, 0)).save(photo, "JPEG")
    out = run(runner, "site", "violation", str(site["id"]), "--type", "missing-ppe", "--photo", str(photo))
    vid = out.split()[1].lstrip("#")
    err = run(runner, "site", "transition", vid, "closed", code=2)
    assert "cannot become closed" in err
    run(runner, "site", "transition", vid, "rectified")
    run(runner, "site", "transition", vid, "closed")
    reg = json.loads(run(runner, "site", "register", "--json"))
    assert reg["stats"]["by_type"] == {"missing-ppe": 1} and reg["stats"]["open"] == 0
    kmz, pdf = tmp_path / "o.kmz", tmp_path / "s.pdf"
    run(runner, "site", "mission", str(site["id"]), "--out", str(kmz))
    run(runner, "site", "report", str(site["id"]), "--out", str(pdf))
    assert kmz.read_bytes()[:2] == b"PK" and pdf.read_bytes()[:4] == b"%PDF"
