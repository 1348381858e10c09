"""p95 latency of the defect list service with 100,000 findings (issue 4 target ≤ 50 ms).

``irpatrol.registry.defects.list_defects`` is timed directly (a new session per call, as a request
would have): total count + one page with pole, feeder and component loaded. The HTTP figure is
bench/api_defects.py. A synthetic registry is written in bulk: 40 feeders × 250 poles with
three clamps each, 25,000 images with 4 findings each (100,000 findings); graded findings belong
to ~30,000 defects in every status, found over the past two years.

Queries (each warmed up 5 times, then timed ``REPEAT`` times; p50 and p95 in ms):

* first page: default sort (deadline), 50 per page;
* filtered: two statuses, two grades, one feeder, overdue only, worst grade first;
* deep page: page 200 of the whole list sorted by found_at descending;
* one pole: the history of a pole (what the map popup asks for).

SQLite always; PostgreSQL when ``IRPATROL_TEST_POSTGRES_URL`` (or ``IRPATROL_BENCH_POSTGRES_URL``)
is set, in a schema of its own that is dropped afterwards. Baseline: the same first page fetched
without the indexes of the defect table (dropped after the indexed run), to show what they buy.

    .venv/bin/python bench/defect_list.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert

from _pg import postgres_url
from irpatrol import db
from irpatrol.registry.defects import list_defects
from irpatrol.registry.model import Component, Defect, Feeder, Finding, Image, Patrol, Pole

FEEDERS, POLES_PER_FEEDER, IMAGES, FINDINGS_PER_IMAGE = 40, 250, 25_000, 4
REPEAT, TARGET_MS, CHUNK = 200, 50.0, 5_000
GRADES, GRADE_W = ["none", "general", "serious", "critical"], [0.55, 0.25, 0.13, 0.07]
STATUSES = ["new", "confirmed", "rejected", "repair_scheduled", "repaired", "verified", "reopened"]
STATUS_W = [0.35, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05]
DEFECT_INDEXES = (
    "ix_defect_status",
    "ix_defect_grade",
    "ix_defect_pole_id",
    "ix_defect_deadline",
    "ix_defect_status_deadline",
    "ix_defect_status_grade_deadline",
    "ix_defect_pole_component_status",
)


def populate(engine: sa.Engine, seed: int = 7) -> int:
    """Write the synthetic registry; returns the number of findings."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    deadlines = {
        "general": timedelta(days=180),
        "serious": timedelta(days=30),
        "critical": timedelta(hours=24),
    }
    with engine.begin() as c:

        def bulk(model: type, rows: list[dict[str, Any]]) -> None:
            for i in range(0, len(rows), CHUNK):
                c.execute(insert(model), rows[i : i + CHUNK])

        bulk(
            Feeder,
            [
                {"id": f + 1, "name": f"F{f + 1:02d}", "voltage_kv": 10.0, "created_at": now}
                for f in range(FEEDERS)
            ],
        )
        poles: list[dict[str, Any]] = [
            {
                "id": f * POLES_PER_FEEDER + p + 1,
                "feeder_id": f + 1,
                "number": str(p + 1),
                "seq": p + 1,
                "lat": 28.0 + f * 0.01,
                "lon": 112.0 + p * 0.0005,
                "created_at": now,
            }
            for f in range(FEEDERS)
            for p in range(POLES_PER_FEEDER)
        ]
        bulk(Pole, poles)
        comps = [
            {
                "id": 3 * (p["id"] - 1) + k + 1,
                "pole_id": p["id"],
                "kind": "parallel-groove-clamp",
                "phase": "ABC"[k],
                "created_at": now,
            }
            for p in poles
            for k in range(3)
        ]
        bulk(Component, comps)
        bulk(Patrol, [{"id": 1, "date": now.date(), "km_flown": 0.0, "rain": False, "created_at": now}])
        images: list[dict[str, Any]] = []
        findings: list[dict[str, Any]] = []
        defects: list[dict[str, Any]] = []
        defect_of: dict[int, int] = {}
        for i in range(IMAGES):
            pole = poles[i % len(poles)]
            at = now - timedelta(days=rng.uniform(0, 730))
            images.append(
                {
                    "id": i + 1,
                    "sha256": f"{i:064x}",
                    "original_name": f"IMG_{i:05d}.tiff",
                    "patrol_id": 1,
                    "status": "analysed",
                    "pole_id": pole["id"],
                    "captured_at": at,
                    "created_at": now,
                }
            )
            for k in range(FINDINGS_PER_IMAGE):
                grade = rng.choices(GRADES, GRADE_W)[0]
                comp = 3 * (pole["id"] - 1) + (k % 3) + 1
                defect_id = None
                if grade != "none":
                    defect_id = defect_of.get(comp)
                    if defect_id is None:
                        defect_id = defect_of[comp] = len(defects) + 1
                        defects.append(
                            {
                                "id": defect_id,
                                "kind": "thermal",
                                "grade": grade,
                                "status": rng.choices(STATUSES, STATUS_W)[0],
                                "pole_id": pole["id"],
                                "component_id": comp,
                                "found_at": at,
                                "deadline": at + deadlines[grade],
                                "created_at": now,
                            }
                        )
                findings.append(
                    {
                        "image_id": i + 1,
                        "pole_id": pole["id"],
                        "component_id": comp,
                        "defect_id": defect_id,
                        "bbox_x": 10,
                        "bbox_y": 10,
                        "bbox_w": 8,
                        "bbox_h": 6,
                        "t_max_c": 30 + rng.random() * 60,
                        "grade": grade,
                        "created_at": now,
                    }
                )
        bulk(Image, images)
        bulk(Defect, defects)
        bulk(Finding, findings)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.execute(sa.text("ANALYZE"))
            for t in ("feeder", "pole", "component", "patrol", "image", "defect", "finding"):
                c.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
                )
    return len(findings)


QUERIES: dict[str, tuple[dict[str, Any] | None, str, int]] = {
    "first page": (None, "deadline", 1),
    "filtered": (
        {"status": ["new", "confirmed"], "grade": ["critical", "serious"], "feeder": "F07", "overdue": True},
        "-grade",
        1,
    ),
    "deep page": (None, "-found_at", 200),
    "one pole": ({"pole_id": 4321}, "-found_at", 1),
}


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    for _ in range(5):
        fn()
    ms = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(ms, n=100)
    return statistics.median(ms), q[94]


def bench(engine: sa.Engine) -> list[tuple[str, float, float, int]]:
    factory = db.session_factory(engine)
    out = []
    for name, (filters, sort, page) in QUERIES.items():
        total = 0

        def call(filters: dict[str, Any] | None = filters, sort: str = sort, page: int = page) -> None:
            nonlocal total
            with factory() as s:
                result = list_defects(s, filters, sort=sort, page=page, per_page=50)
                total = result.total
                for d in result.items:  # touch what a list shows
                    _ = (d.pole.number, d.pole.feeder.name) if d.pole else None, d.component

        p50, p95 = timed(call)
        out.append((name, p50, p95, total))
    return out


def run(label: str, url: str) -> list[tuple[str, str, float, float, int]]:
    db.upgrade(url)
    engine = db.make_engine(url)
    t = time.perf_counter()
    n = populate(engine)
    db.analyze(engine)  # as an ingest leaves the database (SQLite statistics; PostgreSQL autovacuum)
    print(f"{label}: {n:,} findings written in {time.perf_counter() - t:.1f} s", flush=True)
    rows = [(label, *r) for r in bench(engine)]
    with engine.begin() as c:
        for ix in DEFECT_INDEXES:
            c.execute(sa.text(f"DROP INDEX {ix}"))
        if engine.dialect.name == "postgresql":
            c.execute(sa.text("ANALYZE defect"))
    unindexed = {name: (p50, p95, total) for name, p50, p95, total in bench(engine)}
    rows += [(f"{label} without defect indexes", "filtered", *unindexed["filtered"])]
    engine.dispose()
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run("SQLite", f"sqlite:///{tmp}/bench.sqlite")
        with postgres_url() as pg:
            if pg:
                rows += run("PostgreSQL", pg)
    print(
        f"\ndefect list (service) with {IMAGES * FINDINGS_PER_IMAGE:,} findings, 50 per page, {REPEAT} calls"
    )
    print(f"{'backend':34} {'query':11} {'p50 ms':>7} {'p95 ms':>7} {'matches':>8} {'target':>7}")
    for label, name, p50, p95, total in rows:
        ok = "ok" if p95 <= TARGET_MS else "MISSED"
        print(f"{label:34} {name:11} {p50:7.1f} {p95:7.1f} {total:8d} {ok:>7}")
    print(
        f"target p95 ≤ {TARGET_MS:.0f} ms (the 'without defect indexes' rows are the baseline, not a target)"
    )


if __name__ == "__main__":
    main()
