"""End-to-end ingest throughput (images/s) of a simulated flight, on SQLite and PostgreSQL.

A feeder of ``IMAGES / 2`` poles (50 m spans) is flown by the simulator with two 640×512
radiometric TIFFs per pole (raw counts with the simulator's calibration, its default) and 1 % hot
clamps; the flight is cached under the temp folder and reused while the simulator, the TIFF
writer, the Planck code and ``simulate.flight.OUTPUT_FORMAT`` are unchanged.
``irpatrol.ingest.ingest_folder`` then hashes, decodes, matches, examines, copies into
the content-addressed image store (an empty data folder per run) and records every image (worker
processes on all cores, one transaction per image) into an empty database: SQLite always,
PostgreSQL when ``IRPATROL_TEST_POSTGRES_URL`` (or ``IRPATROL_BENCH_POSTGRES_URL``) is set, in a
schema of its own that is dropped afterwards.

Baseline: what a user would otherwise script — one process looping over the files with
``radiometry.read`` + ``pipeline.examine``, no matching, no database (timed on the first
``BASELINE_IMAGES`` files and reported per image).

    .venv/bin/python bench/ingest.py [--images 2000] [--workers N]

Target (issue 4): ≥ 40 images/s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from _pg import postgres_url
from irpatrol import db
from irpatrol.config import Settings
from irpatrol.ingest import ingest_folder
from irpatrol.ingest.discovery import image_files
from irpatrol.registry.assets import import_assets
from irpatrol.simulate.flight import FlightSpec, HotSpec, line_of_poles, write_flight

TARGET = 40.0
BASELINE_IMAGES = 100


def flight(images: int) -> tuple[Path, Path]:
    """The cached flight folder and the asset CSV of its feeder."""
    poles = line_of_poles(max(1, images // 2), prefix="")
    import hashlib

    from irpatrol.radiometry import planck, tiff
    from irpatrol.simulate import flight as simulator

    # new scene or new file format → new cache: the simulator's, the TIFF writer's and the Planck
    # code's sources and the simulator's declared output format all go into the key
    key = hashlib.sha256(simulator.OUTPUT_FORMAT.encode())
    for module in (simulator, tiff, planck):
        key.update(Path(module.__file__ or "").read_bytes())
    scene = key.hexdigest()[:8]
    root = Path(tempfile.gettempdir()) / f"irpatrol-bench-flight-{images}-{scene}"
    csv = root / "poles.csv"
    out = root / "flight"
    if not (out / "ground_truth.json").exists():
        for stale in root.parent.glob(f"irpatrol-bench-flight-{images}-*"):  # made by an older simulator
            shutil.rmtree(stale, ignore_errors=True)
        root.mkdir(parents=True, exist_ok=True)
        csv.write_text("feeder,pole,lat,lon\n" + "".join(f"B1,{p.number},{p.lat},{p.lon}\n" for p in poles))
        hot = [
            HotSpec(p.number, "parallel-groove-clamp", 20.0 + (i % 5) * 10, "ABC"[i % 3])
            for i, p in enumerate(poles)
            if i % 100 == 7
        ]
        t = time.perf_counter()
        write_flight(out, "B1", poles, FlightSpec(images_per_pole=2), hot)
        print(f"simulated {images} images in {time.perf_counter() - t:.1f} s → {out}", flush=True)
    return out, csv


def run(url: str, folder: Path, csv: Path, workers: int | None, tmp: Path) -> tuple[float, int, int]:
    """(images/s, images, defects) of one ingest into a fresh database at ``url``."""
    db.upgrade(url)
    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    with factory() as session:
        import_assets(session, csv)
        session.commit()
    r = ingest_folder(
        factory,
        folder,
        feeder="B1",
        date="2026-07-15",
        crew="bench",
        workers=workers,
        settings=Settings(data_dir=tmp),
    )
    engine.dispose()
    return (r.analysed + r.rejected) / r.elapsed_s, r.analysed + r.rejected, r.defects_opened


def baseline(folder: Path) -> float:
    """Images/s of a plain single-process read + examine loop (no database)."""
    from irpatrol import radiometry
    from irpatrol.pipeline import examine

    files = image_files(folder)[:BASELINE_IMAGES]
    t = time.perf_counter()
    for f in files:
        examine(radiometry.read(f))
    return len(files) / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    folder, csv = flight(args.images)
    rows = []
    base = baseline(folder)
    rows.append(("single-process read+examine loop (no DB)", base, BASELINE_IMAGES, "-"))
    with tempfile.TemporaryDirectory() as tmp:
        rate, n, defects = run(
            f"sqlite:///{tmp}/bench.sqlite", folder, csv, args.workers, Path(tmp) / "sqlite"
        )
        rows.append(("irpatrol ingest → SQLite", rate, n, str(defects)))
        with postgres_url() as pg:
            if pg:
                rate, n, defects = run(pg, folder, csv, args.workers, Path(tmp) / "postgres")
                rows.append(("irpatrol ingest → PostgreSQL", rate, n, str(defects)))
    print(f"\ningest throughput, {args.images} simulated 640×512 TIFFs, {os.cpu_count()} cores")
    print(f"{'run':44} {'images/s':>9} {'images':>7} {'defects':>8} {'× loop':>7} {'target':>8}")
    for name, r, n, d in rows:
        ok = "" if name.startswith("single") else ("ok" if r >= TARGET else "MISSED")
        print(f"{name:44} {r:9.1f} {n:7d} {d:>8} {r / base:7.2f} {ok:>8}")
    print(f"target ≥ {TARGET:.0f} images/s end to end")


if __name__ == "__main__":
    main()
