"""Demo data of issue 16, built by ``irpatrol demo`` (:func:`irpatrol.demo.build_demo`) through the
same services the CLI, API and pages use: one acceptance project on the demo feeder (two new poles
imported with it, every item checked with evidence, one failed item rectified and re-checked, the
project accepted) and one supervised work site (measures confirmed, one violation recorded from a
photo and rectified on site, waiting for the supervisor to close it). Pictures are drawn, labelled
as demo data."""

from __future__ import annotations

import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.acceptance import service as acceptance
from irpatrol.registry import auth
from irpatrol.registry.model import Feeder, Pole
from irpatrol.supervision import service as sites

PROJECT = "Demo: Qingshan line extension N22–N25"
TICKET = "DEMO-WT-2026-0142"
CONTRACTOR = "Demo Sanhe Electric Co."
SUPERVISOR = "demo-analyst"
CREW_USER = "demo-lineman"


def _picture(
    path: Path, text: str, *, crooked: bool = False, sky: tuple[int, int, int] = (150, 190, 230)
) -> Path:
    """A drawn 'photo' of a pole top (crossarm level, or tilted when ``crooked``), marked DEMO."""
    img = Image.new("RGB", (640, 480), sky)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 380, 640, 480), fill=(110, 140, 90))
    d.rectangle((305, 80, 335, 470), fill=(150, 150, 150))
    tilt = 28 if crooked else 0
    d.line((170, 140 - tilt, 470, 140 + tilt), fill=(60, 60, 60), width=12)
    for x in (200, 320, 440):
        y = 140 + (x - 320) * tilt // 150
        d.rectangle((x - 8, y - 40, x + 8, y - 6), fill=(235, 235, 225))
    d.text((12, 12), f"DEMO · {text}", fill=(0, 0, 0))
    img.save(path, "JPEG", quality=85)
    return path


def _site_picture(path: Path, text: str) -> Path:
    """A drawn overhead view of a work site: workers without an earthing set at the pole."""
    img = Image.new("RGB", (640, 480), (120, 150, 100))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 200, 640, 260), fill=(90, 90, 90))
    d.ellipse((300, 210, 340, 250), fill=(170, 170, 170))
    for x, y in ((250, 300), (380, 310), (420, 180)):
        d.ellipse((x - 10, y - 10, x + 10, y + 10), fill=(255, 200, 0))
    d.rectangle((180, 120, 480, 360), outline=(255, 80, 0), width=3)
    d.text((12, 12), f"DEMO · {text}", fill=(255, 255, 255))
    img.save(path, "JPEG", quality=85)
    return path


def build(session: Session, data_dir: Path, *, feeder: str, crew: str) -> list[tuple[str, str, str]]:
    """Build the demo project and site on ``feeder`` (crew ``crew``); returns the extra login
    (the crew member who sees the site)."""
    poles = session.scalars(select(Pole).join(Feeder).where(Feeder.name == feeder).order_by(Pole.seq)).all()
    last = poles[-1]
    step_lat = poles[-1].lat - poles[-2].lat
    step_lon = poles[-1].lon - poles[-2].lon
    rows = ["feeder,pole,lat,lon,pole_type"] + [
        f"{feeder},N{len(poles) + i},{last.lat + i * step_lat:.7f},{last.lon + i * step_lon:.7f},concrete"
        for i in (1, 2)
    ]
    today = datetime.now(UTC).date()
    project = acceptance.create_project(
        session,
        name=PROJECT,
        kind="new-pole-line",
        feeder=feeder,
        from_pole=poles[-2].number,
        to_pole=last.number,
        poles_file=("demo-new-poles.csv", ("\n".join(rows) + "\n").encode()),
        contractor=CONTRACTOR,
        planned_start=today - timedelta(days=20),
        planned_end=today - timedelta(days=5),
        actual_start=today - timedelta(days=19),
        inspector=SUPERVISOR,
        reviewer="demo-admin",
        approver="demo-admin",
        user=SUPERVISOR,
    )
    crooked_pole = project.poles[-1].pole_id
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [
            (
                f"DJI_DEMO_{n:04d}_W_{ap.pole_id}.JPG",
                _picture(folder / f"w{n}.jpg", f"pole {ap.pole.number}", crooked=ap.pole_id == crooked_pole),
            )
            for n, ap in enumerate(project.poles)
        ]
        acceptance.ingest_photos(session, project.id, files, data_dir=data_dir, user="demo-pilot")
        failed = None
        for item in project.items:
            spec = acceptance.checklist_of(project).item(item.code)
            if spec.method == "measurement":
                value, unit = (6.5, "ohm") if item.code == "earthing" else (2.3, "m")
                acceptance.add_evidence(session, item.id, value=value, unit=unit, user=SUPERVISOR)
            elif not item.evidence:
                acceptance.add_evidence(
                    session,
                    item.id,
                    data_dir=data_dir,
                    photo=_picture(folder / f"e{item.id}.jpg", f"{item.code}"),
                    user=SUPERVISOR,
                )
            if item.code == "crossarm-level" and item.pole_id == crooked_pole:
                failed = item
                acceptance.mark_item(
                    session,
                    item.id,
                    "fail",
                    note="crossarm tilted about 35 mm (limit 20 mm)",
                    assignee="Demo foreman Wang",
                    deadline=today - timedelta(days=3),
                    user=SUPERVISOR,
                    role="analyst",
                )
            else:
                acceptance.mark_item(session, item.id, "pass", user=SUPERVISOR, role="analyst")
        assert failed is not None
        rect = failed.rectifications[0]
        acceptance.update_rectification(session, rect.id, "rectified", user="demo-foreman", role="pilot")
        acceptance.add_evidence(
            session,
            failed.id,
            data_dir=data_dir,
            photo=_picture(folder / "fixed.jpg", "crossarm re-levelled", sky=(170, 205, 235)),
            note="after rectification",
            user=SUPERVISOR,
        )
        acceptance.update_rectification(
            session, rect.id, "verified", note="crossarm level within 10 mm", user=SUPERVISOR, role="analyst"
        )
        acceptance.accept_project(session, project.id, user="demo-admin", role="admin", on=today)

        password = secrets.token_urlsafe(9)
        auth.add_user(session, CREW_USER, role="pilot", password=password, language="zh")
        sites.add_crew_member(session, crew, CREW_USER)
        mid = poles[len(poles) // 2 - 1 : len(poles) // 2 + 2]
        start = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
        site = sites.create_site(
            session,
            ticket_no=TICKET,
            feeder=feeder,
            poles=[p.number for p in mid],
            starts_at=start,
            ends_at=start + timedelta(hours=7),
            crew=crew,
            contractor=CONTRACTOR,
            supervisor=SUPERVISOR,
            title="Demo: replace insulators on three poles",
            user=SUPERVISOR,
            role="analyst",
        )
        earthing_far = [m for m in site.measures if m.kind == "earthing-set"][-1]
        for m in site.measures:
            if m.id != earthing_far.id:
                sites.confirm_measure(session, m.id, user=SUPERVISOR, role="analyst")
        v = sites.record_violation(
            session,
            site.id,
            type="missing-earthing",
            photo=_site_picture(folder / "site.jpg", "no earthing set"),
            data_dir=data_dir,
            measure_id=earthing_far.id,
            description=f"No earthing set at pole {earthing_far.pole.number if earthing_far.pole else ''}",
            observed_at=start + timedelta(hours=1, minutes=12),
            user=SUPERVISOR,
            role="analyst",
        )
        sites.transition_violation(
            session, v.id, "rectified", comment="earthing set installed", user=CREW_USER, role="pilot"
        )
    return [(CREW_USER, "pilot", password)]
