"""Asset services: import poles and feeders from CSV, GeoJSON or KML; look assets up.

A re-import updates in place and duplicates nothing: a pole is matched by its ``external_id``
when the row has one, otherwise by (feeder name, pole number). The whole file is parsed and
validated before anything is written, so a bad row leaves the database unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from irpatrol.errors import Conflict, ImportRowError, InputError, NotFound
from irpatrol.registry import asset_files
from irpatrol.registry.audit import record
from irpatrol.registry.model import Area, Base, Feeder, Pole


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (counts)."""

    poles_created: int = 0
    poles_updated: int = 0
    poles_unchanged: int = 0
    feeders_created: int = 0
    areas_created: int = 0
    lines: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def pole_seq(number: str, fallback: int) -> int:
    """Order of a pole along its feeder: the last run of digits in its number (``N12`` → 12,
    ``#7-3`` → 3), else ``fallback`` (its position in the file)."""
    digits = re.findall(r"\d+", number)
    return int(digits[-1]) if digits else fallback


def import_assets(session: Session, path: str | Path, *, user: str | None = None) -> ImportResult:
    """Import the asset file at ``path`` (kind from its extension); flushes, the caller commits."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(p)) from None
    parsed = asset_files.parse(str(p), data)
    return apply(session, parsed, source=p.name, user=user)


def apply(
    session: Session, parsed: asset_files.AssetFile, *, source: str = "", user: str | None = None
) -> ImportResult:
    """Write parsed rows into the registry (upsert); returns the counts."""
    writer = _AssetWriter(session)
    for line in parsed.lines:
        writer.feeder(line.feeder, line.area, line.voltage_kv).geometry = [list(c) for c in line.coords]
    session.flush()
    writer.index_poles()
    seen: dict[str, str] = {}
    for order, row in enumerate(parsed.poles, start=1):
        key = row.external_id or f"{row.feeder}\x00{row.pole}"
        if key in seen:
            raise ImportRowError(
                f"{row.where}: pole {row.feeder}/{row.pole} repeats {seen[key]}", source=source
            )
        seen[key] = row.where
        writer.pole(row, order)
    session.flush()
    result = ImportResult(lines=len(parsed.lines), **writer.counts)
    record(session, user, "import", "asset", None, {"file": source, **result.to_dict()})
    return result


class _AssetWriter:
    """One import's upserts: the areas, feeders and poles it matches rows against (by name, by
    ``external_id``, by (feeder id, pole number)) and the counts of what it changed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.areas = {a.name: a for a in session.scalars(select(Area))}
        self.feeders = {f.name: f for f in session.scalars(select(Feeder))}
        self.by_ext: dict[str, Pole] = {}
        self.by_key: dict[tuple[int, str], Pole] = {}
        self.counts = dict.fromkeys(
            ("poles_created", "poles_updated", "poles_unchanged", "feeders_created", "areas_created"), 0
        )

    def area(self, name: str | None) -> Area | None:
        """The area called ``name``, created when new (None for None)."""
        if name is None:
            return None
        if name not in self.areas:
            self.areas[name] = Area(name=name)
            self.session.add(self.areas[name])
            self.counts["areas_created"] += 1
        return self.areas[name]

    def feeder(self, name: str, area: str | None, voltage: float | None) -> Feeder:
        """The feeder called ``name`` (created when new) with the area and voltage (kV) given."""
        feeder = self.feeders.get(name)
        if feeder is None:
            feeder = Feeder(name=name, voltage_kv=voltage or 10.0)
            self.session.add(feeder)
            self.feeders[name] = feeder
            self.counts["feeders_created"] += 1
        if area is not None:
            feeder.area = self.area(area)
        if voltage is not None:
            feeder.voltage_kv = voltage
        return feeder

    def index_poles(self) -> None:
        """Read the stored poles to match rows against (after the feeders are flushed)."""
        poles = self.session.scalars(select(Pole).where(Pole.external_id.is_not(None)))
        self.by_ext = {p.external_id: p for p in poles if p.external_id is not None}
        self.by_key = {(p.feeder_id, p.number): p for p in self.session.scalars(select(Pole))}

    def pole(self, row: asset_files.PoleRow, order: int) -> None:
        """Create, update or leave the pole of ``row`` (``order``: its position in the file)."""
        feeder = self.feeder(row.feeder, row.area, row.voltage_kv)
        if feeder.id is None:
            self.session.flush()
        pole = self.by_ext.get(row.external_id) if row.external_id else None
        if pole is None:
            pole = self.by_key.get((feeder.id, row.pole))
        values = _pole_values(row, pole, feeder.id, order)
        if pole is None:
            pole = Pole(**values)
            self.session.add(pole)
            self.counts["poles_created"] += 1
        elif all(getattr(pole, k) == v for k, v in values.items()):
            self.counts["poles_unchanged"] += 1
            return
        else:
            if (pole.feeder_id, pole.number) != (feeder.id, row.pole):
                self.by_key.pop((pole.feeder_id, pole.number), None)
            for k, v in values.items():
                setattr(pole, k, v)
            self.counts["poles_updated"] += 1
        self.by_key[(feeder.id, row.pole)] = pole
        if row.external_id:
            self.by_ext[row.external_id] = pole


def _pole_values(
    row: asset_files.PoleRow, pole: Pole | None, feeder_id: int, order: int
) -> dict[str, object]:
    """The column values of ``row``'s pole; optional values the row leaves out keep ``pole``'s."""
    return {
        "feeder_id": feeder_id,
        "number": row.pole,
        "seq": pole_seq(row.pole, order),
        "lat": row.lat,
        "lon": row.lon,
        "pole_type": row.pole_type if row.pole_type is not None else (pole.pole_type if pole else None),
        "external_id": row.external_id
        if row.external_id is not None
        else (pole.external_id if pole else None),
        "height_m": row.height_m if row.height_m is not None else (pole.height_m if pole else None),
        "ground_m": row.ground_m if row.ground_m is not None else (pole.ground_m if pole else None),
    }


def get_feeder(session: Session, name: str) -> Feeder:
    """The feeder called ``name``; NotFound naming it otherwise."""
    feeder = session.scalar(select(Feeder).where(Feeder.name == name))
    if feeder is None:
        raise NotFound(f"no feeder named {name!r}")
    return feeder


def get_pole(session: Session, feeder: str, number: str) -> Pole:
    """The pole numbered ``number`` on the feeder called ``feeder``; NotFound naming them otherwise."""
    pole = session.scalar(
        select(Pole).where(Pole.feeder_id == get_feeder(session, feeder).id, Pole.number == number)
    )
    if pole is None:
        raise NotFound(f"no pole {number!r} on feeder {feeder!r}")
    return pole


def feeder_poles(session: Session, feeder_id: int) -> list[Pole]:
    """The feeder's poles in order along the line."""
    return list(session.scalars(select(Pole).where(Pole.feeder_id == feeder_id).order_by(Pole.seq, Pole.id)))


def list_feeders(session: Session, area: str | None = None) -> list[dict[str, object]]:
    """Feeders (optionally of one area) with their pole counts, by name."""
    stmt = (
        select(Feeder, func.count(Pole.id))
        .outerjoin(Pole, Pole.feeder_id == Feeder.id)
        .group_by(Feeder.id)
        .order_by(Feeder.name)
    )
    if area is not None:
        stmt = stmt.join(Area, Area.id == Feeder.area_id).where(Area.name == area)
    return [
        {
            "id": f.id,
            "name": f.name,
            "area": f.area.name if f.area else None,
            "voltage_kv": f.voltage_kv,
            "rated_current_a": f.rated_current_a,
            "urban": f.urban,
            "poles": int(n),
        }
        for f, n in session.execute(stmt).all()
    ]


def delete_pole(session: Session, pole_id: int, *, reason: str, user: str | None = None) -> None:
    """Delete a pole that nothing refers to; the reason and the pole's last values stay in the audit
    log. Conflict when images, findings, defects or hazards refer to it."""
    from irpatrol.registry.model import Component, Defect, Finding, Hazard, Image

    reason = _require_reason(reason, "a pole")
    pole = session.get(Pole, pole_id)
    if pole is None:
        raise NotFound(f"no pole #{pole_id}")
    _refuse_if_referenced(
        session, f"pole #{pole_id}", [(m, m.pole_id == pole_id) for m in (Image, Finding, Defect, Hazard)]
    )
    kept = {
        "feeder_id": pole.feeder_id,
        "number": pole.number,
        "lat": pole.lat,
        "lon": pole.lon,
        "pole_type": pole.pole_type,
        "external_id": pole.external_id,
        "height_m": pole.height_m,
        "ground_m": pole.ground_m,
        "reason": reason,
    }
    for comp in session.scalars(select(Component).where(Component.pole_id == pole_id)):
        session.delete(comp)
    session.delete(pole)
    record(session, user, "delete", "pole", pole_id, kept)
    session.flush()


def _require_reason(reason: str | None, what: str) -> str:
    if not reason or not reason.strip():
        raise InputError(f"a reason is required to delete {what}")
    return reason.strip()


def _refuse_if_referenced(
    session: Session, what: str, checks: Sequence[tuple[type[Base], ColumnElement[bool]]]
) -> None:
    """Conflict naming ``what`` and the first table with rows matching its condition in ``checks``."""
    for model, condition in checks:
        n = session.scalar(select(func.count()).select_from(model).where(condition))
        if n:
            raise Conflict(f"{what} has {n} {model.__tablename__} record(s); it cannot be deleted")


def delete_feeder(session: Session, feeder_id: int, *, reason: str, user: str | None = None) -> None:
    """Delete a feeder with its poles and their components; the reason and the last values of the
    feeder and of every pole stay in the audit log.

    Conflict when the feeder still has open defects, or when any record refers to it or to one of
    its poles (images, findings, closed defects, hazards, patrols): a feeder with a history is kept.
    """
    from irpatrol.registry import workflow
    from irpatrol.registry.model import Component, Defect, Finding, Hazard, Image, PatrolFeeder

    reason = _require_reason(reason, "a feeder")
    feeder = session.get(Feeder, feeder_id)
    if feeder is None:
        raise NotFound(f"no feeder #{feeder_id}")
    poles = feeder_poles(session, feeder_id)
    pole_ids = select(Pole.id).where(Pole.feeder_id == feeder_id).scalar_subquery()
    open_statuses = [s.value for s in workflow.OPEN]
    n_open = session.scalar(
        select(func.count(Defect.id)).where(Defect.pole_id.in_(pole_ids), Defect.status.in_(open_statuses))
    )
    if n_open:
        raise Conflict(f"feeder {feeder.name!r} still has {n_open} open defect(s); close them first")
    checks = [(model, model.pole_id.in_(pole_ids)) for model in (Image, Finding, Defect, Hazard)] + [
        (Hazard, Hazard.feeder_id == feeder_id),
        (PatrolFeeder, PatrolFeeder.feeder_id == feeder_id),
    ]
    _refuse_if_referenced(session, f"feeder {feeder.name!r}", checks)
    kept = _feeder_record(feeder, poles, reason)
    for comp in session.scalars(select(Component).where(Component.pole_id.in_(pole_ids))):
        session.delete(comp)
    session.flush()
    for pole in poles:
        session.delete(pole)
    session.flush()
    session.delete(feeder)
    record(session, user, "delete", "feeder", feeder_id, kept)
    session.flush()


def _feeder_record(feeder: Feeder, poles: list[Pole], reason: str) -> dict[str, object]:
    """What the audit log keeps of a deleted feeder: its last values, its poles' and the reason."""
    return {
        "name": feeder.name,
        "area_id": feeder.area_id,
        "voltage_kv": feeder.voltage_kv,
        "length_m": feeder.length_m,
        "rated_current_a": feeder.rated_current_a,
        "urban": feeder.urban,
        "external_id": feeder.external_id,
        "geometry": feeder.geometry,
        "poles": [
            {
                "id": p.id,
                "number": p.number,
                "seq": p.seq,
                "lat": p.lat,
                "lon": p.lon,
                "pole_type": p.pole_type,
                "external_id": p.external_id,
                "height_m": p.height_m,
                "ground_m": p.ground_m,
            }
            for p in poles
        ],
        "reason": reason,
    }


def delete_area(session: Session, area_id: int, *, reason: str, user: str | None = None) -> None:
    """Delete an area; its name and the reason stay in the audit log. Conflict while feeders,
    crews or pilots still belong to it (delete or move them first)."""
    from irpatrol.registry.model import Crew, Pilot

    reason = _require_reason(reason, "an area")
    area = session.get(Area, area_id)
    if area is None:
        raise NotFound(f"no area #{area_id}")
    checks = [
        (Feeder, Feeder.area_id == area_id),
        (Crew, Crew.area_id == area_id),
        (Pilot, Pilot.home_area_id == area_id),
    ]
    _refuse_if_referenced(session, f"area {area.name!r}", checks)
    kept = {"name": area.name, "reason": reason}
    session.delete(area)
    record(session, user, "delete", "area", area_id, kept)
    session.flush()


def list_areas(session: Session) -> list[dict[str, object]]:
    """Areas with their feeder counts, by name."""
    stmt = (
        select(Area, func.count(Feeder.id))
        .outerjoin(Feeder, Feeder.area_id == Area.id)
        .group_by(Area.id)
        .order_by(Area.name)
    )
    return [{"id": a.id, "name": a.name, "feeders": int(n)} for a, n in session.execute(stmt).all()]
