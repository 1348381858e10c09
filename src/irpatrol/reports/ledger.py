"""The defect ledger: registry defects as :class:`LedgerRow` and as a table in one language.

The rows come from the registry's ``list_defects`` with its ``DefectFilters``, so a filter on the
web ledger page is the filter of the Excel/CSV download.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from irpatrol.db import utcnow
from irpatrol.diagnosis.catalogue import component as catalogue_component
from irpatrol.errors import IrPatrolError
from irpatrol.registry.defects import MAX_PER_PAGE, OVERDUE_EXEMPT, DefectFilters, list_defects
from irpatrol.registry.model import Defect
from irpatrol.reports.content import LedgerRow
from irpatrol.reports.labels import grade_label, label, status_label
from irpatrol.reports.why import deciding_finding, explain, facts, why_label

EXPORT_LIMIT = 100_000
"""Most rows one export holds."""


def ledger_rows(
    session: Session,
    filters: DefectFilters | Mapping[str, Any] | None = None,
    *,
    sort: str = "-grade",
    limit: int = EXPORT_LIMIT,
) -> list[LedgerRow]:
    """Every defect matching ``filters`` (the registry's :class:`DefectFilters`), as ledger rows."""
    now = utcnow()
    rows: list[LedgerRow] = []
    page = 1
    while len(rows) < limit:
        batch = list_defects(session, filters, sort=sort, page=page, per_page=MAX_PER_PAGE)
        rows.extend(to_row(d, now) for d in batch.items)
        if page >= batch.pages:
            break
        page += 1
    return rows[:limit]


def to_row(d: Defect, now: datetime | None = None) -> LedgerRow:
    """A defect (with pole, feeder and component loaded) as a ledger row."""
    now = now or utcnow()
    pole = d.pole
    feeder = pole.feeder if pole else None
    deadline = _aware(d.deadline)
    deciding = deciding_finding(d.findings) if d.kind == "thermal" or d.findings else None
    return LedgerRow(
        defect_id=d.id,
        area=feeder.area.name if feeder and feeder.area else None,
        feeder=feeder.name if feeder else None,
        pole=pole.number if pole else None,
        component_kind=d.component.kind if d.component else None,
        phase=d.component.phase if d.component else None,
        kind=d.kind,
        grade=d.grade,
        status=d.status,
        t_max_c=deciding.t_max_c if deciding is not None else d.last_t_max_c,
        delta_t_k=deciding.delta_t_k if deciding is not None else d.last_delta_t_k,
        found_at=_aware(d.found_at),
        deadline=deadline,
        overdue=bool(deadline and deadline < now and d.status not in OVERDUE_EXEMPT),
        description=d.description,
        facts=facts(deciding) if deciding is not None else None,
        assignee=d.assignee,
        crew_name=d.crew_name,
        due_at=_aware(d.due_at),
        steps=[(str(e.to_status) if e.event == "status" else OVERRIDE_STEP, e.username, _aware(e.at))
               for e in d.events if (e.event == "status" and e.to_status) or e.event == "override"],
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite drops the zone; stored as UTC
        return value.replace(tzinfo=UTC)
    return value


HEADERS: tuple[str, ...] = (
    "defect_no", "area", "feeder", "pole", "component", "phase", "kind", "grade", "status",
    "t_max_c", "delta_t_k", "found_at", "deadline", "overdue", "description",
)
"""Label keys of the ledger's columns (see :mod:`irpatrol.reports.labels`)."""

WHY_COLUMNS: tuple[str, ...] = (
    "why_t2", "why_t0", "why_rise", "why_delta_pct", "why_rule", "why_clause", "why_confidence", "why_flags",
    "why_advice", "why_params", "why_grade",
)
"""Explanation lines (:func:`irpatrol.reports.why.explain`) added after :data:`HEADERS`, then the
work order (assignee, crew, due) and who did each workflow step when."""
WORK_COLUMNS: tuple[str, ...] = ("assignee", "repair_crew", "due_at", "workflow_steps")


def table(rows: list[LedgerRow], lang: str = "en") -> tuple[list[str], list[list[object]]]:
    """Headers in ``lang`` and one list of cell values per row (dates as naive datetimes in the
    configured zone)."""
    from irpatrol.reports.system_text import system_text  # it uses component_name below

    headers = [label(h, lang) for h in HEADERS] + [why_label(k, lang) for k in WHY_COLUMNS] + [
        label(k, lang) for k in WORK_COLUMNS]
    body: list[list[object]] = [
        [
            r.defect_id,
            r.area or "",
            r.feeder or "",
            r.pole or "",
            component_name(r.component_kind, lang),
            r.phase or "",
            label(f"kind_{r.kind}", lang),
            grade_label(r.grade, lang),
            status_label(r.status, lang),
            None if r.t_max_c is None else round(r.t_max_c, 1),
            None if r.delta_t_k is None else round(r.delta_t_k, 1),
            naive(r.found_at),
            naive(r.deadline),
            label("yes" if r.overdue else "no", lang),
            system_text(r.description, lang),
            *_why_cells(r, lang),
            r.assignee or "",
            r.crew_name or "",
            naive(r.due_at),
            _steps(r, lang),
        ]
        for r in rows
    ]
    return headers, body


def _why_cells(r: LedgerRow, lang: str) -> list[str]:
    if r.facts is None:
        return ["" for _ in WHY_COLUMNS]
    lines = {line.key: line.value for line in explain(r.facts, lang)}
    return [lines.get(k, "") for k in WHY_COLUMNS]


OVERRIDE_STEP = "override"
"""The step an analyst's override of the automatic judgement is listed as (audited)."""


def _steps(r: LedgerRow, lang: str) -> str:
    """"status · who · when" per workflow step (and analyst's override), one per line (times in the
    configured zone)."""
    from irpatrol.reports.timefmt import local_text

    def name(step: str) -> str:
        return label("step_override", lang) if step == OVERRIDE_STEP else status_label(step, lang)

    return "\n".join(f"{name(s)} · {who or '—'} · {local_text(at)}" for s, who, at in r.steps)


def component_name(kind: str | None, lang: str = "en") -> str:
    """The catalogue name of a component kind in ``lang``; the kind itself when unknown."""
    if not kind:
        return ""
    try:
        c = catalogue_component(kind)
    except IrPatrolError:
        return kind
    return c.name_zh if lang == "zh" else c.name_en


def naive(value: datetime | None) -> datetime | None:
    """A naive datetime in the configured zone (``IRPATROL_TIMEZONE``), as a worksheet holds it."""
    from irpatrol.reports.timefmt import local

    v = local(value)
    return None if v is None else v.replace(tzinfo=None, microsecond=0)
