"""Schemathesis against the app's OpenAPI description, in process (ASGI), as an admin: whatever
it sends, the server answers without a 5xx. Examples per operation are bounded to keep the run
well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.config import Settings
from irpatrol.registry import auth, defects, hazards

MAX_EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """An app over a fresh SQLite database with an admin, a defect and a hazard to act on."""
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    cfg = Settings(data_dir=data_dir, upload_limit_bytes=200_000)
    db.upgrade(cfg.effective_database_url)
    with db.session_scope(cfg) as session:
        admin = auth.add_user(session, "fuzz-admin", role="admin", password="fuzz-password")
        token = auth.create_token(admin, cfg.secret_key)
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


def test_no_operation_gives_a_server_error(fuzz_app: tuple[FastAPI, dict[str, str]]) -> None:
    app, admin = fuzz_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=dict(admin), checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:  # one report listing every failing operation
            failures.append(f"{operation.label}: {exc}")
    assert operations > 20
    assert not failures, "\n\n".join(failures)
