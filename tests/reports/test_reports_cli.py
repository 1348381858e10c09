"""``irpatrol ledger`` and ``irpatrol report patrol`` against a small registry (subprocesses, so
the settings come from the environment as for a user)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from database import sqlite_copy
from irpatrol.config import Settings
from irpatrol.db import make_engine, session_factory
from irpatrol.registry.model import Defect, Feeder, Patrol, PatrolFeeder, Pole

IRPATROL = str(Path(sys.executable).with_name("irpatrol"))
pytestmark = pytest.mark.slow  # each test runs the CLI in a subprocess: 5–13 s


@pytest.fixture
def registry(tmp_path: Path, sqlite_template: Path) -> Path:
    """``tmp_path`` as the data folder, its database (a copy of the SQLite test database) holding
    feeder 10kV Hexi Line, pole N8, a patrol and an overdue general defect."""
    settings = sqlite_copy(sqlite_template, Settings(data_dir=tmp_path))
    engine = make_engine(settings.effective_database_url)
    with session_factory(engine)() as s:
        feeder = Feeder(name="10kV Hexi Line")
        pole = Pole(feeder=feeder, number="N8", seq=8, lat=28.1, lon=112.9)
        patrol = Patrol(date=date(2026, 6, 2), ambient_c=21.0)
        now = datetime.now(UTC)
        s.add_all([feeder, pole, patrol, PatrolFeeder(patrol=patrol, feeder=feeder, load_current_a=150.0),
                   Defect(kind="thermal", grade="general", status="new", pole=pole, found_at=now,
                          deadline=now - timedelta(days=3), last_t_max_c=48.2, last_delta_t_k=19.5)])
        s.commit()
    engine.dispose()
    return tmp_path


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IRPATROL_DATA_DIR": str(data_dir)}
    env.pop("IRPATROL_DATABASE_URL", None)
    return subprocess.run([IRPATROL, *args], env=env, capture_output=True, text=True, timeout=120)


def test_ledger_writes_excel_and_csv(tmp_path: Path, registry: Path) -> None:
    xlsx, csv = tmp_path / "out" / "ledger.xlsx", tmp_path / "out" / "ledger.csv"
    r = _run("ledger", "--xlsx", str(xlsx), "--csv", str(csv), "--lang", "zh", "--overdue", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"defects": 1, "files": [str(xlsx), str(csv)]}
    ws = load_workbook(io.BytesIO(xlsx.read_bytes())).active
    assert [c.value for c in ws[2]][2:4] == ["10kV Hexi Line", "N8"]
    assert "一般" in [c.value for c in ws[2]] and "是" in [c.value for c in ws[2]]  # general, overdue
    assert "48.2" in csv.read_text(encoding="utf-8-sig")


def test_report_patrol(tmp_path: Path, registry: Path) -> None:
    pdf = tmp_path / "patrol.pdf"
    r = _run("report", "patrol", "1", "--pdf", str(pdf), "--lang", "en", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "10kV Hexi Line" in text and "150 A" in text and "No defects were found" in text


def test_errors_are_one_line(tmp_path: Path, registry: Path) -> None:
    missing = _run("report", "patrol", "99", "--pdf", str(tmp_path / "x.pdf"), data_dir=tmp_path)
    assert missing.returncode == 3 and missing.stderr.strip() == "irpatrol: no patrol 99"
    bad = _run("ledger", "--xlsx", str(tmp_path / "l.xlsx"), "--lang", "fr", data_dir=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--lang" in bad.stderr
    assert _run("ledger", data_dir=tmp_path).returncode == 2


def test_report_feeder_and_period(tmp_path: Path, registry: Path) -> None:
    pdf, xlsx = tmp_path / "f.pdf", tmp_path / "f.xlsx"
    r = _run("report", "feeder", "10kV Hexi Line", "--pdf", str(pdf), "--xlsx", str(xlsx), "--lang", "en",
             data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"feeder": "10kV Hexi Line", "defects": 1, "files": [str(pdf), str(xlsx)]}
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Feeder report" in text and "N8" in text and "48.2" in text and "never inspected" in text
    assert [c.value for c in load_workbook(xlsx).worksheets[0][2]][3] == "N8"
    out = tmp_path / "p.xlsx"
    # the period's dates are the county's (the report reads them in its zone), not UTC's: from 16:00 UTC
    # on, UTC's today is yesterday in Asia/Shanghai and a defect found now lies after its end
    today = datetime.now(ZoneInfo(Settings(data_dir=tmp_path).timezone)).date()
    r = _run("report", "period", "--from", "2026-06-01", "--to", today.isoformat(), "--xlsx", str(out),
             data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"patrols": 1, "defects": 1, "files": [str(out)]}
    assert load_workbook(out).sheetnames == ["缺陷台账", "巡检记录"]


def test_report_feeder_and_period_errors(tmp_path: Path, registry: Path) -> None:
    missing = _run("report", "feeder", "No Such Line", "--pdf", str(tmp_path / "x.pdf"), data_dir=tmp_path)
    assert missing.returncode == 3 and missing.stderr.strip() == "irpatrol: no feeder 'No Such Line'"
    nothing = _run("report", "feeder", "10kV Hexi Line", data_dir=tmp_path)
    assert nothing.returncode == 2 and "--pdf" in nothing.stderr
    backwards = _run("report", "period", "--from", "2026-06-02", "--to", "2026-06-01", "--pdf",
                     str(tmp_path / "p.pdf"), data_dir=tmp_path)
    assert backwards.returncode == 2 and "before the start" in backwards.stderr
    assert not (tmp_path / "p.pdf").exists()
