"""Candidate takeoff points derived near the line when the county gives none.

Without road data the best guess is a point beside the line every ~1.5 km (the spacing of the
roadside points in scheduling.md §2.2), offset ``OFFSET_M`` to the side so the aircraft does not
start under the conductors. Crews confirm or move them; real lists (OSM roads, the utility's own
points) should replace them.
"""

from __future__ import annotations

import numpy as np

from irpatrol.scheduling.core.geo import project, unproject
from irpatrol.scheduling.core.model import County, Site

EVERY_M = 1500.0
"""Spacing of derived takeoff points along the line (m), scheduling.md §2.2."""
OFFSET_M = 60.0
"""Offset from the line (m): outside the 10 kV corridor, inside the 50–300 m of §2.2."""


def derive_takeoffs(county: County, every_m: float = EVERY_M, offset_m: float = OFFSET_M) -> tuple[Site, ...]:
    """Takeoff points every ``every_m`` of line (at least one per feeder), ``offset_m`` to its left."""
    if not county.poles:
        return ()
    lat0 = float(np.mean([p.lat for p in county.poles]))
    lon0 = float(np.mean([p.lon for p in county.poles]))
    at = {p.id: p for p in county.poles}
    out: list[Site] = []
    for f in county.feeders:
        poles = [at[i] for i in f.pole_ids if i in at]
        if not poles:
            continue
        xy = project([p.lat for p in poles], [p.lon for p in poles], lat0, lon0)
        along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
        marks = np.arange(min(every_m / 2, along[-1] / 2), along[-1] + 1e-9, every_m)
        for i in sorted({int(np.searchsorted(along, m)) for m in marks}):
            i = min(i, len(xy) - 1)
            d = xy[min(i + 1, len(xy) - 1)] - xy[max(i - 1, 0)] if len(xy) > 1 else np.array([1.0, 0.0])
            norm = float(np.hypot(*d)) or 1.0
            point = xy[i] + np.array([-d[1], d[0]]) / norm * offset_m
            lat, lon = unproject(point[None, :], lat0, lon0)
            out.append(Site(id=f"D{len(out) + 1:04d}", lat=round(float(lat[0]), 7),
                            lon=round(float(lon[0]), 7), area=f.area))
    return tuple(out)
