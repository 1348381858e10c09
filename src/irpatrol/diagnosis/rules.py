"""The rule model: a rule set is data (grades, rule rows with criteria, guards, load correction).

A rule row is one row of a standard's table (e.g. DL/T 664-2016 Table H.1 "line connectors"). It
holds one criterion per threshold cell: ``grade`` is reached when ``quantity op value`` holds. The
quantities are the ones defined in DL/T 664-2016 §1.2 terms (standards.md §1.2):

* ``hot_c``        T1, hot-spot temperature (°C)
* ``delta_t_k``    ΔT = T1 − T2, against the normal corresponding point (K)
* ``cold_delta_k`` T2 − T1, how much colder the unit is than its healthy neighbour (K; zero-value
  porcelain insulators, DL/T 664-2016 Table I.1)
* ``rise_k``       τ = T1 − T0, rise over the ambient reference (K)
* ``delta_pct``    δ = (T1 − T2) / (T1 − T0) × 100 (%)

The numbers live in ``standards/*.toml``; :mod:`irpatrol.diagnosis.loader` reads and validates them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

QUANTITIES: dict[str, tuple[str, str]] = {
    "hot_c": ("hot-spot temperature T1", "°C"),
    "delta_t_k": ("temperature difference ΔT = T1 − T2", "K"),
    "cold_delta_k": ("cold difference T2 − T1", "K"),
    "rise_k": ("rise over ambient τ = T1 − T0", "K"),
    "delta_pct": ("relative temperature difference δ", "%"),
}
"""Quantity code → (description, unit)."""

OPERATORS: dict[str, Callable[[float, float], bool]] = {">": operator.gt, ">=": operator.ge}
"""Threshold operators. Only "greater" forms: every criterion grows worse as its quantity grows."""

CONFIDENCE: dict[str, str] = {
    "V": "verified in a retrieved source",
    "S": "secondary source",
    "M": "widely reproduced value, not re-read against the original",
    "L": "low: uncertain or conflicting",
}
"""Confidence labels of ../shared/domain/standards.md ("How to read this file")."""


@dataclass(frozen=True)
class Criterion:
    """``grade`` is reached when ``quantity op value`` holds (value in the quantity's unit)."""

    grade: str
    quantity: str
    op: str
    value: float
    confidence: str

    def holds(self, x: float) -> bool:
        """Whether the measured quantity ``x`` meets this threshold."""
        return OPERATORS[self.op](x, self.value)

    def describe(self) -> str:
        """E.g. ``hot_c > 130 °C``."""
        return f"{self.quantity} {self.op} {self.value:g} {QUANTITIES[self.quantity][1]}"


@dataclass(frozen=True)
class RuleRow:
    """One row of a standard's table, with its provenance.

    ``devices`` lists the catalogue kinds the row covers ("*" = all). A row with a ``material`` is a
    material-specific limit (GB/T 11022) that applies only when the caller names that material.
    A row without criteria is listed for reference (graded by image features, DL/T 664-2016 §8.3).
    """

    id: str
    table: str
    clause: str
    edition: str
    source: str
    confidence: str
    heating: str
    device_class: str
    criteria: tuple[Criterion, ...]
    devices: tuple[str, ...] = ()
    device_class_zh: str = ""
    part: str = ""
    pattern: str = ""
    fault: str = ""
    follow_up: str = ""
    material: str = ""
    note: str = ""

    def covers(self, kind: str, material: str | None) -> bool:
        """Whether this row applies to a component of ``kind`` (made of ``material``, if given)."""
        if kind not in self.devices and "*" not in self.devices:
            return False
        return not self.material or self.material == material


@dataclass(frozen=True)
class Grade:
    """One grade of the scale, in ascending severity; ``level`` 0 is "no defect".

    ``advice_*`` is the handling the standard prescribes for current-heating defects; the
    ``voltage_advice_*`` pair (when given) for voltage-heating defects (DL/T 664-2016 clause 10).
    ``equivalent`` is the DL/T 664 grade this grade corresponds to (itself in DL/T 664; for another
    scale a project convention, standards.md §3.1); informative only.

    What a registry does with a finding of this grade is declared here too, so a new rule set is one
    file: ``severity`` (one of :data:`SEVERITY_LEVELS`, the common rank that sorts and compares
    grades across rule sets and picks the repair-deadline tier), ``defect`` (whether the finding
    opens or joins a defect), ``deadline_h`` (the grade's own repair time in hours; None: the
    deadline tier of its severity, Q/GDW 1519-2014 as configured), ``reinspect`` (whether a
    repaired defect of this grade is re-inspected by a later patrol) and ``label_en``/``label_zh``
    (the short name in tables and lists; default ``en``/``zh``).
    """

    id: str
    level: int
    en: str
    zh: str
    clause: str = ""
    confidence: str = ""
    advice_en: str = ""
    advice_zh: str = ""
    voltage_advice_en: str = ""
    voltage_advice_zh: str = ""
    equivalent: str = ""
    severity: int = 0
    defect: bool = False
    deadline_h: float | None = None
    reinspect: bool = False
    label_en: str = ""
    label_zh: str = ""

    def label(self, lang: str = "en") -> str:
        """The short display name in ``lang`` (``en`` or ``zh``)."""
        if lang == "zh":
            return self.label_zh or self.zh
        return self.label_en or self.en


SEVERITY_LEVELS: Mapping[int, str] = {0: "no defect", 1: "general", 2: "serious", 3: "critical"}
"""The common severity scale every rule set maps its grades onto (higher is worse). Levels 1–3 are
the repair-deadline tiers of the distribution O&M rules (Q/GDW 1519-2014, standards.md §4.4:
critical within 24 h, serious within 30 days, general with the next maintenance plan)."""

UNRATED = Grade(
    id="unrated", level=0, en="not rated", zh="未定级", equivalent="unrated",
    advice_en="the criteria could not be evaluated (see unrated_reason): an analyst must judge it",
    advice_zh="判据无法全部判断（见未定级原因），须由分析人员判断",
)
"""The result when the applicable criteria could not be evaluated (no reference T2, conditions not
met, reading outside the calibrated range, a difference within the camera's accuracy) and no
absolute-temperature criterion fired. Level 0 like "no defect", but it never means "healthy"."""

ABSOLUTE_QUANTITIES = frozenset({"hot_c", "rise_k"})
"""Quantities that need no normal corresponding point T2: they are still applied when a reading
cannot be graded by the relative criteria (ΔT, δ, cold ΔT)."""
RELATIVE_QUANTITIES = frozenset({"delta_t_k", "cold_delta_k", "delta_pct"})
"""Quantities that compare with T2, the same part on a healthy phase."""


@dataclass(frozen=True)
class Guard:
    """A rule that withholds or qualifies a grade.

    kinds:
      * ``withhold``: any of ``flags`` raised (see irpatrol.conditions.FLAG_TEXT) → no automatic grade.
      * ``low-rise``: rise τ below ``value`` K → criteria on δ are not used; if one would have been
        met, the grade is at least ``grade`` (provisional) and a re-test is advised.
      * ``low-load``: load below ``value`` × rated current → the grade is provisional, re-test advised.
      * ``qualify``: any of ``flags`` raised → the grade is kept but provisional, with the advice.
    """

    id: str
    kind: str
    clause: str
    edition: str
    source: str
    confidence: str
    advice_en: str
    advice_zh: str
    flags: tuple[str, ...] = ()
    value: float | None = None
    grade: str = ""


@dataclass(frozen=True)
class LoadCorrection:
    """ΔT_rated = ΔT × (I_rated / I)^exponent, not applied below ``min_load_fraction`` of rated."""

    exponent: float
    min_load_fraction: float
    source: str
    clause: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class WindCorrection:
    """Multiply-by factors for a ΔT measured in wind (advisory; never changes a grade).

    ``factors[i]`` applies at ``speeds_m_s[i]`` (m/s), linear in between; below the first speed the
    factor is 1, beyond the last the table gives none.
    """

    speeds_m_s: tuple[float, ...]
    factors: tuple[float, ...]
    source: str
    clause: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    """A whole rule set: metadata, grade scale, rows, guards and load correction."""

    name: str
    title: str
    standard: str
    edition: str
    version: str
    source: str
    grades: tuple[Grade, ...]
    rows: tuple[RuleRow, ...]
    guards: tuple[Guard, ...]
    load_correction: LoadCorrection
    title_zh: str = ""
    note: str = ""
    wind_correction: WindCorrection | None = None
    origin: str = field(default="", compare=False)

    @functools.cached_property
    def _grades_by_id(self) -> dict[str, Grade]:
        return {g.id: g for g in self.grades}

    @functools.cached_property
    def _rows_by_kind(self) -> dict[str, tuple[RuleRow, ...]]:
        kinds = {d for r in self.rows for d in r.devices if d != "*"}
        return {k: tuple(r for r in self.rows if k in r.devices or "*" in r.devices) for k in kinds}

    def grade(self, grade_id: str) -> Grade:
        """The grade with this id, :data:`UNRATED` for ``unrated`` (KeyError when absent; the loader
        has checked every reference)."""
        if grade_id == UNRATED.id and UNRATED.id not in self._grades_by_id:
            return UNRATED
        return self._grades_by_id[grade_id]

    def has_grade(self, grade_id: str) -> bool:
        """Whether ``grade_id`` is a grade of this scale (``unrated`` always is)."""
        return grade_id == UNRATED.id or grade_id in self._grades_by_id

    @property
    def lowest(self) -> Grade:
        """The "no defect" grade (level 0)."""
        return self.grades[0]

    def rows_for(self, kind: str, material: str | None = None) -> tuple[RuleRow, ...]:
        """The rows that apply to a component of ``kind`` (and ``material``), in file order."""
        candidates = self._rows_by_kind.get(kind) or tuple(r for r in self.rows if "*" in r.devices)
        return tuple(r for r in candidates if r.covers(kind, material))

    def materials_for(self, kind: str) -> tuple[str, ...]:
        """The materials with a material-specific row for ``kind``."""
        seen: dict[str, None] = {}
        for r in self.rows:
            if r.material and (kind in r.devices or "*" in r.devices):
                seen[r.material] = None
        return tuple(seen)

    def guard(self, kind: str) -> Guard | None:
        """The first guard of this kind, or None."""
        return next((g for g in self.guards if g.kind == kind), None)
