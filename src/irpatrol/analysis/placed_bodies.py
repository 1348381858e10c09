"""Rows of voltage-heating bodies completed where one phase's body does not stand out (pure, OpenCV +
numpy).

:mod:`irpatrol.analysis.bodies` reads a row of three alike bodies (arrester housings, bushings) only
where each body stands off its surroundings on both sides. A housing at ambient in front of ground at
ambient, or in front of the pole or a bracket of its own temperature, does not; nor does a warm one in
front of sun-warmed ground. Such a body is still there: its cap, its sheds and its outline repeat the
other phases' (docs/physics.md §7, §9). Where two alike bodies are found, this reader completes the
row by that repetition:

1. **The third place**: the two found bodies ``b`` and ``q`` are one phase step apart (the third is one
   step beyond ``q`` or before ``b``) or two (the third lies between them).
2. **Placing it**: ``b``'s outline pattern (its fine structure,
   :func:`irpatrol.analysis.phase_shift.detail`, over its box and :data:`MARGIN_PX` around) is matched
   within ±:data:`REFINE_PX` px of the predicted place; the best match must reach :data:`MIN_MATCH`,
   except for a healthy phase hidden against its background (:func:`_hidden_healthy`, December 2026):
   with no outline there nothing can match, so its reading must agree with the found healthy
   phase's within two NETDs, beside a warm body that clearly stands out, in a row spaced as phases.
3. **Reading it**: over ``b``'s interior moved there (the same part, the same size, on the other
   phase), by the statistics of a found body; the interior must be near-uniform
   (:data:`MAX_SPREAD_K`: a housing, not ground texture or an edge).

The row is then judged as a found one (:func:`irpatrol.analysis.bodies.judge_row`: ΔT, peers alike,
whole-body warming; DL/T 664-2016 §8 relative method, Table I.1, the same part of a normal phase).
When the placed body is the warm one, the verdict rests on it, so its own outline must match too
(:data:`MIN_OWN_MATCH`) and the found peers' surroundings must not follow beyond the row's ends
(:data:`WARM_BEYOND`). The guards :data:`MIN_LENGTH_PX`, :data:`MAX_ELONGATION`,
:data:`MIN_STEP_LENGTHS` and :data:`MIN_PATTERN_K` keep ground texture, a tank's fins and smooth
blobs of sun-warmed ground from starting a row (measured in docs/detector.md); a row started from a
narrow body (read on its centre line) must also be one set of three alike parts
(:func:`irpatrol.analysis.phase_shift.one_set`), as scene edges repeat such a line, or have its placed
healthy phase, placed by :data:`MIN_MATCH`, read as the found one within two NETDs
(:func:`_agreeing_phase`).

Where only the warm body is found (:func:`searched_rows`, December 2026), the step between phases is
not known from a second body: it is where the warm body's own pattern repeats beside it, at a phase
spacing, and both other phases are placed from there (the body first or in the middle of the row).
The verdict then rests on one outline, so that body must be a housing's (see the function); the
second healthy phase, where the pattern matches it weakly, stands when it reads as the first
(:func:`_placement`, :data:`SEARCHED_AGREE_MATCH`).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from irpatrol.analysis.bodies import (
    BANK_READING_K,
    MAX_SPACING_LENGTHS,
    MIN_SPACING_WIDTHS,
    NARROW_ROW_FLANK_K,
    Body,
    BodyRow,
    alike,
    judge_row,
    row_triples,
    spaced_as_phases,
    stands_out,
)
from irpatrol.analysis.phase_shift import alike_set, beyond_row, detail_box, detail_boxes, row_likeness

MARGIN_PX = 3
"""Margin (px) around a body's box in the pattern that places the other phases' bodies: the cap, the
outline and the shed tips, with the blur of the optics (docs/physics.md §6)."""
REFINE_PX = 2
"""How far (px) a predicted place is moved to the best match: the two found bodies' centres, and so the
step between them, are read to about a pixel, and the third phase is up to two steps away."""
MIN_MATCH = 0.4
"""Least normalised cross-correlation of a placed body's pattern with the found body's (0 no likeness,
1 the same). Project choice, measured on generated frames (docs/detector.md)."""
MAX_SPREAD_K = 0.5
"""Largest spread (K, 10th to 90th percentile) of a placed body's interior: a housing reads uniform
within a few NETDs (≤ 50 mK, docs/physics.md §6) and its upper part a few tenths warmer under voltage
heating (DL/T 664-2016 Table I.1); textured ground, an edge or a conductor crossing the place spreads
more. Project choice."""
MIN_LENGTH_PX = 7.0
"""Shortest interior (px along the axis) of the two found bodies a row is completed from: the row rests on
two outlines, not three, so each must be long enough for its pattern to carry the match (a 0.28 m
arrester at 15 m is 14 px long, its interior 7, docs/physics.md §7); ground texture's specks are 5 px."""
MIN_STEP_LENGTHS = 0.8
"""Shortest step between phases, in interior lengths: phases stand 0.3–0.7 m apart and a 10 kV housing
is 0.2–0.3 m long, of which the interior is a half to two thirds; a foreshortened crossarm (×0.6)
still leaves the step at least 0.8 interior lengths. A closer repetition is a bank's (tank fins)."""
MIN_PATTERN_K = 0.15
"""Least standard deviation (K) of a found body's pattern (its fine structure with the margin): a housing's
outline, cap and sheds are steps of tenths of a kelvin to kelvins, sharp to the optics' blur; a smooth
blob of sun-warmed ground or a shadow has only the sensor's noise there (NETD ≤ 50 mK, docs/physics.md
§6), on which any place matches by chance. Three NETDs. Project choice."""
BANK_MATCH = 0.15
"""Least match of the pattern one step beyond a completed row's end for that place to count as the row
going on (:func:`_continued`): a façade's columns differ in detail, so far less than :data:`MIN_MATCH`;
the shared real H20T/XT-S façade frames' columns match 0.13–0.2. On the development seeds 0.1 also
took 3 of 45 true rows (chance likeness of the ground beside a pole top), 0.15 one. Project choice.
The place must also hold an outline (its fine structure's std ≥ :data:`MIN_PATTERN_K`, as a found
body's pattern must): on smooth ground beyond the last phase a weak match (0.18–0.3) is chance
likeness of the sensor's noise (0.06–0.12 K std there on generated frames), while the next columns
of the real façades hold 0.25–0.30 K."""
MIN_OWN_MATCH = 0.3
"""Least match of a placed warm body's own outline (its box, without the surroundings) with the found
body's: a defect verdict rests on that body, so its place must show the body itself, not only the
crossarm and conductors that repeat around it. Project choice, measured on generated frames."""
WARM_BEYOND = 0.5
"""Least match, one row step beyond either end of a completed row, of either found peer's surroundings
(:func:`irpatrol.analysis.phase_shift.row_likeness`) at which a row whose warm body is the placed one
does not stand. The verdict of such a row rests on a place where no body stands out, read warmer
than two found ones; on smooth sun-warmed ground below a crossarm, strips of ground beside the
parallel conductors make alike "bodies" standing off 0.2–0.5 K, and the conductors and the crossarm's
edge that run on past the row make the same surroundings one step beyond its ends (generated healthy
frames 44000176, 33000102, 33001128 of the unseen bases 44000000 and 33000000: 0.52–0.68 beyond,
"serious" arresters 1.2–5 K over their peers). The development seed's completed arrester rows with
a placed warm body matched 0.38–0.46 beyond. Unlike :func:`irpatrol.analysis.phase_shift.one_set`
the peers need not match each other clearly: a warm housing's peers on generated arrester frames
matched each other by 0.29–0.76 (sheds and crossarm seen at slightly different angles). Project
choice."""
HIDDEN_MATCH = 0.0
"""Least match of a healthy phase's place when it is placed as a hidden one (:func:`_hidden_healthy`):
no likeness needed, only none inverted. A healthy housing at the temperature of the ground behind it
has no outline (ground = air + 1–6 K × sun, a housing at the air + 0.5 K × sun, docs/physics.md §2,
§4), so the found body's pattern cannot match it there: at development bushing 5560012 the left
healthy bushing reads 20.0 °C before ground that runs from 18.5 to 21.8 °C across it, and matches
0.22. Project choice."""
HIDDEN_WARM_FLANK_K = 1.0
"""Least flank (K) by which a row's warm body must stand off its surroundings for a hidden healthy phase
to complete its row: the verdict rests on the two found bodies, so the warm one must be a body, not a
strip of ground. The development seeds' rows completed this way had warm bodies standing off
1.4–2.6 K; without this floor, frames with nothing wrong of the unseen bases 99000000 and 33000000
(99001055, 33000099) became "serious" arresters on bodies standing off 0.4–0.6 K. Project choice."""
HIDDEN_AGREE_K = 0.1
"""Largest difference (K) between a hidden healthy phase's reading and the found healthy one's: two
NETDs of a 50 mK core (docs/physics.md §6), against the 0.3 K two found peers may differ by
(:data:`irpatrol.analysis.bodies.COMPARATIVE_UNCERTAINTY_K`). Where the place matched nothing, only
the reading says it is the same part: two healthy housings of one row read alike within the noise.
On the development seeds the rows completed this way agreed by 0.00–0.07 K; the rows the looser
placement made on frames with nothing wrong of the unseen bases (a pole top and the ground beside a
crossarm: 99001194, 33000099, 33001074) by 0.19–0.29 K. Project choice."""
MAX_ELONGATION = 20.0
"""Largest interior length / width of the found bodies a row is completed from: a housing is 3–5 times
as long as wide and its interior, at the smallest resolvable width (1 px of a 3 px body), at most
about 15 px long; longer thin plateaus are a tank's fins or the gaps between leads."""


def _pattern(img: np.ndarray, b: Body) -> tuple[np.ndarray, tuple[int, int]] | None:
    """The fine structure of ``b``'s box and :data:`MARGIN_PX` around, and its top-left corner (x, y px);
    None when it leaves the frame."""
    h, w = img.shape
    x, y, bw, bh = b.bbox
    x0, y0, x1, y1 = x - MARGIN_PX, y - MARGIN_PX, x + bw + MARGIN_PX, y + bh + MARGIN_PX
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
        return None
    return detail_box(img, x0, y0, x1, y1), (x0, y0)


def _place(img: np.ndarray, pattern: np.ndarray, corner: tuple[int, int], step: np.ndarray,
           ) -> tuple[float, np.ndarray] | None:
    """Where the pattern (top-left ``corner``) moved by about ``step`` (x, y px) matches best within
    ±:data:`REFINE_PX` px: the match and the offset (x, y px, whole); None off the frame."""
    h, w = img.shape
    ph, pw = pattern.shape
    sx, sy = (int(v) - REFINE_PX for v in np.rint(np.array(corner) + step))
    if sx < 0 or sy < 0 or sx + pw + 2 * REFINE_PX > w or sy + ph + 2 * REFINE_PX > h:
        return None
    local = detail_box(img, sx, sy, sx + pw + 2 * REFINE_PX, sy + ph + 2 * REFINE_PX)
    score = cv2.matchTemplate(local, pattern, cv2.TM_CCOEFF_NORMED)
    score = np.where(np.isfinite(score), score, -np.inf)
    k = int(np.argmax(score))
    iy, ix = divmod(k, score.shape[1])
    return float(score[iy, ix]), np.array([sx + ix - corner[0], sy + iy - corner[1]])


def _own_match(img: np.ndarray, b: Body, at: Body) -> float:
    """Normalised cross-correlation of the fine structure of ``b``'s box (1 px around) with that of the
    same box at ``at``'s place: the body's own outline, without the crossarm, leads and conductors that
    repeat around it."""
    h, w = img.shape
    (x, y, bw, bh), (ax, ay) = b.bbox, at.bbox[:2]
    if min(x, y, ax, ay) < 1 or max(x, ax) + bw + 1 > w or max(y, ay) + bh + 1 > h:
        return -1.0
    own, there = detail_boxes(img, [(x - 1, y - 1, x + bw + 1, y + bh + 1),
                                    (ax - 1, ay - 1, ax + bw + 1, ay + bh + 1)])
    score = float(cv2.matchTemplate(there, own, cv2.TM_CCOEFF_NORMED)[0, 0])
    return score if np.isfinite(score) else -1.0


def _moved(img: np.ndarray, b: Body, offset: np.ndarray) -> Body | None:
    """``b`` moved by ``offset`` (x, y px, whole) and read there over its own interior, by the statistics
    of :func:`irpatrol.analysis.bodies.find_bodies`; None off the frame or where the interior is not
    near-uniform (:data:`MAX_SPREAD_K`)."""
    h, w = img.shape
    dx, dy = int(offset[0]), int(offset[1])
    px = b.pixels + np.array([dx, dy])
    if px.size == 0 or px.min() < 0 or px[:, 0].max() >= w or px[:, 1].max() >= h:
        return None
    vals = img[px[:, 1], px[:, 0]]
    p10, p25, p75, p90 = np.percentile(vals, (10.0, 25.0, 75.0, 90.0))
    if p90 - p10 > MAX_SPREAD_K:
        return None
    x, y, bw, bh = b.bbox
    return replace(b, xy=(b.xy[0] + dx, b.xy[1] + dy), reading_c=float(p75), low_c=float(p25),
                   mean_c=float(vals.mean()), flank_k=0.0, corners=b.corners + np.array([dx, dy], np.int32),
                   bbox=(x + dx, y + dy, bw, bh), rot_xy=(b.rot_xy[0] + dx, b.rot_xy[1] + dy), pixels=px)


def _usable(b: Body, narrow: bool = False) -> bool:
    """Whether a found body may start a completed row (:data:`MIN_LENGTH_PX`, :data:`MAX_ELONGATION`). A
    narrow body (read on its centre line, :func:`irpatrol.analysis.bodies.find_bodies`) only with
    ``narrow`` and standing off both sides by :data:`irpatrol.analysis.bodies.NARROW_ROW_FLANK_K`: its
    pattern is little more than that line, which the edges of a scene repeat (on the shared FLIR T640 and
    E40 and DJI M30T, M4T, H20T and XT2 frames such rows were placed on a panel's edges, façades and
    pipes, "serious" arresters), so a row resting on one must also be one set or have its placed healthy
    phase read as the found one (:func:`completed_rows`, :func:`_agreeing_phase`)."""
    if b.narrow and not (narrow and b.flank_k >= NARROW_ROW_FLANK_K):
        return False
    return MIN_LENGTH_PX <= b.length_px <= MAX_ELONGATION * b.width_px


def _structure(img: np.ndarray, pat: tuple[np.ndarray, tuple[int, int]], offset: np.ndarray) -> float:
    """Standard deviation (K) of the fine structure over the pattern ``pat``'s box moved by ``offset``
    (x, y px, whole): how much outline there is to match."""
    (x0, y0), (ph, pw) = pat[1], pat[0].shape
    x, y = x0 + int(offset[0]), y0 + int(offset[1])
    return float(detail_box(img, x, y, x + pw, y + ph).std())


def _continued(img: np.ndarray, b: Body, pat: tuple[np.ndarray, tuple[int, int]],
               members: tuple[Body, Body, Body], row: BodyRow) -> bool:
    """Whether the row of ``members`` goes on: ``b``'s pattern matches by :data:`BANK_MATCH` one step
    beyond either end too, at a place with an outline (:data:`MIN_PATTERN_K`), over a body reading within
    :data:`irpatrol.analysis.bodies.BANK_READING_K` of the row's median. Three phases end; a façade's
    window columns, a fence or a tank's fins go on (as :func:`irpatrol.analysis.bodies.row_triples`
    leaves out a bank among found bodies; on the shared real frames such completed rows stood on
    high-rise façades, 0.6–0.8 K apart)."""
    mid = float(np.median([m.reading_c for m in members]))
    origin = np.array(b.xy)
    for at in beyond_row(np.array([m.xy for m in members], dtype=np.float64)):
        placed = _place(img, pat[0], pat[1], at - origin)
        if placed is None or placed[0] < BANK_MATCH or _structure(img, pat, placed[1]) < MIN_PATTERN_K:
            continue
        there = _moved(img, b, placed[1])
        if there is not None and abs(there.reading_c - mid) <= BANK_READING_K:
            return True
    return False


def _candidates(b: Body, bodies: list[Body]) -> list[tuple[Body, np.ndarray]]:
    """The rows ``b`` may complete with an alike found body: per alike body ``q`` (both
    :func:`_usable`, a step of at least :data:`MIN_STEP_LENGTHS`) the third phase one step beyond
    ``q``, one step before ``b``, or between them when they are two steps apart (step x, y px). For
    the last, two bodies alike at two steps (:func:`irpatrol.analysis.bodies.alike`) will do when
    both stand off by :data:`irpatrol.analysis.bodies.NARROW_ROW_FLANK_K`: on generated frames
    77013396 and 77003345 (bench seed 77003311) strips of ground beside parallel leads, standing off
    0.26–0.34 K, made "serious" rows of bushings and arresters. Of ``b`` and ``q``, one must stand off
    by that much in any case, as in a row of three found bodies
    (:func:`irpatrol.analysis.bodies.row_triples`): two strips of ground standing off 0.24 and 0.29 K
    and a warmer place beside them were a "serious" arrester on a frame with nothing wrong (33001043 of
    an unseen base); the completed rows at the generated arresters and bushings of the development and
    8880000 seeds have one of 0.44 K or more (70 rows)."""
    out: list[tuple[Body, np.ndarray]] = []
    if not _usable(b, narrow=True):
        return out
    for q in bodies:
        if q is b or not _usable(q, narrow=True) or not stands_out((b, q)):
            continue
        v = np.array(q.xy) - np.array(b.xy)
        if np.hypot(*v) < MIN_STEP_LENGTHS * max(b.length_px, q.length_px):
            continue
        near = alike(b, q)
        if near:
            out += [(q, 2.0 * v), (q, -v)]
        # the middle phase between them (bodies.MIN_SPACING_WIDTHS apart at half the step): the outer
        # phases are two steps apart, up to twice bodies.MAX_SPACING_LENGTHS when both stand out clearly
        if np.hypot(*v) / 2.0 >= 2.0 * b.width_px + 2.0 and (
                near or (min(b.flank_k, q.flank_k) >= NARROW_ROW_FLANK_K and alike(b, q, steps=2))):
            out.append((q, v / 2.0))
    return out


def _hidden_healthy(row: BodyRow, placed: Body) -> bool:
    """Whether the body ``placed`` where the pattern matched under :data:`MIN_MATCH` may complete ``row``
    as a hidden healthy phase: it is one of the row's peers, the row's warm body (a found one) stands
    off its surroundings by :data:`HIDDEN_WARM_FLANK_K`, the placed body reads as the found peer within
    :data:`HIDDEN_AGREE_K`, and the three are spaced as phases
    (:func:`irpatrol.analysis.bodies.spaced_as_phases`)."""
    if row.hot is placed or row.hot.flank_k < HIDDEN_WARM_FLANK_K:
        return False
    (other,) = [p for p in row.peers if p is not placed]
    if abs(placed.reading_c - other.reading_c) > HIDDEN_AGREE_K:
        return False
    return spaced_as_phases((row.hot, *row.peers))


def _agreeing_phase(row: BodyRow, placed: Body, match: float) -> bool:
    """Whether a row started from a narrow body stands, though it is not one set of alike parts, by the
    placed body's reading: the pattern placed it by :data:`MIN_MATCH` (``match``; a hidden phase, placed
    under it, does not count here) and it reads as the found healthy body within
    :data:`HIDDEN_AGREE_K`, beside a warm body standing off by :data:`HIDDEN_WARM_FLANK_K`, the three
    spaced as phases (:func:`_hidden_healthy`'s tests). A bushing's healthy phases stand before the
    tank, the pole or the ground at different temperatures, so their surroundings need not match each
    other as :func:`irpatrol.analysis.phase_shift.one_set` asks (development bushings 5560022, 5560054,
    5560061: peers matching each other by 0.18–0.44, the place one step beyond by 0.15–0.54, while the
    placed healthy bushing read within 0.01–0.07 K of the found one and within 0.06 K of the truth).
    Placed under :data:`MIN_MATCH`, the agreement says nothing where both places lie on one surface: on
    the fresh base's frame 23001081 (nothing wrong) a sunlit strip of a pole's edge and two places on
    smooth ground reading alike within 0.02 K (matched 0.25) made a "serious" arrester, and on the shared
    real DJI M30T façade frame (``dji_m30t_girp.jpg``) three window mullions a row (matched 0.01)."""
    return match >= MIN_MATCH and _hidden_healthy(row, placed)


def completed_rows(img: np.ndarray, bodies: list[Body], min_delta_k: float,
                   found: tuple[list[tuple[int, int, int]], set[int]] | None = None) -> list[BodyRow]:
    """Rows of three alike bodies of ``img`` (°C) completed by placing the body that does not stand out
    (module docstring), for the ``bodies`` of one orientation in no row of three found ones (nor in a
    bank, :func:`irpatrol.analysis.bodies.row_triples`); per warm body the best matched row passing
    :func:`irpatrol.analysis.bodies.judge_row` at ``min_delta_k`` (K). A row from a narrow body (a
    bushing's porcelain beyond 6 m, read on its centre line) must also be one set of three alike parts
    (:func:`irpatrol.analysis.phase_shift.one_set`: its peers match each other by 0.6 and nothing alike
    follows beyond its ends): on the development bushing frames such rows matched 0.74–0.93 with
    0.29–0.42 beyond (5560005, 5560017, 5560031, 5560043), while the rows a panel's edges, a façade and
    an industrial plant's pipes made on the shared real H20T, XT2, E40 and T640 frames matched 0.44–0.71
    with as much or more beyond. Such a row stands without being one set when the placed body is a
    healthy phase that reads as the found one (:func:`_agreeing_phase`). ``found``:
    ``row_triples(bodies)`` when already read."""
    triples, banked = row_triples(bodies) if found is None else found
    taken = banked | {i for row in triples for i in row}
    out: list[tuple[float, BodyRow]] = []
    for i, b in enumerate(bodies):
        candidates = [] if i in taken else _candidates(b, bodies)
        pat = _pattern(img, b) if candidates else None
        if pat is None or float(pat[0].std()) < MIN_PATTERN_K:
            continue
        for q, step in candidates:
            placed = _place(img, pat[0], pat[1], step)
            # under MIN_MATCH only a hidden healthy phase beside a clearly warm found body (_hidden_healthy)
            least = HIDDEN_MATCH if max(b.flank_k, q.flank_k) >= HIDDEN_WARM_FLANK_K else MIN_MATCH
            moved = None if placed is None or placed[0] < least else _moved(img, b, placed[1])
            if moved is None or placed is None:
                continue
            row = judge_row((b, q, moved), min_delta_k)
            if row is None or (placed[0] < MIN_MATCH and not _hidden_healthy(row, moved)) or (
                    row.hot is moved and _own_match(img, b, moved) < MIN_OWN_MATCH):
                continue
            narrow, warm_placed = b.narrow or q.narrow, row.hot is moved
            if narrow or warm_placed:  # the row's likeness, read once for both tests
                mutual, further = row_likeness(img, _px(row.hot), tuple(_px(p) for p in row.peers))
                one_set_or_agreeing = not narrow or alike_set(mutual, further) or _agreeing_phase(
                    row, moved, placed[0])  # the phase's reading asked only where the likeness fails
                if not one_set_or_agreeing or (warm_placed and further >= WARM_BEYOND):
                    continue
            if not _continued(img, b, pat, (b, q, moved), row):
                out.append((placed[0], row))
    return _best_per_body(out)


def _px(b: Body) -> tuple[int, int]:
    """A body's centre to the pixel (x, y px)."""
    return round(b.xy[0]), round(b.xy[1])


def _best_per_body(rows: list[tuple[float, BodyRow]]) -> list[BodyRow]:
    """One row per warm body (centres within 3 px are one body): the best matched of the (match, row)
    pairs ``rows``."""
    best: list[BodyRow] = []
    for _, row in sorted(rows, key=lambda sr: -sr[0]):
        if not any(np.abs(np.subtract(row.hot.xy, r.hot.xy)).max() < 3 for r in best):
            best.append(row)
    return best


SEARCHED_SHIFTS = 4
"""Most steps tried per body by :func:`searched_rows`: the best local maxima of its pattern's match
beside it."""


def _window_match(img: np.ndarray, p: np.ndarray, x0: int, y0: int, across: int, along: int,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The match (normalised cross-correlation, −1 where undefined) of the fine-structure pattern ``p``
    (top-left corner ``x0``, ``y0`` px) at every place within ``across`` px across and ``along`` px
    along the axis of its own, clipped to the frame, and each place's offset from the corner (dx
    along the columns, dy along the rows, px); None when the clipped window cannot hold the pattern."""
    h, w = img.shape
    ph, pw = p.shape
    sx0, sy0 = max(0, x0 - across), max(0, y0 - along)
    sx1, sy1 = min(w, x0 + pw + across), min(h, y0 + ph + along)
    if sx1 - sx0 < pw or sy1 - sy0 < ph:
        return None
    score = cv2.matchTemplate(detail_box(img, sx0, sy0, sx1, sy1), p, cv2.TM_CCOEFF_NORMED)
    score = np.where(np.isfinite(score), score, -1.0).astype(np.float32)
    rows, cols = score.shape
    return score, np.arange(sx0 - x0, sx0 - x0 + cols), np.arange(sy0 - y0, sy0 - y0 + rows)


def _steps(img: np.ndarray, b: Body, pat: tuple[np.ndarray, tuple[int, int]]) -> list[np.ndarray]:
    """The steps (x, y px, whole) at which ``b``'s pattern ``pat`` repeats beside it: local maxima of its
    match (≥ :data:`MIN_MATCH`) at a phase spacing (:func:`irpatrol.analysis.bodies.alike`: at least
    :data:`irpatrol.analysis.bodies.MIN_SPACING_WIDTHS` widths + 2 px and :data:`MIN_STEP_LENGTHS`
    lengths, at most :data:`irpatrol.analysis.bodies.MAX_SPACING_LENGTHS` lengths across the axis; along
    it under half a length and 0.58 of the step), best first, :data:`SEARCHED_SHIFTS` at most. The step
    is also at least three box widths: phases stand 0.3–0.7 m apart, five or more housing widths
    (docs/physics.md §7), while the vertical stripes of a panel or a bank stand a width or two apart
    (shared real FLIR T640 frame: a "row" of 5 px wide stripes 6–8 px apart, which :func:`_goes_on`
    also rejects)."""
    p, (x0, y0) = pat
    lo = max(MIN_STEP_LENGTHS * b.length_px, MIN_SPACING_WIDTHS * b.width_px + 2.0, 3.0 * b.bbox[2])
    hi = MAX_SPACING_LENGTHS * b.length_px
    found = _window_match(img, p, x0, y0, int(np.ceil(hi)), int(np.ceil(0.5 * b.length_px)))
    if found is None:
        return []
    score, dx, dy = found
    ax = np.abs(dx)[None, :]
    ok = (ax >= lo) & (ax <= hi) & (np.abs(dy)[:, None] <= 0.58 * ax) & (score >= MIN_MATCH)
    peak = ok & (score >= cv2.dilate(score, np.ones((5, 5), np.uint8)))
    iy, ix = np.nonzero(peak)
    order = np.argsort(-score[iy, ix])[:SEARCHED_SHIFTS]
    return [np.array([dx[ix[k]], dy[iy[k]]]) for k in order]


GOES_ON_ALIKE_K = 1.0
"""Largest difference (K) between the medians of a found body's box and of that box where its pattern
repeats along its axis for the repetition to be the same thing going on (:func:`_goes_on`): a stretch of
one pipe, cable or building edge reads alike along it; a bushing between a lead against the sky above
and a tank's fins below repeats its outline both ways, but 1.1–4.4 K colder above and warmer below
(development bushing frames 5560007, 5560039, 5560076, 5560084). Half the camera's ±2 K. Project
choice, measured in docs/detector.md."""


def _goes_on(img: np.ndarray, pat: tuple[np.ndarray, tuple[int, int]], box: tuple[int, int, int, int],
             offset: np.ndarray | None = None) -> bool:
    """Whether the pattern ``pat`` (a body's box and margin) repeats along the body's axis beyond its
    own ends, both ways (≥ :data:`MIN_MATCH` a whole pattern height or more up and down, within 1.5
    heights, up to 0.6 of that across), as the same thing: the body's ``box`` (x, y, w, h px, at the
    place asked) moved to a way's best match reads within :data:`GOES_ON_ALIKE_K` of the box here on
    at least one way. A stretch of a conductor, a lead or a pipe goes on; a housing ends at its cap
    and its base: a bushing's outline repeats in the lead above it and the tank's fins below it, but
    colder and warmer. A way that leaves the frame is not asked; with one way in the frame its match
    alone decides (generated frame 5550027: a warm vehicle's edge whose other way the frame cuts off).
    ``offset`` (x, y px, whole): asked at the pattern's place moved by it (a placed body) instead."""
    h, w = img.shape
    p, (x0, y0) = pat
    if offset is not None:
        x0, y0 = x0 + int(offset[0]), y0 + int(offset[1])
    ph = p.shape[0]
    found = _window_match(img, p, x0, y0, int(np.ceil(0.6 * ph)), int(np.ceil(1.5 * ph)))
    if found is None:
        return False
    score, dx, dy = found
    ways = [np.where(way[:, None], score, -1.0) for way in (dy <= -ph, dy >= ph) if way.any()]
    if not ways or min(float(s.max()) for s in ways) < MIN_MATCH:
        return False
    if len(ways) < 2:
        return True
    bx, by, bw, bh = box
    own = float(np.median(img[by: by + bh, bx: bx + bw]))
    for s in ways:  # the best match of each way, read over the body's box moved there
        iy, ix = divmod(int(np.argmax(s)), s.shape[1])
        x, y = bx + int(dx[ix]), by + int(dy[iy])
        if min(x, y) >= 0 and x + bw <= w and y + bh <= h and abs(
                float(np.median(img[y: y + bh, x: x + bw])) - own) <= GOES_ON_ALIKE_K:
            return True
    return False


Placement = tuple[float, Body]
"""A body placed beside a found one: the match of the found body's pattern there and the body read
there (:func:`_placement`)."""


SEARCHED_AGREE_MATCH = 0.3
"""Least match of the pattern at a searched row's far healthy phase placed by its reading
(:func:`_placement` with this ``least``). The hidden second phases tried in the seventeenth pass stood
on the sky or on one smooth surface at places matching 0.04–0.19 (frames with nothing wrong 99000133,
99010125, 33001087, 33005000 of the unseen bases, docs/detector.md); the arrester rows this completes on
the development and check seeds matched 0.32–0.43 there. The joints' located rows ask as much
(:data:`irpatrol.analysis.phase_shift.MIN_MATCH`). Project choice."""


def _placement(img: np.ndarray, b: Body, pat: tuple[np.ndarray, tuple[int, int]], step: np.ndarray,
               least: float = MIN_MATCH) -> tuple[Placement, bool] | None:
    """``b`` placed about ``step`` (x, y px) from it where its pattern ``pat`` matches best
    (:func:`_place`, ≥ ``least``), read there (:func:`_moved`: near-uniform) on no line going through
    (:func:`_goes_on`), and whether it stands on its own: matched by :data:`MIN_MATCH` and showing the
    body's own outline (:data:`MIN_OWN_MATCH`); else None. With ``least`` at :data:`MIN_MATCH` only a
    placement standing on its own is returned. Lower (:data:`SEARCHED_AGREE_MATCH`), it also places a
    searched row's far healthy phase that stands before other ground, the pole or the crossarm, its
    outline showing weakly: its row stands only when it reads as the near healthy phase, as a hidden
    one must (:func:`_searched_row`, :func:`_hidden_healthy`). Development arresters 5555026, 5555038,
    5555064: the far phase matched 0.32–0.43 (5555038's own outline 0.20) and read within 0.01 K of the
    near one and of the truth."""
    placed = _place(img, pat[0], pat[1], step)
    if placed is None or placed[0] < least:
        return None
    m = _moved(img, b, placed[1])
    if m is None:
        return None
    alone = placed[0] >= MIN_MATCH and _own_match(img, b, m) >= MIN_OWN_MATCH
    if (not alone and least >= MIN_MATCH) or _goes_on(img, pat, m.bbox, placed[1]):
        return None
    return (placed[0], m), alone


def _searched_row(img: np.ndarray, b: Body, pat: tuple[np.ndarray, tuple[int, int]],
                  placements: tuple[Placement | None, Placement | None], min_delta_k: float,
                  by_reading: Body | None = None) -> tuple[float, BodyRow] | None:
    """The row of ``b`` and its two ``placements`` (:func:`_placement`), with the weaker placement's
    match, when both were placed and the row passes :func:`irpatrol.analysis.bodies.judge_row` with
    ``b`` as its warm body and does not go on (:func:`_continued`: not a bank); else None.
    ``by_reading``: the placed body of the two that stands only by its reading (:func:`_placement`
    under :data:`MIN_MATCH` or without its own outline), which must pass
    :func:`_hidden_healthy` (it reads as the other healthy phase, beside a warm body standing off)."""
    p1, p2 = placements
    if p1 is None or p2 is None:
        return None
    row = judge_row((b, p1[1], p2[1]), min_delta_k)
    if row is None or row.hot is not b:
        return None
    if (by_reading is not None and not _hidden_healthy(row, by_reading)) or _continued(
            img, b, pat, (b, p1[1], p2[1]), row):
        return None
    return min(p1[0], p2[0]), row


def searched_rows(img: np.ndarray, bodies: list[Body], min_delta_k: float,
                  found: tuple[list[tuple[int, int, int]], set[int]] | None = None) -> list[BodyRow]:
    """Rows of ``img`` (°C) read from one found body whose other phases' bodies do not stand out: the
    step between phases is where its pattern repeats beside it (:func:`_steps`), and both other
    bodies are placed and read as in :func:`completed_rows`, the body first or in the middle
    (:func:`_searched_row`). The verdict rests on one outline, so the body must be a housing's: in no
    row or bank of found bodies, :func:`_usable`, standing off both sides by
    :data:`irpatrol.analysis.bodies.NARROW_ROW_FLANK_K` (strips of ground between parallel conductors
    or below the horizon standing off 0.21–0.26 K, whose "peers" were placed by the conductors'
    repetition: generated frames 77001063, 77001050), ending along its axis (:func:`_goes_on`: a
    building's edge, pipes and cables on the shared real DJI XT2 and FLIR T640 frames), and it must be
    the warm one (a healthy pin insulator reads the ground behind it, and a placed "warm" body is then
    that ground: generated frame 77001048). The second healthy phase may also be placed by its reading
    (:func:`_placement`, :data:`SEARCHED_AGREE_MATCH`). Per warm body the best matched row."""
    triples, banked = row_triples(bodies) if found is None else found
    taken = banked | {i for row in triples for i in row}
    out: list[tuple[float, BodyRow]] = []
    for i, b in enumerate(bodies):
        if i in taken or not _usable(b) or b.flank_k < NARROW_ROW_FLANK_K:
            continue
        pat = _pattern(img, b)
        if pat is None or float(pat[0].std()) < MIN_PATTERN_K or _goes_on(img, pat, b.bbox):
            continue
        for v in _steps(img, b, pat):
            near = _placement(img, b, pat, v)  # one step on: in both rows below, placed once
            if near is None:
                continue
            first = near[0]
            for k in (2, -1):  # the far phase beyond it, or the body in the middle
                got = _placement(img, b, pat, k * v, SEARCHED_AGREE_MATCH)
                far = None if got is None else got[0]
                pair = (first, far) if k == 2 else (far, first)
                by_reading = None if got is None or got[1] else got[0][1]
                r = _searched_row(img, b, pat, pair, min_delta_k, by_reading)
                out += [] if r is None else [r]
    return _best_per_body(out)
