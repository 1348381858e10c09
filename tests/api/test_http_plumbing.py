"""The error → status table, upload helpers, paging and the OpenAPI description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from irpatrol.api.app import create_app
from irpatrol.api.errors import UploadTooLarge, status_for
from irpatrol.api.uploads import batch_folder, folder_inside, safe_name
from irpatrol.config import Settings
from irpatrol.errors import (
    Conflict,
    ImportRowError,
    InputError,
    IrPatrolError,
    NotFound,
    ParameterError,
    PermissionDenied,
    ThermalFormatError,
)
from irpatrol.registry.auth import AuthenticationFailed


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (AuthenticationFailed("x"), 401),
        (PermissionDenied("x"), 403),
        (NotFound("x"), 404),
        (Conflict("x"), 409),
        (UploadTooLarge("x"), 413),
        (InputError("x"), 422),
        (ThermalFormatError("x"), 422),
        (ImportRowError("x"), 422),
        (ParameterError("x"), 422),
        (IrPatrolError("x"), 400),
    ],
)
def test_each_error_has_one_status(error: IrPatrolError, status: int) -> None:
    assert status_for(error) == status


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("DJI_0001_R.JPG", "DJI_0001_R.JPG"),
        ("../../etc/passwd", "passwd"),
        ("C:\\flights\\a b.tif", "a_b.tif"),
        (".hidden", "hidden"),
        ("", "upload"),
        ("热像.jpg", "jpg"),
    ],
)
def test_upload_names_lose_folders_and_odd_characters(given: str, kept: str) -> None:
    assert safe_name(given) == kept


def test_folders_must_stay_inside_the_data_folder(tmp_path: Path) -> None:
    (tmp_path / "flights" / "a").mkdir(parents=True)
    assert folder_inside(tmp_path, "flights/a") == (tmp_path / "flights" / "a").resolve()
    for bad in ("../x", "/etc", "flights/../../x", "a\x00b"):
        with pytest.raises(InputError):
            folder_inside(tmp_path, bad)
    with pytest.raises(InputError):
        batch_folder(tmp_path, "../x")
    assert batch_folder(tmp_path, "b-1") == tmp_path / "uploads" / "b-1"


def test_lists_page_and_sort_with_a_total(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    admin = headers["admin"]
    users = client.get("/users", params={"per_page": 2, "sort": "-username"}, headers=admin).json()
    assert users["per_page"] == 2 and len(users["items"]) == 2 and users["total"] >= 4
    everyone = client.get("/users", params={"per_page": 500, "sort": "username"}, headers=admin).json()
    names = [u["username"] for u in everyone["items"]]
    assert names == sorted(names)
    assert [u["username"] for u in users["items"]] == sorted(names, reverse=True)[:2]
    page2 = client.get("/users", params={"per_page": 2, "page": 2, "sort": "-username"}, headers=admin).json()
    assert [u["username"] for u in page2["items"]] == sorted(names, reverse=True)[2:4]
    r = client.get("/users", params={"sort": "password_hash"}, headers=admin)
    assert r.status_code == 422 and "cannot sort by" in r.json()["detail"]


def test_defect_list_filters_and_rejects_unknown_values(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    viewer = headers["viewer"]
    r = client.get("/defects", params={"status": "new", "grade": "serious", "per_page": 5}, headers=viewer)
    assert r.status_code == 200
    assert all(d["status"] == "new" and d["grade"] == "serious" for d in r.json()["items"])
    assert client.get("/defects", params={"status": "fixed"}, headers=viewer).status_code == 422
    assert client.get("/defects", params={"sort": "colour"}, headers=viewer).status_code == 422
    assert client.get("/defects", params={"per_page": 0}, headers=viewer).status_code == 422


def test_openapi_describes_the_bearer_scheme_and_every_tag(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"]
    tags = {t for ops in spec["paths"].values() for op in ops.values() for t in op.get("tags", [])}
    assert {
        "assets",
        "patrols",
        "images",
        "ingest",
        "findings",
        "defects",
        "hazards",
        "stats",
        "plans",
    } <= tags


@pytest.mark.parametrize(
    ("period", "status"),
    [
        ("2026", 200),
        ("2026-Q3", 200),
        ("2026-07-01..2026-07-31", 200),
        ("0001", 422),
        ("9999", 422),
        ("2026-13", 422),
    ],
)
def test_stats_periods(
    client: TestClient, headers: dict[str, dict[str, str]], period: str, status: int
) -> None:
    r = client.get("/stats", params={"period": period}, headers=headers["viewer"])
    assert r.status_code == status, r.text
    if status == 200:
        body = r.json()
        for key in (
            "images",
            "rejected",
            "findings",
            "defects",
            "poles_inspected",
            "km_flown",
            "coverage_pct",
        ):
            assert key in body
        assert body["previous_year"] is not None


def test_a_request_is_committed_before_its_answer_is_sent(settings: Settings, password: str) -> None:
    # FastAPI runs the code after a dependency's `yield` once the response has gone out unless the
    # dependency is function-scoped; the request's session must commit first, or a client is told
    # "signed in" / "saved" before the commit (which may still fail) and may read its own write too early
    events: list[str] = []
    app = create_app(settings)

    async def recorded(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                events.append("answer sent")
            await send(message)

        await app(scope, receive, sending)

    def committed(_: Session) -> None:
        events.append("committed")

    event.listen(Session, "after_commit", committed)
    try:
        with TestClient(recorded) as c:
            r = c.post("/auth/token", data={"username": "viewer", "password": password})
    finally:
        event.remove(Session, "after_commit", committed)
    assert r.status_code == 200, r.text
    assert "committed" in events and events.index("committed") < events.index("answer sent"), events
