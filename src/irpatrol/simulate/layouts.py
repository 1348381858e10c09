"""Pole-top layouts of the generated scenes (pure): which parts stand where on a 10 kV pole, drawn
at their real sizes (irpatrol.simulate.parts) on a :class:`~irpatrol.simulate.canvas.Canvas`.

Each layout draws the three phases (or one) of its equipment at the phase anchors on the crossarm
and returns, per phase, the target part: its centre (px), bounding box, the true temperature (°C)
and emissivity it was drawn with. A hot phase gets a heat source at its target; current heating
conducts into the metal around it with the fin decay of docs/physics.md §3, voltage heating warms
the whole insulating body (§4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from irpatrol.simulate import parts as P
from irpatrol.simulate.canvas import Canvas, Heat, Material, point_heat
from irpatrol.simulate.physics import fin_length_flat_m, fin_length_m


@dataclass(frozen=True)
class Frame:
    """Geometry and weather shared by a frame's layout (px, °C)."""

    px_m: float
    ambient_c: float
    sun: float
    load_rise_k: float
    slope: float
    """Conductor direction in the image, dy/dx."""
    anchors: tuple[tuple[float, float], ...]
    """Phase points on the crossarm (x, y px), left to right."""
    eps: dict[str, float]
    """Emissivity drawn for each material this frame (physics.EMISSIVITY keys)."""
    colours: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """Visible colour (RGB 0…255) of each material, for the visible image (simulate.visible)."""

    def px(self, metres: float) -> float:
        return metres / self.px_m

    def m(self, name: str) -> Material:
        """The material ``name`` as drawn this frame: its emissivity and visible colour."""
        return Material(self.eps[name], self.colours.get(name, (128.0, 128.0, 128.0)))


@dataclass
class Target:
    """The part a scenario grades, on one phase."""

    centre: tuple[float, float]
    bbox: tuple[int, int, int, int]
    true_c: float
    emissivity: float
    size_px: tuple[float, float]


@dataclass
class Drawn:
    """What a layout drew: the target per phase, the part names, metal pixels for glints."""

    targets: list[Target] = field(default_factory=list)
    parts: set[str] = field(default_factory=set)
    metal: list[tuple[int, int]] = field(default_factory=list)


def _unit(slope: float) -> tuple[float, float]:
    n = math.hypot(1.0, slope)
    return 1.0 / n, slope / n


def _long_rod(c: Canvas, through: tuple[float, float], d: tuple[float, float], width: float, t: float,
              eps: Material, heat: Heat | None, reach: float, both: bool = True,
              glint_px: float = 60.0) -> list[tuple[int, int]]:
    """A conductor through ``through`` along ``d`` to the frame edge (one side unless ``both``);
    returns the pixels ``glint_px`` and 2 × ``glint_px`` along it that lie in the frame (glint spots
    away from the graded part)."""
    p0 = (through[0] - d[0] * reach, through[1] - d[1] * reach) if both else through
    p1 = (through[0] + d[0] * reach, through[1] + d[1] * reach)
    c.rod(p0, p1, width, t, eps, heat)
    h, w = c.img.shape
    spots = [(int(through[0] + d[0] * s), int(through[1] + d[1] * s)) for s in (glint_px, 2 * glint_px)]
    return [(x, y) for x, y in spots if 0 <= x < w and 0 <= y < h]


def pole_and_crossarm(c: Canvas, f: Frame, centre: tuple[float, float], tilt: float, fore: float,
                      pole_rise_k: float) -> None:
    """The concrete pole from 0.35 m above the crossarm down out of the frame, and the crossarm
    through ``centre`` (px) seen at ``tilt`` (dy/dx) and foreshortened by ``fore`` (0…1)."""
    cx, arm_y = centre
    h = c.img.shape[0]
    c.rod((cx, arm_y - f.px(0.35)), (cx, h + 2.0), f.px(P.POLE_TOP_DIAMETER_M), f.ambient_c + pole_rise_k,
          f.m("concrete"), round_reflect=False)
    half = f.px(P.CROSSARM.length_m / 2) * fore
    c.rod((cx - half, arm_y - tilt * half), (cx + half, arm_y + tilt * half), f.px(P.CROSSARM.width_m),
          f.ambient_c + f.sun * 2.0, f.m("galvanised-steel"), round_reflect=False)


def line(c: Canvas, f: Frame, hot: dict[int, float]) -> Drawn:
    """Pin insulators on the crossarm, a bare conductor on each and a parallel-groove clamp on the
    conductor (a tee or jumper connection) 0.25–0.5 m from the insulator."""
    out = Drawn(parts={"pin-insulator", "conductor", "parallel-groove-clamp"})
    d = _unit(f.slope)
    reach = 3.0 * max(c.img.shape)
    cond_w = f.px(P.CONDUCTOR_DIAMETER_M)
    lam = f.px(fin_length_m(P.CONDUCTOR_DIAMETER_M))
    offset = f.px(0.25 + 0.25 * f.sun)  # deterministic per frame (the sun factor is drawn per frame)
    t_cond = f.ambient_c + f.load_rise_k
    t_clamp = t_cond + 1.0
    for i, (ax, ay) in enumerate(f.anchors):
        top = (ax, ay - f.px(P.PIN_INSULATOR.length_m))
        c.rod((ax, ay), top, f.px(P.PIN_INSULATOR.width_m), f.ambient_c + 0.5 * f.sun, f.m("porcelain"))
        centre = (top[0] + d[0] * offset, top[1] + d[1] * offset)
        heat = point_heat(*centre, hot[i], lam) if i in hot else None
        out.metal += _long_rod(c, top, (-d[0], -d[1]), cond_w, t_cond, f.m("aluminium-bare"), heat, reach,
                               glint_px=f.px(1.0))
        eps = f.m("aluminium-cast-weathered")
        length, width = f.px(P.PARALLEL_GROOVE_CLAMP.length_m), f.px(P.PARALLEL_GROOVE_CLAMP.width_m)
        bbox = c.box(centre, length, width, math.atan2(d[1], d[0]), t_clamp, eps, heat)
        out.targets.append(Target(centre, bbox, t_clamp, eps.eps, (length, width)))
    return out


def strain(c: Canvas, f: Frame, hot: dict[int, float]) -> Drawn:
    """A strain pole: on each phase a strain string, a bolted strain clamp and the conductor leaving
    it, on both sides of the crossarm, with the jumper looping below the arm between the clamps."""
    out = Drawn(parts={"strain-string", "strain-clamp", "conductor", "jumper"})
    d = _unit(f.slope)
    reach = 3.0 * max(c.img.shape)
    cond_w = f.px(P.CONDUCTOR_DIAMETER_M)
    lam = f.px(fin_length_m(P.CONDUCTOR_DIAMETER_M))
    t_cond = f.ambient_c + f.load_rise_k
    t_clamp = t_cond + 1.0
    s_len, c_len = f.px(P.STRAIN_STRING.length_m), f.px(P.STRAIN_CLAMP.length_m)
    for i, (ax, ay) in enumerate(f.anchors):
        ends = []
        for side in (1.0, -1.0):
            e = (ax + side * d[0] * s_len, ay + side * d[1] * s_len)
            c.rod((ax, ay), e, f.px(P.STRAIN_STRING.width_m), f.ambient_c + 0.5 * f.sun, f.m("porcelain"))
            centre = (e[0] + side * d[0] * c_len / 2, e[1] + side * d[1] * c_len / 2)
            ends.append((side, e, centre))
        side, e, centre = ends[0]
        heat = point_heat(*centre, hot[i], lam) if i in hot else None
        for s, _e, cc in ends:
            tail = (cc[0] + s * d[0] * c_len / 2, cc[1] + s * d[1] * c_len / 2)
            out.metal += _long_rod(c, tail, (s * d[0], s * d[1]), cond_w, t_cond, f.m("aluminium-bare"),
                                   heat, reach, both=False, glint_px=f.px(1.0))
        sag = f.px(0.35)
        (_, _, ca), (_, _, cb) = ends
        low = ((ca[0] + cb[0]) / 2, max(ca[1], cb[1]) + sag)
        for p, q in ((ca, low), (low, cb)):
            c.rod(p, q, cond_w, t_cond, f.m("aluminium-bare"), heat)
        eps = f.m("aluminium-cast-weathered")
        for s, _e, cc in ends:
            ang = math.atan2(s * d[1], s * d[0])
            bbox = c.box(cc, c_len, f.px(P.STRAIN_CLAMP.width_m), ang, t_clamp, eps, heat)
            if s > 0:
                out.targets.append(Target(cc, bbox, t_clamp, eps.eps, (c_len, f.px(P.STRAIN_CLAMP.width_m))))
    return out


def disconnector(c: Canvas, f: Frame, hot: dict[int, float], target: str) -> Drawn:
    """Three single-pole disconnectors hung on the crossarm: a steel bracket, two post insulators,
    the copper blade from the hinge down to the jaw, a terminal clamp at each end with its lead.
    ``target``: "contact" (the jaw) or "terminal" (the upper terminal clamp)."""
    out = Drawn(parts={"bracket", "post-insulator", "disconnector-blade", "disconnector-contact",
                       "terminal-clamp", "lead"})
    h, _w = c.img.shape
    blade_l, blade_w = f.px(P.DISCONNECTOR_BLADE.length_m), f.px(P.DISCONNECTOR_BLADE.width_m)
    lam_blade = f.px(fin_length_flat_m(P.DISCONNECTOR_BLADE.width_m, 0.008, 390.0))
    t_metal = f.ambient_c + f.load_rise_k
    t_joint = t_metal + 1.0
    tilt = math.atan(f.slope * 0.1)
    for i, (ax, ay) in enumerate(f.anchors):
        ux, uy = math.sin(tilt), math.cos(tilt)  # down the blade
        hinge = (ax, ay - f.px(0.22))
        jaw = (hinge[0] + ux * blade_l, hinge[1] + uy * blade_l)
        term_l, term_w = f.px(P.TERMINAL_CLAMP.length_m), f.px(P.TERMINAL_CLAMP.width_m)
        top_t = (hinge[0] - ux * term_l / 2, hinge[1] - uy * term_l / 2)
        bot_t = (jaw[0] + ux * term_l, jaw[1] + uy * term_l)
        tgt = jaw if target == "contact" else top_t
        heat = point_heat(*tgt, hot[i], lam_blade) if i in hot else None
        bx = ax - f.px(0.2)
        c.rod((bx, hinge[1] - f.px(0.05)), (bx, jaw[1] + f.px(0.05)), f.px(0.05), f.ambient_c + f.sun,
              f.m("galvanised-steel"))
        for y in (hinge[1], jaw[1]):
            c.rod((bx, y), (ax - f.px(0.03), y), f.px(P.DISCONNECTOR_POST.width_m), f.ambient_c + 0.5 * f.sun,
                  f.m("porcelain"))
        lead_eps = f.m("aluminium-bare")
        cond_w = f.px(P.CONDUCTOR_DIAMETER_M)
        lam_lead = f.px(fin_length_m(P.CONDUCTOR_DIAMETER_M))
        lead_heat = point_heat(*tgt, hot[i], lam_lead) if i in hot else None
        c.rod(top_t, (top_t[0] + f.px(0.3) * (i - 1), -2.0), cond_w, t_metal, lead_eps, lead_heat)
        c.rod(bot_t, (bot_t[0] + f.px(0.2) * (i - 1), h + 2.0), cond_w, t_metal, lead_eps, lead_heat)
        out.metal.append((int(top_t[0]), max(0, int(top_t[1] - f.px(0.6)))))
        c.rod(hinge, jaw, blade_w, t_metal, f.m("copper-contact"), heat, round_reflect=False)
        ang = math.atan2(uy, ux)
        eps_c = f.m("copper-contact")
        cl, cw = f.px(P.DISCONNECTOR_CONTACT.length_m), f.px(P.DISCONNECTOR_CONTACT.width_m)
        jaw_box = c.box(jaw, cl, cw, ang, t_joint, eps_c, heat)
        eps_t = f.m("aluminium-cast-weathered")
        top_box = c.box(top_t, term_l, term_w, ang, t_joint, eps_t, heat)
        c.box(bot_t, term_l, term_w, ang, t_joint, eps_t, heat)
        if target == "contact":
            out.targets.append(Target(jaw, jaw_box, t_joint, eps_c.eps, (cl, cw)))
        else:
            out.targets.append(Target(top_t, top_box, t_joint, eps_t.eps, (term_l, term_w)))
    return out


def fuse(c: Canvas, f: Frame, hot: dict[int, float]) -> Drawn:
    """Three drop-out fuses on the crossarm, each hanging 25° from the vertical: support insulator,
    upper (duckbill) contact, epoxy fuse tube, lower hinge contact, leads. Target: the upper contact."""
    out = Drawn(parts={"fuse-insulator", "fuse-contact", "fuse-tube", "lead"})
    h, _w = c.img.shape
    a = math.radians(P.FUSE_TILT_DEG) * (1.0 if f.slope >= 0 else -1.0)
    ux, uy = math.sin(a), math.cos(a)
    tube_l, tube_w = f.px(P.FUSE_TUBE.length_m), f.px(P.FUSE_TUBE.width_m)
    cl, cw = f.px(P.FUSE_CONTACT.length_m), f.px(P.FUSE_CONTACT.width_m)
    lam = f.px(fin_length_flat_m(0.03, 0.004, 390.0))
    t_metal = f.ambient_c + f.load_rise_k
    t_joint = t_metal + 1.0
    cond_w = f.px(P.CONDUCTOR_DIAMETER_M)
    for i, (ax, ay) in enumerate(f.anchors):
        top = (ax - ux * f.px(0.2), ay - uy * f.px(0.2))
        bottom = (top[0] + ux * (tube_l + cl), top[1] + uy * (tube_l + cl))
        heat = point_heat(*top, hot[i], lam) if i in hot else None
        side = (-uy * f.px(0.07), ux * f.px(0.07))
        c.rod((top[0] + side[0], top[1] + side[1]), (bottom[0] + side[0], bottom[1] + side[1]),
              f.px(P.FUSE_INSULATOR.width_m), f.ambient_c + 0.5 * f.sun, f.m("porcelain"))
        lead_heat = point_heat(*top, hot[i], f.px(fin_length_m(P.CONDUCTOR_DIAMETER_M))) if i in hot else None
        up = (top[0] + f.px(0.2) * (i - 1), -2.0)
        c.rod(top, up, cond_w, t_metal, f.m("aluminium-bare"), lead_heat)
        c.rod(bottom, (bottom[0] + f.px(0.1), h + 2.0), cond_w, t_metal, f.m("aluminium-bare"))
        out.metal.append((int(top[0]), max(0, int(top[1] - f.px(0.8)))))
        t0 = (top[0] + ux * cl / 2, top[1] + uy * cl / 2)
        c.rod(t0, (t0[0] + ux * tube_l, t0[1] + uy * tube_l), tube_w, f.ambient_c + 0.5 * f.load_rise_k,
              f.m("epoxy-tube"), heat, round_reflect=False)
        ang = math.atan2(uy, ux)
        c.box((bottom[0] - ux * cl / 2, bottom[1] - uy * cl / 2), cl, cw, ang, t_joint,
              f.m("copper-contact"))
        eps = f.m("copper-contact")
        bbox = c.box(top, cl, cw, ang, t_joint, eps, heat)
        out.targets.append(Target(top, bbox, t_joint, eps.eps, (cl, cw)))
    return out


def arrester(c: Canvas, f: Frame, hot: dict[int, float]) -> Drawn:
    """Three metal-oxide arresters standing on the crossarm, each tied by a lead to its phase
    conductor above; the hot phase's housing warmed as a whole (voltage heating, docs §4)."""
    out = Drawn(parts={"arrester", "conductor", "lead", "pin-insulator"})
    d = _unit(f.slope)
    reach = 3.0 * max(c.img.shape)
    cond_w = f.px(P.CONDUCTOR_DIAMETER_M)
    t_cond = f.ambient_c + f.load_rise_k
    body_l, body_w = f.px(P.ARRESTER.length_m), f.px(P.ARRESTER.width_m)
    eps = f.m("polymer")
    for i, (ax, ay) in enumerate(f.anchors):
        ins_top = (ax - f.px(0.25), ay - f.px(P.PIN_INSULATOR.length_m))
        c.rod((ins_top[0], ay), ins_top, f.px(P.PIN_INSULATOR.width_m), f.ambient_c + 0.5 * f.sun,
              f.m("porcelain"))
        out.metal += _long_rod(c, ins_top, d, cond_w, t_cond, f.m("aluminium-bare"), None, reach,
                               glint_px=f.px(1.0))
        top = (ax, ay - body_l)
        c.rod(top, (ins_top[0] + f.px(0.05), ins_top[1]), cond_w, t_cond, f.m("aluminium-bare"))
        t_body = f.ambient_c + 0.5 * f.sun + hot.get(i, 0.0)
        c.rod((ax, ay), top, body_w, t_body, eps, round_reflect=False)
        for k in range(1, 6):  # sheds
            y = ay - body_l * k / 6.0
            c.rod((ax - body_w * 0.75, y), (ax + body_w * 0.75, y), max(0.6, f.px(0.012)), t_body, eps)
        c.box(top, f.px(0.03), body_w * 0.8, 0.0, t_cond, f.m("galvanised-steel"))
        centre = (ax, ay - body_l / 2)
        bbox = (int(ax - body_w / 2), int(ay - body_l), max(1, round(body_w)), max(1, round(body_l)))
        out.targets.append(Target(centre, bbox, t_body, eps.eps, (body_l, body_w)))
    return out


def transformer(c: Canvas, f: Frame, hot: dict[int, float], tank_rise_k: float, side: float) -> Drawn:
    """A pole-mounted transformer beside the pole: the painted tank warmed by its oil, radiator fins,
    three porcelain HV bushings on the lid (their lower part in the oil) with a lead from each cap
    up to the line; the hot phase's bushing warmed as a whole (voltage heating, docs §4)."""
    out = Drawn(parts={"transformer-tank", "bushing", "lead"})
    mx, my = f.anchors[len(f.anchors) // 2]
    tw, th = f.px(P.TRANSFORMER_TANK.length_m), f.px(P.TRANSFORMER_TANK.width_m)
    tcx = mx + side * f.px(0.9)
    lid = my + f.px(0.55)
    t_tank = f.ambient_c + tank_rise_k + f.sun * 2.0
    c.box((tcx, lid + th / 2), tw, th, 0.0, t_tank, f.m("painted-steel"))
    for k in range(-3, 4):  # radiator fins, a little cooler than the tank
        x = tcx + k * tw / 7.5
        c.rod((x, lid + th * 0.15), (x, lid + th * 0.95), max(0.6, f.px(0.03)), t_tank - 0.3 * tank_rise_k,
              f.m("painted-steel"))
    b_l, b_w = f.px(P.BUSHING.length_m), f.px(P.BUSHING.width_m)
    eps = f.m("porcelain")
    cond_w = f.px(P.CONDUCTOR_DIAMETER_M)
    t_cond = f.ambient_c + f.load_rise_k
    for i in range(3):
        bx = tcx + (i - 1) * f.px(P.BUSHING_SPACING_M)
        top = (bx, lid - b_l)
        t_body = f.ambient_c + 0.3 * tank_rise_k + 0.5 * f.sun + hot.get(i, 0.0)
        c.rod((bx, lid), top, b_w * 0.6, t_body, eps, round_reflect=False)
        for k in range(1, 5):
            y = lid - b_l * k / 5.0
            c.rod((bx - b_w / 2, y), (bx + b_w / 2, y), max(0.6, f.px(0.015)), t_body, eps)
        c.rod(top, (bx + (i - 1) * f.px(0.3), -2.0), cond_w, t_cond, f.m("aluminium-bare"))
        out.metal.append((int(bx), max(0, int(top[1] - f.px(0.8)))))
        c.box(top, f.px(0.04), b_w * 0.5, 0.0, t_cond, f.m("galvanised-steel"))
        centre = (bx, lid - b_l / 2)
        bbox = (int(bx - b_w / 2), int(lid - b_l), max(1, round(b_w)), max(1, round(b_l)))
        out.targets.append(Target(centre, bbox, t_body, eps.eps, (b_l, b_w * 0.6)))
    return out

