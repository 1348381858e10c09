"""The result of a diagnosis: the grade, the rule that decided it, and every number on the way."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from irpatrol.conditions import FLAG_TEXT


@dataclass(frozen=True)
class Hit:
    """A criterion that was met (or would have been, see ``Diagnosis.suppressed``).

    ``value`` is the measured quantity, ``threshold`` the row's number, both in the quantity's unit.
    """

    rule: str
    table: str
    clause: str
    grade: str
    quantity: str
    op: str
    threshold: float
    value: float
    confidence: str
    heating: str
    follow_up: str = ""

    @property
    def criterion(self) -> str:
        """E.g. ``hot_c > 130``."""
        return f"{self.quantity} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class Diagnosis:
    """A graded reading.

    ``grade`` is the worst grade any applicable criterion gives, after the guards. It is the scale's
    lowest grade ("none") only when the applicable criteria were evaluated and none fired. When they
    could not be (no reference T2, conditions not met, reading outside the calibrated range, no
    automatic criterion, a difference within the camera's accuracy) and no absolute-temperature
    criterion fired, ``grade`` is ``"unrated"``, ``graded`` is False and ``unrated_reason`` says
    why; ``review`` is True when such a reading rises ≥ 10 K over T0. ``indicative_grade`` is what
    the criteria alone would give. ``heating_used`` is the table type applied ("current" or
    "voltage", never both) and ``heating_basis`` how it was chosen ("analyst", "pattern", "default",
    "catalogue"); ``accuracy_k`` the camera accuracy applied (K) or None. ``rule``,
    ``clause``, ``confidence`` name the row (or guard) that decided. Temperatures °C, differences K,
    δ in %, currents A, wind m/s, humidity %. ``grade_equivalent`` is the DL/T 664 grade id the grade
    corresponds to (as the rule file states; "" when it states none). ``severity`` (0–3,
    :data:`irpatrol.diagnosis.rules.SEVERITY_LEVELS`) and ``defect`` are the grade's, as its rule
    set declares them: what a registry ranks by and whether the finding is a defect.
    """

    standard: str
    standard_title: str
    edition: str
    device: str
    device_en: str
    device_zh: str
    heating: str
    grade: str
    grade_en: str
    grade_zh: str
    grade_level: int
    graded: bool
    provisional: bool
    indicative_grade: str
    rule: str | None
    clause: str | None
    confidence: str | None
    criterion: str | None
    hot_c: float
    ref_c: float | None
    ambient_c: float | None
    delta_t_k: float | None
    rise_k: float | None
    ref_rise_k: float | None
    delta_pct: float | None
    min_rise_k: float | None
    load_current_a: float | None
    rated_current_a: float | None
    load_fraction: float | None
    correction_exponent: float
    correction_factor: float | None
    corrected_delta_t_k: float | None
    corrected_rise_k: float | None
    corrected_grade: str | None
    correction_note: str
    correction_source: str
    wind_factor: float | None
    wind_corrected_delta_t_k: float | None
    material: str | None
    wind_m_s: float | None
    humidity_pct: float | None
    rain: bool
    flags: tuple[str, ...]
    guards: tuple[str, ...]
    advice: tuple[str, ...]
    advice_zh: tuple[str, ...]
    fired: tuple[Hit, ...] = ()
    suppressed: tuple[Hit, ...] = ()
    not_evaluated: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    grade_equivalent: str = ""
    unrated_reason: str | None = None
    unrated_reason_zh: str | None = None
    heating_used: str = ""
    heating_basis: str = ""
    accuracy_k: float | None = None
    review: bool = False
    severity: int = 0
    defect: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict: every field, hits with their ``criterion`` text, and ``flag_text``
        (each flag code with its English and Chinese explanation); ``level`` repeats ``grade_level``."""
        d = asdict(self)
        for key in ("fired", "suppressed"):
            d[key] = [asdict(h) | {"criterion": h.criterion} for h in getattr(self, key)]
        for key in ("flags", "guards", "advice", "advice_zh", "not_evaluated", "rows"):
            d[key] = list(d[key])
        d["level"] = self.grade_level
        d["flag_text"] = [{"code": f, "en": FLAG_TEXT[f][0], "zh": FLAG_TEXT[f][1]}
                          for f in self.flags if f in FLAG_TEXT]
        return d
