"""Issue 12, item 9: a SIGKILLed ingest leaves nothing running — its pool workers (and with them
the forkserver and the resource tracker) end by themselves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path

    from irpatrol import db
    from irpatrol.config import Settings
    from irpatrol.registry.assets import import_assets
    from irpatrol.ingest import ingest_folder
    from irpatrol.simulate.flight import FlightSpec, line_of_poles, write_flight

    root = Path(sys.argv[1])
    settings = Settings(data_dir=root / "data")
    db.upgrade(settings.effective_database_url)
    poles = line_of_poles(40)
    rows = ["feeder,pole,lat,lon"] + [f"F1,{p.number},{p.lat:.8f},{p.lon:.8f}" for p in poles]
    (root / "assets.csv").write_text("\\n".join(rows) + "\\n")
    with db.session_scope(settings) as session:
        import_assets(session, root / "assets.csv")
    flight = root / "flight"
    # the same poles flown again: enough work to kill the ingest half-way (240 files; an ingest's
    # time goes mostly to each file's own steps, not to its pixels, so the quick schematic frames keep
    # it as long as the field-like 640×512 ones, which took 20 s to write and 8 s to ingest)
    for copy in range(6):
        write_flight(flight / str(copy), "F1", poles,
                     FlightSpec(width=320, height=256, scene="flat",
                                start=datetime(2026, 7, 15, 9, copy, tzinfo=UTC), seed=copy), [])
    print("ready", flush=True)
    ingest_folder(db.session_factory(db.engine_for(settings)), flight, feeder="F1", date="2026-07-15",
                  settings=settings, workers=2)
    """
)


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_ingest_leaves_no_process_behind(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        left: set[int] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait for the pool: forkserver, tracker, 2 workers
            left = descendants(proc.pid)
            if len(left) >= 4:
                break
            assert proc.poll() is None, "the ingest ended before its pool was seen"
            time.sleep(0.05)
        assert len(left) >= 3, f"no pool seen below the ingest: {left}"
        time.sleep(0.5)
        left |= descendants(proc.pid)
        assert proc.poll() is None, "the ingest ended before it could be killed: give it more files"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(p) for p in left):
            time.sleep(0.2)
        still = sorted(p for p in left if alive(p))
        for p in still:  # leave the machine clean whatever the outcome
            os.kill(p, signal.SIGKILL)
        assert not still, f"processes left running after the ingest was killed: {still}"
    finally:
        if proc.poll() is None:
            proc.kill()
