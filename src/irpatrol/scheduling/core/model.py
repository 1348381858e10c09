"""Inputs and outputs of the planner as frozen dataclasses (no I/O, no database).

Units: metres, seconds, m/s, degrees (WGS84 latitude/longitude), dates in the county's local
calendar; times of day are seconds after local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from irpatrol.errors import ParameterError


@dataclass(frozen=True, slots=True)
class Site:
    """A point on the ground: a takeoff point or a crew base (WGS84 degrees)."""

    id: str
    lat: float
    lon: float
    area: str = ""
    ground_m: float | None = None
    """Ground elevation (m above the same vertical datum as the poles' ``ground_m``); None: unknown."""


@dataclass(frozen=True, slots=True)
class Pole:
    """One pole; ``seq`` is its 0-based position along the feeder, ``height_m`` the pole-top height
    above ground (10 kV poles: 10–15 m)."""

    id: str
    feeder_id: str
    seq: int
    lat: float
    lon: float
    height_m: float = 12.0
    ground_m: float | None = None
    """Ground elevation at the pole foot (m, same datum as the take-off points'); None: unknown."""


@dataclass(frozen=True, slots=True)
class Feeder:
    """A 10 kV feeder: its poles in line order. ``feeder_class`` selects the inspection cycle."""

    id: str
    area: str
    pole_ids: tuple[str, ...]
    feeder_class: str = "standard"
    priority: bool = False


@dataclass(frozen=True, slots=True)
class Area:
    """An operating area (a county district with its own crews and weather)."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Drone:
    """A drone as the planner sees it.

    ``endurance_s`` is the *usable* flight time per battery, reserve already taken off (e.g. 1,800 s
    of the M30T's 41 min; scheduling.md §5 "planning battery 25–30 min"). ``cruise_m_s`` is the
    transit speed between poles (8–10 m/s, §5), ``seconds_per_pole`` the hover + visible + IR shots
    (30–60 s, §5), ``climb_s`` the climb/descent time added to legs from/to the takeoff point
    (§1.2), ``sortie_overhead_s`` the battery swap + takeoff/landing (≈ 300 s, §1.2),
    ``max_wind_m_s`` the airframe wind limit (DJI spec, scheduling.md §5).
    """

    model: str
    endurance_s: int = 1800
    cruise_m_s: float = 10.0
    seconds_per_pole: int = 45
    climb_s: int = 20
    sortie_overhead_s: int = 300
    max_wind_m_s: float = 15.0

    def __post_init__(self) -> None:
        if self.endurance_s <= 0 or self.cruise_m_s <= 0 or self.seconds_per_pole < 0:
            raise ParameterError(f"drone {self.model}: endurance, cruise speed must be > 0")


@dataclass(frozen=True, slots=True)
class Crew:
    """A crew: home area and base, working weekdays (0 = Monday), working hours (s after
    midnight), the sortie limit per day and its drone model."""

    name: str
    area: str
    base: Site
    drone: str = "M30T"
    members: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    day_start_s: int = 8 * 3600
    day_end_s: int = 17 * 3600
    sorties_per_day: int = 6
    poles_per_day: int | None = None
    """Crew-day capacity (poles) learnt from past patrols (None: only hours and sorties limit it)."""


@dataclass(frozen=True, slots=True)
class Weather:
    """Forecast for one day and area: rain (any precipitation), the maximum wind (m/s), fog, the
    relative humidity (%, None: not forecast) and the cloud cover (%, None: not forecast; scored by
    :mod:`measuring`)."""

    day: date
    area: str
    rain: bool = False
    wind_m_s: float = 0.0
    fog: bool = False
    humidity_pct: float | None = None
    cloud_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """The inspection policy of one campaign.

    ``max_wind_m_s``: no flight above 10 m/s (operating rule below the 12–15 m/s airframe limits,
    scheduling.md §1.1 and §5); no flight in rain. ``cycle_days`` per feeder class: a pole whose
    last inspection is more recent than ``deadline − cycle`` is not due. ``reinspect`` maps pole ids
    with repaired serious/critical defects to their due date (detection + N days), ``open_defects``
    lists poles flown first.
    """

    start: date
    deadline: date
    holidays: frozenset[date] = frozenset()
    max_wind_m_s: float = 10.0
    priority_feeders: frozenset[str] = frozenset()
    cycle_days: tuple[tuple[str, int], ...] = (("standard", 182),)
    last_inspected: tuple[tuple[str, date], ...] = ()
    done: frozenset[str] = frozenset()
    reinspect: tuple[tuple[str, date], ...] = ()
    open_defects: frozenset[str] = frozenset()
    road_speed_m_s: float = 11.0
    road_detour: float = 1.3
    ir_max_wind_m_s: float = 5.0
    """Infrared wind limit (m/s), DL/T 664-2016 §4.3 (:mod:`conditions`)."""
    max_humidity_pct: float = 85.0
    """Relative humidity limit (%), DL/T 664-2016 §4.3."""
    forecast_until: date | None = None
    """Last day of the forecast horizon (None: the last forecast day)."""
    climate_flyable: tuple[float, ...] | None = None
    """Flyable share of days per month (Jan…Dec) beyond the horizon; None: such days count as
    flyable (no climatology)."""
    battery: tuple[float, float, float] | None = None
    """Battery derating (planning °C, wind m/s, reserve share), :func:`conditions.derated`; None:
    the drones' usable endurance as given."""
    prefer_within_days: int = 7
    """Days the campaign may move work past its earliest finish (never past the deadline) to fly
    on days with a better measuring score (:mod:`measuring`, DL/T 664-2016 §4.3); 0: earliest
    finish only."""
    workdays: frozenset[date] = frozenset()
    """Make-up working days (调休上班): weekend days the holiday notice turns into working days;
    :func:`works_on` says which crews work them."""

    def __post_init__(self) -> None:
        if self.deadline < self.start:
            raise ParameterError(f"deadline {self.deadline} is before the start {self.start}")


def works_on(crew: Crew, day: date, policy: Policy) -> bool:
    """Whether ``crew`` works on ``day``: never on a holiday; on its own weekdays; and on a
    make-up working day (``policy.workdays``, a Saturday or Sunday the State Council's holiday
    notice makes a working day in exchange for a weekday inside the holiday) when its week has
    Monday–Friday working days but not that weekend day. Such a crew lost weekdays to the holiday
    and works the make-up day as the utility's office does; a crew that works that weekend day
    anyway gains nothing (planning choice, docs/scheduling-calendar.md)."""
    if day in policy.holidays:
        return False
    if day.weekday() in crew.weekdays:
        return True
    return day in policy.workdays and day.weekday() >= 5 and any(d < 5 for d in crew.weekdays)


@dataclass(frozen=True, slots=True)
class County:
    """Everything the planner needs to know about the network and the people."""

    name: str
    areas: tuple[Area, ...]
    feeders: tuple[Feeder, ...]
    poles: tuple[Pole, ...]
    takeoffs: tuple[Site, ...]
    crews: tuple[Crew, ...]
    drones: tuple[Drone, ...]
    weather: tuple[Weather, ...] = ()

    def drone(self, model: str) -> Drone:
        for d in self.drones:
            if d.model == model:
                return d
        raise ParameterError(f"drone model {model!r} is not in the county's fleet")


# ---- outputs -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Visit:
    """A pole as flown in a sortie (copied from the county so a plan is self-contained)."""

    pole_id: str
    feeder_id: str
    seq: int
    lat: float
    lon: float
    height_m: float
    ground_m: float | None = None


@dataclass(frozen=True, slots=True)
class Sortie:
    """One battery: from ``takeoff`` over ``visits`` in order and back.

    ``flight_s`` is the planned flight time (legs at cruise speed + climb/descent + time per pole),
    ``start_s`` the planned takeoff time (s after local midnight).
    """

    id: str
    takeoff: Site
    visits: tuple[Visit, ...]
    flight_s: int
    start_s: int

    @property
    def pole_ids(self) -> tuple[str, ...]:
        return tuple(v.pole_id for v in self.visits)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of consecutive poles of one feeder, ``first_seq``..``last_seq`` inclusive."""

    feeder_id: str
    first_seq: int
    last_seq: int


@dataclass(frozen=True, slots=True)
class CrewDay:
    """One crew on one day: segments, sorties in flying order, drive (m) and the day's span (s)."""

    day: date
    crew: str
    area: str
    drone: str
    segments: tuple[Segment, ...]
    sorties: tuple[Sortie, ...]
    drive_m: float
    start_s: int
    end_s: int
    solver: str = "split"
    score: float | None = None
    """Measuring score of the day (0…1, :func:`measuring.day_score`); None: not scored."""

    @property
    def takeoffs(self) -> tuple[Site, ...]:
        """Takeoff points in driving order (each once)."""
        seen: dict[str, Site] = {}
        for s in self.sorties:
            seen.setdefault(s.takeoff.id, s.takeoff)
        return tuple(seen.values())

    @property
    def flight_s(self) -> int:
        return sum(s.flight_s for s in self.sorties)


@dataclass(frozen=True, slots=True)
class Unplanned:
    pole_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Figures:
    """Plan figures: coverage of the due poles by the deadline (%), flight hours, driving km and
    the sortie cost (flight s + overhead s per sortie, scheduling.md §1.2)."""

    poles: int
    planned_poles: int
    unplanned_poles: int
    coverage_pct: float
    sorties: int
    flight_hours: float
    driving_km: float
    cost_s: int
    crew_days: int
    last_day: date | None
    measuring_score: float | None = None
    """Mean measuring score of the crew days (0…1, DL/T 664-2016 §4.3; :mod:`measuring`)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """A campaign plan: crew days sorted by (day, crew), unplanned poles with reasons, figures."""

    county: str
    start: date
    deadline: date
    crew_days: tuple[CrewDay, ...]
    unplanned: tuple[Unplanned, ...]
    figures: Figures
    notes: tuple[str, ...] = field(default=())
    forecast_until: date | None = None
    """Last day of the forecast the plan used; later days were planned on climatology."""
    climate_flyable: tuple[float, ...] | None = None
    """The monthly flyable shares used beyond ``forecast_until`` (None: none used)."""

    def weather_unknown(self, day: date) -> bool:
        """True when ``day`` was planned without a forecast (on climatology)."""
        return self.climate_flyable is not None and (self.forecast_until is None or day > self.forecast_until)

    def crew_day(self, day: date, crew: str) -> CrewDay | None:
        for cd in self.crew_days:
            if cd.day == day and cd.crew == crew:
                return cd
        return None
