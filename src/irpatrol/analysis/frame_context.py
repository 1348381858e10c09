"""Hotspots judged against the whole frame they were read from (pure, plain Python over hotspots).

A reader looks at one maximum and its surroundings; two facts show only at the scale of the frame:

* **Cut by the frame's edge.** A part whose outline reaches the frame's edge (its box within
  :data:`EDGE_READ_PX` of it, for the joint and region readers) may have its peak, and its
  extent, beyond it: neither its T1 nor its being a compact part on a line can be checked, and the rows
  of "phases" found for it were found for a fragment. Its reference is withheld (``t2_source``
  ``"none"``: unrated, and marked for review when it rises 10 K over T0; flagged
  :data:`irpatrol.conditions.CUT_BY_FRAME_EDGE`, which the diagnosis names): the part is shot again
  inside the frame (field practice is to get as close as the safety distance allows so the target fills
  as much of the view as possible, ../shared/domain/standards.md §2, "Target size"; a target cut by
  the edge is not in the view whole). Generated
  frame 99001162 (nothing wrong): a warm strip of road along the frame's bottom edge, under a conductor
  crossing it, was graded `critical` against two spots of a conductor 120–210 px away. So is the
  reference of a part one of whose peers (the same part on another phase) the edge cuts: that peer's
  reading may miss its warmest pixel and its line was read from the replicated border, so the row is
  unproven and its T2 may read low. The SDK H20N frame 0006 graded a 21.4 °C patch of a night scene
  `general` against a row whose far "phase" sat 2 px inside the right edge (docs/detector.md,
  thirty-second pass). The whole-body
  reader's hotspots are judged so too, their boxes being their bodies' interiors, a pixel inside the
  outline (``outline_px``, :data:`irpatrol.analysis.body_hotspots.INTERIOR_INSET_PX`).
* **A piece of a body off the structure.** A conductor or crossarm drawn across a sunlit vehicle, roof or
  road cuts it into pieces; one piece that meets the line may pass the readers' tests for a part on a
  line while the other pieces are reported off the line structure (issue 10 item 3). A piece lying
  within such a body's box and peaking within :data:`SAME_BODY_K` of it is that body: off the structure
  too. Generated frame 99001184 (nothing wrong): the part of a 46.8 °C car above a crossarm was a
  `serious` defect against the crossarm's conductor, the rest of the car off the structure.
"""

from __future__ import annotations

import dataclasses

from irpatrol.analysis.hotspots import BBox, Hotspot
from irpatrol.analysis.ridges import LINE_RADII_PX
from irpatrol.conditions import CUT_BY_FRAME_EDGE

EDGE_READ_PX = int(LINE_RADII_PX[0])
"""How far (px) a hotspot's box reaches beyond itself as far as the frame's edge is concerned, for the
joint and region readers (:func:`in_frame_context`'s ``outline_px``): the line test's nearest samples
lie this far from a candidate (:data:`irpatrol.analysis.ridges.LINE_RADII_PX`), so a part nearer the
edge had the line through it read partly from the frame's replicated border
(:func:`irpatrol.analysis.ridges.padded`), and its blurred outline (docs/physics.md §6) may run on beyond
the edge. Measured: the shared DJI XT2 frame's 82.9 °C spot with its box 3 px below the top edge was a
`critical` clamp against a "conductor" read up into that border, the SDK M30T frame 0003's 3 × 5 px spot
2 px above the bottom edge a `general` one (bench/real_frames.py: 72 → 60 graded findings in 420 runs;
the real scenes' own content 29.8 → 26.9 per 100 frames, false defects on healthy ones 29.1 → 25.5); no
defect of the five generated seeds and no false-defect listing changed. Before December 2026: 0 (only a
box touching the edge)."""

SAME_BODY_K = 0.5
"""Largest difference (K) between the peaks of a hotspot and of an off-structure body around it for the
two to be one body: ten times the NETD of a 50 mK core (docs/physics.md §6), so two readings of one
uniformly sunlit surface agree within it while a hot part on a line rises well above what it stands
on. Project choice."""


def _within(inner: BBox, outer: BBox) -> bool:
    """Whether box ``inner`` (x, y, w, h px) lies within box ``outer``."""
    return (outer[0] <= inner[0] and outer[1] <= inner[1]
            and inner[0] + inner[2] <= outer[0] + outer[2] and inner[1] + inner[3] <= outer[1] + outer[3])


def at_frame_edge(bbox: BBox, shape: tuple[int, int], outline_px: int = 0) -> bool:
    """Whether the box ``bbox`` (x, y, w, h px), grown by ``outline_px`` on each side (how far the part's
    outline reaches beyond its box), reaches the edge of a frame of ``shape`` (rows, columns)."""
    h, w = shape
    x, y, bw, bh = bbox
    return x - outline_px <= 0 or y - outline_px <= 0 or x + bw + outline_px >= w or y + bh + outline_px >= h


def in_frame_context(hotspots: list[Hotspot], shape: tuple[int, int], outline_px: int = 0) -> list[Hotspot]:
    """``hotspots`` of a frame of ``shape`` (rows, columns) with the frame's two judgements applied
    (module docstring): a hotspot on the line structure with a reference loses the reference when it or
    one of its peers is cut by the frame's edge (flagged :data:`irpatrol.conditions.CUT_BY_FRAME_EDGE`;
    ``outline_px``: how far the parts' outlines reach beyond their boxes, as :func:`at_frame_edge`), and
    also its place on the structure when it is a piece of an off-structure body. The others are
    returned unchanged, in order."""
    bodies = [h for h in hotspots if not h.on_structure]
    out = []
    for h in hotspots:
        if h.on_structure and h.t2_c is not None:
            piece = any(_within(h.bbox, b.bbox) and abs(b.t_max_c - h.t_max_c) <= SAME_BODY_K for b in bodies)
            cut = not piece and any(at_frame_edge(b, shape, outline_px) for b in (h.bbox, *h.peer_bboxes))
            if piece or cut:
                h = dataclasses.replace(h, t2_c=None, t2_source="none", t2_bbox=None, peer_bboxes=(),
                                        delta_t_k=None, delta_pct=None, reference_margin_k=0.0,
                                        on_structure=not piece,
                                        flags=(*h.flags, CUT_BY_FRAME_EDGE) if cut else h.flags)
        out.append(h)
    return out
