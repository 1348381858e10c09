"""Hot joints as the local excess over the line structure they sit on (pure, OpenCV + numpy).

A thermographer reads an aerial frame of a pole top by the structure: conductors are thin long
ridges (brighter or darker than the sky or the ground behind them), the clamps and joints sit on
them, and a bad joint is a *compact* maximum on its conductor whose heat falls off along it over a
few fin lengths (docs/physics.md §3). The three phases run in parallel, so the same part on another
phase sits on a parallel conductor close by. This module follows that reading:

1. **Compact maxima** (:func:`irpatrol.analysis.ridges.compact_maxima`): a pixel's excess over the
   hottest pixel on a ring around it, E = T − max_ring(T), at ring radii of 5, 10, 20, 40 px on a
   2×2 max-pooled pyramid (a thin conductor survives the pooling). Along a conductor the ring meets
   the same conductor, so E ≤ 0 there; on a joint it meets the conductor beyond the joint's heat, so
   E is the joint's local excess (a white top-hat with a ring element).
2. **On a line** (:func:`irpatrol.analysis.ridges.lines_through`): in some direction the candidate
   continues both ways as a thin ridge (bright or dark against its sides; for a maximum standing
   ≥ 10 K out, the way back may turn by 5° at the part, :data:`BEND_STEPS`). Roofs, roads, vehicles,
   trees, sky and glints are not thin ridges through a compact maximum: they are never graded
   (issue 10 item 3). A maximum standing ≥ 10 K out of everything around it with a ridge one way
   only, on a conductor running out of view (a clamp under a crossarm's end), is read too, with T2
   from the other phases' parts only, on lines through them or located by the structure's repetition
   (:func:`_one_way`); so is a compact
   maximum on no line that is one of a set of three alike parts, with T2 from that set
   (:func:`_in_a_set`: a contact whose lead reads like the ground behind it), or that stands 10 K out
   of everything around it, with T2 from the row the structure's repetition places.
3. **T2** (:mod:`irpatrol.analysis.phases`): the same part on the other phases — two parts in a row
   with the joint on parallel conductors, the cooler of them (:func:`~irpatrol.analysis.phases.phase_row`);
   for a joint rising enough over T0 (≥ 6 K when compact, ≥ 10 K when broad: :func:`_locatable`)
   without such a row, or with one far off (:data:`NEAR_ROW_PX`) or looking less like the joint
   (:data:`LIKER_ROW_GAIN`), the positions where the structure's repetition puts the other phases'
   parts (:func:`irpatrol.analysis.phase_shift.shift_row`); else
   one part on a parallel conductor; else, for a compact joint rising less, those positions when they
   make one set of three alike parts (:func:`_low_set`); else, for a joint rising 10 K, the same
   part on one neighbouring phase alone (:func:`_near_phase`); else the same conductor followed
   beyond the joint's heat (:func:`irpatrol.analysis.ridges.conductor_far`); else none (the caller
   reports it unrated).

Everything is a temperature difference or a geometric relation, so a uniform offset changes no
result and no scenario is assumed. Sources, thresholds and limits: docs/physics.md §9.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from irpatrol.analysis.arms import shows_an_arm
from irpatrol.analysis.hotspots import MIN_RISE_K
from irpatrol.analysis.phase_shift import (
    CLEAR_MATCH,
    SHIFT_MIN_RISE_K,
    ShiftOf,
    near_phase,
    one_set,
    outlined,
    phase_shift,
    row_match,
    shift_row,
)
from irpatrol.analysis.phases import (
    PARALLEL_THETA_DEG,
    PEER_MIN_EXCESS_K,
    off_own_line,
    parts_along,
    phase_peers,
    phase_row,
    separate,
)
from irpatrol.analysis.ridges import (
    ANGLES,
    LINE_RADII_PX,
    MIN_EXCESS_K,
    MIN_RIDGE_SAMPLES,
    RING_PX,
    SPAN_TRIES_DEG,
    STEP_DEG,
    TRACK_SEGMENT_PX,
    Candidate,
    best_line,
    compact_maxima,
    compact_maxima_and_past,
    conductor_far,
    leaves,
    line_rank,
    line_sides,
    lines_through,
    padded,
    ring_readings,
    track_ridges,
    weaker_side,
)

__all__ = ["Joint", "compact_maxima", "find_joints"]

MAX_JUDGED = 8
"""Confirmed joints, hottest first, for which T2 is sought (the rest serve as peers only): a pole
top carries a few dozen parts, of which the hottest few are the ones worth grading."""
MAX_ALONG = 3
"""Joints, hottest first, for which parts on parallel conductors are also sought by their excess
along the conductor (:func:`parts_along`) and, failing a phase, the conductor is followed
(:func:`conductor_far`); bounds the time per frame. A cooler joint without a phase row among the
confirmed parts stays without T2, unless it sits on a long line (:data:`MAX_ON_LONG_LINE`)."""
MAX_ON_LONG_LINE = 16
"""Joints, hottest first, among which one beyond the first :data:`MAX_ALONG` is judged as those are
(beyond :data:`MAX_JUDGED` too) when its line is followed :data:`LONG_LINE_PX` both ways
(:func:`_on_long_lines`). In front of real ground, sunlit roofs, cars and façades hold warmer maxima
on lines of their own (edges, pipes, rails) than a clamp a few kelvin over the air: with the line
drawn in front of the 55 DJI scenes of ``bench/real_backgrounds.py``, a generated clamp 6 K over
10.6 °C air before the M30T frame 0004 ranked 13th of the frame's 16 joints and was not reported (no
T2, rising under 10 K), while its conductor is followed 136–157 px both ways and gives its T2 within
0.5 K. Judging the first 8 in full instead of 3 graded 6 more of the 349 defects right but the
scenes' own content 19 more times per 100 frames. Project choice, with :data:`LONG_LINE_PX`
(docs/detector.md, twenty-seventh pass)."""
LONG_LINE_PX = 80.0
"""Least distance (px) to which the ridge of a joint's line is followed each way
(:func:`irpatrol.analysis.ridges.track_ridges`) for the joint to sit on a long line: a 10 kV conductor
runs tens of metres between poles (~80 m on average in the county, ../shared/domain/scheduling.md),
so it crosses the frame from a clamp on it, while the edges, pipes and rails of roofs and cars that
the line test also confirms mostly end sooner or change temperature. 80 px is 0.5 m at 5 m and 3 m at
30 m with 1.3 mrad pixels. In front of the real scenes, with the first 8 judged in full: of the joints
ranked 4th or lower, 2 of the 122 graded ones that belonged to the scene were followed that far, and
19 of the 62 generated faulty ones. Project choice."""

PEER_EXCESS_RATIO = 1.2
"""A part on no visible line is a peer of a joint only if its compact excess is at most this times
the joint's plus :data:`irpatrol.analysis.ridges.MIN_EXCESS_K`: the faulty part is the healthy part
plus the fault's heat, so a healthy phase does not stand out from its surroundings much more than
the faulty one does (the ring excess also depends on what lies behind each part, hence the margin).
Warm fixtures of a sunlit roof that stand out more than the "joint" are no phase set. A part that
reads as warm as the joint (within the camera's accuracy) is a peer whatever its excess: it makes no
defect of the joint, only a healthy reading of it. Project choice."""


LONE_ALIKE_K = 0.5
"""Largest difference (K) between the two parts of a phase row on no visible conductor for the row to
stand against the joint's own conductor followed away from it: the same part on two healthy phases
reads alike to the noise and the small spread of load and emissivity (a few tenths of a kelvin for a
like-for-like comparison within one frame, ../shared/domain/standards.md §1.6), while two spots of
the ground that happen to stand in a row with the joint differ by whatever the ground does. Project
choice."""


def _outlined(img: np.ndarray, c: Candidate, seen: dict[tuple[int, int, int], bool]) -> bool:
    """Whether the compact maximum ``c`` (x, y, °C, excess K, level) has a part's outline within
    2^(level + 1) px of it (:func:`irpatrol.analysis.phase_shift.outlined`). Kept in ``seen`` by
    position and level: a frame's joints ask about the same candidates."""
    if (c[0], c[1], c[4]) not in seen:
        seen[(c[0], c[1], c[4])] = outlined(img, ((c[0], c[1]),), 2 ** (c[4] + 1))
    return seen[(c[0], c[1], c[4])]


def _outlined_row(img: np.ndarray, par: list[Candidate], lone: list[Candidate], j: Joint, grown: np.ndarray,
                  accuracy_k: float, seen: dict[tuple[int, int, int], bool],
                  ) -> tuple[tuple[tuple[int, int], tuple[int, int]] | None, list[Candidate]]:
    """The phase row (:func:`irpatrol.analysis.phases.phase_row`) of ``j`` among the parts on parallel
    lines ``par`` and those on no visible line ``lone`` that have an outline (:func:`_outlined`), and
    the ``lone`` parts left. The outline is read only for the parts of the rows that come out best
    (a few per joint, not every one of the 30 candidates): a row with a part on no visible line is
    the one found with every outline-less part left out beforehand."""
    while lone:
        row = phase_row(par + lone, j.xy[0], j.xy[1], j.t1_c, j.angle_deg, grown, accuracy_k)
        if row is None:
            return None, lone
        flat = [c for c in lone if (c[0], c[1]) in row and not _outlined(img, c, seen)]
        if not flat:
            return row, lone
        lone = [c for c in lone if c not in flat]
    return None, lone


ALONG_SHARE = 0.25
"""Least share of T1 − T2 by which a joint must stand out along its own conductor (B of
:func:`irpatrol.analysis.phases.parts_along`) more than the parts of a row found that way stand out
along theirs, for the row to count as seen parts (else as a row with a part on no visible line:
``Joint.peers_unseen``). A faulty joint heats the wire 6–12 px either side only partly (the fin law,
docs/physics.md §3), so it keeps a share of its excess there: 0.36–0.9 on the development frames
(5558066; ``test_a_row_whose_conductors_leave_one_way_is_a_phase_set``'s 0.66–0.9). A 1–2 px wire read
warmer where it crosses something warmer behind it (§6) is as warm 6–12 px along, over the same
background: the demo's pole N20, 2.2 K over the other phases' wires against the ground, stands out
along its wire 0.2 K more than they do (0.09 of T1 − T2). Project choice: 0.5 graded one defect
fewer right on the development seeds (5550000…)."""


def _row_t2(grown: np.ndarray, row: tuple[tuple[int, int], ...]) -> float:
    """T2 (°C) of a phase row: the cooler of its parts, each read as its warmest pixel within ±1 px
    (``grown``, the frame dilated by 3×3), as T1 is."""
    return min(float(grown[y, x]) for x, y in row)


def _stands_out_along(row: tuple[tuple[int, int], tuple[int, int]], along: list[Candidate], own_k: float,
                      t1_c: float, grown: np.ndarray) -> bool:
    """Whether a joint at ``t1_c`` (°C) that stands out along its conductor by ``own_k`` (K) does so by
    :data:`ALONG_SHARE` of T1 − T2 (:func:`_row_t2`) more than the parts of its ``row`` among ``along``."""
    theirs = max(c[3] for c in along if (c[0], c[1]) in row)
    return own_k - theirs >= ALONG_SHARE * (t1_c - _row_t2(grown, row))


def _shifted_row(img: np.ndarray, grown: np.ndarray, border: np.ndarray | None, j: Joint, t0_c: float | None,
                 accuracy_k: float, wide: bool = True, shift_of: ShiftOf | None = None,
                 better_than: tuple[tuple[int, int], ...] | None = None) -> Joint | None:
    """The joint with T2 from the same part on the other phases located by the structure's repetition
    (:func:`irpatrol.analysis.phase_shift.shift_row`), or None: no row; a row matched less well than
    :data:`irpatrol.analysis.phase_shift.CLEAR_MATCH` without a line parallel to the joint's through
    each part, or, with each part :data:`APART_MIN_PX` or more away, one of the joint's own arms at
    each part lying across its line (:func:`irpatrol.analysis.arms.shows_an_arm`: a fuse's healthy
    contact shows its lead, not its tube) (``border``, :func:`irpatrol.analysis.ridges.padded`; None:
    no such lines are asked for, the match alone decides); a part not separate from the joint
    (:func:`irpatrol.analysis.phases.separate`); its two parts not reading alike within ``accuracy_k``
    (healthy phases carry the same load); or one reading colder than ``t0_c`` by more than
    ``accuracy_k`` (:func:`find_joints`). ``better_than``: a row of compact parts already found, which
    the located row replaces only when it matches the joint by :data:`LIKER_ROW_GAIN` more than those
    parts do (:func:`irpatrol.analysis.phase_shift.row_match`), else None."""
    got = shift_row(img, j.xy, j.angle_deg, wide, shift_of)
    if got is None:
        return None
    row, match = got
    if better_than is not None and match - row_match(img, j.xy, better_than) < LIKER_ROW_GAIN:
        return None
    if match < CLEAR_MATCH and (border is None or not (
            _on_parallel_lines(img, row, j.angle_deg, border)
            or (min(distances_px(j, row)) >= APART_MIN_PX
                and shows_an_arm(img, j.xy, j.line_angles_deg or (j.angle_deg,), row, border)))):
        return None
    read = _located_t2(img, grown, j, row, t0_c, accuracy_k)
    return None if read is None else dataclasses.replace(j, t2_c=read[0], t2_source="similar-component",
                                                         peers_xy=row, peers_warmest_c=read[1])


def _near_phase(img: np.ndarray, grown: np.ndarray, j: Joint, t0_c: float | None,
                accuracy_k: float, shift_of: ShiftOf | None = None) -> Joint | None:
    """The joint with T2 from the same part on one neighbouring phase
    (:func:`irpatrol.analysis.phase_shift.near_phase`: matched by 0.6 and outlined), read as a
    located row's parts are (:func:`_located_t2`); else None. One match is weaker evidence than a row
    of three, so :func:`find_joints` asks for it last, before the joint's own conductor, and only for
    a joint rising the low-rise guard's 10 K over T0 (:data:`irpatrol.analysis.hotspots.MIN_RISE_K`),
    which is reported, unrated for review, without any T2: below it a T2 is what gets a joint reported
    at all, and one match should not. (On the development frame 5559065 a fuse's hottest maximum,
    rising 7.7 K, took one phase, was reported unrated by the unspanned-row margin, and displaced a
    cooler maximum beside it whose row of three was graded right.) Tried ahead of the other readers
    (as a row of :func:`irpatrol.analysis.phase_shift.shift_row`), it graded the foot of a lightning
    rod against warm trees on the shared DJI M2EA substation frame `general` (matched by 0.71 to the
    top of a tower 93 px away)."""
    place = near_phase(img, j.xy, j.angle_deg, shift_of)
    read = None if place is None else _located_t2(img, grown, j, (place,), t0_c, accuracy_k)
    return None if read is None or place is None else dataclasses.replace(
        j, t2_c=read[0], t2_source="similar-component", peers_xy=(place,))


def _low_set(img: np.ndarray, grown: np.ndarray, border: np.ndarray, j: Joint, t0_c: float | None,
             accuracy_k: float) -> Joint | None:
    """For a joint rising less than :data:`irpatrol.analysis.phase_shift.SHIFT_MIN_RISE_K` over ``t0_c``
    that found no other reference but its own conductor: the row the structure's repetition places
    (:func:`_shifted_row`) when the joint is compact (:data:`COMPACT_RING_PX`) and the row is one set
    of three alike parts (:func:`irpatrol.analysis.phase_shift.one_set`), with the margin of parts
    that may read off the same part (``peers_unseen``): such a row may sit a few pixels off the other
    phases' clamps, on their bare conductor, which reads 1–3 K colder by its lower emissivity
    (docs/physics.md §1; the reason for the rise bound). Else None. Development frames 5558049,
    5556033: a jaw contact's and a strain clamp's sets, where the joint's own conductor gave T2 within
    its 6 K margin (``pipeline.SAME_CONDUCTOR_MARGIN_K``): unrated. The wider spacings
    (:func:`irpatrol.analysis.phase_shift.shift_row` ``wide``) are not read, as for :data:`MAX_SET`."""
    if t0_c is None or j.t1_c - t0_c >= SHIFT_MIN_RISE_K:
        return None
    in_set = _set_row(img, grown, border, j, t0_c, accuracy_k)
    return None if in_set is None else dataclasses.replace(in_set, peers_unseen=True)


def _set_row(img: np.ndarray, grown: np.ndarray, border: np.ndarray | None, j: Joint, t0_c: float | None,
             accuracy_k: float, alone: bool = False) -> Joint | None:
    """The one reading of :func:`_in_a_set` and :func:`_low_set`: for a compact joint
    (:data:`COMPACT_RING_PX`), the row :func:`_shifted_row` places at the frame's own resolution (the
    wider spacings gave none of these sets on the three seeds, :data:`MAX_SET`) when it is one set of
    three alike parts (:func:`irpatrol.analysis.phase_shift.one_set`), or whether or not it is one when
    ``alone`` (the joint stands out enough to take the row alone, :func:`_in_a_set`); else None."""
    if j.radius_px > COMPACT_RING_PX:
        return None
    shifted = _shifted_row(img, grown, border, j, t0_c, accuracy_k, wide=False)
    return shifted if shifted is not None and (alone or one_set(img, j.xy, shifted.peers_xy)) else None


def below_surroundings(img: np.ndarray, x: int, y: int) -> bool:
    """Whether the located part at (x, y) px reads below its surroundings: the median of its 3×3 px at
    least :data:`DARK_PART_K` under the median of the ring of :data:`RING_PX` around it (the ring a
    compact maximum's excess is taken over)."""
    here = img[max(0, y - 1): y + 2, max(0, x - 1): x + 2]
    return float(np.median(here)) <= float(np.median(ring_readings(img, x, y))) - DARK_PART_K


DARK_PART_K = MIN_EXCESS_K
"""How far (K) a located part's reading must lie below its surroundings to be read at its coldest
pixel (:func:`_located_t2`): bare metal of emissivity ε reflects the sky, so a healthy clamp reads
(1 − ε)·(T − T_sky) below its own temperature and, before ground warmed by the sun, below the ground
(docs/physics.md §1, §2). The compact maxima's least excess over their ring, the other sign."""


def _located_t2(img: np.ndarray, grown: np.ndarray, j: Joint, row: tuple[tuple[int, int], ...],
                t0_c: float | None, accuracy_k: float) -> tuple[float, float | None] | None:
    """T2 (°C) of joint ``j`` from the parts of a ``row`` located by the structure's repetition (two, or
    one neighbouring phase alone: :func:`_near_phase`), the coolest of them, and, when they were read
    at their coldest pixel, their warmest reading (else None); None when a part is not separate from
    the joint (:func:`irpatrol.analysis.phases.separate`: on its own flat top or its conductor's hot
    stretch, no other phase; :func:`_apart` for a joint that stands out), two do not read alike within
    ``accuracy_k`` (K: healthy phases carry the same load), or one reads colder than ``t0_c`` (°C) by
    more than that.

    Each part is read at its warmest pixel within ±1 px (``grown``, as T1), except when both parts of
    a row read below their surroundings (:func:`below_surroundings`): healthy clamps of bare metal
    reflecting a cold sky before sunlit ground (docs/physics.md §1), where the warmest pixel within
    ±1 px of a 3–5 px part is the ground beside it. They are then read at their coldest pixel within
    ±1 px, the part's own reading; the tests that they are separate from the joint and not colder than
    the air keep their warmest readings (a part carrying load is not colder than the air: the sky it
    reflects is what the coldest pixel shows). Over the four development and check seeds, 43 to 56 %
    of the current-heating defects whose two healthy phases read so are graded right, against 73 to
    81 % of those whose phases read as warm as their surroundings or warmer (``bench/misses.py``,
    docs/detector.md nineteenth pass). Not for one phase alone: on tuning base frame 33000066
    (nothing wrong) a sun glint on a wire took the dark wire of the next phase for its part and was
    graded `critical`."""
    warmest = [float(grown[y, x]) for x, y in row]
    pts = np.array([(x, y, t) for (x, y), t in zip(row, warmest, strict=True)])
    if not (separate(grown, (j.xy[0], j.xy[1], j.t1_c), pts) | _apart(j, pts, t0_c)).all():
        return None
    dark = len(row) == 2 and all(below_surroundings(img, x, y) for x, y in row)
    reads = [float(img[max(0, y - 1): y + 2, max(0, x - 1): x + 2].min()) for x, y in row] if dark \
        else warmest
    if max(reads) - min(reads) > accuracy_k or (t0_c is not None and min(warmest) < t0_c - accuracy_k):
        return None
    return min(reads), min(warmest) if dark else None


APART_SHARE = 0.5
"""Share of a joint's rise over T0 by which it must stand out over its own ring (its compact excess,
:func:`irpatrol.analysis.ridges.compact_maxima`), and by which a located part must read below it, for
the part to count as separate from the joint without a dip on the path between them (:func:`_apart`).
Project choice, docs/detector.md eleventh pass."""
APART_MIN_PX = 18.0
"""Least distance (px) of a located part from the joint for :func:`_apart` to count it apart without a
dip on the path between them, and for a located row to stand on the joint's arms alone
(:func:`_shifted_row`): 0.7 m of phase spacing at 30 m with 1.3 mrad pixels (docs/physics.md §6).
Nearer, a part may lie in the joint's heat along its own conductor, whose fin length of about 0.16 m
is 12 px at 10 m (§3): on the single-phase development frames 5553009 and 5553017 rows 10–42 px off,
where no other phase exists, took the place of the joint's own conductor. On the tuning base's frame
33001022 (nothing wrong) a sunlit road's edge under a crossarm, 2 K over its ring, was `general`
against a row 14 and 28 px off that showed its arm."""

APART_LOW_RING_PX = RING_PX
"""Largest ring (px) of :func:`irpatrol.analysis.ridges.compact_maxima` at which a joint rising 6–10 K
over T0 (:data:`irpatrol.analysis.phase_shift.SHIFT_MIN_RISE_K` to the low-rise guard's 10 K) may count
a located part apart without a dip (:func:`_apart`): the finest scale, a part at most about 10 px
across. Not :data:`COMPACT_RING_PX`, the scale at which such a joint takes a located row at all: at the
10 px ring unseen base frame 66000163's sunlit patch (31×31 px at half height, rising 7.1 K) took a row
of ground with no dip on the way and was graded `general`. Project choice (docs/detector.md, fourteenth
pass)."""


def _apart(j: Joint, pts: np.ndarray, t0_c: float | None) -> np.ndarray:
    """Whether each located part of ``pts`` (N×3: x, y px, reading °C) is apart from joint ``j`` although
    the path between them may not dip (:func:`irpatrol.analysis.phases.separate`): the joint rises the
    low-rise guard's 10 K over ``t0_c`` (:data:`irpatrol.analysis.hotspots.MIN_RISE_K`), or, shown at
    the finest scale (:data:`APART_LOW_RING_PX`: a part at most about 10 px across), the
    6 K from which a compact joint's row is located at all
    (:data:`irpatrol.analysis.phase_shift.SHIFT_MIN_RISE_K`); it stands out over its own ring by
    :data:`APART_SHARE` of that rise (its heat is compact, no flat top reaching the other phases), and
    the part reads below the joint by that share of the rise, :data:`APART_MIN_PX` or farther from it.
    The same part on the other
    phases, at ambient on a crossarm at ambient, makes no dip on the path along the crossarm: on the
    development frames 5559077 (a fuse contact at 88 °C) and 5558018 (a jaw contact at 70 °C) the
    located rows read within 1.2 K of the generated peers but were set aside, and the joints were
    graded against rows of compact maxima 45–230 px off. So were the rows of joints rising 6–10 K while
    this asked 10 K of every joint (development frame 5558029, a 6 px jaw contact rising 6.4 K: its row
    lay 3–4 px from the generated contacts, and the contact went unreported for want of a reference).
    Below 10 K a sunlit patch shown at the 10 px ring took a row of ground (unseen base frame 66000163:
    31×31 px at half height, rising 7.1 K, `general`); without the excess bound, a road's edge under a
    crossarm took the points where two conductors cross a warmer sky (tuning frame 33001022)."""
    rise = -np.inf if t0_c is None else j.t1_c - t0_c
    least = SHIFT_MIN_RISE_K if j.radius_px <= APART_LOW_RING_PX else MIN_RISE_K
    if rise < least or j.excess_k < APART_SHARE * rise:
        return np.zeros(len(pts), bool)
    far = np.hypot(pts[:, 0] - j.xy[0], pts[:, 1] - j.xy[1]) >= APART_MIN_PX
    return far & (pts[:, 2] <= j.t1_c - APART_SHARE * rise)


NEAR_ROW_PX = 70.0
"""Farthest (px) the nearer part of a row of compact parts (:func:`irpatrol.analysis.phases.phase_row`)
may lie from the joint before the row the structure's repetition places (:func:`_shifted_row`) is
also sought, and taken when both its parts lie nearer than that part: the phases are the nearest
repetition of a pole top's hardware, and a row of compact maxima is chosen by how alike its parts
read, not by the spacing, so across a busy frame it may join a joint with parts of another pole or
of the ground 100–240 px away (development frame 5556048: a strain clamp's "phases" 139 and 239 px
off, T2 3.1 K too cold; the located row 2 px from the generated parts). 0.7 m of phase spacing at
7.7 m with 1.3 mrad pixels. Project choice: 100 px gained one defect fewer on the three seeds
(5550000, 8880000, 77000000), and no defect was lost at either."""


LIKER_ROW_GAIN = 0.2
"""How much better (normalised cross-correlation of the fine structure, −1…1) the parts of the row the
structure's repetition places (:func:`irpatrol.analysis.phase_shift.shift_row`) must match the joint's
surroundings than the parts of a row of compact maxima within :data:`NEAR_ROW_PX` do, for the located
row to replace it (:func:`find_joints`, for a joint rising enough, :func:`_locatable`). A row of compact
maxima is chosen by how alike its parts read and how they line up, not by what they look like, so it
may be other hardware of the pole top: on development frame 5556062 (a strain clamp at 59 °C) two
maxima 51 and 107 px off, 20–35 px above the line of the phases, matched its surroundings by 0.33
and read 2.5 K colder than the generated clamps; the located row matched by 0.92 and read within
0.1 K. Project choice (docs/detector.md, fifteenth pass): margins of 0, 0.1 and 0.2 gave the same
listings on the development and check seeds; the located rows gained there matched by 0.28–0.59
more than the compact ones."""


def _locatable(j: Joint, t0_c: float | None) -> bool:
    """Whether joint ``j`` rises enough over ``t0_c`` (°C) for its row to be located by the structure's
    repetition ahead of the other readers: by :data:`irpatrol.analysis.phase_shift.SHIFT_MIN_RISE_K`
    when compact (:data:`COMPACT_RING_PX`), else by :data:`BROAD_SHIFT_MIN_RISE_K`. Never without T0."""
    if t0_c is None:
        return False
    rise = j.t1_c - t0_c
    return rise >= SHIFT_MIN_RISE_K and (j.radius_px <= COMPACT_RING_PX or rise >= BROAD_SHIFT_MIN_RISE_K)


def distances_px(j: Joint, row: tuple[tuple[int, int], ...]) -> list[float]:
    """Distance (px) from joint ``j`` to each part of ``row``."""
    return [float(np.hypot(x - j.xy[0], y - j.xy[1])) for x, y in row]


COMPACT_RING_PX = 2 * RING_PX
"""Largest ring (px) at which a maximum standing out as a part must show to take a row the structure's
repetition places when nothing else shows it is one (:func:`_in_a_set`, :func:`_low_set`): the two finest
scales of :func:`irpatrol.analysis.ridges.compact_maxima`, a clamp or contact of 3–12 px at 5–15 m
(docs/physics.md §7). A maximum shown only at a coarser scale is a warm patch 20–40 px across (sunlit
ground behind a conductor, development frame 5550001), whose surroundings repeat with the crossarm's
hardware beside it. On the benchmark seed a 20 px patch in an arrester frame with nothing wrong
(77008366) was a `serious` defect through :func:`_in_a_set` before this bound applied to it too; on the
development and fresh seeds the bound changed no count."""
BROAD_SHIFT_MIN_RISE_K = MIN_RISE_K
"""Least rise (K) over T0 of a joint shown only at a scale coarser than :data:`COMPACT_RING_PX` for its
row to be located by the structure's repetition: the low-rise guard's 10 K (DL/T 664-1999 §5.2.2,
:data:`irpatrol.analysis.hotspots.MIN_RISE_K`).
Below it, such a maximum is a warm patch of sunlit ground beside a pole or conductor more often than a
part (tuning bases 44000045 and 33000053: patches 13×36 and 24×30 px beside a pole and a conductor
rose 7 and 6.5 K and were graded "general" against a row of ground read at the repetition's places);
compact joints take located rows from :data:`irpatrol.analysis.phase_shift.SHIFT_MIN_RISE_K` on. (A
joint shown only at the coarsest ring is not even read below 10 K:
:data:`irpatrol.analysis.joint_hotspots.BROAD_RING_PX`; this bound decides for the 20 px ring.)"""
SET_MIN_EXCESS_K = 3.0
"""Least compact excess (K) of a maximum on no line for :func:`_in_a_set` to look for its phase set:
it stands out over everything around it by more than the camera's ±2 K and the ground texture's
specks (±1–2 K, docs/physics.md §2). Project choice."""
MAX_SET = 2
"""Maxima on no line, strongest excess first, for which a phase set is sought (:func:`_in_a_set`): a
structure's repetition takes 2–4 ms a maximum (a 257×257 px correlation; the wider spacings of the
frame averaged over 2×2 px are not read for these parts: on the three seeds they gave none of the
sets), so a frame's time is bounded. With one instead: the same counts on the
development and fresh seeds, one defect fewer on 77000000. A maximum reading colder than T0 less the
camera's accuracy is not searched (it makes no defect, as it makes no peer: a sun glint on a wire
against the sky; on development frame 5558038 two such glints took both searches from a hot contact)."""
SET_AXIS_DEG = 90.0
"""The direction (° from the x axis) taken for the conductor of a maximum on no line when its phase set
is sought (:func:`irpatrol.analysis.phase_shift.phase_shift` leaves out shifts within
:data:`irpatrol.analysis.phase_shift.ROW_OFF_LINE_DEG` of it): a terminal clamp, a jaw contact or a
fuse contact tops a lead, blade or tube that runs up and down the frame when a drone looks along the
line, and the phases stand side by side along the crossarm across it (docs/physics.md §9). On the
development seed the other direction too (the better matched row of the two) placed more rows on the
wrong parts. Project choice."""


def _in_a_set(img: np.ndarray, grown: np.ndarray, j: Joint, t0_c: float | None, accuracy_k: float,
              ) -> Joint | None:
    """Joint ``j``, a compact maximum on no line, with T2 from the same part of the other two phases
    when it is compact (:data:`COMPACT_RING_PX`) and one of a set of three alike parts: the
    structure's repetition places the row
    (:func:`irpatrol.analysis.phase_shift.shift_row`, matched by
    :data:`irpatrol.analysis.phase_shift.CLEAR_MATCH`), its two other parts match each other and nothing
    alike follows beyond its ends (:func:`irpatrol.analysis.phase_shift.one_set`: a 10 kV crossarm carries
    three phases, a façade's windows or a roof's fixtures go on), and the row reads as
    :func:`_located_t2` asks. A terminal clamp or a contact whose lead reads like the ground behind it
    shows no line, but its set shows the structure (development frames 5557016, 5558069). The
    reference is the one :func:`_shifted_row` reads, from parts matched as the same hardware, so it
    carries no margin for parts that might be something else (``peers_unseen``: on the development
    seeds no healthy frame gained a defect without it, and 5557048's clamp 3.6 K over its set was
    graded). ``j`` carries :data:`SET_AXIS_DEG` as its direction; its row must match by ``CLEAR_MATCH``
    whatever lines run through its parts (:func:`_set_row` without a ``border``). A maximum standing
    :data:`ONE_WAY_MIN_EXCESS_K` out of everything around it and rising enough for a located row
    (:func:`_locatable`) takes that row without the one-set test, as a joint on a line one way does:
    at that excess it is no texture of the ground, roofs or cars, and the phases' hardware repeating
    across it places it on a line's structure (development frame 5559008: a drop-out fuse's 42 °C
    upper contact between its lead and its tube, which bend 30° at it, so no line runs through it; the
    located contacts lie within 6 px of the generated ones, matched by 0.41, but not as one set).
    None otherwise."""
    return _set_row(img, grown, None, j, t0_c, accuracy_k,
                    alone=j.excess_k >= ONE_WAY_MIN_EXCESS_K and _locatable(j, t0_c))


def _on_parallel_lines(img: np.ndarray, pts: tuple[tuple[int, int], ...], angle_deg: float,
                       border: np.ndarray) -> bool:
    """Whether a thin line within :data:`irpatrol.analysis.phases.PARALLEL_THETA_DEG` of the joint's
    conductor runs through each of ``pts`` (px) at some radius of the line test: the same part on
    another phase sits on that phase's conductor, lead or blade, parallel to the joint's."""
    xy = np.array(pts, dtype=np.float64)
    theta = np.deg2rad(_parallel_columns(angle_deg) * STEP_DEG)
    ok = np.zeros(len(pts), bool)
    for radius in LINE_RADII_PX:
        ok[~ok] = lines_through(img, xy[~ok], radius, theta, border)[0]
        if ok.all():
            return True
    return False


def _parallel_columns(angle_deg: float) -> np.ndarray:
    """The line test's directions within :data:`irpatrol.analysis.phases.PARALLEL_THETA_DEG` of
    ``angle_deg`` (a multiple of the test's step): a peer's own conductor parallel to the joint's."""
    k = round(angle_deg / STEP_DEG)
    return (k + np.rint(PARALLEL_THETA_DEG / STEP_DEG).astype(np.intp)) % ANGLES


BEND_STEPS = 1
"""How many steps of the line test (5° each, :data:`irpatrol.analysis.ridges.STEP_DEG`) the way back from a
joint may turn from the way out: a terminal clamp joins a lead to a blade or a bushing stud, a
jumper leaves a strain clamp, a fuse's contact its lead, each at its own angle (on the development
terminal-clamp frame 5557076 an 80 °C clamp had its lead at 65–85° and its blade at 90–110°, and
was no joint). A conductor through a parallel-groove clamp runs straight. Only for a candidate with no
straight line through it and standing :data:`ONE_WAY_MIN_EXCESS_K` out of everything around it, as for
a line one way only: on the shared DJI M3T river frame a bent line through a 5 K spot of a fish farm's
raft grid made a `serious` clamp, and bent lines read for every candidate turned the direction of
joints that had a straight one (the other phases were then looked for along it: 8 fewer right on the
benchmark seed). One step more (10°) found 2 fewer right on the development seeds and a false defect.
Project choice."""


MAX_ONE_WAY = 6
"""Candidates, strongest compact excess first, that show no line both ways and are tested for a
conductor that leaves them one way (:func:`_one_way`); bounds the time per frame."""
ONE_WAY_MIN_EXCESS_K = 10.0
"""Least compact excess (K) of a candidate tested by :func:`_one_way`: it stands out by the 10 K rise
at which an unrated reading is marked for review (DL/T 664-1999 §5.2.2's low-rise guard, the rule
set's ``guard-low-rise``) over everything on a ring around it, not only over its conductor, so the
texture of sunlit ground, roofs and cars (a few kelvin, docs/physics.md §2) never reaches it. Project
choice."""


ONE_WAY_EXTRA = 1
"""Directions :func:`_way_out` tries beyond the strongest at each radius: a part joins two things (a
lead and the blade, fuse tube or jumper it heats), so one more, outside the spread of those tried.
Each try follows ridges up to :data:`irpatrol.analysis.ridges.FAR_MAX_PX` from up to 45 starts (about
1.5 ms); every direction with a line one way made the 20 shared real files read as two kinds 9 %
slower in all (the FLIR T640 panel 54 → 62 ms), where hot spots on no line abound; with one more, within
1 % of before. Project choice."""


def _one_way(img: np.ndarray, cands: list[Candidate], sides: list[tuple[np.ndarray, np.ndarray]],
             angles: list[list[float]]) -> list[tuple[int, float]]:
    """(index, direction °) of the candidates with a compact excess of at least
    :data:`ONE_WAY_MIN_EXCESS_K` that show a thin ridge one way only (:data:`MIN_RIDGE_SAMPLES` on one
    side, :func:`irpatrol.analysis.ridges.line_sides`) when that ridge is a conductor running out of
    view (:func:`irpatrol.analysis.ridges.leaves`). A terminal clamp's lead leaves it one way (its
    blade the other), a strain clamp's conductor one way (the jumper loops away the other), and a
    clamp at the end of a crossarm has the crossarm or the pole top across its other way; the
    straight edges of roofs and cars that end a ridge at a warm spot mostly stop before the frame's
    edge or the tracking reach, but a car's lamp at a lane's edge running out of view passes (the
    shared H20N and M30T street frames: one lamp each, reported unrated for review like the frames'
    other lamps; docs/physics.md §9). ``angles``: the directions of a line both ways
    per candidate (a candidate with one is not tested).

    A line one way is weaker evidence that the part is equipment than a line through it (a hot
    element of an industrial plant at the end of a cable reads so too: the shared DJI XT2 frame):
    such a joint takes T2 only from the same parts on the other phases: seen as compact maxima on
    lines through them parallel to its own (:func:`irpatrol.analysis.phases.phase_row`), else, for a
    joint rising enough over T0 (:func:`_locatable`), located by the structure's repetition under the
    same tests as any joint's located row (:func:`_shifted_row`: a match of
    :data:`irpatrol.analysis.phase_shift.CLEAR_MATCH`, or a conductor or an arm of its own through
    each part), where three repeating phases say the part is on a line's structure; never from the
    conductor or parts on no visible line. Without a row it is reported ``unrated`` and marked for
    review from a 10 K rise (:class:`Joint` ``one_way``). The drop-out fuse's contact is the common
    case: its lead runs out of view above it, its tube ends below it (fresh seed 8880000: frames
    8889026, 8889028 and 8889073, `serious` against the located contacts, were unrated without a
    reference; the development seed had one such frame, 5559054, whose shift is not the phases')."""
    tried, found = 0, []
    for i, (x, y, _, excess_k, _) in enumerate(cands):  # strongest excess first (compact_maxima)
        if tried >= MAX_ONE_WAY or excess_k < ONE_WAY_MIN_EXCESS_K:
            break
        if angles[i]:
            continue
        tried += 1
        way = _way_out(img, x, y, [(per_side[i].max(axis=1), contrast[i]) for per_side, contrast in sides])
        if way is not None:
            found.append((i, way))
    return found


def _way_out(img: np.ndarray, x: int, y: int, evidence: list[tuple[np.ndarray, np.ndarray]]) -> float | None:
    """The direction (°) of a thin ridge leaving (x, y) one way that runs out of view
    (:func:`irpatrol.analysis.ridges.leaves`), or None. ``evidence``: per radius of the line test, the
    ridge samples of the stronger way (int A) and the ridge contrast (K, A) in each direction. Tried:
    the strongest direction showing a line one way (:data:`MIN_RIDGE_SAMPLES`,
    :func:`irpatrol.analysis.ridges.line_rank`) at each radius, smallest first, then up to
    :data:`ONE_WAY_EXTRA` more, smallest radius and strongest first, each outside the spread
    :func:`leaves` tries around those tried. Not the strongest alone: a part's own hot body is a
    stronger ridge than its lead (on the development drop-out fuse frame 5559054 an 80 °C contact's
    fuse tube, warmed by it, ends below it at 115°, while its 1 px lead runs up at 85° out of the
    frame; tried on the tube alone, the contact was not reported at all)."""
    spread = max(abs(d) for d in SPAN_TRIES_DEG)
    orders = [np.argsort(-line_rank(count, contrast), kind="stable").tolist() for count, contrast in evidence]
    tried: list[float] = []
    for (count, _), order in zip(evidence, orders, strict=True):
        deg = order[0] * STEP_DEG
        if count[order[0]] >= MIN_RIDGE_SAMPLES and deg not in tried:
            if leaves(img, x, y, deg):
                return deg
            tried.append(deg)
    extra = 0
    for (count, _), order in zip(evidence, orders, strict=True):
        for k in order[1:]:
            if count[k] < MIN_RIDGE_SAMPLES or extra >= ONE_WAY_EXTRA:
                break
            deg = k * STEP_DEG
            if any(min(abs(deg - d), 180.0 - abs(deg - d)) <= spread for d in tried):
                continue
            if leaves(img, x, y, deg):
                return deg
            tried.append(deg)
            extra += 1
    return None


T2_SOURCES = ("similar-component", "same-conductor", "none")
"""Where a joint's T2 may come from (``Joint.t2_source``)."""


@dataclass(frozen=True, eq=False)
class Joint:
    """A compact maximum confirmed on a line. Temperatures °C, positions px (x, y), angle in degrees
    [0, 180) from the x axis towards y (the conductor's). ``t2_c``/``t2_source``: the reference
    found (``similar-component``: the cooler of the other phases at ``peers_xy``; ``same-conductor``;
    ``none``); ``peers_unseen``: a part of the row sits on no visible conductor, or the row's parts were
    found only as points warmer than their conductors on either side (``phases.parts_along``): the
    reference then carries an extra margin and gives way to the joint's own conductor unless its two
    parts read alike. ``peers_warmest_c``: when the located row's parts read below their surroundings
    and T2 is their coldest reading (:func:`_located_t2`), the cooler of their warmest readings within
    ±1 px, which bounds the joint's outline as T2 otherwise does
    (:func:`irpatrol.analysis.joint_hotspots._outline_base`).
    ``line_angles_deg``: the line's direction at each radius of the line test that showed it,
    smallest first (``angle_deg`` is the first): on a part longer than the smallest radius the
    samples there may cross the part's own outline, and a larger radius reads the conductor beyond it.
    ``one_way``: the line shows one way only, on a conductor that runs out of view (:func:`_one_way`):
    T2 only from the other phases' parts (on lines through them, else located); the joint serves as
    no peer. ``in_set``: a
    maximum on no line that is one of a set of three alike parts, or stands 10 K out with a located
    row (:func:`_in_a_set`), T2 from that row only; it serves as no peer and shows no line.
    ``twin_only``: a maximum on a line past the cut of candidates (:data:`MAX_TWIN_CANDIDATES`), with
    no T2 sought: it may be another joint's twin, and is neither reported nor anyone's peer."""

    xy: tuple[int, int]
    t1_c: float
    excess_k: float
    radius_px: int
    angle_deg: float
    t2_c: float | None = None
    t2_source: str = "none"
    peers_xy: tuple[tuple[int, int], ...] = field(default=())
    peers_unseen: bool = False
    peers_warmest_c: float | None = None
    line_angles_deg: tuple[float, ...] = field(default=())
    one_way: bool = False
    in_set: bool = False
    twin_only: bool = False


MAX_TWIN_CANDIDATES = 30
"""Compact maxima past the cut (:data:`irpatrol.analysis.ridges.MAX_CANDIDATES`, strongest excess first)
that are line-tested to serve as twins only (``Joint.twin_only``): those reading at least T0 less the
camera's accuracy, strongest first. The cut bounds the time a busy frame takes; it is no physical
bound on what stands beside a joint. An alike part as warm as the joint a row step away is a healthy
reading of it (``joint_hotspots._with_twin``) however many stronger maxima the frame holds elsewhere.
On the real DJI XT S frame 0005 (a solar farm and the fields beside it, ``bench/real_frames.py``) a
32.2 °C spot of a sunlit field edge was graded `general`, as every kind, against two cooler spots in a
row, while an alike spot of the same edge, 31.1 °C, stood past the cut. On the 342 TP8S line frames
(``bench/real_lines.py``) graded findings in the unmarked frames went 39 → 34 with it. Such a twin is
neither reported nor a peer of any row, so the readings of the generated seeds and bases did not
change (docs/detector.md, thirty-fifth pass). Project choice: as many again as the cut."""


def _on_long_lines(img: np.ndarray, joints: list[Joint]) -> list[bool]:
    """For each of ``joints``, whether the ridge of one of its line directions is followed
    :data:`LONG_LINE_PX` or farther both ways from it in ``img`` (°C): all their tracks followed side by
    side in one :func:`irpatrol.analysis.ridges.track_ridges` (a call per joint cost about 6 ms more on
    the median development frame, docs/detector.md twenty-seventh pass)."""
    tracks = [(float(j.xy[0]), float(j.xy[1]), a, sign)
              for j in joints for a in j.line_angles_deg for sign in (-1.0, 1.0)]
    # a track that reads a ridge at LONG_LINE_PX or beyond does so by the segment after the one
    # holding LONG_LINE_PX: following it no farther gives the same answers
    reach = iter(float(d[-1]) if d.size else 0.0
                 for d, _ in track_ridges(img, tracks, LONG_LINE_PX + TRACK_SEGMENT_PX))
    out = []
    for j in joints:
        ways = [(next(reach), next(reach)) for _ in j.line_angles_deg]
        out.append(any(min(w) >= LONG_LINE_PX for w in ways))
    return out


def find_joints(celsius: np.ndarray, t0_c: float | None = None, accuracy_k: float = 2.0,
                min_excess_k: float = MIN_EXCESS_K,
                hopeless: Callable[[Joint, tuple[str, ...]], bool] | None = None) -> list[Joint]:
    """Compact maxima confirmed on a line, hottest first, each with its T2 (module docstring); T2 is
    sought only for those with a compact excess of at least ``min_excess_k`` (K), the others serve
    as peers. Then the joints on a line one way only (:func:`_one_way`), hottest first, T2 from the
    other phases' parts only (on lines through them, else located by the structure's repetition): a
    part already read through a line both ways keeps that reading.

    A T2 colder than ``t0_c`` (°C) by more than ``accuracy_k`` (K) is not the same part on a
    healthy phase (a part carrying load is not colder than the air; a colder reading is a thin part
    blurred into the sky behind it or bare metal reflecting the sky, docs/physics.md §1): the next
    reference is tried.

    ``hopeless``: the caller's test of a joint it could not report whatever reference of the given
    sources (``t2_source`` values, ``"none"`` for none) it got: before any search with all three,
    and before the joint's own conductor is followed, the last resort, with ``same-conductor`` and
    ``none``. A hopeless joint is returned without T2, the search skipped (on the development seeds
    a sixth of a frame's time went to the references of specks rising too little to report).

    After them, hottest first, the ``twin_only`` joints: warm maxima on a line past the cut of
    candidates (:data:`MAX_TWIN_CANDIDATES`), line-tested only."""
    img = np.asarray(celsius, dtype=np.float32)
    past: list[Candidate] = []
    if t0_c is None:
        cands = compact_maxima(img)
    else:  # and the warm maxima past the cut, which serve as twins only (MAX_TWIN_CANDIDATES)
        cands, past = compact_maxima_and_past(img)
        past = [c for c in past if c[2] >= t0_c - accuracy_k][:MAX_TWIN_CANDIDATES]
    if not cands:
        return []
    n_main = len(cands)  # the candidates proper; those after them serve as twins only
    cands = cands + past
    border = padded(img)
    xy = np.array([(c[0], c[1]) for c in cands], dtype=np.float64)
    r = np.array([RING_PX * 2 ** c[4] for c in cands], dtype=np.float64)
    # the line test at every radius, every direction, for every candidate: the joints' own lines
    # (the smallest radius that shows one: a part's own size is not known) and the peers' parallel
    # ones are read from the same evidence
    sides = [line_sides(img, xy, radius, border=border) for radius in LINE_RADII_PX]
    scores = [(weaker_side(per_side), contrast) for per_side, contrast in sides]
    angles: list[list[float]] = [[] for _ in cands]  # per candidate, smallest radius first
    for score, contrast in scores:
        o, a = best_line(score, contrast)
        for i in np.flatnonzero(o).tolist():
            if float(a[i]) not in angles[i]:
                angles[i].append(float(a[i]))
    # a line bent at the part, for a maximum standing out strongly with no straight line through it
    bent = [i for i, c in enumerate(cands) if not angles[i] and c[3] >= ONE_WAY_MIN_EXCESS_K]
    for per_side, contrast in [(p[bent], c[bent]) for p, c in sides] if bent else []:
        o, a = best_line(weaker_side(per_side, BEND_STEPS), contrast)
        for i, found, deg in zip(bent, o.tolist(), a.tolist(), strict=True):
            if found and float(deg) not in angles[i]:
                angles[i].append(float(deg))
    line_any = np.stack([score for score, _ in scores]).max(axis=0) >= MIN_RIDGE_SAMPLES  # (C, A)
    ok = np.array([bool(a) for a in angles], dtype=bool)  # a line both ways at some radius
    # the joints proper and, past the cut, the twins only, each hottest first
    on_lines = sorted((Joint((c[0], c[1]), c[2], c[3], int(r[i]), angles[i][0],
                             line_angles_deg=tuple(angles[i]), twin_only=i >= n_main)
                       for i, c in enumerate(cands) if ok[i]), key=lambda j: -j.t1_c)
    joints = [j for j in on_lines if not j.twin_only]
    twins_only = [j for j in on_lines if j.twin_only]
    one_way = _one_way(img, cands[:n_main], [(p[:n_main], c[:n_main]) for p, c in sides], angles[:n_main])
    joints += [Joint((cands[i][0], cands[i][1]), cands[i][2], cands[i][3], int(r[i]), a, line_angles_deg=(a,),
                     one_way=True) for i, a in one_way]
    grown = cv2.dilate(img, np.ones((3, 3), np.uint8))  # for the dip test: a 1 px step is no dip
    # the maxima on no line, strongest first: one of a set of three alike parts is a part too
    taken = {i for i, _ in one_way}
    lone_tops = [Joint((c[0], c[1]), c[2], c[3], int(r[i]), SET_AXIS_DEG, line_angles_deg=(SET_AXIS_DEG,),
                       in_set=True) for i, c in enumerate(cands)
                 if i < n_main and not ok[i] and i not in taken and c[3] >= SET_MIN_EXCESS_K
                 and r[i] <= COMPACT_RING_PX  # as _in_a_set asks, before the time is spent
                 and (t0_c is None or c[2] >= t0_c - accuracy_k)][:MAX_SET]
    joints += [s for j in lone_tops if not (hopeless and hopeless(j, ("similar-component",)))
               and (s := _in_a_set(img, grown, j, t0_c, accuracy_k)) is not None]
    in_pool = [i for i, c in enumerate(cands) if i < n_main
               and c[3] >= PEER_MIN_EXCESS_K and (t0_c is None or c[2] >= t0_c - accuracy_k)]
    pool = [cands[i] for i in in_pool]
    off_lines = ~ok[in_pool]  # the line test above, at every radius until one shows a line
    outlined: dict[tuple[int, int, int], bool] = {}  # per candidate (x, y px, level), read when needed
    # a joint's shift between phases, read once for the row it places and the one phase alone
    shift_of: ShiftOf = functools.cache(lambda xy, angle_deg: phase_shift(img, xy, angle_deg))
    # the cooler joints judged in full when on a long line (:data:`MAX_ON_LONG_LINE`)
    cooler = [i for i, j in enumerate(joints[:MAX_ON_LONG_LINE]) if i >= MAX_ALONG
              and not (j.in_set or j.one_way) and j.excess_k >= min_excess_k]
    long_line = _on_long_lines(img, [joints[i] for i in cooler])
    on_long = {i for i, ok in zip(cooler, long_line, strict=True) if ok}
    out = []
    for i, j in enumerate(joints):
        if j.in_set:  # T2 from its set (:func:`_in_a_set`)
            out.append(j)
            continue
        # the hottest few are judged in full, a cooler one on a long line too (:data:`MAX_ON_LONG_LINE`)
        far_along = i < MAX_ALONG or i in on_long
        if (j.excess_k < min_excess_k or (i >= MAX_JUDGED and not j.one_way and not far_along)
                or (hopeless and hopeless(j, T2_SOURCES))):
            out.append(j)
            continue
        parallel = line_any[in_pool][:, _parallel_columns(j.angle_deg)].any(axis=1)
        par = off_own_line(img, j.xy, [c for c, k in zip(pool, parallel, strict=True) if k])
        # the same parts on the other phases' conductors first (as compact maxima on parallel
        # conductors; else, for a joint rising enough (:func:`_locatable`), where the structure's
        # repetition puts them;
        # else by their excess along the conductors); parts on no visible conductor only when none shows
        row = phase_row(par, j.xy[0], j.xy[1], j.t1_c, j.angle_deg, grown, accuracy_k)
        if j.one_way:  # only the other phases' parts: on lines through them, else located (:func:`_one_way`)
            located = (_shifted_row(img, grown, border, j, t0_c, accuracy_k, shift_of=shift_of)
                       if row is None and _locatable(j, t0_c) else None)
            if located is not None:
                out.append(located)
                continue
            out.append(j if row is None else dataclasses.replace(
                j, t2_c=_row_t2(grown, row), t2_source="similar-component", peers_xy=row))
            continue
        # a row of compact parts far off (or none) gives way to a nearer one the structure's repetition
        # places; a near one to a located row whose parts look far more like the joint's surroundings:
        # the compact maxima may be other hardware (:data:`LIKER_ROW_GAIN`)
        if far_along and _locatable(j, t0_c):
            nearest = np.inf if row is None else min(distances_px(j, row))
            close = row if nearest <= NEAR_ROW_PX else None
            shifted = _shifted_row(img, grown, border, j, t0_c, accuracy_k, shift_of=shift_of,
                                   better_than=close)
            if shifted is not None and (close is not None
                                        or max(distances_px(j, shifted.peers_xy)) < nearest):
                out.append(shifted)
                continue
        # the other phases' conductors may not show against the ground (docs/physics.md §9)
        lone = [c for c, off in zip(pool, off_lines, strict=True) if off and c not in par and (
            c[2] >= j.t1_c - accuracy_k or c[3] <= PEER_EXCESS_RATIO * j.excess_k + MIN_EXCESS_K)]
        mixed, lone = _outlined_row(img, par, lone, j, grown, accuracy_k, outlined)
        # parts that read as warm as the joint make a healthy reading of it, wherever they sit
        if mixed is not None and (row is None or min(grown[y, x] for x, y in mixed) >= j.t1_c - accuracy_k):
            row = mixed
        unseen = row is not None and any((c[0], c[1]) in row for c in lone)
        if row is None and far_along:
            parts, own = parts_along(img, j.xy[0], j.xy[1], j.angle_deg, border)
            along = [c for c in parts if t0_c is None or c[2] >= t0_c - accuracy_k]
            row = phase_row(along, j.xy[0], j.xy[1], j.t1_c, j.angle_deg, grown, accuracy_k)
            unseen = row is not None and not _stands_out_along(row, along, own, j.t1_c, grown)
        # such a row gives way to the joint's own conductor followed beyond its heat unless its two
        # parts read alike (two spots of ground in a row by chance rarely do)
        if row is not None and unseen and far_along and abs(
                float(img[row[0][::-1]]) - float(img[row[1][::-1]])) > LONE_ALIKE_K:
            far = conductor_far(img, j.xy[0], j.xy[1], j.angle_deg, j.t1_c, accuracy_k,
                                j.line_angles_deg[1:])
            if far is not None:
                out.append(dataclasses.replace(j, t2_c=far, t2_source="same-conductor"))
                continue
        if row is not None:
            out.append(dataclasses.replace(j, t2_c=_row_t2(grown, row), t2_source="similar-component",
                                           peers_xy=row, peers_unseen=unseen))
            continue
        peers = [k for k in phase_peers(joints, i) if not (joints[k].one_way or joints[k].in_set) and (
            joints[k].excess_k >= PEER_MIN_EXCESS_K and (
                t0_c is None or joints[k].t1_c >= t0_c - accuracy_k)) and separate(
            grown, (j.xy[0], j.xy[1], j.t1_c), np.array([[*joints[k].xy, joints[k].t1_c]], np.float64))[0]]
        # two healthy phases in a row with the joint, reading alike (the checks of :func:`phase_row`)
        row = phase_row([(*joints[k].xy, joints[k].t1_c, joints[k].excess_k, 0) for k in peers],
                        j.xy[0], j.xy[1], j.t1_c, j.angle_deg, None, accuracy_k) if len(peers) == 2 else None
        if row is not None:
            t2 = min(joints[k].t1_c for k in peers)
            out.append(dataclasses.replace(j, t2_c=t2, t2_source="similar-component",
                                           peers_xy=tuple(joints[k].xy for k in peers)))
        elif far_along and (low := _low_set(img, grown, border, j, t0_c, accuracy_k)) is not None:
            out.append(low)
        elif far_along and t0_c is not None and j.t1_c - t0_c >= MIN_RISE_K and (
                near := _near_phase(img, grown, j, t0_c, accuracy_k, shift_of)) is not None:
            out.append(near)
        else:
            far = (conductor_far(img, j.xy[0], j.xy[1], j.angle_deg, j.t1_c, accuracy_k,
                                 j.line_angles_deg[1:])
                   if far_along and not (hopeless and hopeless(j, ("same-conductor", "none"))) else None)
            out.append(j if far is None else dataclasses.replace(j, t2_c=far, t2_source="same-conductor"))
    return out + twins_only
