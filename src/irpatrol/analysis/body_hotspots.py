"""Whole-body hotspots of voltage-heating equipment (pure): the rows of alike bodies found
(:mod:`irpatrol.analysis.bodies`) and those completed by placing a body that does not stand out
(:mod:`irpatrol.analysis.placed_bodies`), each read as a hotspot whose T2 is the coolest peer
(DL/T 664-2016 §8 relative method, Table I.1)."""

from __future__ import annotations

import numpy as np

from irpatrol.analysis.bodies import (
    COMPARATIVE_UNCERTAINTY_K,
    BodyRow,
    body_rows,
    continued,
    find_bodies,
    row_triples,
    spaced_as_phases,
)
from irpatrol.analysis.hotspots import MIN_DELTA_K, Hotspot, trusted_target
from irpatrol.analysis.measure import SPOT_PX
from irpatrol.analysis.pixels import inside
from irpatrol.analysis.placed_bodies import completed_rows, searched_rows
from irpatrol.conditions import MIN_TARGET_PX, Conditions, validity_flags

INTERIOR_INSET_PX = 1
"""How far (px) a whole-body hotspot's outline reaches at least beyond its box, which is its body's
interior (:mod:`irpatrol.analysis.bodies`: the blurred outline, optics PSF σ 0.7 px, docs/physics.md
§6, lies outside the interior): a body whose interior starts at the frame's first or last pixel row or
column is cut by the frame's edge (``analysis.frame_context``)."""


def _hotspot(row: BodyRow, t0_c: float, t0_source: str, conditions: Conditions,
             ifov_mrad: float | None) -> Hotspot:
    hot, cool = row.hot, row.peers[0]
    t1, t2 = hot.reading_c, cool.reading_c
    rise = t1 - t0_c
    sizes = trusted_target(conditions.distance_m, ifov_mrad)
    area = round((hot.width_px + 2.0) * (hot.length_px + 2.0))
    small = hot.width_px + 2.0 < SPOT_PX if sizes is not None else area < MIN_TARGET_PX
    flags = (("small-target",) if small else ()) + tuple(validity_flags(conditions, hot_c=t1, ambient_c=t0_c))
    x, y = round(hot.xy[0]), round(hot.xy[1])
    return Hotspot(
        bbox=hot.bbox, contour=hot.corners, area_px=area, t_max_c=t1, max_xy=(x, y), t_mean_c=hot.mean_c,
        t2_c=t2, t2_source="similar-component", t2_bbox=cool.bbox, t0_c=t0_c, t0_source=t0_source,
        delta_t_k=t1 - t2, rise_k=rise, delta_pct=None if rise <= 0 else 100.0 * (t1 - t2) / rise,
        peer_bboxes=tuple(p.bbox for p in row.peers), flags=flags,
        pixel_size_m=None if sizes is None else sizes[0], min_target_m=None if sizes is None else sizes[1],
        pattern="whole-body", on_structure=True, accuracy_k=COMPARATIVE_UNCERTAINTY_K)


def find_body_hotspots(celsius: np.ndarray, *, t0_c: float, t0_source: str, conditions: Conditions,
                       ifov_mrad: float | None = None, min_delta_k: float = MIN_DELTA_K) -> list[Hotspot]:
    """Whole-body hotspots of ``celsius`` (°C): per row of three alike bodies (:func:`body_rows`) the
    warm body, T1 its reading, T2 the coolest peer's (the same part of a normal phase, DL/T 664-2016
    §8 relative method, Table I.1), T0 from the caller; ``pattern = "whole-body"``,
    ``accuracy_k = COMPARATIVE_UNCERTAINTY_K``. A row the frame repeats beyond its ends
    (:func:`irpatrol.analysis.bodies.continued`: an array's gaps) is none, whether its bodies were all
    found or one was placed; so is one whose bodies stand closer than phases do
    (:func:`irpatrol.analysis.bodies.spaced_as_phases`). Hottest first, one per place (a body seen
    at two orientations counts once)."""
    found: list[Hotspot] = []
    img = np.ascontiguousarray(celsius, dtype=np.float32)
    for bodies in find_bodies(img):
        found_rows = row_triples(bodies, img)  # the alike pairs are read once for both readers
        # rows with a placed body are tested as the found ones are: an array goes on beyond them too
        placed = [r for r in [*completed_rows(img, bodies, min_delta_k, found_rows),
                              *searched_rows(img, bodies, min_delta_k, found_rows)]
                  if not continued(img, (r.hot, *r.peers))]
        for row in [*body_rows(bodies, min_delta_k, found_rows[0]), *placed]:
            if not spaced_as_phases((row.hot, *row.peers)):
                continue  # touching outlines of one textured surface, not three phases' housings
            h = _hotspot(row, t0_c, t0_source, conditions, ifov_mrad)
            if not any(inside(h.max_xy, f.bbox) or inside(f.max_xy, h.bbox) for f in found):
                found.append(h)
    return sorted(found, key=lambda h: -h.t_max_c)


def with_bodies(hotspots: list[Hotspot], bodies: list[Hotspot]) -> list[Hotspot]:
    """``hotspots`` with the whole-body hotspots ``bodies`` added; a body's reading replaces the other
    readings at the same place (its centre inside theirs or theirs inside it): for voltage-heating
    equipment the body compared with its alike peers is the reading DL/T 664 Table I.1 asks for.
    Hottest first."""
    if not bodies:
        return hotspots
    rest = [h for h in hotspots
            if not any(inside(h.max_xy, b.bbox) or inside(b.max_xy, h.bbox) for b in bodies)]
    return sorted([*rest, *bodies], key=lambda h: -h.t_max_c)
