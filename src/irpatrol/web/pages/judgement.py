"""The analyst's judgement in the browser: mark a missed hotspot, override a finding's grade,
component or heating type with a reason, recompute as a draft then save on confirmation; and a
patrol's fixed colour range and report details."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from irpatrol.errors import InputError, IrPatrolError, NotFound
from irpatrol.http_errors import status_for
from irpatrol.registry import judgement, patrol_admin
from irpatrol.registry.audit import record
from irpatrol.registry.model import Finding, Patrol, User
from irpatrol.registry.patrols import check_weather_value
from irpatrol.reports.content import REPORT_META_KEYS
from irpatrol.reports.why import explain
from irpatrol.web.deps import DeadlinesDep, SessionDep, SettingsDep, allowed
from irpatrol.web.i18n import error_text
from irpatrol.web.render import PREFIX

router = APIRouter()


def form_float(value: str | None, name: str) -> float | None:
    """A number typed in a form field; None when blank; InputError naming the field otherwise."""
    if value is None or not value.strip():
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise InputError(f"{name}: not a number: {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{name}: not a finite number: {value!r}")
    return number


def _ints(value: str | None, n: int, name: str) -> list[int] | None:
    """``n`` integers "a,b,c,d" from a form field; None when blank."""
    if value is None or not value.strip():
        return None
    try:
        numbers = [round(float(v)) for v in value.split(",")]
    except ValueError:
        raise InputError(f"{name}: expected {n} numbers separated by commas, got {value!r}") from None
    if len(numbers) != n:
        raise InputError(f"{name}: expected {n} numbers separated by commas, got {value!r}")
    return numbers


def _polygon(value: str | None) -> list[list[int]] | None:
    if value is None or not value.strip():
        return None
    try:
        points = json.loads(value)
        return [[round(float(x)), round(float(y))] for x, y in points]
    except (ValueError, TypeError):
        raise InputError("polygon: expected a list of [x, y] points") from None


def _back(request: Request, default: str) -> str:
    """Where to return after a change: the page the form was on (same site only), else ``default``."""
    referer = request.headers.get("referer") or ""
    path = referer.split("//", 1)[-1].partition("/")[2]
    path = "/" + path.split("?")[0] if path else ""
    return path if path.startswith(PREFIX + "/") else default


def _json_error(exc: IrPatrolError, lang: str) -> JSONResponse:
    """The scripts' answer to an error: its message in ``lang``, with the status of the one
    error-to-status table (:mod:`irpatrol.http_errors`)."""
    return JSONResponse({"error": error_text(exc.message, lang)}, status_code=status_for(exc))


def _draft_view(session: Session, draft: dict[str, Any], lang: str) -> dict[str, Any]:
    """The draft with both explanations in ``lang``, as the viewer shows them side by side."""
    finding = session.get(Finding, draft["finding_id"])
    assert finding is not None
    after = dict(draft["after"])

    class _After:
        pass

    shadow = _After()
    for key in ("t_ref_source", "diagnosis", "device", "override", "origin", "image", "t_mean_c"):
        setattr(shadow, key, getattr(finding, key))
    for key, value in after.items():
        setattr(shadow, key, value)
    return {**draft, "why_before": [line.__dict__ for line in explain(finding, lang)],
            "why_after": [line.__dict__ for line in explain(shadow, lang)]}


@router.post("/findings/{finding_id}/recompute/draft")
def recompute_draft(
    finding_id: int, user: Annotated[User, allowed("finding.recompute")], session: SessionDep,
    settings: SettingsDep, deadlines: DeadlinesDep, emissivity: Annotated[str | None, Form()] = None,
    distance_m: Annotated[str | None, Form()] = None, reflected_c: Annotated[str | None, Form()] = None
) -> JSONResponse:
    """What a recompute with these parameters would store (nothing is stored)."""
    try:
        draft = judgement.recompute_draft(
            session, finding_id, emissivity=form_float(emissivity, "emissivity"),
            distance_m=form_float(distance_m, "distance_m"),
            reflected_c=form_float(reflected_c, "reflected_c"),
            data_dir=settings.data_dir, policy=deadlines)
    except IrPatrolError as exc:
        return _json_error(exc, user.language)
    return JSONResponse(_draft_view(session, draft, user.language))


@router.post("/findings/{finding_id}/recompute")
def recompute_save(
    finding_id: int, user: Annotated[User, allowed("finding.recompute")], session: SessionDep,
    settings: SettingsDep, deadlines: DeadlinesDep, emissivity: Annotated[str | None, Form()] = None,
    distance_m: Annotated[str | None, Form()] = None, reflected_c: Annotated[str | None, Form()] = None
) -> JSONResponse:
    """Store the recompute the analyst confirmed (checked exactly like the draft)."""
    try:
        f = judgement.recompute_save(
            session, finding_id, emissivity=form_float(emissivity, "emissivity"),
            distance_m=form_float(distance_m, "distance_m"),
            reflected_c=form_float(reflected_c, "reflected_c"),
            data_dir=settings.data_dir, user=user.username, policy=deadlines)
    except IrPatrolError as exc:
        session.rollback()
        return _json_error(exc, user.language)
    session.commit()
    return JSONResponse({"finding_id": f.id, "grade": f.grade, "t_max_c": f.t_max_c, "saved": True})


@router.post("/findings/{finding_id}/override", response_model=None)
def override(
    finding_id: int, request: Request, user: Annotated[User, allowed("finding.override")],
    session: SessionDep, deadlines: DeadlinesDep, reason: Annotated[str, Form()] = "",
    grade: Annotated[str | None, Form()] = None, component_kind: Annotated[str | None, Form()] = None,
    heating: Annotated[str | None, Form()] = None
) -> RedirectResponse:
    """The analyst's grade, component kind or heating type for a finding, with a reason (audited)."""
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"no finding #{finding_id}")
    back = _back(request, f"{PREFIX}/ledger/{finding.defect_id}" if finding.defect_id
                 else f"{PREFIX}/viewer/{finding.image_id}")
    try:
        judgement.override(session, finding_id, reason=reason, grade=grade or None,
                           component_kind=component_kind or None, heating=heating or None, user=user.username,
                           policy=deadlines)
    except IrPatrolError as exc:
        session.rollback()
        return RedirectResponse(f"{back}?flash={_q(error_text(exc.message, user.language))}", status_code=303)
    session.commit()
    return RedirectResponse(f"{back}?ok=1", status_code=303)


@router.post("/viewer/{image_id}/findings", response_model=None)
def add_finding(
    image_id: int, user: Annotated[User, allowed("finding.override")], session: SessionDep,
    settings: SettingsDep, deadlines: DeadlinesDep, component_kind: Annotated[str, Form()] = "",
    bbox: Annotated[str | None, Form()] = None, polygon: Annotated[str | None, Form()] = None,
    reference_bbox: Annotated[str | None, Form()] = None, phase: Annotated[str | None, Form()] = None
) -> RedirectResponse:
    """A hotspot the analysis missed, marked on the viewer (box or polygon), as a finding."""
    back = f"{PREFIX}/viewer/{image_id}"
    try:
        f = judgement.add_manual_finding(
            session, image_id, component_kind=component_kind, bbox=_ints(bbox, 4, "box"),
            polygon=_polygon(polygon), reference_bbox=_ints(reference_bbox, 4, "reference"),
            phase=(phase or "").strip() or None, data_dir=settings.data_dir, user=user.username,
            policy=deadlines)
    except NotFound:
        raise
    except IrPatrolError as exc:
        session.rollback()
        return RedirectResponse(f"{back}?flash={_q(error_text(exc.message, user.language))}", status_code=303)
    session.commit()
    return RedirectResponse(f"{back}?ok=1&finding={f.id}", status_code=303)


@router.post("/patrols/{patrol_id}/display", response_model=None)
def patrol_display(patrol_id: int, user: Annotated[User, allowed("finding.override")], session: SessionDep,
                   t_min: Annotated[str | None, Form()] = None,
                   t_max: Annotated[str | None, Form()] = None) -> RedirectResponse:
    """A fixed colour range (°C) for every image of the patrol; both blank: each image's own."""
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    back = f"{PREFIX}/patrols/{patrol_id}"
    try:
        lo, hi = form_float(t_min, "t_min"), form_float(t_max, "t_max")
        if (lo is None) != (hi is None):
            raise InputError("give both ends of the colour range, or neither")
        if lo is not None and hi is not None and not lo < hi:
            raise InputError(f"the colour range must rise: {lo:g} °C is not below {hi:g} °C")
    except IrPatrolError as exc:
        return RedirectResponse(f"{back}?flash={_q(error_text(exc.message, user.language))}", status_code=303)
    record(session, user.username, "display-range", "patrol", patrol_id,
           {"from": [patrol.display_t_min_c, patrol.display_t_max_c], "to": [lo, hi]})
    patrol.display_t_min_c, patrol.display_t_max_c = lo, hi
    session.commit()
    return RedirectResponse(f"{back}?ok=1", status_code=303)


@router.post("/patrols/{patrol_id}/report-meta", response_model=None)
async def patrol_report_meta(
    patrol_id: int, request: Request, user: Annotated[User, allowed("finding.override")], session: SessionDep
) -> RedirectResponse:
    """The report details of a patrol (number, company, signatures, instrument …), audited."""
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    form = await request.form()
    meta = {k: str(form.get(k) or "").strip()[:200] for k in REPORT_META_KEYS}
    meta = {k: v for k, v in meta.items() if v}
    detail = {"from": patrol.report_meta, "to": meta}
    record(session, user.username, "report-meta", "patrol", patrol_id, detail)
    patrol.report_meta = meta or None
    session.commit()
    return RedirectResponse(f"{PREFIX}/patrols/{patrol_id}?ok=1", status_code=303)


def _weather_changes(patrol: Patrol, typed: dict[str, str | None], rain: bool | None) -> dict[str, Any]:
    """The weather and load (A) typed for ``patrol`` that differ from what it holds, each checked
    against :data:`irpatrol.registry.patrols.WEATHER_RANGES`; blank fields are left as stored."""
    changes: dict[str, Any] = {}
    loads = {pf.load_current_a for pf in patrol.feeders}
    for key, raw in typed.items():
        value = check_weather_value(key, form_float(raw, key))
        if value is None:
            continue
        now = loads if key == "load_current_a" else {getattr(patrol, key)}
        if now != {value}:
            changes[key] = value
    if rain is not None and bool(patrol.rain) != rain:
        changes["rain"] = rain
    return changes


@router.post("/patrols/{patrol_id}/weather", response_model=None)
def patrol_weather(patrol_id: int, user: Annotated[User, allowed("patrol.weather")], session: SessionDep,
                   reason: Annotated[str, Form()] = "",
                   ambient_c: Annotated[str | None, Form(max_length=40)] = None,
                   humidity_pct: Annotated[str | None, Form(max_length=40)] = None,
                   wind_m_s: Annotated[str | None, Form(max_length=40)] = None,
                   load_current_a: Annotated[str | None, Form(max_length=40)] = None,
                   rain: Annotated[str | None, Form(max_length=10)] = None) -> RedirectResponse:
    """The weather and load current of a patrol as an analyst measured or learned them (the
    permission table's ``patrol.weather``), with a reason (audited, with the values before). The
    load current (A) is set on every feeder the patrol flew; DL/T 664-2016 §4.3 judges a reading
    only with wind ≤ 5 m/s and the load known, so reports show "—" until these are entered."""
    back = f"{PREFIX}/patrols/{patrol_id}"
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    try:
        typed = {"ambient_c": ambient_c, "humidity_pct": humidity_pct, "wind_m_s": wind_m_s,
                 "load_current_a": load_current_a}
        changes = _weather_changes(patrol, typed, (rain or "").strip().lower() in ("1", "on", "true", "yes"))
        if changes:
            patrol_admin.edit_patrol(session, patrol_id, changes, reason=reason, user=user.username)
    except IrPatrolError as exc:
        session.rollback()
        return RedirectResponse(f"{back}?flash={_q(error_text(exc.message, user.language))}", status_code=303)
    session.commit()
    return RedirectResponse(f"{back}?ok=1", status_code=303)


@router.post("/patrols/{patrol_id}/edit", response_model=None)
def patrol_edit(patrol_id: int, user: Annotated[User, allowed("patrol.admin")], session: SessionDep,
                reason: Annotated[str, Form()] = "", day: Annotated[str | None, Form(alias="date")] = None,
                ambient_c: Annotated[str | None, Form()] = None,
                humidity_pct: Annotated[str | None, Form()] = None,
                wind_m_s: Annotated[str | None, Form()] = None,
                load_current_a: Annotated[str | None, Form(max_length=40)] = None,
                note: Annotated[str | None, Form(max_length=2000)] = None) -> RedirectResponse:
    """An admin's correction of a patrol's date, weather, load current (A, every feeder flown) or
    note, with a reason (audited); numbers checked as in :func:`patrol_weather`."""
    back = f"{PREFIX}/patrols/{patrol_id}"
    try:
        changes: dict[str, Any] = {}
        if day:
            try:
                changes["date"] = date.fromisoformat(day)
            except ValueError:
                raise InputError(f"date: expected YYYY-MM-DD, got {day!r}") from None
        for key, raw in (("ambient_c", ambient_c), ("humidity_pct", humidity_pct), ("wind_m_s", wind_m_s),
                         ("load_current_a", load_current_a)):
            if raw is not None and raw.strip():
                changes[key] = check_weather_value(key, form_float(raw, key))
        if note is not None:
            changes["note"] = note.strip() or None
        patrol_admin.edit_patrol(session, patrol_id, changes, reason=reason, user=user.username)
    except NotFound:
        raise
    except IrPatrolError as exc:
        session.rollback()
        return RedirectResponse(f"{back}?flash={_q(error_text(exc.message, user.language))}", status_code=303)
    session.commit()
    return RedirectResponse(f"{back}?ok=1", status_code=303)


@router.post("/patrols/{patrol_id}/remove", response_model=None)
def patrol_remove(
    patrol_id: int, user: Annotated[User, allowed("patrol.admin")], session: SessionDep,
    settings: SettingsDep, reason: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Remove a patrol and what was ingested for it, with a reason (admin, audited)."""
    try:
        patrol_admin.remove_patrol(session, patrol_id, reason=reason, user=user.username,
                                   data_dir=settings.data_dir)
    except NotFound:
        raise
    except IrPatrolError as exc:
        session.rollback()
        message = _q(error_text(exc.message, user.language))
        return RedirectResponse(f"{PREFIX}/patrols/{patrol_id}?flash={message}", status_code=303)
    session.commit()
    patrol_admin.delete_files(session, settings.data_dir)
    return RedirectResponse(f"{PREFIX}/patrols?ok=1", status_code=303)


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text[:300])
