"""The status-change form of the defect and hazard pages (web.transitions): a change that goes
through is saved and redirects to the page with "Saved."; a refused one leaves the record as it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from irpatrol.registry.model import Defect, Hazard

Web = tuple[TestClient, dict[str, int]]
Login = Callable[..., None]


@pytest.mark.parametrize(("model", "path", "refused_to", "to"), [
    (Defect, "/ui/ledger/{id}", "repaired", "confirmed"),
    (Hazard, "/ui/hazards/{id}", "reopened", "mitigation_scheduled"),
])
def test_a_change_is_saved_and_a_refused_one_is_not(web: Web, login: Login, model: type, path: str,
                                                   refused_to: str, to: str) -> None:
    client, ids = web
    login(client)
    record_id = ids["defect"] if model is Defect else 1
    url = path.format(id=record_id)
    sessions = client.app.state.session_factory

    refused = client.post(f"{url}/transition", data={"to_status": refused_to}, follow_redirects=False)
    assert refused.status_code == 200 and 'class="flash error"' in refused.text
    with sessions() as session:
        before = session.get(model, record_id).status
    assert before != refused_to

    done = client.post(f"{url}/transition", data={"to_status": to, "comment": "ok by test"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}?ok=1"
    with sessions() as session:
        assert session.get(model, record_id).status == to
    shown = client.get(done.headers["location"]).text
    assert 'class="flash ok">Saved.<' in shown
