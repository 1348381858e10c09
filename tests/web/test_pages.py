"""Every page renders for a signed-in user, in English and Chinese; the workflow and the
downloads work through the pages."""

from __future__ import annotations

import io
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
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "N1" in text and "严重缺陷" in text and "96.4" in text and "31.2" in text
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
    with pytest.raises(Exception, match="analyst"):
        client.post(f"/ui/ledger/{ids['defect']}/transition", data={"to_status": "repair_scheduled"})


def test_every_label_has_both_languages() -> None:
    for key, (en, zh) in LABELS.items():
        assert en.strip() and zh.strip(), key
