"""Hotspots of an aerial frame read by its line structure: :func:`find_joint_hotspots` turns the
joints of :mod:`irpatrol.analysis.joints` (compact maxima on a conductor, with T2 from the other
phases or the same conductor away from the joint) into :class:`~irpatrol.analysis.hotspots.Hotspot`
records with the same keys as the region detector's.

Definitions as in :mod:`irpatrol.analysis.hotspots` (DL/T 664-2016 §1.2): T1 the joint's hottest
pixel, ΔT = T1 − T2, τ = T1 − T0, δ = ΔT / τ. Everything reported is on the line structure
(``on_structure`` True): regions off it are not candidates at all (issue 10 item 3), and a joint
whose line and reference row are not seen to leave (:func:`_unproven`), or that lies on no straight
line crossing the frame (:func:`_on_a_span`), is reported as not confirmed.
The thermal pattern is ``local`` by construction: a compact maximum over its conductor whose heat
falls off along it is the connection-defect pattern of DL/T 664-2016 Annex H (热像特征), not
whole-body warming.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Callable

import cv2
import numpy as np

from irpatrol.analysis.hotspots import MIN_DELTA_K, MIN_RISE_K, Hotspot, trusted_target
from irpatrol.analysis.joints import Joint, distances_px, find_joints
from irpatrol.analysis.measure import half_height_part, holds_spot
from irpatrol.analysis.phase_shift import ALIKE_PEERS, MAX_SHIFT_PX, MIN_SHIFT_PX, one_set, row_match
from irpatrol.analysis.phases import path_low, separate
from irpatrol.analysis.pixels import inside, where_yx
from irpatrol.analysis.ridges import direction_gap_deg, leaves
from irpatrol.analysis.straight_lines import ALONE_MIN_SCORE, MIN_SCORE, on_a_straight_line, smoothed
from irpatrol.conditions import CAMERA_ACCURACY, MIN_TARGET_PX, Conditions, accuracy_k, validity_flags

REPORT_EXCESS_K = 1.0
"""Least compact excess (K, over everything on a ring around it) of a reported joint: twenty times
the NETD of a 50 mK core; weaker maxima along a conductor come from the background behind a 1–2 px
line showing through the optics blur (docs/physics.md §6). They still serve as peers. Project choice."""
UNSEEN_PEER_MARGIN_K = 3.0
"""Added to the camera's accuracy (K) when T2 comes from a row of parts whose conductors do not show,
or of points found only as warmer than their conductors on either side (``Joint.peers_unseen``):
such a "part" may be a warm spot of the ground behind the line (±1–2 K of texture, docs/physics.md
§2), a 1–2 px wire read through a warmer background (§6), or a part of another emissivity (1–3 K,
§1), so a few kelvin over it are no evidence of a fault, while a hot joint tens of kelvin over it
still is. As ``pipeline.SAME_CONDUCTOR_MARGIN_K``.
Project choice."""
UNSPANNED_ROW_MARGIN_K = 8.0
"""Added to the camera's accuracy (K) when T2 comes from a phase row whose parts do not both sit on
a conductor or lead that runs out of view at least one way (:func:`irpatrol.analysis.ridges.leaves`:
a strain clamp's conductor leaves one way, its jumper loops away the other; a terminal clamp's lead
leaves one way, its blade the other): a span conductor runs tens of metres between poles, so it
leaves the frame or runs on beyond the tracking reach, while the straight edges of a façade, a
window grid or a parked car stop sooner. Without that,
nothing but the geometry says the row is a line's three phases; on the real frames seen so far such
rows were warm spots of façades and cars, whose sunlit and shaded, painted and glazed parts differ
by 5–10 K with no fault (docs/physics.md §2, §9). With ±2 K accuracy the joint must then stand 10 K
above the row — the rise at which an unrated reading is marked for review — for its relative grade
to count; below that it is ``unrated`` (review), not a defect. A hot joint tens of kelvin above its
row is graded as before. Project choice. A row whose healthy parts match each other clearly and which
ends at three (:func:`_a_set_of_three`) is graded without it: a terminal clamp's lead or a contact's
blade runs to other hardware within the frame, and a row of such hardware is still one phase set."""
BROAD_RING_PX = 20
"""Largest ring (px) of :func:`irpatrol.analysis.ridges.compact_maxima` at which a joint rising less than
the review rise (``min_rise_k``, 10 K) must show to be reported: one shown only at the coarsest ring
(40 px) is a patch 40–80 px across — sunlit ground behind a conductor, the roof of a car — while a
10 kV clamp, contact or fuse head is about 30 px at most even at 5 m (0.2 m with 1.3 mrad pixels,
docs/physics.md §7). At the development seed's defects the joints showed at 5 px (359), 10 px (36)
and 20 px (4), never only at 40; on base 99000000 (``bench/false_defects.py``) frame 99001131's 40 px
patch behind a conductor, 3.6 K over T0, was a `general` defect against two compact spots 150 px either
side of it. Bounding the 20 px ring too took one false frame more off base 44000000 (44000028) and one
defect graded right off 8880000. Project choice."""
OUTLINE_HALF_PX = 24
"""Half side (px) of the window in which a joint's outline (half-height region) is traced. An outline
that spans the whole window is the background showing under a low half-height, not a part: it is
traced again from what surrounds the joint (T1 less its compact excess). One that still spans it is
a long body as warm as the maximum, no part of the line (a sunlit rail or bar of the clutter, whose
edges pass the line test; generated frame 33001090): reported off the line structure, without T2,
when it rises 10 K (unrated, for review; no criterion applies, issue 10 item 3), else not at all."""

MIN_PART_SHARE = 0.06
"""Least size of a joint's half-height outline (its longer side, px) as a share of its reference row's
phase spacing (the nearest of the distances between the joint and its peers and between the peers,
:func:`_row_spacing_px`) for the row's parts to be read as the other phases: else the row is not
taken (no T2; :func:`find_joint_hotspots`). A 10 kV crossarm's phases stand about 0.7 m apart (≤ 1 m;
an oblique view only shortens the spacing in the image), the smallest part graded is an 80 × 50 mm
fuse contact or jaw, and a hot part's heat spreads through its metal and some 0.16 m along its
conductor (docs/physics.md §3, §7), while the optics' blur only widens an outline: a part under
0.08 of the spacing is smaller than any phase hardware. On the real frames of
``bench/real_frames.py`` (no line in them) rows of the scene's own spots 150–220 px apart gave
`general` and `serious` verdicts to 3–10 px roof and ground details (H20N 0003: a 3 × 5 px spot with
"peers" 218 px either side; H20T 0004, H30T 0003); on the development seed the truth joints reported
with a similar-component T2 read 0.064 and up but for wrong rows (1 % quantile 0.073; a strain clamp
and a fuse contact against rows 148–171 px apart the lowest of the right ones). Project choice under the
physical 0.08: with 0.06 no defect graded right was lost on five seeds (5550000, 8880000, 77000000,
20261202, 31000000), with 0.08 three (8887022, 77002023, 20268206), with 0.1 one more on the
development seed (5552008)."""


MAX_ALONG_SHARE = 1.0
"""Largest extent of a joint's half-height outline along its reference row (px, :func:`_along_row_px`) as
a share of the row's spacing (:func:`_row_spacing_px`) for the row's parts to be read as the other
phases: an outline reaching a whole spacing along the row would take in the next phase's part, so the
"phases" are points of one warm area, not separate parts. On the development seed the truth joints
reported with a similar-component T2 spanned at most 0.69 of their row's spacing along it (99 %:
0.45); the real DJI H20T frame 0002 (a roof) gave a 41 × 36 px warm patch at 62 °C a `general` verdict
against two points of the same roof 38 and 80 px away (1.18). Physical bound, no tuning: five seeds,
both false-defect bases and the shared real files read as before."""
ONE_PEER_ALONG_SHARE = 0.5
""":data:`MAX_ALONG_SHARE` for a reference row of one part alone (one neighbouring phase, the other not
placed: :func:`irpatrol.analysis.joints.find_joints`): the part must stand clear of the joint's
half-height outline by at least that outline's own extent along the row. With no third part to
confirm the row, the spacing rests on one place, and a place within two outline widths of a warm
patch is as likely its own edge or the next detail of the same surface as a phase: on the real DJI
H20T frame 0003 (rooftop air-conditioning units seen from above) a 13 × 12 px fan at 41.5 °C was
`serious` against a point of the same roof 22 px away (0.60 of the spacing), on the real DJI M30T frame
0004 (a car park) a 16 × 16 px car roof `serious` against a point 24 px away (0.68), each as every kind
(``bench/real_frames.py``: runs with a graded finding 52 → 38 of 420). Physically the hardware graded is
60–100 mm across the row, and phases stand 0.7 m apart on a crossarm, a transformer's bushing terminals
0.3 m (docs/physics.md §7): with the optics' blur, about a third of the spacing at the closest. On
the five seeds 5550000, 8880000, 77000000, 20261202 and 31000000 the single-part rows at truth joints
read 0.10–0.38 but for two whose half-height outlines ran into a warm object behind the clamp
(5552028 at 0.65, 20263248 at 0.56): both are now reported `unrated`, rising 10 K or more, for review
(docs/detector.md, thirty-fourth pass). Project choice under that physical bound."""


def _along_share(j: Joint) -> float:
    """The largest share of its row's spacing a joint's outline may reach along the row
    (:data:`MAX_ALONG_SHARE`; :data:`ONE_PEER_ALONG_SHARE` for a row of one part alone)."""
    return MAX_ALONG_SHARE if len(j.peers_xy) > 1 else ONE_PEER_ALONG_SHARE


def _along_row_px(contour: np.ndarray, j: Joint) -> float:
    """The extent (px) of the outline ``contour`` (K×2, x y px) along joint ``j``'s reference row: the
    direction from the joint to its farthest peer."""
    far = j.peers_xy[int(np.argmax(distances_px(j, j.peers_xy)))]
    u = np.subtract(far, j.xy, dtype=np.float64)
    u /= max(float(np.hypot(u[0], u[1])), 1e-9)
    return float(np.ptp(contour.reshape(-1, 2) @ u)) + 1.0


def _row_spacing_px(j: Joint) -> float:
    """The phase spacing (px) of joint ``j``'s reference row: the nearest of the distances between the
    joint and each peer and between the two peers (a peer may be the next phase or the one after)."""
    return min(math.dist(p, q) for p, q in itertools.combinations((j.xy, *j.peers_xy), 2))


def _outline_base(j: Joint) -> float:
    """The level (°C) from which a joint's half-height outline is taken: T2; without one, T1 less the
    compact excess (what surrounds the joint: the hottest pixel on the ring around it). When T2 is
    the joint's own conductor, not below what surrounds the joint: a thin conductor's own temperature
    separated from its background (:mod:`irpatrol.analysis.blur_mix`) may lie kelvins below every
    pixel near the joint, and half-way from it a 1–2 px sun glint on the wire took the blurred
    wire and ground in with it and passed for a resolved part (generated healthy frames 77003381,
    77004327 and 5551036, each read `general` or worse). When T2 is the other phases' parts, not above
    what surrounds the joint: peers reading warmer than the ground beside the joint (sunlit, or of
    another emissivity) set the half-height so high that a resolved part's outline held no 3×3 px
    spot and it was dropped as a speck (5552016: a 5.6 × 3.3 px clamp 4.5 K over its surroundings,
    2.9 K over its peers). The part's extent is where it stands off its surroundings. Peers read at
    their coldest pixel (``Joint.peers_warmest_c``: bare metal reflecting the sky before sunlit
    ground) bound it by their warmest readings, as before that reading: from their coldest, a sun
    glint's half-height on check base frame 99000114 (nothing wrong) took in the sunlit ground around
    it, held a 3×3 px spot and was graded `serious`."""
    around = j.t1_c - j.excess_k
    if j.t2_c is None:
        return around
    if j.t2_source == "same-conductor":
        return max(j.t2_c, around)
    return min(j.t2_c if j.peers_warmest_c is None else j.peers_warmest_c, around)


def _outline(img: np.ndarray, j: Joint, base_c: float,
             ) -> tuple[np.ndarray, tuple[int, int, int, int], int, float, bool]:
    """(contour K×2, bbox, area px, mean °C, whether it holds the measurement spot:
    :func:`irpatrol.analysis.measure.holds_spot`) of the joint's half-height region: the connected
    pixels around its maximum at least half-way from ``base_c`` to T1."""
    h, w = img.shape
    x, y = j.xy
    x0, y0 = max(0, x - OUTLINE_HALF_PX), max(0, y - OUTLINE_HALF_PX)
    patch = img[y0: min(h, y + OUTLINE_HALF_PX + 1), x0: min(w, x + OUTLINE_HALF_PX + 1)]
    part = half_height_part(patch, y - y0, x - x0, base_c + 0.5 * (j.t1_c - base_c))
    ys, xs = where_yx(part)
    bbox = (x0 + int(xs.min()), y0 + int(ys.min()), int(np.ptp(xs) + 1), int(np.ptp(ys) + 1))
    contours, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE, offset=(x0, y0))
    contour = max(contours, key=len).reshape(-1, 2).astype(np.int32)
    return contour, bbox, int(part.sum()), float(patch[part > 0].mean()), holds_spot(part)


def _margin(img: np.ndarray, j: Joint, accuracy_k_: float, found: list[Hotspot]) -> float:
    """Reference margin (K) of a joint's T2 from its phase row: :data:`UNSPANNED_ROW_MARGIN_K` when
    the row's parts do not both sit on a conductor or lead that runs out of view at least one way
    (:func:`irpatrol.analysis.ridges.leaves`; only
    looked at when the difference T1 − T2 lies within ``accuracy_k_`` plus that margin, where it
    decides) and the row is not one set of three alike parts (:func:`_a_set_of_three`, asked of a joint
    that serves as no reported joint's peer, ``found``), else :data:`UNSEEN_PEER_MARGIN_K` when
    ``j.peers_unseen``, else 0.
    A T2 from the joint's own conductor carries none here: ``pipeline.SAME_CONDUCTOR_MARGIN_K``
    covers it, whichever reader found it."""
    if j.t2_c is None:
        return 0.0
    if j.t2_source != "similar-component":
        return 0.0
    seen = UNSEEN_PEER_MARGIN_K if j.peers_unseen else 0.0
    if j.t1_c - j.t2_c > accuracy_k_ + UNSPANNED_ROW_MARGIN_K:
        return seen
    angles = j.line_angles_deg or (j.angle_deg,)
    spanned = all(any(leaves(img, x, y, a) for a in angles) for x, y in j.peers_xy)
    if spanned or (not _a_peer_of(j, found) and _a_set_of_three(img, j)):
        return seen
    return max(seen, UNSPANNED_ROW_MARGIN_K)


def _unproven(img: np.ndarray, j: Joint, margin_k: float) -> bool:
    """Whether nothing but the geometry says joint ``j`` is a part of the line: it has no T2, or its
    reference row carries :data:`UNSPANNED_ROW_MARGIN_K` (``margin_k``: the row's parts do not both sit
    on a conductor that runs out of view, and the row is no set of three alike parts, :func:`_margin`),
    and its own line is not seen to leave either (:func:`irpatrol.analysis.ridges.leaves`: a span
    conductor runs tens of metres between poles; the edges of a roof unit, a façade or a machine stop
    sooner). Such a joint is not confirmed as equipment (``on_structure`` False): it is reported
    ``unrated`` and, rising 10 K over T0, marked for review, and no criterion grades it, the absolute
    limits included (issue 10 item 3). Shared real frames, each graded by an absolute row alone:
    the DJI H20T roof seen from above, a sunlit strip between two air-conditioning fans at 56.5 °C
    against the same strip of the next two units 2.8 K colder, a `serious` transformer bushing by the
    55 °C row of DL/T 664-2016 Table H.1 (its "line" is the 40 px strip itself); the DJI H30T building
    site, an excavator's exhaust at 175 °C with no reference, a `critical` clamp by the 130 °C row.
    The margin already kept the relative criteria from grading the first; the absolute ones need the
    same evidence that the part is equipment. On the generated frames no defect leaned on them. A joint
    on a line one way only (``Joint.one_way``) was found by its line leaving
    (:func:`irpatrol.analysis.joints.find_joints`), so that is not asked again."""
    if j.one_way or (j.t2_c is not None and margin_k < UNSPANNED_ROW_MARGIN_K):
        return False
    return not any(leaves(img, j.xy[0], j.xy[1], a) for a in (j.line_angles_deg or (j.angle_deg,)))


def _on_a_span(blurred: Callable[[], np.ndarray], j: Joint) -> bool:
    """Whether joint ``j`` lies on a straight line that crosses the frame in one of its line's directions
    (:func:`irpatrol.analysis.straight_lines.on_a_straight_line`; ``blurred``: the frame as
    :func:`irpatrol.analysis.straight_lines.smoothed` gives it, made when first needed), as a span
    conductor does: a joint off any such line is not confirmed as equipment (``on_structure`` False,
    issue 10 item 3), as :func:`_unproven`. A joint graded without a row of parts (T2 from its own
    conductor, from one neighbouring phase alone, or none) has the line for its only evidence and
    needs :data:`irpatrol.analysis.straight_lines.ALONE_MIN_SCORE`, a row's joint
    :data:`irpatrol.analysis.straight_lines.MIN_SCORE`. A joint in a set of alike parts on no line
    (``Joint.in_set``) has the set for its evidence and is not asked. Measured (docs/detector.md,
    thirty-eighth pass): in front of 55 real recorded scenes (``bench/real_backgrounds.py``, seed
    20261202) the graded findings away from the truth went 133 → 70 (27.0 → 11.0 false defects per 100
    frames with nothing wrong) with the same defects found; on real frames without a line
    (``bench/real_frames.py``) 32 → 15 false defects in 420 readings; on five generated seeds no defect
    changed."""
    least = MIN_SCORE if j.t2_source == "similar-component" and len(j.peers_xy) >= 2 else ALONE_MIN_SCORE
    return j.in_set or on_a_straight_line(blurred(), j.xy, j.line_angles_deg or (j.angle_deg,), least)


TWIN_SHARE = 1.0 / 3.0
"""How near (as a share of the difference T1 − T2 to the joint's reference row, and within the camera's
accuracy) an alike part must read to the joint to be its twin (:func:`_with_twin`): a part reading
between the joint and its row may be a second faulty phase or a warmer background, one as warm as the
joint is a healthy reading of it. Project choice: no development, check or fresh listing changed with
it (five seeds), while four generated frames with nothing wrong lost their false defect (99000048,
99001165, 66009104, 44000028); without the bound, reading within the accuracy alone, development
frame 5557045, a terminal clamp 2.9 K over its row, took a maximum of its heated lead 23 px below it,
1.1 K cooler, as its twin and was lost."""
TWIN_SPACING_SHARE = 0.5
"""Least distance of a twin from the joint (:func:`_with_twin`), as a share of the joint's distance to
its nearest peer: the same part on another phase or structure stands a phase spacing away, while a
warm maximum nearer than half of it is another part of the joint's own assembly (check frame 8887085:
a hot terminal clamp and its heated contact 15 px above it, each with a row 63 px across, took each
other as the reference, `none`; fresh frame 31007009 changed class too)."""
TWIN_NOT_PEER_PX = 6
"""How far (px, each axis) a twin must lie from each of the joint's peers (:func:`_with_twin`): a peer
as warm as the joint is a second faulty phase, which its row already set aside for the cooler, healthy
one (:func:`irpatrol.analysis.phases.phase_row`); twice :data:`PEER_OF_PX`, as a part's warmest pixel
may stand a few pixels off its placed centre."""


def _with_twin(img: np.ndarray, grown: Callable[[], np.ndarray], j: Joint, joints: list[Joint],
               floor_k: float) -> Joint:
    """Joint ``j`` with an alike part as warm as itself for its reference, when one stands by: a joint
    whose T2 is the same part on other phases (``similar-component``) is compared, as DL/T 664-2016
    compares corresponding parts of same-type equipment (§8.4, ../shared/domain/standards.md §1.3), with
    any other joint of ``joints`` (the twins-only joints past the cut of candidates included,
    :data:`irpatrol.analysis.joints.MAX_TWIN_CANDIDATES`) that reads within :data:`TWIN_SHARE` of
    T1 − T2 and the camera's accuracy ``floor_k`` (K) of T1, lies :data:`TWIN_SPACING_SHARE` of the
    phase spacing to :data:`irpatrol.analysis.phase_shift.MAX_SHIFT_PX` away and off its peers
    (:data:`TWIN_NOT_PEER_PX`), is a part of its own (a dip between them,
    :func:`irpatrol.analysis.phases.separate`) and whose surroundings match the joint's by
    :data:`irpatrol.analysis.phase_shift.ALIKE_PEERS`, as two healthy phases of a set match each other.
    The first such twin becomes the reference (T2 its reading, its place the one peer): the joint then
    reads like it, within the accuracy, and is no defect. Real frames: the modules of the DJI XT S
    solar farm (DJI_0005), a warm spot graded `general` against two cooler module spots in a row
    while the module beside it read as warm; generated frames with nothing wrong: sunlit ground and
    clutter spots graded against a chance row (99000048, 99001165, 44000028)."""
    if j.t2_source != "similar-component" or j.t2_c is None or not j.peers_xy:
        return j
    near_k = min(floor_k, TWIN_SHARE * (j.t1_c - j.t2_c))
    nearest = max(MIN_SHIFT_PX, TWIN_SPACING_SHARE * min(distances_px(j, j.peers_xy)))
    for k in joints:
        if k is j or abs(k.t1_c - j.t1_c) > near_k or any(
                max(abs(k.xy[0] - px), abs(k.xy[1] - py)) <= TWIN_NOT_PEER_PX for px, py in j.peers_xy):
            continue
        if not nearest <= distances_px(j, (k.xy,))[0] <= MAX_SHIFT_PX:
            continue
        if separate(grown(), (j.xy[0], j.xy[1], j.t1_c), np.array([[k.xy[0], k.xy[1], k.t1_c]]))[0] and \
                row_match(img, j.xy, (k.xy,)) >= ALIKE_PEERS:
            return dataclasses.replace(j, t2_c=k.t1_c, peers_xy=(k.xy,), peers_unseen=False,
                                       peers_warmest_c=None)
    return j


def _on_an_unrated_stretch(grown: Callable[[], np.ndarray], j: Joint, found: list[Hotspot],
                           floor_k: float) -> bool:
    """Whether joint ``j``, which has no reference, lies on the same warm stretch as a hotter reading
    already reported without one (``found``): on the straight path between them the reading never
    falls more than ``floor_k`` (K, the camera's accuracy) below ``j``'s T1
    (:func:`irpatrol.analysis.phases.path_low` on ``grown``, the 3×3-dilated frame, so a path along a
    1 px wire stays on it). ``j`` then stands out of nothing that joins it to the hotter reading, and
    that one finding stands for the stretch. A loaded conductor warmed by load and sun 10 K or more
    over T0, 1–2 px wide, reads in beads along the pixel grid (docs/physics.md §6): each bead is a
    compact maximum on a line, and without a reference each was an ``unrated`` finding marked for
    review — 30 on a drawn 0.75 px wire at 60 °C over a 2 °C sky (now 1), up to 27 on one of the
    public TP8S frames of real lines (``bench/real_lines.py``: 484 such findings on its 320 frames
    without marks, now 386; 284 on the 75 real DJI and shared files read as terminal clamps, now
    281). A part of its own on the same conductor stands out of the wire between them by more than
    the accuracy and keeps its finding (its surroundings, T1 less the compact excess, would not do as
    the bound: a 51 °C part standing 16 K out of a warm conductor on TP8S frame 238 was set aside for
    a 51.3 °C bead 28 px away); a joint with a reference is never set aside by this (docs/detector.md,
    thirty-fifth pass)."""
    low_c = j.t1_c - floor_k  # no cooler wire between them than that
    return any(h.t2_c is None and h.t_max_c >= j.t1_c and float(
        path_low(grown(), h.max_xy, np.array([j.xy], np.float64))[0]) >= low_c for h in found)


PEER_OF_PX = 3
"""How near (px, each axis) a joint must lie to a reported joint's peer to be that peer: the peers are
placed to a pixel and refined within ±3 px (:data:`irpatrol.analysis.phase_shift.REFINE_PX`)."""


def _a_peer_of(j: Joint, found: list[Hotspot]) -> bool:
    """Whether joint ``j`` is one of the parts a hotter reported joint was compared with (within
    :data:`PEER_OF_PX` of one of its peers): that row takes it for a normal phase, so a row of its own
    that grades it must show its conductors leaving (generated frame 5557000: the healthy terminal
    clamp of the middle phase, compared with two stretches of leads placed diagonally, "general")."""
    return any(max(abs(j.xy[0] - cx), abs(j.xy[1] - cy)) <= PEER_OF_PX
               for f in found for cx, cy in map(_peer_centre, f.peer_bboxes))


def _the_reference_of(j: Joint, bbox: tuple[int, int, int, int], found: list[Hotspot],
                      floor_k: float) -> bool:
    """Whether joint ``j``, whose half-height outline spans ``bbox`` (x, y, w, h px), is the normal
    phase a hotter reported joint was graded against: that joint's row holds both other phases, one
    of them lies within the outline, and ``j`` reads no more than ``floor_k`` (K, the camera's
    accuracy) over that joint's T2, the cooler of the two. The relative method takes the coolest of
    the phases as the normal one (DL/T 664-2016 §8.4, the same part on another phase), so that part is
    judged, and healthy: graded again against some other row it would contradict the reading that
    made its neighbour a defect (development frames 5556062, 5558052, 5558062: a healthy clamp or
    contact reading within 0.05 K of its hot neighbour's T2, `general` against two compact maxima
    elsewhere 2.6–3.5 K colder). It is shown as that joint's T2, not reported again. A peer reading
    warmer than T2 by more than the accuracy (two phases hot), or the one neighbouring phase a joint
    was compared with alone (:func:`irpatrol.analysis.joints._near_phase`: no coolest of three), is
    graded on its own."""
    return any(f.t2_c is not None and len(f.peer_bboxes) == 2 and j.t1_c < f.t_max_c
               and j.t1_c - f.t2_c <= floor_k and any(inside(_peer_centre(b), bbox) for b in f.peer_bboxes)
               for f in found)


def _a_set_of_three(img: np.ndarray, j: Joint) -> bool:
    """Whether the joint's row is one set of three alike parts though their conductors are not seen to
    leave (:func:`irpatrol.analysis.phase_shift.one_set`). A terminal clamp's lead or a contact's
    blade runs to other hardware within the frame; such a row is then graded without
    :data:`UNSPANNED_ROW_MARGIN_K`."""
    return len(j.peers_xy) == 2 and one_set(img, j.xy, j.peers_xy)


HEAT_TAIL_PX = 60.0
"""Farthest (px) a cooler maximum is looked at as a reported joint's heat tail: six fin lengths
(λ ≈ 0.16 m, docs/physics.md §3) at 15 m with 1.3 mrad pixels, where the excess has fallen below
1 %; at 5 m a tail reaches further but is then no local maximum. Project choice."""


def _in_heat_of(grown: Callable[[], np.ndarray], j: Joint, found: list[Hotspot], joints: list[Joint]) -> bool:
    """Whether joint ``j`` lies in the heat of a hotter joint already reported (``found``, read from
    ``joints``): within :data:`HEAT_TAIL_PX` of it, and either the reading never falls on the straight
    path between them below what surrounds ``j`` (T1 − its compact excess;
    :func:`irpatrol.analysis.phases.path_low`), the hotter joint lies within ``j``'s own ring
    (:func:`_within_its_ring`), or ``j`` is a lesser part down the same lead (:func:`_down_its_lead`).
    ``grown`` gives the 3×3-dilated frame (a path grazing a thin conductor stays on it), made only
    when a pair is close enough to need it. A bad joint heats its conductor on both sides (fin decay,
    docs/physics.md §3); a maximum of that tail (a wire sampled by the pixel grid reads in beads, §6)
    is the same defect, reported once; a part of its own on the same conductor has the cooler wire
    between them. Only a joint graded against a reference stands for its region: when the hottest
    reading found none (a blade of higher emissivity than the contact that heats it, reading hotter),
    the cooler maxima are reported too, and may carry one."""
    for h, hj in zip(found, joints, strict=True):
        apart = float(np.hypot(h.max_xy[0] - j.xy[0], h.max_xy[1] - j.xy[1]))
        # an ungraded reading does not stand for the region
        if h.t_max_c <= j.t1_c or apart > HEAT_TAIL_PX or h.t2_c is None:
            continue
        if _within_its_ring(j, apart) or _down_its_lead(j, hj) or float(
                path_low(grown(), h.max_xy, np.array([j.xy], np.float64))[0]) >= j.t1_c - j.excess_k:
            return True
    return False


def _within_its_ring(j: Joint, apart_px: float) -> bool:
    """Whether a hotter reported hotspot ``apart_px`` (px) from joint ``j`` lies within the ring at
    which ``j`` showed as a compact maximum (``j.radius_px``,
    :func:`irpatrol.analysis.ridges.compact_maxima`): ``j`` then stands out only over surroundings that
    hold the hotter part itself, so it is a lobe of that part seen through a cold line crossing it, not
    a part of its own. Generated strain clamp 5556002 (development seed): a 20 px clamp at 43 °C
    crossed by a line of bare wire 10–15 K colder; its second lobe 5 px away, 1.5 K out of its 10 px
    ring, was reported `serious` a second time against another row."""
    return apart_px <= j.radius_px


LEAD_ANGLE_DEG = 10.0
"""Largest angle (°) between the way from a hotter joint to a cooler part and the conductor direction
of either (:func:`_down_its_lead`) for the part to sit down the same lead: a terminal clamp joins its
lead to a blade or stud at its own angle (development frame 5557076: lead 65–85°, blade 90–110°), and
the line test reads each part's direction to 5° (:data:`irpatrol.analysis.ridges.STEP_DEG`), so either
part's direction may be the lead's. Project choice: 4 px off the hotter joint's direction alone kept
four of the development seed's 21 second findings that 10° of either removes."""
TAIL_SHARE = 0.3
"""Largest share of a hotter joint's difference from its own T2 (T1 − T2) that a part down the same lead
may show over its T2 to be read as that joint's heat (:func:`_down_its_lead`): the excess a bad joint
conducts along its conductor falls to 37 % within one fin length (λ ≈ 0.16 m, docs/physics.md §3). On
the development seed the far ends of the leads and blades of hot terminal clamps and contacts stood
0.15–0.26 of it over the same part of the healthy phases (5557004, 5557017, 5557087, 5558026), each
reported as a second `general` finding of the same fault. Project choice."""


def _down_its_lead(j: Joint, hot: Joint) -> bool:
    """Whether joint ``j`` is a lesser part down the conductor, lead or blade of the hotter joint
    ``hot``: the way from ``hot`` to it within :data:`LEAD_ANGLE_DEG` of either one's conductor, and
    standing over its own T2 by at most :data:`TAIL_SHARE` of what ``hot`` stands over its own (both
    graded against a reference). A crossarm in front of the lead breaks the reading of the path between them
    (:func:`_in_heat_of`), not the conduction."""
    if j.t2_c is None or hot.t2_c is None:
        return False
    way = float(np.degrees(np.arctan2(j.xy[1] - hot.xy[1], j.xy[0] - hot.xy[0])))
    if not any(direction_gap_deg(way, a) <= LEAD_ANGLE_DEG for a in (hot.angle_deg, j.angle_deg)):
        return False
    return j.t1_c - j.t2_c <= TAIL_SHARE * (hot.t1_c - hot.t2_c)


def _peer_box(xy: tuple[int, int]) -> tuple[int, int, int, int]:
    return (xy[0] - 1, xy[1] - 1, 3, 3)


def _peer_centre(box: tuple[int, int, int, int]) -> tuple[int, int]:
    """The peer position (x, y px) a ``Hotspot.peer_bboxes`` box stands for (:func:`_peer_box`)."""
    x, y, w, h = box
    return x + w // 2, y + h // 2


def find_joint_hotspots(celsius: np.ndarray, *, t0_c: float, t0_source: str, conditions: Conditions,
                        ifov_mrad: float | None = None, min_delta_k: float = MIN_DELTA_K,
                        min_rise_k: float = MIN_RISE_K, accuracy: tuple[float, float] = CAMERA_ACCURACY,
                        ) -> tuple[list[Hotspot], int]:
    """The joints of ``celsius`` (°C) worth reporting, hottest first, and how many compact maxima
    were confirmed on a line through them (0: the frame shows no line structure the detector can
    read; a line one way only, ``Joint.one_way``, a set of parts on no line, ``Joint.in_set``, or a
    maximum past the cut serving as a twin only, ``Joint.twin_only``, does not show it).

    Reported: a joint at least ``min_delta_k`` (K) hotter than its T2, or, without T2, at least
    ``min_rise_k`` (K) above T0 (it is then reported unrated, for review). T0 comes from the caller.
    A joint whose half-height outline does not hold the 3×3 px measurement spot in any direction
    (:func:`irpatrol.analysis.measure.holds_spot`: a sun glint, a part too small at this distance;
    ../shared/domain/standards.md §2) has no trusted T1: it is
    reported without T2 (unrated, for review) when ``min_rise_k`` above T0, else not at all. So is a
    joint whose outline is too small for the spacing of its reference row to be phase hardware
    (:data:`MIN_PART_SHARE`) or reaches a whole spacing along the row (:data:`MAX_ALONG_SHARE`), half
    of it when the row is one part alone (:data:`ONE_PEER_ALONG_SHARE`). Of the joints reported without
    T2 along one warm stretch, the hottest stands for the others (:func:`_on_an_unrated_stretch`).
    """
    img = np.asarray(celsius, dtype=np.float32)
    floor_k = accuracy_k(t0_c, accuracy)

    def hopeless(j: Joint, sources: tuple[str, ...]) -> bool:
        # rising less than min_rise_k, it is reported only with a T2 and a measurement spot. The
        # outline from the lowest base a reference of these sources allows (_outline_base) is the
        # largest: without a spot there, none has one. The other phases' parts read no lower than T0
        # less the accuracy (find_joints); the joint's own conductor, or no T2, leave the base no
        # lower than without one. A broad patch rising that little is no part (BROAD_RING_PX)
        if j.t1_c - t0_c >= min_rise_k:
            return False
        if j.radius_px > BROAD_RING_PX:
            return True
        lowest = (dataclasses.replace(j, t2_c=t0_c - floor_k, t2_source="similar-component")
                  if "similar-component" in sources else j)
        return not _outline(img, j, _outline_base(lowest))[4]

    joints = find_joints(img, t0_c, floor_k, REPORT_EXCESS_K, hopeless)
    # for the heat-tail and twin tests, made once when first needed: a 1 px step off a thin wire is no dip
    grown = functools.cache(lambda: cv2.dilate(img, np.ones((3, 3), np.uint8)))
    blurred = functools.cache(lambda: smoothed(img))  # for the straight-line test, once a frame
    joints = [_with_twin(img, grown, j, joints, floor_k) for j in joints]
    flag_conditions = conditions
    sizes = trusted_target(conditions.distance_m, ifov_mrad)
    found: list[Hotspot] = []
    reported: list[Joint] = []  # the joint each of found was read from
    for j in joints:
        if j.twin_only or j.excess_k < REPORT_EXCESS_K:
            continue  # a twin only (joints.MAX_TWIN_CANDIDATES), or too weak a maximum
        if j.t2_c is not None and j.t1_c - j.t2_c < min_delta_k:
            continue
        if j.t2_c is None and j.t1_c - t0_c < min_rise_k:
            continue
        if any(inside(j.xy, h.bbox) for h in found):
            continue  # another maximum of a part already reported (a flat top)
        if _in_heat_of(grown, j, found, reported):
            continue  # the heat a hotter joint conducts along its conductor, not a part of its own
        base = _outline_base(j)
        contour, bbox, area, mean_c, spot = _outline(img, j, base)
        if max(bbox[2], bbox[3]) >= 2 * OUTLINE_HALF_PX + 1 and base < j.t1_c - j.excess_k:
            # the half-height region fills the outline window across: it is the background, not a
            # part (a glint on a wire over warm ground with peers read colder than that ground,
            # generated frame 99000168); the part's extent is where it stands off its surroundings
            contour, bbox, area, mean_c, spot = _outline(img, j, j.t1_c - j.excess_k)
        # still across the window: a long body as warm as the maximum (a sunlit rail or bar), no part
        long_body = max(bbox[2], bbox[3]) >= 2 * OUTLINE_HALF_PX + 1
        if _the_reference_of(j, bbox, found, floor_k):
            continue  # the normal phase a hotter joint was graded against, shown as that one's T2
        # "phases" too far apart for a part this small, or within its own outline: not a crossarm's row
        no_row = j.t2_source == "similar-component" and bool(j.peers_xy) and (
            max(bbox[2], bbox[3]) < MIN_PART_SHARE * (spacing := _row_spacing_px(j))
            or _along_row_px(contour, j) >= _along_share(j) * spacing)
        # a speck (glint, unresolved part) or no part either: no ΔT or δ
        if no_row or not spot or long_body:
            if j.t1_c - t0_c < min_rise_k:
                continue
            j = dataclasses.replace(j, t2_c=None, t2_source="none", peers_xy=(), peers_unseen=False,
                                    peers_warmest_c=None)
        if j.t2_c is None and _on_an_unrated_stretch(grown, j, found, floor_k):
            continue  # the same warm stretch as a hotter unrated reading (a conductor read in beads)
        small = not spot if sizes is not None else area < MIN_TARGET_PX  # a spot covers SPOT_PX² px
        rise = j.t1_c - t0_c
        delta = None if j.t2_c is None else j.t1_c - j.t2_c
        pct = None if delta is None or rise <= 0 else 100.0 * delta / rise
        flags = (("small-target",) if small else ()) + tuple(validity_flags(flag_conditions, hot_c=j.t1_c,
                                                                            ambient_c=t0_c))
        peers = tuple(_peer_box(p) for p in j.peers_xy)
        margin = _margin(img, j, accuracy_k(j.t1_c, accuracy), found)
        reported.append(j)
        found.append(Hotspot(
            bbox=bbox, contour=contour, area_px=area, t_max_c=j.t1_c, max_xy=j.xy, t_mean_c=mean_c,
            t2_c=j.t2_c, t2_source=j.t2_source, t2_bbox=peers[0] if peers else None, t0_c=t0_c,
            t0_source=t0_source, delta_t_k=delta, rise_k=rise, delta_pct=pct, peer_bboxes=peers,
            flags=flags, pixel_size_m=None if sizes is None else sizes[0],
            min_target_m=None if sizes is None else sizes[1],
            pattern="local",
            on_structure=not long_body and not _unproven(img, j, margin) and _on_a_span(blurred, j),
            reference_margin_k=margin))
    return found, sum(not (j.one_way or j.in_set or j.twin_only) for j in joints)
