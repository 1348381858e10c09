"""Grade one reading of one component by a rule set (pure: no I/O beyond loading package rules).

Order of decisions (../shared/domain/standards.md §1.2, §1.4–§1.8 and its checklist §6):

1. Every criterion of every row that covers the device is evaluated; the grade is the worst grade
   reached (DL/T 664-2016 Table H.1: "either the hot-spot temperature or δ").
2. ``low-rise`` guard: a δ criterion is not used when the rise τ1 is below the guard value (10 K); if it
   would have been met, the grade is at least the guard's grade (provisional general) and a re-test at
   higher load is advised.
3. ``low-load`` guard (current-heating parts): load below the guard fraction of rated → provisional,
   re-test at higher load. It never lowers a grade: absolute readings only rise with load.
4. ``withhold`` guards: any of their flags raised (wind, humidity, rain; T1 ≤ T0) → no automatic grade;
   the grade is the scale's lowest, ``graded`` is False and the reason is in ``advice``.
5. Load correction (standards.md §1.8) is reported with the grade the criteria would give at rated
   current (``corrected_grade``); it never changes ``grade``. Likewise the wind-corrected calm-air ΔT
   (standards.md §2, advisory between 1 and 5 m/s).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from irpatrol.conditions import (
    CUT_BY_FRAME_EDGE,
    FLAG_TEXT,
    OUTSIDE_CALIBRATED_RANGE,
    Conditions,
    accuracy_k,
    validity_flags,
)
from irpatrol.diagnosis.catalogue import Component, component
from irpatrol.diagnosis.load_correction import LoadFactor, check_current, rated_load_factor, wind_factor
from irpatrol.diagnosis.loader import load_ruleset
from irpatrol.diagnosis.readings import Readings
from irpatrol.diagnosis.result import Diagnosis, Hit
from irpatrol.diagnosis.rules import (
    ABSOLUTE_QUANTITIES,
    QUANTITIES,
    RELATIVE_QUANTITIES,
    UNRATED,
    Grade,
    Guard,
    RuleRow,
    RuleSet,
)
from irpatrol.errors import InputError

_NEEDS = {"delta_t_k": "ref_c", "cold_delta_k": "ref_c", "rise_k": "ambient_c",
          "delta_pct": "ref_c and ambient_c"}
"""The inputs each criterion quantity needs (named in the advice when one is missing)."""


HEATING_CHOICES = ("current", "voltage")
"""Values of ``heating`` (``--heating``): which DL/T 664-2016 table grades a part catalogued as
``both`` — Table H.1 (current heating) or Table I.1 (voltage heating), never both at once."""
PATTERN_HEATING = {"local": "current", "whole-body": "voltage"}
"""Thermal pattern (热像特征) → heating type: a local hot spot centred on a connection is current
heating, whole-body or distributed warming is voltage heating (DL/T 664-2016 §9 and Annexes H/I;
../shared/domain/standards-verification.md §4 pitfall 1)."""
REVIEW_RISE_K = 10.0
"""An unrated reading at least this far above T0 (K) is marked for an analyst's review: the DL/T 664
low-rise limit (1999 edition §5.2.2 wording, standards-verification.md §2.5)."""


def diagnose(standard: str | Path | RuleSet, device: str, *, hot_c: float, ref_c: float | None = None,
             ambient_c: float | None = None, load_current_a: float | None = None,
             rated_current_a: float | None = None, conditions: Conditions = Conditions(),
             material: str | None = None, heating: str | None = None, pattern: str | None = None,
             accuracy: tuple[float, float] | None = None, equipment: bool = True,
             off_line: bool = False) -> Diagnosis:
    """Grade a reading of ``device`` (a catalogue kind) by ``standard`` (a shipped name, a rule-file
    path or a loaded RuleSet).

    Args:
        hot_c: T1, hot-spot temperature (°C).
        ref_c: T2, the same part on a healthy phase or a similar component (°C).
        ambient_c: T0, the ambient reference body (°C): DL/T 664 defines it as the temperature of a
            reference body in the same frame, not the air temperature of a weather report.
        load_current_a / rated_current_a: actual and rated current (A); override ``conditions``.
        conditions: wind, humidity, rain … at capture (irpatrol.conditions).
        material: contact/connection material selecting a GB/T 11022 limit row ("bare",
            "silver-nickel", "tin" in dlt664-2016); None = unknown, those rows are skipped.
        heating: "current" or "voltage", the analyst's choice of table for a part that has both
            (overrides ``pattern``); rows of the other heating type are never applied.
        pattern: the thermal pattern seen by the analysis, "local" (hot spot at a connection →
            current) or "whole-body" (→ voltage). Neither given: current heating, with advice.
        accuracy: the camera's stated accuracy (K, %); when given, a difference |T1 − T2| within it
            is never a defect by itself (the result is ``unrated``). None: differences are taken as
            measured (an analyst's own reading).
        equipment: False when the reading is not confirmed to be a part of the line (automatic
            analysis: no three-phase set, conductor or user reference): only the absolute criteria
            apply, the low-rise guard does not, and the result is otherwise ``unrated``.
        off_line: True for a reading of an aerial view that lies off the line structure (a roof,
            a road, a vehicle, a tree crown): no criterion applies, not even the absolute limits,
            whatever ``device`` says (issue 10 item 3); the result is ``unrated`` and an analyst
            reviews it when it rises :data:`REVIEW_RISE_K` over T0. A close-up aimed at a part
            (``equipment`` False, ``off_line`` False) keeps the absolute limits.

    Raises InputError for an unknown device, material, heating or pattern, or a heating type the
    device has no row for; ParameterError for impossible numbers; RuleSetError for an unknown
    standard or a bad rule file.
    """
    rules = standard if isinstance(standard, RuleSet) else load_ruleset(standard)
    part = component(device)
    _check_material(rules, device, material)
    load_a = conditions.load_current_a if load_current_a is None else load_current_a
    rated_a = conditions.rated_current_a if rated_current_a is None else rated_current_a
    conditions = dataclasses.replace(
        conditions, load_current_a=check_current("load_current_a", load_a, positive=False),
        rated_current_a=check_current("rated_current_a", rated_a, positive=True),
    )
    readings = Readings(hot_c=hot_c, ref_c=ref_c, ambient_c=ambient_c)
    rows, used, basis = _rows_by_heating(rules, part, rules.rows_for(device, material), heating, pattern)
    load = rated_load_factor(conditions.load_current_a, conditions.rated_current_a, rules.load_correction)
    flags = _flags(rules, conditions, readings)
    acc = None if accuracy is None else accuracy_k(readings.hot_c, accuracy)
    return _grade(rules, part, rows, readings, conditions, flags, load, material, (used, basis), acc,
                  equipment and not off_line, off_line)


def _rows_by_heating(rules: RuleSet, part: Component, rows: tuple[RuleRow, ...], heating: str | None,
                     pattern: str | None) -> tuple[tuple[RuleRow, ...], str, str]:
    """The rows of one heating type, the type and how it was chosen ("analyst", "pattern",
    "default", "catalogue"). Rows marked ``any`` apply to both types."""
    if heating is not None and heating not in HEATING_CHOICES:
        raise InputError(f"unknown heating {heating!r}; valid: {', '.join(HEATING_CHOICES)}")
    if pattern is not None and pattern not in PATTERN_HEATING:
        raise InputError(f"unknown thermal pattern {pattern!r}; valid: {', '.join(PATTERN_HEATING)}")
    kinds = {r.heating for r in rows} - {"any"}
    if heating is not None:
        used, basis = heating, "analyst"
    elif len(kinds) <= 1:
        return rows, (next(iter(kinds)) if kinds else part.heating), "catalogue"
    elif pattern is not None:
        used, basis = PATTERN_HEATING[pattern], "pattern"
    else:
        used, basis = "current", "default"
    chosen = tuple(r for r in rows if r.heating in (used, "any"))
    if rows and not chosen:
        raise InputError(f"{part.kind} has no {used}-heating row in {rules.name}; "
                         f"its rows are {'/'.join(sorted(kinds))}-heating")
    return chosen, used, basis


def _grade(rules: RuleSet, part: Component, rows: tuple[RuleRow, ...], readings: Readings,
           conditions: Conditions, flags: tuple[str, ...], load: LoadFactor,
           material: str | None, heating: tuple[str, str] = ("", ""),
           accuracy: float | None = None, equipment: bool = True, off_line: bool = False) -> Diagnosis:
    low_rise = rules.guard("low-rise")
    fired, suppressed, missing = _evaluate(rows, readings, low_rise)
    within: list[Hit] = []
    if accuracy is not None and readings.delta_t_k is not None and abs(readings.delta_t_k) <= accuracy:
        within = [h for h in [*fired, *suppressed] if h.quantity in RELATIVE_QUANTITIES]
        fired = [h for h in fired if h.quantity not in RELATIVE_QUANTITIES]
        suppressed = [h for h in suppressed if h.quantity not in RELATIVE_QUANTITIES]
    withholding = [g for g in rules.guards if g.kind == "withhold" and set(g.flags) & set(flags)]
    uncalibrated = OUTSIDE_CALIBRATED_RANGE in flags
    indicative_top = _worst(rules, fired)
    indicative = rules.grade(indicative_top.grade) if indicative_top else rules.lowest
    if withholding or uncalibrated or not equipment:
        fired = [h for h in fired if h.quantity in ABSOLUTE_QUANTITIES and not off_line]
        suppressed = []
    top = _worst(rules, fired)
    grade = rules.grade(top.grade) if top else rules.lowest
    decided_by: Hit | Guard | None = top
    guards: list[Guard] = []
    advice: list[tuple[str, str]] = []

    worst_suppressed = _worst(rules, suppressed)
    if low_rise and worst_suppressed and rules.grade(worst_suppressed.grade).level > grade.level:
        guards.append(low_rise)
        if low_rise.grade and rules.grade(low_rise.grade).level > grade.level:
            grade, decided_by = rules.grade(low_rise.grade), low_rise
    low_load = rules.guard("low-load")
    if low_load and "low-load" in flags and part.heating != "voltage":
        guards.append(low_load)
    guards += [g for g in rules.guards if g.kind == "qualify" and set(g.flags) & set(flags)]

    has_criteria = any(r.criteria for r in rows)
    reasons = _unrated_reasons(rules, part, rows, readings, flags, withholding, missing, within, accuracy)
    if off_line:
        reasons.insert(0, ("off the line structure of an aerial view (roof, road, vehicle, tree): no "
                           "criterion applies",
                           "不在航拍图像的线路结构上（屋顶、路面、车辆、树木）：不适用任何判据"))
    elif not equipment:
        reasons.insert(0, ("not confirmed as line equipment (no three-phase set, conductor or reference "
                           "region): relative criteria not applied",
                           "未确认为线路设备（无三相对照、导线或参照区域）：不按相对判据判断"))
    unrated = bool(reasons) and grade.level == 0
    if unrated:
        grade, decided_by = UNRATED, (withholding[0] if withholding else None)
    if withholding:
        advice += [(g.advice_en, g.advice_zh) for g in withholding]
        if indicative.level > grade.level:
            advice.append((f"without these conditions the criteria give: {indicative.en}",
                           f"若不考虑上述条件，按判据为：{indicative.zh}"))
    if not has_criteria:
        advice.append(_no_criteria_advice(rules, part, rows))
    elif unrated:
        advice.append((UNRATED.advice_en, UNRATED.advice_zh))
    else:
        advice.append(_grade_advice(grade, top))
        advice += [(f"confirm by: {h.follow_up}", f"复核试验：{h.follow_up}")
                   for h in _unique_follow_ups(fired)]
        if top is not None and top.rule.startswith("g-") and decided_by is top:
            advice.append(("GB/T 11022 (IEC 60694 Table 3) temperature limit exceeded",
                           "超过 GB/T 11022（IEC 60694 表3）温度限值"))
    if reasons and not unrated:
        advice.append((f"absolute limits only: {reasons[0][0]}", f"仅按绝对温度判据：{reasons[0][1]}"))
        guards += withholding
    advice += [(g.advice_en, g.advice_zh) for g in guards if g not in withholding]
    if heating[1] in ("default", "pattern", "analyst") and part.heating == "both":
        advice.append(_heating_advice(heating[0], heating[1]))
    guarded = {f for g in rules.guards for f in g.flags} | {"low-load"}
    advice += [(f"note: {FLAG_TEXT[f][0]}", f"注意：{FLAG_TEXT[f][1]}") for f in flags if f not in guarded]
    advice += _missing_advice(missing)

    wind = wind_factor(conditions.wind_m_s, rules.wind_correction)
    calm_dt = None if wind is None or readings.delta_t_k is None else readings.delta_t_k * wind
    if calm_dt is not None and wind is not None and wind > 1 and not withholding:
        advice.append(_wind_advice(conditions.wind_m_s, wind, calm_dt))
    corrected = _corrected(rules, part, rows, readings, load, low_rise)
    if corrected.grade and corrected.grade.level > indicative.level and not withholding:
        advice.append((f"at rated current the criteria would give: {corrected.grade.en}; "
                       "re-test at higher load",
                       f"折算到额定电流时按判据为：{corrected.grade.zh}，请在较高负荷时复测"))
    decided = _decided(decided_by)
    all_guards = [*withholding, *[g for g in guards if g not in withholding]]
    rise = readings.rise_k
    return Diagnosis(
        standard=rules.name, standard_title=rules.title, edition=rules.edition,
        device=part.kind, device_en=part.name_en, device_zh=part.name_zh, heating=part.heating,
        grade=grade.id, grade_en=grade.en, grade_zh=grade.zh, grade_level=grade.level,
        grade_equivalent=grade.equivalent, severity=grade.severity, defect=grade.defect,
        graded=not unrated and has_criteria, provisional=(bool(guards) or bool(reasons)) and not unrated,
        indicative_grade=indicative.id, rule=decided[0], clause=decided[1], confidence=decided[2],
        criterion=decided[3],
        hot_c=readings.hot_c, ref_c=readings.ref_c, ambient_c=readings.ambient_c,
        delta_t_k=readings.delta_t_k, rise_k=readings.rise_k, ref_rise_k=readings.ref_rise_k,
        delta_pct=readings.delta_pct, min_rise_k=low_rise.value if low_rise else None,
        load_current_a=conditions.load_current_a, rated_current_a=conditions.rated_current_a,
        load_fraction=load.load_fraction, correction_exponent=load.exponent,
        correction_factor=corrected.factor,
        corrected_delta_t_k=corrected.delta_t_k, corrected_rise_k=corrected.rise_k,
        corrected_grade=corrected.grade.id if corrected.grade else None, correction_note=corrected.note,
        correction_source=rules.load_correction.source, wind_factor=wind, wind_corrected_delta_t_k=calm_dt,
        material=material, wind_m_s=conditions.wind_m_s, humidity_pct=conditions.humidity_pct,
        rain=conditions.rain, flags=flags, guards=tuple(g.id for g in all_guards),
        advice=tuple(en for en, _ in advice), advice_zh=tuple(zh for _, zh in advice),
        fired=tuple(fired), suppressed=tuple(suppressed), not_evaluated=tuple(missing),
        rows=tuple(r.id for r in rows),
        unrated_reason=reasons[0][0] if reasons else None,
        unrated_reason_zh=reasons[0][1] if reasons else None,
        heating_used=heating[0], heating_basis=heating[1], accuracy_k=accuracy,
        review=unrated and rise is not None and rise >= REVIEW_RISE_K,
    )


def _unrated_reasons(rules: RuleSet, part: Component, rows: tuple[RuleRow, ...], readings: Readings,
                     flags: tuple[str, ...], withholding: list[Guard], missing: list[str],
                     within: list[Hit], accuracy: float | None) -> list[tuple[str, str]]:
    """Why the applicable criteria could not all be evaluated (English, Chinese), most basic first."""
    reasons: list[tuple[str, str]] = []
    if withholding:
        codes = [f for f in flags if any(f in g.flags for g in withholding)]
        reasons.append((f"conditions not met: {', '.join(FLAG_TEXT[f][0] for f in codes)}",
                        f"检测条件不满足：{'、'.join(FLAG_TEXT[f][1] for f in codes)}"))
    if OUTSIDE_CALIBRATED_RANGE in flags:
        reasons.append((FLAG_TEXT[OUTSIDE_CALIBRATED_RANGE][0], FLAG_TEXT[OUTSIDE_CALIBRATED_RANGE][1]))
    if not any(r.criteria for r in rows):
        reasons.append((f"no automatic criterion for {part.kind} in {rules.name}",
                        f"{rules.name} 中{part.name_zh}没有自动判据"))
    relative_missing = [q for q in missing if q in RELATIVE_QUANTITIES]
    if relative_missing and readings.ref_c is None:
        en, zh = (FLAG_TEXT[CUT_BY_FRAME_EDGE] if CUT_BY_FRAME_EDGE in flags else
                  ("T2 (the same part on a healthy phase) not found", "未找到正常相对应点温度 T2"))
        reasons.append((f"no reference: {en}", f"无参照：{zh}"))
    elif relative_missing or "rise_k" in missing:
        reasons.append(("no ambient reference T0", "缺少环境参照体温度 T0"))
    if within:
        reasons.append((f"difference within the camera's accuracy (±{accuracy:.1f} K)",
                        f"温差在热像仪测量精度（±{accuracy:.1f} K）以内"))
    return reasons


def _heating_advice(used: str, basis: str) -> tuple[str, str]:
    table = "H.1 (current heating)" if used == "current" else "I.1 (voltage heating)"
    why = {"analyst": "as the analyst chose", "pattern": "from the thermal pattern",
           "default": "by default; give --heating voltage if the whole body is warm"}[basis]
    zh = "电流致热型" if used == "current" else "电压致热型"
    return f"graded by Table {table} only, {why}", f"仅按{zh}判据判断"


def _evaluate(rows: Iterable[RuleRow], readings: Readings,
              low_rise: Guard | None) -> tuple[list[Hit], list[Hit], list[str]]:
    """(criteria met, δ criteria met but not usable because τ1 < the low-rise value, missing inputs)."""
    fired: list[Hit] = []
    suppressed: list[Hit] = []
    missing: dict[str, None] = {}
    values = {q: readings.quantity(q) for q in QUANTITIES}
    rise = values["rise_k"]
    min_rise = low_rise.value if low_rise is not None else None
    for row in rows:
        for c in row.criteria:
            x = values[c.quantity]
            if x is None:
                missing[c.quantity] = None
                continue
            if not c.holds(x):
                continue
            hit = Hit(rule=row.id, table=row.table, clause=row.clause, grade=c.grade, quantity=c.quantity,
                      op=c.op, threshold=c.value, value=x, confidence=c.confidence, heating=row.heating,
                      follow_up=row.follow_up)
            if c.quantity == "delta_pct" and min_rise is not None and rise is not None and rise < min_rise:
                suppressed.append(hit)
            else:
                fired.append(hit)
    return fired, suppressed, list(missing)


def _worst(rules: RuleSet, hits: list[Hit]) -> Hit | None:
    """The first hit with the highest grade level (file order breaks ties), or None."""
    best: Hit | None = None
    for h in hits:
        if best is None or rules.grade(h.grade).level > rules.grade(best.grade).level:
            best = h
    return best


def _flags(rules: RuleSet, conditions: Conditions, readings: Readings) -> tuple[str, ...]:
    """irpatrol.conditions flags, with "low-load" decided by the rule set's own low-load fraction."""
    flags = validity_flags(conditions, hot_c=readings.hot_c, ambient_c=readings.ambient_c)
    guard = rules.guard("low-load")
    if guard is not None and guard.value is not None:
        fraction = conditions.load_fraction
        low = fraction is not None and fraction < guard.value
        flags = [f for f in flags if f != "low-load"] + (["low-load"] if low else [])
    return tuple(f for f in FLAG_TEXT if f in flags)


@dataclasses.dataclass(frozen=True)
class _Corrected:
    factor: float | None = None
    delta_t_k: float | None = None
    rise_k: float | None = None
    grade: Grade | None = None
    note: str = ""


def _corrected(rules: RuleSet, part: Component, rows: tuple[RuleRow, ...], readings: Readings,
               load: LoadFactor, low_rise: Guard | None) -> _Corrected:
    """ΔT and τ at rated current and the grade the criteria would give there (advisory)."""
    if part.heating == "voltage":
        return _Corrected(note="voltage-heating part: heating does not follow load current")
    if load.factor is None:
        return _Corrected(note=load.reason)
    f = load.factor
    dt, rise = readings.delta_t_k, readings.rise_k
    note = f"ΔT, τ × (I_rated / I)^{load.exponent:g} = × {f:.3g}"
    if readings.ambient_c is None or rise is None or rise <= 0:
        return _Corrected(f, None if dt is None else dt * f, None, None, note)
    at_rated = readings.scaled(f)
    fired, _, _ = _evaluate(rows, at_rated, low_rise)
    top = _worst(rules, fired)
    return _Corrected(f, at_rated.delta_t_k, at_rated.rise_k, rules.grade(top.grade) if top else rules.lowest,
                      note)


def _decided(by: Hit | Guard | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(rule id, clause, confidence, criterion text) of what decided the grade."""
    if isinstance(by, Hit):
        return by.rule, by.clause, by.confidence, by.criterion
    if isinstance(by, Guard):
        return by.id, by.clause, by.confidence, None
    return None, None, None, None


def _grade_advice(grade: Grade, top: Hit | None) -> tuple[str, str]:
    if top is not None and top.heating == "voltage" and grade.voltage_advice_en:
        return grade.voltage_advice_en, grade.voltage_advice_zh
    return grade.advice_en, grade.advice_zh


def _unique_follow_ups(hits: list[Hit]) -> list[Hit]:
    seen: dict[str, Hit] = {}
    for h in hits:
        if h.follow_up and h.follow_up not in seen:
            seen[h.follow_up] = h
    return list(seen.values())


def _no_criteria_advice(rules: RuleSet, part: Component, rows: tuple[RuleRow, ...]) -> tuple[str, str]:
    if not rows:
        return (f"no row of {rules.name} covers {part.kind}: no automatic grade",
                f"{rules.name} 中没有适用于{part.name_zh}的判据，不能自动定级")
    notes = "; ".join(r.note for r in rows if r.note) or "judge by image features"
    return (f"no automatic criterion for {part.kind} in {rules.name}: {notes}",
            f"{rules.name} 中{part.name_zh}没有自动判据，请按图像特征判断法和同类比较判断法判断")


def _wind_advice(wind_m_s: float | None, factor: float, calm_dt_k: float) -> tuple[str, str]:
    return (f"wind {wind_m_s:g} m/s cools the hot spot: ΔT in calm air ≈ {calm_dt_k:.1f} K "
            f"(× {factor:.2f}, advisory)",
            f"风速 {wind_m_s:g} m/s 使热点降温：无风时温差约 {calm_dt_k:.1f} K（仅供参考）")


def _missing_advice(missing: list[str]) -> list[tuple[str, str]]:
    out = []
    for q in missing:
        out.append((f"{q} not evaluated: give {_NEEDS.get(q, 'its inputs')}",
                    f"{q} 未判断：缺少 {_NEEDS.get(q, '输入')}"))
    return out


def _check_material(rules: RuleSet, device: str, material: str | None) -> None:
    if material is None:
        return
    valid = rules.materials_for(device)
    if material not in valid:
        choices = ", ".join(valid) if valid else "none (no material-specific limit for this device)"
        raise InputError(f"unknown material {material!r} for {device} in {rules.name}; valid: {choices}")
