"""A patrol made by an upload (the ingest job the web upload and the API start, or ``irpatrol
ingest`` without weather options) carries the weather its images recorded and what the uploader or
the admin entered; a hotspot the analyst marks on it has δ by the standard's formula over the T1,
T2 and T0 stored with it; a defect the analyst's override opens records who did it (issue 14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol import radiometry
from irpatrol.config import Settings
from irpatrol.ingest import jobs
from irpatrol.registry import judgement, patrol_admin, patrols
from irpatrol.registry.model import AuditLog, Defect, DefectEvent, Finding, Image, Patrol
from irpatrol.registry.patrols import Weather
from irpatrol.reports.content import patrol_report


def _upload(
    sessions: sessionmaker[Session],
    flight: Path,
    feeder: str,
    settings: Settings,
    weather: Weather | None = None,
) -> Patrol:
    with sessions() as session:
        job = jobs.create_ingest_job(
            session, folder=flight, feeder=feeder, date=date(2026, 6, 1), weather=weather
        )
        session.commit()
        job_id = job.id
    jobs.run_ingest_job(sessions, job_id, settings)
    with sessions() as session:
        assert jobs.get_job(session, job_id).status == "done"
        patrol = session.scalars(select(Patrol)).one()
        session.expunge(patrol)
        return patrol


def test_an_uploaded_patrol_shows_the_weather_its_images_recorded(
    sessions: sessionmaker[Session], flight: Path, feeder: str, settings: Settings, ambient_c: float
) -> None:
    patrol = _upload(sessions, flight, feeder, settings)
    assert patrol.ambient_c == pytest.approx(ambient_c)  # the cameras' atmospheric temperature
    assert patrol.humidity_pct == pytest.approx(50.0)  # and relative humidity
    with sessions() as session:
        summary = patrols.summary(session, session.get(Patrol, patrol.id))  # type: ignore[arg-type]
        assert (summary["ambient_c"], summary["humidity_pct"]) == (patrol.ambient_c, patrol.humidity_pct)
        report = patrol_report(session, patrol.id)
        assert (report.ambient_c, report.humidity_pct) == (patrol.ambient_c, patrol.humidity_pct)
        assert session.scalar(select(AuditLog).where(AuditLog.action == "weather-from-images")) is not None
        # wind and load are in no camera file: the admin enters them, and the report shows them
        patrol_admin.edit_patrol(
            session,
            patrol.id,
            {"wind_m_s": 2.5, "load_current_a": 180.0},
            reason="from the dispatch log",
            user="admin1",
        )
        session.commit()
        report = patrol_report(session, patrol.id)
        assert report.wind_m_s == 2.5 and report.feeders == [(feeder, 180.0)]


def test_the_uploaders_weather_reaches_the_patrol_and_wins_over_the_images(
    sessions: sessionmaker[Session], flight: Path, feeder: str, settings: Settings
) -> None:
    weather = Weather(ambient_c=27.5, wind_m_s=1.2, load_current_a={feeder: 210.0})
    patrol = _upload(sessions, flight, feeder, settings, weather)
    assert (patrol.ambient_c, patrol.wind_m_s) == (27.5, 1.2)
    assert patrol.humidity_pct == pytest.approx(50.0)  # not entered: the images' value
    with sessions() as session:
        assert patrol_report(session, patrol.id).feeders == [(feeder, 210.0)]


def test_a_manual_hotspot_has_delta_by_the_standards_formula_with_the_stored_t0(
    sessions: sessionmaker[Session], flight: Path, feeder: str, settings: Settings, ambient_c: float
) -> None:
    """δ = (T1 − T2)/(T1 − T0) × 100 % (DL/T 664-2016 §3) with the analyst's T2 and the patrol's
    stored T0; a region no warmer than T0 has no δ (not a −50 % made of noise)."""
    patrol = _upload(sessions, flight, feeder, settings)
    with sessions() as session:
        hot = session.scalars(
            select(Finding).where(Finding.origin.is_(None)).order_by(Finding.t_max_c.desc())
        ).first()
        assert hot is not None
        x, y, w, h = hot.bbox_x, hot.bbox_y, hot.bbox_w, hot.bbox_h
        f = judgement.add_manual_finding(
            session,
            hot.image_id,
            component_kind="t-clamp",
            bbox=[x, y, w, h],
            reference_bbox=[0, 0, 40, 30],
            data_dir=settings.data_dir,
            user="ana",
        )
        assert f.t_ambient_c == patrol.ambient_c and f.diagnosis["ambient_source"] == "patrol"
        assert f.t_ref_source == "user-region" and f.t_ref_c is not None
        t1, t2, t0 = f.t_max_c, f.t_ref_c, f.t_ambient_c
        assert f.delta_pct == pytest.approx((t1 - t2) / (t1 - t0) * 100.0, abs=1e-6)
        assert f.delta_t_k == pytest.approx(t1 - t2, abs=1e-6) and f.rise_k == pytest.approx(
            t1 - t0, abs=1e-6
        )
        # a recompute measures again in the analyst's regions and keeps the stored T0
        again = judgement.recompute_save(session, f.id, emissivity=0.9, data_dir=settings.data_dir)
        assert again.t_ref_source == "user-region" and again.t_ambient_c == t0 and again.t_max_c > t1
        t1, t2 = again.t_max_c, again.t_ref_c
        assert t2 is not None and again.delta_pct == pytest.approx((t1 - t2) / (t1 - t0) * 100.0, abs=1e-6)
        quiet = session.scalars(select(Image).where(Image.pole_id.is_not(None))).first()
        assert quiet is not None and quiet.width and quiet.height
        cold = judgement.add_manual_finding(
            session,
            quiet.id,
            component_kind="t-clamp",
            bbox=_coldest_box(settings.data_dir / quiet.stored_path, 40),
            reference_bbox=[0, 0, 40, 40],
            data_dir=settings.data_dir,
        )
        assert cold.t_ambient_c == patrol.ambient_c and cold.t_max_c < ambient_c
        assert cold.delta_pct is None


def _coldest_box(path: Path, size: int) -> list[int]:
    """[x, y, w, h] of the ``size``-pixel square (on a grid of half its size) whose warmest pixel is
    the coldest of the frame: a region no warmer than the air in a field frame (sky or shade)."""
    celsius = radiometry.read(path).celsius
    step = size // 2
    corners = [(y, x) for y in range(0, celsius.shape[0] - size + 1, step)
               for x in range(0, celsius.shape[1] - size + 1, step)]
    y, x = min(corners, key=lambda c: float(celsius[c[0]:c[0] + size, c[1]:c[1] + size].max()))
    return [x, y, size, size]


def test_a_defect_opened_by_an_override_records_who(
    sessions: sessionmaker[Session], flight: Path, feeder: str, settings: Settings
) -> None:
    _upload(sessions, flight, feeder, settings)
    with sessions() as session:
        quiet = session.scalars(
            select(Finding).where(Finding.defect_id.is_(None), Finding.pole_id.is_not(None))
        ).first()
        if quiet is None:  # every automatic finding is a defect already: mark one by hand
            image = session.scalars(select(Image).where(Image.pole_id.is_not(None))).first()
            assert image is not None
            quiet = judgement.add_manual_finding(
                session, image.id, component_kind="t-clamp", bbox=[0, 0, 20, 20], data_dir=settings.data_dir
            )
        assert quiet.defect_id is None
        judgement.override(
            session, quiet.id, reason="loose bolt on the visible photo", grade="critical", user="ana"
        )
        session.commit()
        defect = session.get(Defect, quiet.defect_id or 0)
        assert defect is not None and defect.created_by == "ana"
        opened = session.scalar(
            select(DefectEvent).where(DefectEvent.defect_id == defect.id, DefectEvent.to_status == "new")
        )
        assert opened is not None and opened.username == "ana"
        created = session.scalar(
            select(AuditLog).where(
                AuditLog.action == "create", AuditLog.entity == "defect", AuditLog.entity_id == defect.id
            )
        )
        assert created is not None and created.username == "ana"
