"""Schemathesis against the app's OpenAPI description, in process (ASGI), as an admin: whatever
it sends, the server answers without a 5xx — on SQLite and on PostgreSQL (issue 12: PostgreSQL
refuses NUL in text, and the recompute once divided by zero there). Examples per operation are
bounded to keep each run well under a minute; the recompute gets more (:data:`RECOMPUTE_EXAMPLES`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from database import BACKENDS, migrated_settings
from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.config import Settings, ensure_secret_key
from irpatrol.ingest import ingest_folder
from irpatrol.registry import assets, auth, defects, hazards
from irpatrol.registry.model import Plan
from irpatrol.simulate.flight import FlightSpec, HotSpec, PoleSpot, write_flight

MAX_EXAMPLES = 25
RECOMPUTE_EXAMPLES = 80
"""Examples for ``POST /findings/{id}/recompute`` (extreme parameters once gave a 500 there)."""
SKIPPED = ("/auth/logout", "/auth/logout-all")
"""Operations that would end the fuzzer's own session (every later call would get 401)."""


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """An app over a fresh database (SQLite, or a scratch PostgreSQL schema) with records #1 of
    every kind to act on (the fuzzer tries the smallest id often): an ingested simulated flight
    (patrol, images, findings, a defect), a hazard and a plan."""
    data_dir: Path = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with migrated_settings(request.param, data_dir, sqlite_template, upload_limit_bytes=200_000) as cfg:
        yield from _fuzz_app(cfg)


def _fuzz_app(cfg: Settings) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    data_dir = cfg.data_dir
    poles = data_dir / "poles.csv"
    poles.write_text("feeder,pole,lat,lon\nF-FUZZ,N1,30.1,120.2\nF-FUZZ,N2,30.1008,120.2005\n")
    with db.session_scope(cfg) as session:
        admin = auth.add_user(session, "fuzz-admin", role="admin", password="fuzz-password")
        token = auth.start_session(session, admin, ensure_secret_key(cfg))
        assets.import_assets(session, poles)
        session.add(Plan(name="fuzz plan", params={}, result={}))
    flight = data_dir / "flight"
    write_flight(
        flight,
        "F-FUZZ",
        [PoleSpot("N1", 30.1, 120.2), PoleSpot("N2", 30.1008, 120.2005)],
        FlightSpec(width=160, height=128),
        [HotSpec.parse("N1:parallel-groove-clamp:40")],
    )
    ingest_folder(
        db.session_factory(db.engine_for(cfg)),
        flight,
        feeder="F-FUZZ",
        date="2026-07-14",
        settings=cfg,
        workers=1,
    )
    with db.session_scope(cfg) as session:
        defects.open_defect(session, grade="critical", pole_id=None, description="fuzz target")
        hazards.add_hazard(session, kind="vegetation", lat=30.0, lon=120.0, clearance_m=1.0, required_m=1.5)
    app = create_app(cfg)
    with TestClient(app):  # run the lifespan (job runner) around the whole module
        yield app, {"Authorization": f"Bearer {token}"}


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.slow
def test_no_operation_gives_a_server_error(fuzz_app: tuple[FastAPI, dict[str, str]]) -> None:
    app, admin = fuzz_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if operation.path in SKIPPED:
            continue
        examples = RECOMPUTE_EXAMPLES if operation.path.endswith("/recompute") else MAX_EXAMPLES

        @settings(FUZZ_SETTINGS, max_examples=examples)
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=dict(admin), checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:  # one report listing every failing operation
            failures.append(f"{operation.label}: {exc}")
    assert operations > 20
    assert not failures, "\n\n".join(failures)
