"""The analysts' verdicts on the defect page and the detector's precision on the dashboard (issue 10,
item 6): rejecting the seeded defect's automatic finding asks for one of the fixed reasons, the
verdict is shown on the page, and the dashboard's figure follows it, in both languages."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from irpatrol.registry.model import AuditLog, Defect, Finding

Web = tuple[TestClient, dict[str, int]]
Login = Callable[..., None]


def _precision_card(html: str) -> str:
    m = re.search(r'<div class="card kpi" id="kpi-precision">(.*?)</span></div>', html, re.S)
    assert m, "the dashboard shows the detector's precision"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m[1])).strip()


def test_a_rejection_asks_for_a_reason_and_the_dashboard_shows_the_precision(web: Web, login: Login) -> None:
    client, ids = web
    login(client)
    sessions = client.app.state.session_factory
    assert _precision_card(client.get("/ui/").text) == (
        "— Detector precision 0 real of 0 judged · awaiting judgement: 1"
    )

    url = f"/ui/ledger/{ids['defect']}"
    page = client.get(url).text
    options = re.findall(r'<select name="verdict" id="wo-verdict">(.*?)</select>', page, re.S)
    assert options and re.findall(r'value="(\w*)"', options[0]) == [
        "",
        "wrong_component",
        "reflection",
        "background",
        "duplicate",
    ]
    assert 'data-for="rejected"' in page

    refused = client.post(
        f"{url}/transition", data={"to_status": "rejected", "reason": "glint"}, follow_redirects=False
    )
    assert refused.status_code == 200 and "needs a verdict: wrong component, reflection" in refused.text
    with sessions() as session:
        assert session.get(Defect, ids["defect"]).status == "new"
        assert session.scalar(select(Finding.verdict).where(Finding.defect_id == ids["defect"])) is None

    done = client.post(
        f"{url}/transition", data={"to_status": "rejected", "verdict": "reflection"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    with sessions() as session:
        assert session.get(Defect, ids["defect"]).status == "rejected"
        finding = session.scalar(select(Finding).where(Finding.defect_id == ids["defect"]))
        assert finding is not None and finding.verdict == "reflection"
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "verdict"))
        assert audit is not None and audit.username == "demo-admin" and audit.entity_id == finding.id
    shown = client.get(url).text
    assert 'data-verdict="reflection">Verdict: reflection<' in shown
    assert "Reason: reflection" in shown

    assert _precision_card(client.get("/ui/").text) == (
        "0.0 % Detector precision 0 real of 1 judged · awaiting judgement: 0"
    )
    login(client, "viewer1")  # Chinese
    chinese = _precision_card(client.get("/ui/").text)
    assert chinese == "0.0 % 自动识别准确率 已判定 1 条，真实 0 条 · 待判定: 0"
    assert "反射" in client.get(url).text
