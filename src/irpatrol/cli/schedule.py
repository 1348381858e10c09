"""``irpatrol schedule county | plan``: campaign plans (``show``, ``missions`` in
:mod:`irpatrol.cli.schedule_files`; the registry's inputs in :mod:`irpatrol.cli.schedule_inputs`).

The county comes from ``--county FILE`` (a county JSON, e.g. from ``schedule county``) or, when
omitted, from the registry through :mod:`irpatrol.scheduling.service` (``load_county(session)``);
plans are JSON files, and plans made from the registry are also stored there
(``store_plan(session, plan, ...)``). ``schedule weather import FILE`` stores a forecast in the
registry, which ``plan`` without ``--county`` uses (``--weather FILE`` overrides it per day and area).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.cli.schedule_files import missions, show, summary
from irpatrol.cli.schedule_files import parse_day as _date
from irpatrol.cli.schedule_inputs import dem_import, takeoffs_import, weather_import
from irpatrol.errors import InputError, ParameterError
from irpatrol.scheduling.files import read_county, write_county
from irpatrol.scheduling.service import County, Plan


def register(app: typer.Typer) -> None:
    """Add the ``schedule`` group to the irpatrol command."""
    schedule = typer.Typer(help="Plan patrol campaigns, crew days and drone missions.", no_args_is_help=True)
    schedule.command("county")(county)
    schedule.command("plan")(plan)
    schedule.command("show")(show)
    schedule.command("missions")(missions)
    weather = typer.Typer(help="The forecast kept in the registry.", no_args_is_help=True)
    weather.command("import")(weather_import)
    schedule.add_typer(weather, name="weather")
    takeoffs = typer.Typer(help="The crews' take-off points kept in the registry.", no_args_is_help=True)
    takeoffs.command("import")(takeoffs_import)
    schedule.add_typer(takeoffs, name="takeoffs")
    dem = typer.Typer(help="Ground elevations from a digital elevation model.", no_args_is_help=True)
    dem.command("import")(dem_import)
    schedule.add_typer(dem, name="dem")
    app.add_typer(schedule, name="schedule")


def _service() -> Any | None:
    from irpatrol.scheduling import service

    return service


def _registry_county(reinspect_days: int) -> tuple[County, dict[str, Any]]:
    """The county as the registry holds it and what it knows for the policy (open defects,
    re-inspections due, last patrols), through :mod:`irpatrol.scheduling.service`."""
    service = _service()
    if service is None or not hasattr(service, "load_county"):
        raise InputError("no --county FILE given and the registry offers no county to plan "
                         "(irpatrol.scheduling.service is not available)")
    from irpatrol.cli.registry import factory

    policy: dict[str, Any] = {}
    with factory()() as session:
        county: County = service.load_county(session)
        if hasattr(service, "policy_inputs"):
            known = service.policy_inputs(session, reinspect_days=reinspect_days)
            policy = {"open_defects": known.open_defects, "reinspect": known.reinspect,
                      "last_inspected": known.last_inspected}
    return county, policy


def _store(p: Plan, params: dict[str, Any]) -> int | None:
    """Keep the plan in the registry when planning from it; returns the plan's id."""
    service = _service()
    if service is None or not hasattr(service, "store_plan"):
        return None
    from irpatrol.cli.registry import factory

    with factory()() as session:
        plan_id = int(service.store_plan(session, p, user="cli", params=params))
        session.commit()
    return plan_id


def _lines(path: Path) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"not readable: {exc.strerror or exc}", source=str(path)) from None
    return frozenset(x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#"))


@handles_errors
def county(
    out: Annotated[Path, typer.Option("--out", help="County JSON file to write")],
    poles: Annotated[int, typer.Option(help="Number of poles")] = 7800,
    feeders: Annotated[int, typer.Option(help="Number of feeders")] = 60,
    areas: Annotated[int, typer.Option(help="Number of areas")] = 3,
    crews: Annotated[int, typer.Option(help="Number of crews")] = 13,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    start: Annotated[str, typer.Option(help="First forecast day (YYYY-MM-DD)")] = "2026-11-02",
    days: Annotated[int, typer.Option(help="Forecast days")] = 50,
    pilots: Annotated[int | None, typer.Option(
        help="Number of pilots, at least 2 per crew (default: 27 for 13 crews, else 2 per crew)")] = None,
) -> None:
    """Write a synthetic county (feeders, poles, takeoff points, crews, drones, forecast) as JSON."""
    from irpatrol.scheduling.service import generate

    c = generate(poles, feeders, areas, crews, seed, start=_date(start, "--start"), days=days, pilots=pilots)
    write_county(out, c)
    print_json_line({"county": c.name, "poles": len(c.poles), "feeders": len(c.feeders),
                     "takeoffs": len(c.takeoffs), "crews": len(c.crews),
                     "pilots": sum(len(k.members) for k in c.crews), "areas": len(c.areas), "out": str(out)})


def shortfall(p: Plan, c: County, policy: Any, earliest: Plan | None) -> dict[str, Any] | None:
    """What the plan leaves undone by the deadline (None: nothing): poles, feeders and areas, the
    earliest finish found by planning on without a deadline, and what would meet the deadline
    (more crews at the same pace, or more days)."""
    from irpatrol.scheduling.service import REASON_NO_CAPACITY

    short = [u.pole_id for u in p.unplanned if u.reason == REASON_NO_CAPACITY]
    lost = [u.pole_id for u in p.unplanned if u.reason != REASON_NO_CAPACITY]
    if not short and not lost:
        return None
    feeder_of = {x.id: x.feeder_id for x in c.poles}
    area_of = {x.id: x.area for x in c.feeders}
    feeders = sorted({feeder_of[i] for i in [*short, *lost]})
    finish = earliest.figures.last_day if earliest is not None and not [
        u for u in earliest.unplanned if u.reason == REASON_NO_CAPACITY] else None
    out: dict[str, Any] = {
        "poles": len(short) + len(lost), "poles_no_capacity": len(short), "poles_unreachable": len(lost),
        "feeders": feeders, "areas": sorted({area_of[f] for f in feeders}),
        "earliest_finish": finish,
    }
    if finish is not None and short:
        window = (policy.deadline - policy.start).days + 1
        need = (finish - policy.start).days + 1
        out["to_meet"] = {"crews": -(-len(c.crews) * need // window), "crews_now": len(c.crews),
                          "days_after_deadline": (finish - policy.deadline).days,
                          "assumes": "crews at the same pace and flyable share; more crews need "
                                     "drones and takeoff points too"}
    return out


@handles_errors
def plan(
    out: Annotated[Path, typer.Option("--out", help="Plan JSON file to write")],
    start: Annotated[str, typer.Option("--from", help="First day of the plan (YYYY-MM-DD)")],
    deadline: Annotated[str, typer.Option("--deadline", help="Last day (YYYY-MM-DD)")],
    weather: Annotated[Path | None, typer.Option(
        help="Forecast CSV (day,area,rain,wind_m_s)/JSON (else the registry's, without --county)")] = None,
    county_file: Annotated[Path | None, typer.Option("--county", help="County JSON (else registry)")] = None,
    holiday: Annotated[list[str] | None, typer.Option(help="A day off for everyone (repeatable)")] = None,
    priority: Annotated[list[str] | None, typer.Option(help="A feeder to fly first (repeatable)")] = None,
    done: Annotated[Path | None, typer.Option(help="File of pole ids already inspected, one a line")] = None,
    replan_file: Annotated[Path | None, typer.Option(
        "--replan", help="Earlier plan: keep its days before --from, re-plan the rest")] = None,
    reinspect_days: Annotated[int, typer.Option(
        help="Re-inspect repaired serious/critical defects within N days (registry)")] = 7,
    time_limit: Annotated[float | None, typer.Option(
        help="Wall-clock cap in s per crew day for PyVRP (0 = feeder-order split only; default: no "
             "cap, --iterations decide, so the same seed gives the same plan)")] = None,
    iterations: Annotated[int, typer.Option(
        help="PyVRP iterations per crew day")] = 200,  # campaign.ITERATIONS; lazy import keeps the CLI fast
    seed: Annotated[int, typer.Option(help="PyVRP random seed (same seed, same plan)")] = 1,
    holidays: Annotated[str, typer.Option(
        help="Holiday calendar: 'cn' (bundled China public holidays and make-up working days), "
             "'none', or a JSON file")] = "cn",
    workday: Annotated[list[str] | None, typer.Option(
        help="A make-up working day (调休上班) on a weekend (repeatable; YYYY-MM-DD or a range)")] = None,
    climate: Annotated[str, typer.Option(
        help="Flyable share per month beyond the forecast: 'default', 'none' (count as flyable) "
             "or 12 comma-separated values Jan..Dec")] = "default",
    battery_temp: Annotated[float, typer.Option(help="Planning air temperature for the battery (°C)")] = 5.0,
    battery_wind: Annotated[float, typer.Option(help="Planning wind for the battery (m/s)")] = 5.0,
    battery_reserve: Annotated[float, typer.Option(help="Battery reserve kept on top (share)")] = 0.1,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary")] = False,
) -> None:
    """Plan the campaign from --from to --deadline; every plan is re-checked by the validator.

    Exits 3 when the plan leaves poles undone by the deadline, printing the shortfall (poles,
    feeders, areas), the earliest feasible finish and what would meet the deadline."""
    limit = _check_limits(time_limit, iterations, reinspect_days)
    fractions, days = _climate(climate), _days_off(holidays, holiday, workday)
    c, known = (read_county(county_file), {}) if county_file else _registry_county(reinspect_days)
    forecast = _read_weather(weather)
    first = _date(start, "--from")
    earlier = _read_plan(replan_file)
    policy = _policy(earlier.start if earlier else first, _date(deadline, "--deadline"), days,
                     priority=priority, done=done, fractions=fractions,
                     battery=(battery_temp, battery_wind, battery_reserve), known=known)
    p, seconds = _solve(c, policy, earlier, first, forecast, limit=limit, iterations=iterations, seed=seed)
    _write_plan(out, p)
    params = {"from": first.isoformat(), "deadline": policy.deadline.isoformat(),
              "weather": str(weather) if weather else None, "iterations": iterations,
              "time_limit_s": time_limit, "seed": seed}
    plan_id = None if county_file else _store(p, params)
    short = _shortfall_of(p, c, policy, first, forecast, iterations=iterations, seed=seed)
    _report(out, p, seconds, policy.deadline, short, plan_id=plan_id, as_json=as_json)
    if short is not None:
        raise typer.Exit(3)


def _check_limits(time_limit: float | None, iterations: int, reinspect_days: int) -> float:
    """The wall-clock cap per crew day (s; inf for none); ParameterError for a negative cap,
    fewer than one iteration or negative re-inspection days."""
    limit = float("inf") if time_limit is None else time_limit
    if limit < 0 or iterations < 1:
        raise ParameterError(f"--time-limit {time_limit} must be ≥ 0 s and --iterations {iterations} ≥ 1")
    if reinspect_days < 0:
        raise ParameterError(f"--reinspect-days {reinspect_days} must be ≥ 0")
    return limit


def _days_off(
    holidays: str, holiday: list[str] | None, workday: list[str] | None
) -> tuple[set[date], set[date]]:
    """(days off, make-up working days) from the ``--holidays`` calendar, ``--holiday`` and
    ``--workday``."""
    from irpatrol.scheduling.holidays import calendar_days, calendar_workdays, parse_range

    days_off: set[date] = set()
    make_up: set[date] = set()
    if holidays != "none":
        days_off |= calendar_days(holidays)[0]
        make_up |= calendar_workdays(holidays)[0]
    for h in holiday or ():
        days_off.update(parse_range(h))
    for w in workday or ():
        make_up.update(parse_range(w, option="--workday"))
    return days_off, make_up


def _read_plan(path: Path | None) -> Plan | None:
    """The earlier plan to re-plan (None without ``--replan``)."""
    from irpatrol.scheduling.files import read_plan

    return read_plan(path) if path else None


def _read_weather(path: Path | None) -> list[Any]:
    """The ``--weather`` forecast (empty without it)."""
    from irpatrol.scheduling.files import read_weather

    return read_weather(path) if path else []


def _write_plan(path: Path, p: Plan) -> None:
    from irpatrol.scheduling.files import write_plan

    write_plan(path, p)


def _policy(
    start: date, deadline: date, days: tuple[set[date], set[date]], *, priority: list[str] | None,
    done: Path | None, fractions: tuple[float, ...] | None, battery: tuple[float, float, float],
    known: dict[str, Any],
) -> Any:
    """The planning policy from the options (``days``: days off and make-up working days;
    ``known``: what the registry knows, see :func:`_registry_county`)."""
    from irpatrol.scheduling.service import Policy

    days_off, make_up = days
    return Policy(start=start, deadline=deadline,
                  holidays=frozenset(days_off), workdays=frozenset(make_up - days_off),
                  priority_feeders=frozenset(priority or ()),
                  done=_lines(done) if done else frozenset(),
                  climate_flyable=fractions,
                  battery=battery, **known)


def _solve(c: County, policy: Any, earlier: Plan | None, first: date, forecast: list[Any], *,
           limit: float, iterations: int, seed: int) -> tuple[Plan, float]:
    """Plan (or re-plan ``earlier`` from ``first``) and re-check the plan with the validator; the
    plan and the seconds it took."""
    import time

    from irpatrol.scheduling.service import check, plan_campaign, replan

    t0 = time.perf_counter()
    if earlier is not None:
        p = replan(earlier, c, policy, first, weather=forecast, time_limit_s=limit,
                   iterations=iterations, seed=seed)
    else:
        p = plan_campaign(c, policy, weather=forecast, time_limit_s=limit, iterations=iterations, seed=seed)
    check(p, c, policy, forecast)
    return p, time.perf_counter() - t0


def _shortfall_of(p: Plan, c: County, policy: Any, first: date, forecast: list[Any], *,
                  iterations: int, seed: int) -> dict[str, Any] | None:
    """:func:`shortfall` of ``p`` (None when every pole is planned), the earliest finish found by
    planning the same campaign with the feeder-order split and no deadline pressure."""
    from dataclasses import replace as dc_replace
    from datetime import timedelta

    from irpatrol.scheduling.service import plan_campaign

    if not p.unplanned:
        return None
    open_ended = dc_replace(policy, start=first, deadline=first + timedelta(days=730),
                            done=policy.done | {v.pole_id for cd in p.crew_days for s in cd.sorties
                                                for v in s.visits if cd.day < first})
    later = plan_campaign(c, open_ended, weather=forecast, time_limit_s=0.0, iterations=iterations,
                          seed=seed)
    return shortfall(p, c, policy, later)


def _report(out: Path, p: Plan, seconds: float, deadline: date, short: dict[str, Any] | None, *,
            plan_id: int | None, as_json: bool) -> None:
    """The plan's summary as one JSON line or as text (figures, weather assumptions, the finish
    date when nothing is short); the shortfall on stderr."""
    if as_json:
        print_json_line({**summary(p, seconds), **({"plan_id": plan_id} if plan_id is not None else {}),
                         **({"shortfall": short} if short is not None else {})})
    else:
        _say_plan(out, p, seconds, deadline, short)
    if short is not None:
        _say_short(short, deadline)


def _say_plan(out: Path, p: Plan, seconds: float, deadline: date, short: dict[str, Any] | None) -> None:
    """The plan's figures and weather assumptions as text (the finish date when nothing is short)."""
    f = p.figures
    typer.echo(f"{out}: {f.planned_poles}/{f.poles} poles in {f.sorties} sorties on {f.crew_days} crew "
               f"days, {f.flight_hours} flight h, {f.driving_km} km driving, last day {f.last_day}; "
               f"{f.unplanned_poles} unplanned ({seconds:.1f} s)")
    typer.echo(_weather_line(p))
    if short is None:
        typer.echo(f"finish: {f.last_day}, before the deadline {deadline}")


def _climate(text: str) -> tuple[float, ...] | None:
    """The flyable share per month (Jan..Dec, 0…1) that ``--climate`` asks for; None: none."""
    from irpatrol.scheduling.service import CLIMATE_FLYABLE, check_fractions

    if text == "none":
        return None
    if text == "default":
        return CLIMATE_FLYABLE
    try:
        return tuple(check_fractions(tuple(float(x) for x in text.split(","))))
    except ValueError:
        raise ParameterError(f"--climate {text!r}: give 12 comma-separated shares (Jan..Dec)") from None


def _weather_line(p: Plan) -> str:
    if p.climate_flyable is None:
        return "weather: forecast only; days without a forecast counted as flyable"
    unknown = sorted({cd.day for cd in p.crew_days if p.weather_unknown(cd.day)})
    horizon = p.forecast_until.isoformat() if p.forecast_until else "none"
    return (f"weather: forecast until {horizon}; after it a climatological flyable share per month; "
            f"{len(unknown)} planned day(s) are WEATHER UNKNOWN"
            + (f" (from {unknown[0]})" if unknown else ""))


def _say_short(short: dict[str, Any], deadline: date) -> None:
    lines = [f"SHORTFALL: {short['poles']} pole(s) not done by the deadline {deadline} "
             f"({short['poles_no_capacity']} for lack of flyable crew days, {short['poles_unreachable']} "
             f"unreachable) on {len(short['feeders'])} feeder(s) in area(s) {', '.join(short['areas'])}"]
    if short["earliest_finish"] is not None:
        lines.append(f"earliest feasible finish: {short['earliest_finish']}")
    else:
        lines.append("earliest feasible finish: not within two years (or poles unreachable)")
    meet = short.get("to_meet")
    if meet:
        lines.append(f"to meet the deadline: about {meet['crews']} crews instead of {meet['crews_now']} "
                     f"(same pace), or {meet['days_after_deadline']} more day(s)")
    typer.echo("\n".join(lines), err=True)


