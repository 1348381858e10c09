"""``irpatrol diagnose`` (grade one reading) and ``irpatrol standards list|show|devices`` (rule tables)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from irpatrol.cli.common import handles_errors, print_json_line
from irpatrol.conditions import Conditions
from irpatrol.diagnosis import Diagnosis, RuleSet, catalogue, diagnose, list_standards, load_ruleset
from irpatrol.diagnosis.rules import QUANTITIES

JsonFlag = Annotated[bool, typer.Option("--json", help="JSON instead of text or tables.")]

standards_app = typer.Typer(help="Rule sets: list them, show their tables, list the device kinds.",
                            no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``diagnose`` and the ``standards`` group to the irpatrol command."""
    app.command("diagnose")(diagnose_command)
    app.add_typer(standards_app, name="standards")


@handles_errors
def diagnose_command(
    device: Annotated[str, typer.Option("--device", help="Component kind (`irpatrol standards devices`).")],
    hot: Annotated[float, typer.Option("--hot", help="T1, hot-spot temperature (°C).")],
    ref: Annotated[float | None, typer.Option("--ref", help="T2, same part on a healthy phase (°C).")] = None,
    ambient: Annotated[float | None, typer.Option("--ambient", help="T0, ambient reference (°C).")] = None,
    standard: Annotated[str, typer.Option("--standard", help="Rule set name or .toml file.")] = "dlt664-2016",
    load_current: Annotated[float | None, typer.Option("--load-current", help="Load current (A).")] = None,
    rated_current: Annotated[float | None, typer.Option("--rated-current", help="Rated current (A).")] = None,
    wind: Annotated[float | None, typer.Option("--wind", help="Wind speed (m/s).")] = None,
    humidity: Annotated[float | None, typer.Option("--humidity", help="Relative humidity (%).")] = None,
    rain: Annotated[bool, typer.Option("--rain", help="Rain, snow or fog at capture.")] = False,
    material: Annotated[str | None, typer.Option(
        "--material", help="Material for GB/T 11022 limits (bare, silver-nickel, tin).")] = None,
    heating: Annotated[str | None, typer.Option(
        "--heating", help="current or voltage: the table for a part that has both (DL/T 664 H.1 or "
                          "I.1); default current (a local hot spot at a connection).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Grade one reading: T1 (hot spot), T2 (normal corresponding point), T0 (ambient) of a component."""
    result = diagnose(standard, device, hot_c=hot, ref_c=ref, ambient_c=ambient, load_current_a=load_current,
                      rated_current_a=rated_current, material=material, heating=heating,
                      conditions=Conditions(wind_m_s=wind, humidity_pct=humidity, rain=rain))
    if as_json:
        print_json_line(result.to_dict())
    else:
        typer.echo("\n".join(diagnosis_lines(result)))


def _num(v: float | None, unit: str) -> str:
    return "–" if v is None else f"{v:.1f} {unit}"


def diagnosis_lines(d: Diagnosis) -> list[str]:
    """The human-readable report of one diagnosis."""
    status = "" if d.graded else " (no automatic grade)"
    if d.provisional:
        status += " (provisional)"
    lines = [
        f"{d.standard} · {d.device} ({d.device_zh})",
        f"grade: {d.grade} ({d.grade_zh}){status}",
    ]
    if d.unrated_reason:
        lines.append(f"not rated: {d.unrated_reason}" if d.grade == "unrated"
                     else f"absolute limits only: {d.unrated_reason}")
    if d.indicative_grade != d.grade:
        lines.append(f"criteria alone: {d.indicative_grade}")
    if d.rule:
        crit = f", {d.criterion}" if d.criterion else ""
        lines.append(f"rule: {d.rule}{crit} [confidence {d.confidence}]")
        lines.append(f"clause: {d.clause}")
    lines.append(f"T1 {_num(d.hot_c, '°C')}  T2 {_num(d.ref_c, '°C')}  T0 {_num(d.ambient_c, '°C')}")
    delta = "–" if d.delta_pct is None else f"{d.delta_pct:.1f} %"
    lines.append(f"ΔT {_num(d.delta_t_k, 'K')}  τ {_num(d.rise_k, 'K')}  δ {delta}")
    if d.load_fraction is not None:
        corr = (f"; at rated: ΔT {_num(d.corrected_delta_t_k, 'K')}, τ {_num(d.corrected_rise_k, 'K')}"
                f" → {d.corrected_grade}") if d.correction_factor is not None else f"; {d.correction_note}"
        lines.append(f"load {d.load_fraction:.0%} of rated{corr}")
    if d.flags:
        lines.append(f"flags: {', '.join(d.flags)}")
    lines.append("advice:")
    lines += [f"  - {en}\n    {zh}" for en, zh in zip(d.advice, d.advice_zh, strict=True)]
    return lines


@standards_app.command("list")
@handles_errors
def list_command(as_json: JsonFlag = False) -> None:
    """The shipped rule sets."""
    sets = [load_ruleset(n) for n in list_standards()]
    if as_json:
        print_json_line([_summary(r) for r in sets])
        return
    table = Table("name", "standard", "edition", "version", "rows", "title")
    for r in sets:
        table.add_row(r.name, r.standard, r.edition, r.version, str(len(r.rows)), r.title)
    _console().print(table)


@standards_app.command("show")
@handles_errors
def show_command(
    name: Annotated[str, typer.Argument(help="Rule set name or a .toml rule file (validated).")],
    as_json: JsonFlag = False,
) -> None:
    """The rule tables of a rule set: grades, rows with thresholds, guards, load correction."""
    rules = load_ruleset(name)
    if as_json:
        print_json_line(ruleset_dict(rules))
        return
    console = _console()
    console.print(f"[bold]{rules.name}[/bold]: {rules.title} {rules.title_zh}\nsource: {rules.source}")
    grades = Table("grade", "en", "zh", "advice", title="grades")
    for grade in rules.grades:
        grades.add_row(grade.id, grade.en, grade.zh, grade.advice_en)
    console.print(grades)
    rows = Table("id", "device class", "part / material", "criteria", "devices", "table", "ed.", "conf.",
                 title="rows")
    for r in rules.rows:
        crit = "\n".join(f"{c.grade}: {c.quantity} {c.op} {c.value:g} {QUANTITIES[c.quantity][1]}"
                         for c in r.criteria) or "(image features only)"
        rows.add_row(r.id, f"{r.device_class}\n{r.device_class_zh}", r.material or r.part, crit,
                     ", ".join(r.devices), r.table, r.edition, r.confidence)
    console.print(rows)
    guards = Table("id", "kind", "value", "flags", "clause", "conf.", title="guards")
    for g in rules.guards:
        guards.add_row(g.id, g.kind, "" if g.value is None else f"{g.value:g}", ", ".join(g.flags), g.clause,
                       g.confidence)
    console.print(guards)
    lc = rules.load_correction
    console.print(f"load correction: ΔT × (I_rated / I)^{lc.exponent:g}, "
                  f"not below {lc.min_load_fraction:.0%} of rated [{lc.confidence}] — {lc.source}")
    wc = rules.wind_correction
    if wc is not None:
        pairs = ", ".join(f"{s:g} m/s ×{f:g}" for s, f in zip(wc.speeds_m_s, wc.factors, strict=True))
        console.print(f"wind correction (advisory): {pairs} [{wc.confidence}] — {wc.source}")


@standards_app.command("devices")
@handles_errors
def devices_command(as_json: JsonFlag = False) -> None:
    """The component kinds accepted by --device, with the rows each gets in every shipped rule set."""
    sets = [load_ruleset(n) for n in list_standards()]
    rows = {c.kind: {r.name: [row.id for row in r.rows_for(c.kind)] for r in sets} for c in catalogue()}
    if as_json:
        print_json_line([c.to_dict() | {"rows": rows[c.kind]} for c in catalogue()])
        return
    table = Table("kind", "en", "zh", "heating", *(f"{r.name} rows" for r in sets))
    for c in catalogue():
        table.add_row(c.kind, c.name_en, c.name_zh, c.heating,
                      *(", ".join(rows[c.kind][r.name]) for r in sets))
    _console().print(table)


def _console() -> Console:
    """A console as wide as the terminal, or 200 columns when piped (tables stay readable in files)."""
    return Console(width=None if sys.stdout.isatty() else 200)


def _summary(r: RuleSet) -> dict[str, Any]:
    return {"name": r.name, "title": r.title, "title_zh": r.title_zh, "standard": r.standard,
            "edition": r.edition, "version": r.version, "rows": len(r.rows), "source": r.source}


def ruleset_dict(r: RuleSet) -> dict[str, Any]:
    """A whole rule set as plain data (for ``standards show --json``)."""
    d = asdict(r)
    d.pop("origin", None)
    return d
