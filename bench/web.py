"""Browser render time of the two heaviest pages: the map with 7,800 poles and the defect ledger
with 10,000 defects in the database. Target: under 1 s each.

Measured in Debian's Chromium (headless, Playwright): from the start of navigation to the later of
the ``load`` event and the first frame painted after the markers (map) or rows (ledger) exist.
Each page is loaded ``RUNS`` times after one warm-up; the median and the worst are printed.

    python bench/web.py
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

POLES = 7800
DEFECTS = 10_000
RUNS = 5
TARGET_S = 1.0
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "bench-password-1"
PAINTED = ("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => "
           "r(performance.now()))))")


def build(data_dir: Path) -> None:
    """A county of 7,800 poles and 10,000 defects spread over them (random grades and statuses)."""
    from irpatrol.config import Settings
    from irpatrol.db import make_engine, session_factory, upgrade
    from irpatrol.registry import auth
    from irpatrol.registry.county import load_county
    from irpatrol.registry.model import Defect, Pole
    from irpatrol.scheduling.core.county import generate

    url = Settings(data_dir=data_dir).effective_database_url
    engine = make_engine(url)
    upgrade(url, engine=engine)
    sessions = session_factory(engine)
    rng = random.Random(1)
    now = datetime.now(UTC)
    with sessions() as session:
        load_county(session, generate(poles=POLES, feeders=60, areas=3, crews=13, seed=1), user="bench")
        pole_ids = list(session.scalars(Pole.__table__.select().with_only_columns(Pole.id)))
        statuses = ["new", "confirmed", "repair_scheduled", "repaired", "verified", "rejected"]
        session.execute(Defect.__table__.insert(), [
            {"kind": "thermal", "grade": rng.choice(["general", "serious", "critical"]),
             "status": rng.choice(statuses), "pole_id": rng.choice(pole_ids),
             "deadline": now + timedelta(days=rng.randint(-60, 180)),
             "found_at": now - timedelta(days=rng.randint(0, 365)),
             "last_t_max_c": round(rng.uniform(30, 140), 1), "last_delta_t_k": round(rng.uniform(5, 90), 1),
             "created_at": now}
            for _ in range(DEFECTS)
        ])
        auth.add_user(session, "bench", role="analyst", password=PASSWORD)
        session.commit()
    engine.dispose()


def measure(base: str) -> dict[str, list[float]]:
    """Seconds from navigation start to painted content, per page and run."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"map (7,800 poles)": [], "ledger (10,000 defects)": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/ui/login")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#kpi-km")
        pages = {"map (7,800 poles)": (f"{base}/ui/map", "body[data-map-ready]"),
                 "ledger (10,000 defects)": (f"{base}/ui/ledger", "#ledger-table tbody tr")}
        for name, (url, ready) in pages.items():
            for run in range(RUNS + 1):
                page.goto(url, wait_until="load")
                page.wait_for_selector(ready)
                painted_ms = page.evaluate(PAINTED)
                load_ms = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
                if run:  # the first load warms the server's and the browser's caches
                    out[name].append(max(painted_ms, load_ms) / 1000.0)
            if name.startswith("ledger"):
                assert page.inner_text("#ledger-total") == str(DEFECTS)
        browser.close()
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        t0 = time.perf_counter()
        build(data)
        print(f"built {POLES} poles and {DEFECTS} defects in {time.perf_counter() - t0:.1f} s")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "IRPATROL_DATA_DIR": str(data), "PYTHONPATH": str(ROOT / "src")}
        env.pop("IRPATROL_DATABASE_URL", None)
        irpatrol = Path(sys.executable).with_name("irpatrol")
        proc = subprocess.Popen([str(irpatrol), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/ui/login", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            results = measure(base)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    worst = 0.0
    print(f"{'page':<26}{'median s':>10}{'worst s':>10}   target < {TARGET_S:.1f} s")
    for name, times in results.items():
        worst = max(worst, max(times))
        print(f"{name:<26}{statistics.median(times):>10.3f}{max(times):>10.3f}")
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
