"""Why a finding got its grade, in words and numbers, the same on every page and in every file.

The defect page, the viewer, the ledger, the Excel workbook and the PDF all take their lines from
:func:`explain`, so they cannot disagree: T1 (hottest point), T2 (the reference, and where it
came from), T0 (ambient, and its source), ΔT = T1 − T2, τ = T1 − T0 (temperature rise) and
δ = (τ1 − τ2) / τ1 × 100 % (relative temperature difference, DL/T 664-2016 §3.6 and Annex H), all
to one decimal (δ 95.7 % never shows as "95 %"); the rule that decided with its criterion and
clause; the confidence of the row, the validity flags, the advice; the capture parameters the
numbers were computed with; and an analyst's override beside the automatic values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from irpatrol.reports.labels import grade_label

_QUANTITY = {
    "hot_c": "T1",
    "delta_t_k": "ΔT",
    "delta_pct": "δ",
    "rise_k": "τ",
    "corrected_delta_t_k": "ΔT′",
    "ref_c": "T2",
}
_UNIT = {
    "hot_c": "°C",
    "delta_t_k": "K",
    "delta_pct": "%",
    "rise_k": "K",
    "corrected_delta_t_k": "K",
    "ref_c": "°C",
}
_OP = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}

WHY_LABELS: dict[str, tuple[str, str]] = {
    "why": ("Why this grade", "判定依据"),
    "why_t1": ("T1 hottest point", "T1 热点温度"),
    "why_t2": ("T2 reference", "T2 正常相对应点温度"),
    "why_t0": ("T0 ambient", "T0 环境参照体温度"),
    "why_delta_t": ("ΔT = T1 − T2", "温差 ΔT = T1 − T2"),
    "why_rise": ("τ = T1 − T0 (rise)", "温升 τ = T1 − T0"),
    "why_delta_pct": ("δ relative difference", "相对温差 δ"),
    "why_rule": ("Rule", "判据"),
    "why_clause": ("Clause", "条款"),
    "why_confidence": ("Confidence", "可信度"),
    "why_flags": ("Validity", "有效性"),
    "why_advice": ("Advice", "处理建议"),
    "why_params": ("Computed with", "计算参数"),
    "why_grade": ("Grade", "缺陷等级"),
    "why_automatic": ("automatic", "自动判定"),
    "why_override": ("set by analyst", "分析员改判"),
    "why_manual": ("marked by hand", "人工标注"),
    "why_valid": ("conditions met", "检测条件满足"),
    "src_similar-component": ("same part on a healthy phase", "正常相同部位"),
    "src_user-region": ("region chosen by the analyst", "分析员选定区域"),
    "src_none": ("no reference found", "无参照"),
    "src_patrol": ("patrol weather record", "巡检气象记录"),
    "src_user": ("entered by the analyst", "分析员输入"),
    "src_background-median": ("background of the frame", "图像背景中位数"),
    "conf_H": ("high", "高"),
    "conf_M": ("medium", "中"),
    "conf_L": ("low", "低"),
    "emissivity_short": ("ε", "发射率 ε"),
    "distance_short": ("distance", "距离"),
    "reflected_short": ("reflected", "反射温度"),
}
"""Labels of the explanation (merged into the pages' and reports' labels)."""


def why_label(key: str, lang: str = "en") -> str:
    """A label of :data:`WHY_LABELS` in ``lang``."""
    return _l(key, lang)


def _l(key: str, lang: str) -> str:
    pair = WHY_LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "zh" else pair[0]


def one_decimal(value: float | None, unit: str = "") -> str:
    """``value`` to one decimal with its unit; "—" when unknown. Never rounds to a whole number,
    so δ 95.7 % stays on its side of a 95 % threshold."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    if text == "-0.0":  # a difference that rounds to nothing has no sign
        text = "0.0"
    return f"{text}{(' ' + unit) if unit else ''}"


@dataclass(frozen=True)
class Line:
    """One line of an explanation: a stable ``key``, its label and its value in one language."""

    key: str
    label: str
    value: str


def effective(finding: Any) -> dict[str, Any]:
    """The values that count for a finding: the analyst's override where given, else automatic."""
    o: Mapping[str, Any] = getattr(finding, "override", None) or {}
    return {
        "grade": o.get("grade") or finding.grade,
        "component_kind": o.get("component_kind") or finding.device,
        "heating": o.get("heating") or (finding.diagnosis or {}).get("heating"),
        "overridden": bool(o),
        "reason": o.get("reason"),
        "user": o.get("user"),
    }


def rule_in_words(diagnosis: Mapping[str, Any] | None, rule: str | None, lang: str = "en") -> str:
    """The deciding criterion with the measured value, e.g. "δ 95.7 % ≥ 95 % → critical (line
    connectors)"; the stored rule text when the diagnosis keeps no criterion."""
    d = diagnosis or {}
    grade = d.get("grade")
    hits: Sequence[Mapping[str, Any]] = d.get("fired") or ()
    hit = next(
        (h for h in hits if h.get("rule") == (d.get("rule") or rule) and h.get("grade") == grade), None
    )
    if hit is None and hits:
        hit = hits[-1]
    device = d.get("device_zh") if lang == "zh" else d.get("device_en")
    if hit is not None:
        q = str(hit.get("quantity"))
        sym, unit = _QUANTITY.get(q, q), _UNIT.get(q, "")
        value, threshold = hit.get("value"), hit.get("threshold")
        text = (
            f"{sym} {one_decimal(value, unit)} {_OP.get(str(hit.get('op')), hit.get('op'))} "
            f"{threshold:g}{(' ' + unit) if unit else ''} → {grade_label(str(hit.get('grade')), lang)}"
        )
        return f"{text} ({device})" if device else text
    if d.get("criterion") and grade:
        return f"{d['criterion']} → {grade_label(str(grade), lang)}"
    return rule or "—"


def _source(source: str | None, lang: str) -> str:
    if not source:
        return ""
    key = f"src_{source}"
    return f" ({_l(key, lang)})" if key in WHY_LABELS else f" ({source})"


def _flags(diagnosis: Mapping[str, Any], flags: Sequence[str] | None, lang: str) -> str:
    texts = {f.get("code"): f.get("zh" if lang == "zh" else "en") for f in diagnosis.get("flag_text") or ()}
    codes = list(flags or diagnosis.get("flags") or ())
    if not codes:
        return _l("why_valid", lang)
    return "; ".join(str(texts.get(c) or c) for c in codes)


def advice(diagnosis: Mapping[str, Any] | None, lang: str = "en") -> str | None:
    """The handling advice in ``lang`` (the Chinese text when the diagnosis has one)."""
    d = diagnosis or {}
    value = d.get("advice_zh") if lang == "zh" and d.get("advice_zh") else d.get("advice")
    if isinstance(value, str):
        return value or None
    if isinstance(value, list | tuple):
        return "; ".join(str(a) for a in value if a) or None
    return None


def params_text(params: Mapping[str, Any] | None, lang: str = "en") -> str:
    """ε, distance (m) and reflected temperature (°C) the temperatures were computed with."""
    p = params or {}
    parts = []
    if isinstance(p.get("emissivity"), int | float):
        parts.append(f"{_l('emissivity_short', lang)} {p['emissivity']:.2f}")
    if isinstance(p.get("distance_m"), int | float):
        parts.append(f"{_l('distance_short', lang)} {p['distance_m']:.1f} m")
    if isinstance(p.get("reflected_c"), int | float):
        parts.append(f"{_l('reflected_short', lang)} {p['reflected_c']:.1f} °C")
    return ", ".join(parts) or "—"


def t0_source(finding: Any) -> str | None:
    """Where T0 came from (``finding`` a registry Finding or :class:`Facts`): the stored source
    (the Facts' ``t0_source``, the diagnosis's ``ambient_source``), else "patrol" when T0 equals
    the patrol's recorded ambient temperature, else the frame's background median."""
    given = getattr(finding, "t0_source", None) or (finding.diagnosis or {}).get("ambient_source")
    if given:
        return str(given)
    t0_c = finding.t0_c if isinstance(finding, Facts) else finding.t_ambient_c
    if t0_c is None:
        return None
    image = getattr(finding, "image", None)
    patrol = getattr(image, "patrol", None) if image is not None else None
    ambient = getattr(patrol, "ambient_c", None)
    if ambient is not None and abs(ambient - t0_c) < 1e-6:
        return "patrol"
    return "background-median"


def _image_params(finding: Any) -> Mapping[str, Any] | None:
    image = getattr(finding, "image", None)
    params = getattr(image, "params", None) if image is not None else None
    return params if isinstance(params, Mapping) else None


def explain(finding: Any, lang: str = "en", *, image_params: Mapping[str, Any] | None = None) -> list[Line]:
    """Every line of the explanation of ``finding`` (a registry Finding, read through
    :func:`facts`, or :class:`Facts`) in ``lang``. ``image_params``: the image's own capture
    parameters, shown when the finding was never recomputed."""
    finding = finding if isinstance(finding, Facts) else facts(finding, image_params)
    d: Mapping[str, Any] = finding.diagnosis or {}
    eff = effective(finding)
    grade = grade_label(eff["grade"], lang)
    if eff["overridden"]:
        grade = (
            f"{grade} ({_l('why_override', lang)}: {eff['reason'] or ''}; "
            f"{_l('why_automatic', lang)}: {grade_label(finding.grade, lang)})"
        )
    elif getattr(finding, "origin", None) == "manual":
        grade = f"{grade} ({_l('why_manual', lang)})"
    lines = [
        ("why_grade", grade),
        ("why_t1", one_decimal(finding.t1_c, "°C")),
        ("why_t2", one_decimal(finding.t2_c, "°C") + _source(finding.t2_source, lang)),
        ("why_t0", one_decimal(finding.t0_c, "°C") + _source(t0_source(finding), lang)),
        ("why_delta_t", one_decimal(finding.delta_t_k, "K")),
        ("why_rise", one_decimal(finding.rise_k, "K")),
        ("why_delta_pct", one_decimal(finding.delta_pct, "%")),
        ("why_rule", rule_in_words(d, finding.rule, lang)),
        ("why_clause", finding.clause or "—"),
        ("why_confidence", _l(f"conf_{finding.confidence}", lang) if finding.confidence else "—"),
        ("why_flags", _flags(d, finding.flags, lang)),
        ("why_advice", advice(d, lang) or "—"),
        ("why_params", params_text(finding.params or image_params or _image_params(finding), lang)),
    ]
    return [Line(k, _l(k, lang), v) for k, v in lines]


@dataclass(frozen=True)
class Facts:
    """A finding's stored values as the explanation needs them, without the database (what a
    report section carries, so a renderer explains it in any language). T1, T2 and T0 (°C) are
    the row's ``t_max_c``, ``t_ref_c`` (+ ``t_ref_source``) and ``t_ambient_c`` (+ the diagnosis's
    ``ambient_source``) under the code's names (docs/architecture.md, "Vocabulary")."""

    grade: str
    t1_c: float | None
    t2_c: float | None = None
    t2_source: str | None = None
    t0_c: float | None = None
    t0_source: str | None = None
    delta_t_k: float | None = None
    rise_k: float | None = None
    delta_pct: float | None = None
    rule: str | None = None
    clause: str | None = None
    confidence: str | None = None
    flags: Sequence[str] | None = None
    diagnosis: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None
    device: str | None = None
    override: Mapping[str, Any] | None = None
    origin: str | None = None


def facts(finding: Any, image_params: Mapping[str, Any] | None = None) -> Facts:
    """The :class:`Facts` of a registry finding (T0's source worked out now, parameters those the
    temperatures were computed with: the finding's last recompute's, else the image's)."""
    return Facts(
        grade=finding.grade,
        t1_c=finding.t_max_c,
        t2_c=finding.t_ref_c,
        t2_source=finding.t_ref_source,
        t0_c=finding.t_ambient_c,
        t0_source=t0_source(finding),
        delta_t_k=finding.delta_t_k,
        rise_k=finding.rise_k,
        delta_pct=finding.delta_pct,
        rule=finding.rule,
        clause=finding.clause,
        confidence=finding.confidence,
        flags=tuple(finding.flags or ()),
        diagnosis=dict(finding.diagnosis or {}),
        params=dict(
            finding.params or image_params or getattr(getattr(finding, "image", None), "params", None) or {}
        ),
        device=finding.device,
        override=dict(finding.override) if getattr(finding, "override", None) else None,
        origin=getattr(finding, "origin", None),
    )


def deciding_finding(findings: Sequence[Any]) -> Any | None:
    """The finding a defect's page, ledger line and report show: the hottest one of its newest
    patrol (the report of that patrol picks the same one)."""
    if not findings:
        return None
    return max(
        findings, key=lambda f: (getattr(f.image, "patrol_id", None) or 0, f.t_max_c or float("-inf"), -f.id)
    )
