"""Test factories: registry rows with sensible defaults, one function per kind of row.

Each function returns a new, unsaved ORM object (add it, or the row it hangs on, to a session);
keyword arguments override any column. Relationships are passed as objects (``feeder=``, ``pole=``,
``image=``…), so a whole graph is added with one ``session.add_all``. Unique columns (names, SHA-256)
get a fresh value each call. Units as in :mod:`irpatrol.registry.model`: °C, K, m, A.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from irpatrol.registry.model import (
    Area,
    Component,
    Defect,
    Feeder,
    Finding,
    Hazard,
    Image,
    Patrol,
    PatrolFeeder,
    Pole,
)

_serial = itertools.count(1)

LAT0, LON0 = 30.0, 120.0
"""Where the first pole of a :func:`feeder` stands (WGS84 degrees); the next ones follow at
0.001° steps north-east (about 145 m apart)."""


def area(**values: Any) -> Area:
    """A service area with a fresh name."""
    return Area(**{"name": f"Area {next(_serial)}", **values})


def feeder(*, poles: int = 0, **values: Any) -> Feeder:
    """A 10 kV feeder with a fresh name and ``poles`` poles N1…Nn in a line (seq 1…n)."""
    row = Feeder(**{"name": f"10kV Line {next(_serial)}", **values})
    for i in range(1, poles + 1):
        pole(feeder=row, number=f"N{i}", seq=i)
    return row


def pole(*, feeder: Feeder, number: str = "N1", seq: int = 1, **values: Any) -> Pole:
    """Pole ``number`` of ``feeder``, placed by its ``seq`` from (:data:`LAT0`, :data:`LON0`)."""
    return Pole(**{"feeder": feeder, "number": number, "seq": seq,
                   "lat": LAT0 + seq * 0.001, "lon": LON0 + seq * 0.001, **values})


def component(*, pole: Pole, kind: str = "parallel-groove-clamp", phase: str | None = "B",
              **values: Any) -> Component:
    """A part on ``pole`` (``kind`` from the diagnosis catalogue)."""
    return Component(**{"pole": pole, "kind": kind, "phase": phase, **values})


def patrol(*, feeders: tuple[Feeder, ...] = (), load_current_a: float | None = None,
           **values: Any) -> Patrol:
    """Today's patrol in fair weather (24 °C, 60 %, 1.5 m/s) over ``feeders`` (each at
    ``load_current_a``, A)."""
    row = Patrol(**{"date": date.today(), "ambient_c": 24.0, "humidity_pct": 60.0, "wind_m_s": 1.5,
                    "km_flown": 0.0, **values})
    row.feeders = [PatrolFeeder(feeder=f, load_current_a=load_current_a) for f in feeders]
    return row


def image(*, patrol: Patrol | None = None, pole: Pole | None = None, **values: Any) -> Image:
    """An analysed 80×60 thermogram taken now at ``pole`` in ``patrol``, with a fresh SHA-256 and
    the usual capture parameters (emissivity 0.9, 8 m, 20 °C reflected)."""
    n = next(_serial)
    return Image(**{
        "sha256": f"{n:064d}", "original_name": f"IMG_{n}.tiff", "patrol": patrol, "pole": pole,
        "status": "analysed", "captured_at": datetime.now(UTC), "width": 80, "height": 60,
        "params": {"emissivity": 0.9, "distance_m": 8.0, "reflected_c": 20.0}, **values,
    })


def finding(*, image: Image, grade: str = "serious", t_max_c: float = 96.4, t_ref_c: float = 31.2,
            **values: Any) -> Finding:
    """A hotspot of ``image`` (6×6 px at 30, 20) graded ``grade`` under DL/T 664-2016 by its
    temperature (``t_max_c``, ``t_ref_c`` in °C; ``delta_t_k`` their difference in K), at the
    image's pole (``pole_id`` once the image is flushed)."""
    return Finding(**{
        "image": image, "pole_id": image.pole_id, "bbox_x": 30, "bbox_y": 20, "bbox_w": 6, "bbox_h": 6,
        "max_x": 32, "max_y": 22, "t_max_c": t_max_c, "t_ref_c": t_ref_c,
        "delta_t_k": round(t_max_c - t_ref_c, 1), "grade": grade, "standard": "dlt664-2016",
        "rule": "H.1 > 90 °C", "clause": "DL/T 664-2016 Table H.1", **values,
    })


def defect(*, pole: Pole | None = None, grade: str = "serious", status: str = "new",
           deadline_days: float = 30.0, **values: Any) -> Defect:
    """A thermal defect at ``pole`` found now, due in ``deadline_days`` days."""
    now = datetime.now(UTC)
    return Defect(**{"kind": "thermal", "grade": grade, "status": status, "pole": pole,
                     "found_at": now, "deadline": now + timedelta(days=deadline_days), **values})


def hazard(*, feeder: Feeder | None = None, pole: Pole | None = None, **values: Any) -> Hazard:
    """An open serious vegetation hazard (0.9 m clearance of 1.5 m required) on ``feeder`` near
    ``pole`` (both flushed: the hazard keeps their ids)."""
    return Hazard(**{"kind": "vegetation", "grade": "serious", "status": "open",
                     "feeder_id": None if feeder is None else feeder.id,
                     "pole_id": None if pole is None else pole.id,
                     "clearance_m": 0.9, "required_m": 1.5, **values})
