"""A synthetic county for trials, tests and benchmarks (pure: a seed in, a :class:`County` out).

Shaped after scheduling.md §2.2 and §5: areas around substations, feeders grown as random walks
from the substation with 65–95 m spans (≈ 80 m per pole: 625 km / 7,800 poles), a few laterals per
feeder numbered after the main line, roadside takeoff points about one per 1.5 km of line and
50–300 m off it, crews based near their area's substation, and a forecast with rain and wind.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from irpatrol.errors import ParameterError
from irpatrol.scheduling.core.geo import unproject
from irpatrol.scheduling.core.model import Area, County, Crew, Drone, Feeder, Pole, Site, Weather

CENTRE = (28.20, 112.95)
"""Reference point of the synthetic county (lat, lon in degrees); any mid-latitude place works."""

DRONES = (
    Drone("M30T", endurance_s=1800, cruise_m_s=10.0, seconds_per_pole=45, max_wind_m_s=15.0),
    Drone("M300-H20T", endurance_s=2100, cruise_m_s=10.0, seconds_per_pole=45, max_wind_m_s=15.0),
    Drone("M350-H20T", endurance_s=2100, cruise_m_s=10.0, seconds_per_pole=45, max_wind_m_s=12.0),
    Drone("M3T", endurance_s=1920, cruise_m_s=10.0, seconds_per_pole=45, max_wind_m_s=12.0),
)
"""Fleet presets. Usable endurance = 30 of the M30T's 41 min, 35 of the M300/M350 + H20T's
~40–45 min, 32 of the Mavic 3T's 45 min (≥ 20–25 % reserve; scheduling.md §5); wind limits from
the DJI specs quoted there."""

CREW_SIZE = 2
"""Pilots per crew: pilot and observer (standards.md §5, "A crew of 2 (pilot + observer)"); the
planner never makes a crew of one. Pilots beyond two per crew join crews as a third member
(relief pilot or trainee), one per crew from the first crew on; a crew flies one drone whatever
its size, so a third member adds no capacity."""
SEED_CREWS, SEED_PILOTS = 13, 27
"""The seed county's 27 pilots (scheduling.md §5) in 13 crews of two, one of three."""
PATROL_WEEKDAYS = ((0, 2, 4), (1, 3), (0, 3, 5), (1, 4), (2, 5))
"""Patrol days per crew (0 = Monday): crews also repair, process data and stand by, so each flies
2–3 days a week (the seed's 27 pilots need ~2.5 months for 7,800 poles, scheduling.md §5)."""
CLOUD_STREAM = 13
"""Second seed word of the cloud-cover random stream (issue 13), kept apart from the county's."""
SPAN_M = (65.0, 95.0)
"""Span between poles (m), scheduling.md §2.2."""
TAKEOFF_EVERY_M = 1500.0
"""One roadside takeoff point per ~1.5 km of line (scheduling.md §2.2)."""
TAKEOFF_OFFSET_M = (50.0, 300.0)
"""Distance of a takeoff point from the line (m), scheduling.md §2.2."""


def terrain_m(xy: np.ndarray) -> np.ndarray:
    """Synthetic ground elevation (m) at local east/north metres: rolling hills 40–140 m, so pole
    feet and take-off points differ by up to tens of metres (a smooth function, no randomness)."""
    x, y = xy[:, 0], xy[:, 1]
    hills = 30.0 * np.sin(x / 3100.0) * np.cos(y / 4300.0) + 20.0 * np.sin((x + y) / 1700.0)
    return np.round(90.0 + hills, 1)


def generate(poles: int = 7800, feeders: int = 60, areas: int = 3, crews: int = 13, seed: int = 0,
             *, start: date | None = None, days: int = 50, no_fly_share: float = 0.25,
             pilots: int | None = None) -> County:
    """A county of ``poles`` poles on ``feeders`` feeders in ``areas`` areas with ``crews`` crews of
    ``pilots`` pilots in all (default :func:`default_pilots`: the seed county's 27 pilots in 13
    crews, one of them of three; else two per crew) and a ``days``-day forecast from ``start`` (default
    2026-11-02) in which about ``no_fly_share`` of the area-days have rain or wind above 10 m/s."""
    n_pilots = default_pilots(crews) if pilots is None else pilots
    if not (areas >= 1 and feeders >= areas and poles >= 2 * feeders and crews >= 1 and days >= 1
            and n_pilots >= CREW_SIZE * crews):
        raise ParameterError(
            f"county needs areas ≥ 1, feeders ≥ areas, poles ≥ 2 × feeders, crews ≥ 1, days ≥ 1, "
            f"pilots ≥ {CREW_SIZE} × crews (got poles={poles}, feeders={feeders}, areas={areas}, "
            f"crews={crews}, days={days}, pilots={n_pilots})")
    rng = np.random.default_rng(seed)
    lat0, lon0 = CENTRE
    ring = 9000.0 + 1500.0 * areas
    subs = [np.array([ring * math.cos(2 * math.pi * a / areas), ring * math.sin(2 * math.pi * a / areas)])
            if areas > 1 else np.zeros(2) for a in range(areas)]
    area_ids = [f"A{a + 1}" for a in range(areas)]

    counts = np.full(feeders, poles // feeders)
    counts[: poles % feeders] += 1
    all_xy: list[np.ndarray] = []
    pole_rows: list[tuple[str, str, int]] = []
    feeder_list: list[Feeder] = []
    takeoff_xy: list[tuple[np.ndarray, str]] = []
    for f in range(feeders):
        a = f % areas
        fid = f"F{f + 1:03d}"
        xy = _grow_feeder(rng, subs[a], int(counts[f]), heading=rng.uniform(0, 2 * math.pi))
        ids = tuple(f"{fid}-{i + 1:04d}" for i in range(len(xy)))
        feeder_list.append(Feeder(id=fid, area=area_ids[a], pole_ids=ids,
                                  priority=bool(f % 10 == 0)))
        for i, pid in enumerate(ids):
            pole_rows.append((pid, fid, i))
        all_xy.append(xy)
        takeoff_xy.extend((p, area_ids[a]) for p in _roadside(rng, xy))
    xy_all = np.vstack(all_xy)
    lat, lon = unproject(xy_all, lat0, lon0)
    heights = rng.uniform(10.0, 15.0, len(xy_all))
    ground = terrain_m(xy_all)
    pole_list = tuple(
        Pole(id=pid, feeder_id=fid, seq=seq, lat=round(float(lat[i]), 7), lon=round(float(lon[i]), 7),
             height_m=round(float(heights[i]), 1), ground_m=float(ground[i]))
        for i, (pid, fid, seq) in enumerate(pole_rows)
    )
    t_xy = np.array([p for p, _ in takeoff_xy])
    t_lat, t_lon = unproject(t_xy, lat0, lon0)
    t_ground = terrain_m(t_xy)
    takeoffs = tuple(
        Site(id=f"T{i + 1:04d}", lat=round(float(t_lat[i]), 7), lon=round(float(t_lon[i]), 7), area=ar,
             ground_m=float(t_ground[i]))
        for i, (_, ar) in enumerate(takeoff_xy)
    )
    s_lat, s_lon = unproject(np.array(subs), lat0, lon0)
    area_list = tuple(Area(id=area_ids[a], name=f"Area {a + 1}", lat=float(s_lat[a]), lon=float(s_lon[a]))
                      for a in range(areas))
    crew_list = []
    members = crew_members(crews, n_pilots)
    for c in range(crews):
        a = c % areas
        b_xy = subs[a] + rng.normal(0.0, 1500.0, 2)
        b_lat, b_lon = unproject(b_xy[None, :], lat0, lon0)
        base = Site(id=f"B{c + 1:02d}", lat=float(b_lat[0]), lon=float(b_lon[0]), area=area_ids[a])
        crew_list.append(Crew(name=f"crew-{c + 1:02d}", area=area_ids[a], base=base,
                              drone=DRONES[c % len(DRONES)].model,
                              members=members[c],
                              weekdays=PATROL_WEEKDAYS[c % len(PATROL_WEEKDAYS)],
                              sorties_per_day=4))
    first = start or date(2026, 11, 2)
    weather = _forecast(rng, area_ids, first, days, no_fly_share,
                        clouds=np.random.default_rng([seed, CLOUD_STREAM]))
    return County(name=f"synthetic-{seed}", areas=area_list, feeders=tuple(feeder_list), poles=pole_list,
                  takeoffs=takeoffs, crews=tuple(crew_list), drones=DRONES, weather=weather)


def default_pilots(crews: int) -> int:
    """Pilots when none are given: the seed county's :data:`SEED_PILOTS` for its
    :data:`SEED_CREWS` crews, else :data:`CREW_SIZE` per crew."""
    return SEED_PILOTS if crews == SEED_CREWS else CREW_SIZE * crews


def crew_members(crews: int, pilots: int) -> list[tuple[str, ...]]:
    """``pilots`` pilots (``pilot-01``…) in ``crews`` crews: :data:`CREW_SIZE` each, the rest one
    more each from the first crew on (27 pilots in 13 crews: crew 1 has three)."""
    sizes = [CREW_SIZE + (pilots - CREW_SIZE * crews) // crews
             + (1 if c < (pilots - CREW_SIZE * crews) % crews else 0) for c in range(crews)]
    out, n = [], 0
    for size in sizes:
        out.append(tuple(f"pilot-{n + i + 1:02d}" for i in range(size)))
        n += size
    return out


def _grow_feeder(rng: np.random.Generator, origin: np.ndarray, n: int, heading: float) -> np.ndarray:
    """Main line as a random walk from the substation, then 0–3 laterals branching off it; poles
    are numbered main line first, then lateral by lateral (the usual pole numbering)."""
    n_lat = int(rng.integers(0, 4)) if n >= 40 else 0
    lat_sizes = rng.multinomial(int(n * 0.35), [1 / n_lat] * n_lat) if n_lat else np.zeros(0, int)
    n_main = n - int(lat_sizes.sum())
    main = _walk(rng, origin + rng.normal(0, 300, 2), n_main, heading, wiggle=0.12)
    parts = [main]
    for size in lat_sizes:
        if size == 0:
            continue
        at = main[int(rng.integers(n_main // 5, n_main))]
        side = heading + rng.choice([-1.0, 1.0]) * rng.uniform(0.9, 1.9)
        parts.append(_walk(rng, at, int(size), side, wiggle=0.2, skip_first=True))
    return np.vstack(parts)


def _walk(rng: np.random.Generator, start: np.ndarray, n: int, heading: float, wiggle: float,
          skip_first: bool = False) -> np.ndarray:
    pts = []
    p = start.copy()
    h = heading
    if not skip_first:
        pts.append(p.copy())
    while len(pts) < n:
        h += rng.normal(0.0, wiggle)
        p = p + rng.uniform(*SPAN_M) * np.array([math.cos(h), math.sin(h)])
        pts.append(p.copy())
    return np.array(pts)


def _roadside(rng: np.random.Generator, xy: np.ndarray) -> list[np.ndarray]:
    """Takeoff points every ~1.5 km of line, 50–300 m to one side of it."""
    out = []
    step = max(1, int(TAKEOFF_EVERY_M / np.mean(SPAN_M)))
    for i in range(int(rng.integers(0, step)), len(xy), step):
        j = min(i + 1, len(xy) - 1)
        d = xy[j] - xy[i - 1 if j == i else i]
        norm = float(np.hypot(*d)) or 1.0
        perp = np.array([-d[1], d[0]]) / norm
        out.append(xy[i] + perp * rng.choice([-1.0, 1.0]) * rng.uniform(*TAKEOFF_OFFSET_M))
    return out


def _forecast(rng: np.random.Generator, area_ids: list[str], first: date, days: int,
              no_fly_share: float, clouds: np.random.Generator) -> tuple[Weather, ...]:
    """A forecast with county-wide weather systems plus local variation per area. Cloud cover (%)
    comes from its own stream ``clouds`` (so adding it changed no other draw): a county-wide
    0–100 % per day, ±15 % per area, at least 85 % where it rains."""
    out = []
    for d in range(days):
        day = first + timedelta(days=d)
        system = rng.random() < no_fly_share
        base = float(clouds.uniform(0.0, 100.0))
        for a in area_ids:
            bad = system if rng.random() > 0.2 else not system
            rain = bad and rng.random() < 0.6
            wind = float(rng.uniform(10.5, 16.0)) if bad and not rain else float(rng.uniform(1.0, 8.0))
            cloud = min(100.0, max(85.0 if rain else 0.0, base + float(clouds.normal(0.0, 15.0))))
            out.append(Weather(day=day, area=a, rain=bool(rain), wind_m_s=round(wind, 1),
                               cloud_pct=float(round(cloud))))
    return tuple(out)
