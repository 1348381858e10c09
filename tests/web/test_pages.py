"""Every page renders for a signed-in user, in English and Chinese; the workflow and the
downloads work through the pages."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import numpy as np
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from irpatrol.web.i18n import LABELS

Web = tuple[TestClient, dict[str, int]]
Login = Callable[..., None]


def test_pages_need_a_login(web: Web, login: Login) -> None:
    client, _ = web
    client.cookies.clear()
    r = client.get("/ui/ledger", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login?next=/ui/ledger")
    client.get("/ui/login")  # a new CSRF cookie; the client sends its token as X-CSRF-Token
    client.headers["X-CSRF-Token"] = client.cookies["irpatrol_csrf"]
    bad = client.post("/ui/login", data={"username": "demo-admin", "password": "wrong-password"})
    assert bad.status_code == 401 and "Wrong user name or password" in bad.text


@pytest.mark.parametrize(
    "path",
    ["/ui/", "/ui/map", "/ui/patrols", "/ui/patrols/{patrol}", "/ui/viewer/{image}", "/ui/ledger",
     "/ui/ledger/{defect}", "/ui/hazards", "/ui/hazards/1", "/ui/schedule", "/ui/assets", "/ui/users",
     "/ui/poles/{pole}", "/ui/ledger?grade=serious&status=open&overdue=1"],
)
def test_every_page_renders(web: Web, path: str, login: Login) -> None:
    client, ids = web
    login(client)
    r = client.get(path.format(**ids))
    assert r.status_code == 200, r.text[:500]
    assert "Demo data" in r.text
    assert "http://" not in r.text.replace("http://www.w3.org", "") and "https://" not in r.text


def test_language_is_stored_on_the_user(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    r = client.post("/ui/lang/zh", headers={"referer": f"http://testserver/ui/ledger/{ids['defect']}"},
                    follow_redirects=False)
    assert r.headers["location"] == f"/ui/ledger/{ids['defect']}"
    page = client.get(f"/ui/ledger/{ids['defect']}").text
    assert "严重" in page and "缺陷台账" in page and "新发现" in page
    client.post("/ui/lang/en", headers={"referer": "http://testserver/ui/"})
    assert "Defect ledger" in client.get("/ui/").text


def test_confirm_a_defect_writes_the_timeline(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    url = f"/ui/ledger/{ids['defect']}"
    refused = client.post(f"{url}/transition", data={"to_status": "repaired"})
    assert refused.status_code == 200 and "cannot become" in refused.text
    r = client.post(f"{url}/transition", data={"to_status": "confirmed", "comment": "seen on site"})
    assert r.status_code == 200 and "seen on site" in r.text
    assert "confirmed" in r.text.split('id="defect-status"')[1][:40]


def test_viewer_serves_float32_temperatures(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    r = client.get(f"/ui/viewer/{ids['image']}/celsius.bin")
    w, h = int(r.headers["x-width"]), int(r.headers["x-height"])
    temps = np.frombuffer(r.content, dtype="<f4").reshape(h, w)
    assert (w, h) == (80, 60)
    assert temps[22, 32] == pytest.approx(96.4, abs=1e-3) and temps[0, 0] == pytest.approx(22.0)
    png = client.get(f"/ui/viewer/{ids['image']}/thermal.png?w=40&palette=rainbow")
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"


def test_downloads(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    pdf = client.get(f"/ui/reports/patrols/{ids['patrol']}.pdf?lang=zh")
    assert pdf.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = "".join(p.extract_text() for p in pages)
    assert "N1" in text and "严重缺陷" in text and "96.4" in text and "31.2" in text
    assert sum(len(p.images) for p in pages) >= 1  # the defect's thermogram, from the stored file
    xlsx = client.get("/ui/reports/ledger.xlsx?lang=zh&grade=serious")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.cell(1, 1).value == "缺陷编号" and ws.cell(2, 4).value == "N1" and ws.max_row == 2
    csv = client.get("/ui/reports/ledger.csv?lang=en").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Defect no.,Area,Feeder,Pole")


def test_viewer_role_cannot_transition(web: Web, login: Login) -> None:
    client, ids = web
    client.cookies.clear()
    login(client, "viewer1")
    page = client.get(f"/ui/ledger/{ids['defect']}").text
    assert 'id="transition-form"' not in page and "严重" in page  # the viewer reads Chinese
    r = client.post(f"/ui/ledger/{ids['defect']}/transition", data={"to_status": "repair_scheduled"})
    assert r.status_code == 403 and "分析员" in r.text and 'id="error-message"' in r.text
    assert client.get("/ui/ledger/9999").status_code == 404


def test_every_label_has_both_languages() -> None:
    for key, (en, zh) in LABELS.items():
        assert en.strip() and zh.strip(), key


def test_schedule_calendar_and_mission_downloads(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    page = client.get("/ui/schedule").text
    assert 'id="calendar"' in page and "day-data" in page
    pattern = r'href="(/ui/schedule/\d+/missions\?day=[^"&]+&(?:amp;)?crew=[^"&]+)&(?:amp;)?format=wpml"'
    link = re.search(pattern, page)
    assert link, "no mission link"
    url = link.group(1).replace("&amp;", "&")
    wpml = client.get(url + "&format=wpml")
    with zipfile.ZipFile(io.BytesIO(wpml.content)) as z:
        kmz = z.namelist()
        assert kmz and all(n.endswith(".kmz") for n in kmz)
        with zipfile.ZipFile(io.BytesIO(z.read(kmz[0]))) as inner:
            assert "wpmz/waylines.wpml" in inner.namelist()
    assert b"<kml" in client.get(url + "&format=kml").content
    assert client.get(url + "&format=geojson").json()["type"] == "FeatureCollection"
    assert client.get(url + "&format=ical").content.startswith(b"BEGIN:VCALENDAR")
    assert "wpml.zip" in wpml.headers["content-disposition"]


def test_a_mission_format_registered_once_is_offered_by_the_web(
    web: Web, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from irpatrol.reports.missions import MISSION_FORMATS, CrewDayQuery, MissionFile, MissionFormat

    def crews_txt(q: CrewDayQuery) -> list[MissionFile]:
        return [MissionFile(f"{q.crew}.txt", "text/plain", f"{q.crew} {q.day}".encode())]

    monkeypatch.setitem(MISSION_FORMATS, "txt", MissionFormat("text/plain", crews_txt, "{day}-{crew}.txt"))
    client, _ = web
    login(client)
    page = client.get("/ui/schedule").text
    link = re.search(r'href="(/ui/schedule/\d+/missions\?day=([^"&]+)&(?:amp;)?crew=([^"&]+))&', page)
    assert link, "no mission link"
    r = client.get(link.group(1).replace("&amp;", "&") + "&format=txt")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert f'filename="{link.group(2)}-{link.group(3)}.txt"' in r.headers["content-disposition"]
    assert client.get(link.group(1).replace("&amp;", "&") + "&format=pdf").status_code == 422


def test_hazard_workflow(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    refused = client.post("/ui/hazards/1/transition", data={"to_status": "rejected"})
    assert "reason is required" in refused.text
    done = client.post("/ui/hazards/1/transition",
                       data={"to_status": "mitigation_scheduled", "comment": "crew B"})
    assert done.status_code == 200 and "mitigation scheduled" in done.text and "crew B" in done.text


def test_asset_import_shows_the_row_error(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    bad = "feeder,pole,lat,lon\n10kV New Line,N1,30.1,120.1\n10kV New Line,N2,ninety,120.2\n"
    r = client.post("/ui/assets/import", files={"file": ("poles.csv", bad.encode(), "text/csv")})
    assert 'id="row-errors"' in r.text and "line 3" in r.text and "lat" in r.text
    good = "feeder,pole,lat,lon\n10kV New Line,N1,30.1,120.1\n10kV New Line,N2,30.2,120.2\n"
    r = client.post("/ui/assets/import", files={"file": ("poles.csv", good.encode(), "text/csv")})
    assert "poles_created 2" in r.text and "10kV New Line" in r.text


def test_admin_adds_a_user(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    r = client.post("/ui/users", data={"username": "pilot7", "password": "long-enough-1", "role": "pilot",
                                       "language": "zh"})
    assert r.status_code == 200 and "pilot7" in r.text
    again = client.post("/ui/users",
                        data={"username": "pilot7", "password": "long-enough-1", "role": "pilot"})
    assert "already exists" in again.text


def test_recompute_of_a_temperature_only_file_says_why_not(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    r = client.get(f"/ui/viewer/{ids['image']}/celsius.bin?emissivity=0.95")
    assert r.status_code == 422 and "cannot be changed" in r.text
    assert client.get(f"/ui/viewer/{ids['image']}/celsius.bin?emissivity=1.5").status_code == 422


def test_dashboard_figures_come_from_the_registry(web: Web, login: Login) -> None:
    client, _ = web
    login(client)
    page = client.get("/ui/").text
    assert 'id="kpi-km">1.20<' in page and 'id="kpi-poles">2<' in page
    assert "East district" in page and "40.0 %" in page  # 2 of 5 poles of the area inspected
