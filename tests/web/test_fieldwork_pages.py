"""Acceptance and work-site pages over the small seeded registry: they render in both languages,
a refused change comes back as a message, a crew sees only its own sites, and no template of
issue 16 carries inline script or event handlers (the CSP forbids them)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from irpatrol.acceptance import service as acceptance
from irpatrol.registry import auth
from irpatrol.registry.model import Crew
from irpatrol.supervision import service as sites

PASSWORD = "correct-horse-1"  # the seeded users' password (tests/web/conftest.py)

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "irpatrol" / "web" / "templates"
OURS = (
    "acceptance_list.html",
    "acceptance_project.html",
    "acceptance_item.html",
    "sites.html",
    "site.html",
    "violations.html",
)


def _seed(client: TestClient) -> dict[str, int]:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as s:
        existing = acceptance.list_projects(s)
        if existing:
            by_ticket = {x.ticket_no: x.id for x in sites.list_sites(s)}
            return {"project": existing[0].id, "site": by_ticket["PAGE-1"], "other": by_ticket["PAGE-2"]}
        p = acceptance.create_project(
            s,
            name="Page project",
            kind="tree-clearance",
            feeder="10kV Qingshan Line",
            from_pole="N1",
            to_pole="N2",
            contractor="Green Co",
        )
        s.add_all([Crew(name="Page crew"), Crew(name="Other crew")])
        s.flush()
        auth.add_user(s, "crew1", role="pilot", password=PASSWORD)
        sites.add_crew_member(s, "Page crew", "crew1")
        start = datetime(2026, 6, 1, 8, tzinfo=UTC)
        site = sites.create_site(
            s,
            ticket_no="PAGE-1",
            feeder="10kV Qingshan Line",
            poles=["N2", "N3"],
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            crew="Page crew",
        )
        other = sites.create_site(
            s,
            ticket_no="PAGE-2",
            feeder="10kV Qingshan Line",
            poles=["N4"],
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            crew="Other crew",
        )
        sites.record_violation(s, site.id, type="no-fence-sign", description="<b>no fence</b>")
        s.commit()
        return {"project": p.id, "site": site.id, "other": other.id}


def test_pages_render_in_both_languages(web: tuple[TestClient, dict[str, int]], login) -> None:  # type: ignore[no-untyped-def]
    client, _ids = web
    login(client, "demo-admin")
    ids = _seed(client)
    p = client.get(f"/ui/acceptance/{ids['project']}")
    assert p.status_code == 200 and "Page project" in p.text and 'data-code="tree-clearance"' in p.text
    item = re.search(r'href="/ui/acceptance/items/(\d+)"', p.text)
    assert item
    assert "Clearance from conductors to trees" in client.get(f"/ui/acceptance/items/{item.group(1)}").text
    site = client.get(f"/ui/sites/{ids['site']}")
    assert site.status_code == 200 and "&lt;b&gt;no fence&lt;/b&gt;" in site.text  # text never becomes HTML
    login(client, "viewer1")  # a Chinese-speaking viewer
    assert "验收项目" in client.get("/ui/acceptance").text
    assert "违章台账" in client.get("/ui/violations").text
    dash = client.get("/ui/")
    assert 'id="kpi-violations">1<' in dash.text and "未完成验收项" in dash.text


def test_refused_change_comes_back_as_a_message(web: tuple[TestClient, dict[str, int]], login) -> None:  # type: ignore[no-untyped-def]
    client, _ids = web
    login(client, "demo-admin")
    ids = _seed(client)
    r = client.post(f"/ui/acceptance/{ids['project']}/accept", follow_redirects=True)
    assert r.status_code == 200 and "cannot be accepted yet" in r.text


def test_a_crew_sees_only_its_own_sites(web: tuple[TestClient, dict[str, int]], login) -> None:  # type: ignore[no-untyped-def]
    client, _ids = web
    login(client, "demo-admin")
    ids = _seed(client)
    login(client, "crew1")
    listing = client.get("/ui/sites").text
    assert "PAGE-1" in listing and "PAGE-2" not in listing
    assert client.get(f"/ui/sites/{ids['other']}").status_code == 404
    assert 'id="violation-form"' not in client.get(f"/ui/sites/{ids['site']}").text


def test_templates_have_no_inline_script_or_handlers() -> None:
    for name in OURS:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert '{% extends "base.html" %}' in text, name
        assert "<script" not in text and not re.search(r"\son[a-z]+\s*=", text), name
