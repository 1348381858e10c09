"""The detector's real precision, learnt from the analysts' verdicts on automatic findings.

When an analyst confirms a defect, each automatic finding in it that has no verdict yet gets
``real``; when the analyst rejects it, each gets the reason chosen from a fixed list
(``wrong_component``, ``reflection``, ``background``, ``duplicate``). Findings marked by hand
(``Finding.origin == "manual"``) are not the detector's and get no verdict. A finding that joins a
defect after the decision stays undecided until the next confirmation.

Precision of a group of automatic findings = real / decided (decided: findings with a verdict);
``None`` when nothing in the group was decided. ``pending`` counts the group's automatic findings
tied to a defect that have no verdict yet.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from irpatrol.errors import InputError
from irpatrol.registry.audit import record
from irpatrol.registry.model import Defect, Finding, Image, Patrol

REAL = "real"
"""The verdict of a confirmed automatic finding."""

REJECT_VERDICTS: tuple[str, ...] = ("wrong_component", "reflection", "background", "duplicate")
"""Why an automatic finding was rejected: another component than the one named, a reflection
(sun glint, low-emissivity metal mirroring a warm object), the background (roofs, roads, vehicles,
vegetation), or a duplicate of a finding already recorded."""

VERDICTS: tuple[str, ...] = (REAL, *REJECT_VERDICTS)
"""Every verdict an analyst can give an automatic finding."""


def parse_verdict(value: str | None) -> str | None:
    """The verdict named ``value`` (``wrong component`` and ``wrong-component`` accepted); None for
    None or blank; InputError naming the choices otherwise."""
    if value is None or not value.strip():
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in VERDICTS:
        raise InputError(f"unknown verdict {value!r}; one of {', '.join(VERDICTS)}")
    return key


def is_automatic(finding: Finding) -> bool:
    """True for a finding the detector made (not marked by hand)."""
    return finding.origin != "manual"


def undecided(session: Session, defect: Defect) -> list[Finding]:
    """The automatic findings of ``defect`` that have no verdict yet (read from the database, so a
    finding just joined counts even when ``defect.findings`` was loaded before)."""
    rows = session.scalars(
        select(Finding).where(Finding.defect_id == defect.id, Finding.verdict.is_(None)).order_by(Finding.id)
    )
    return [f for f in rows if is_automatic(f)]


def record_verdict(session: Session, defect: Defect, verdict: str, *, user: str | None = None) -> list[int]:
    """Give ``verdict`` to every undecided automatic finding of ``defect``, each audited; returns
    their ids. The caller commits."""
    ids = []
    for finding in undecided(session, defect):
        finding.verdict = verdict
        record(session, user, "verdict", "finding", finding.id, {"verdict": verdict, "defect_id": defect.id})
        ids.append(finding.id)
    return ids


def _figure(real: int, decided: int, pending: int, reasons: dict[str, int]) -> dict[str, Any]:
    return {
        "precision": round(real / decided, 4) if decided else None,
        "real": real,
        "decided": decided,
        "pending": pending,
        "rejected_by_reason": {r: reasons.get(r, 0) for r in REJECT_VERDICTS},
    }


def auto_precision(session: Session, image_filter: Any = None) -> dict[str, Any]:
    """Precision of the automatic findings (of images matching ``image_filter``, a SQL condition
    on :class:`Image`; all when None): ``overall``, ``by_device`` (the detector's component kind,
    ``unknown`` when it named none) and ``by_patrol`` (a list, by patrol date and id). Each figure:
    ``precision`` (real / decided, None when nothing was decided), ``real``, ``decided``,
    ``pending`` and ``rejected_by_reason``. Only findings decided or tied to a defect count."""
    rows = session.execute(
        select(Finding.verdict, Finding.device, Image.patrol_id, Patrol.date)
        .join(Image, Image.id == Finding.image_id)
        .outerjoin(Patrol, Patrol.id == Image.patrol_id)
        .where(
            image_filter if image_filter is not None else true(),
            or_(Finding.origin.is_(None), Finding.origin != "manual"),
            or_(Finding.verdict.is_not(None), Finding.defect_id.is_not(None)),
        )
    ).all()
    keys: list[tuple[str, Any]] = []
    counts: dict[tuple[str, Any], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    dates: dict[Any, Any] = {}
    for verdict, device, patrol_id, day in rows:
        groups: list[tuple[str, Any]] = [("overall", None), ("device", device or "unknown")]
        if patrol_id is not None:
            groups.append(("patrol", patrol_id))
            dates[patrol_id] = day
        for g in groups:
            if g not in counts:
                keys.append(g)
            counts[g][verdict or "_pending"] += 1

    def figure(g: tuple[str, Any]) -> dict[str, Any]:
        c = counts.get(g, {})
        decided = sum(n for v, n in c.items() if v != "_pending")
        return _figure(c.get(REAL, 0), decided, c.get("_pending", 0), dict(c))

    patrols = sorted((g for g in keys if g[0] == "patrol"), key=lambda g: (dates[g[1]], g[1]))
    return {
        "overall": figure(("overall", None)),
        "by_device": {g[1]: figure(g) for g in sorted(k for k in keys if k[0] == "device")},
        "by_patrol": [
            {"patrol_id": g[1], "date": dates[g[1]].isoformat() if dates[g[1]] else None} | figure(g)
            for g in patrols
        ],
    }
