"""The export registry: every format is one entry of ``reports.exports.EXPORTERS`` plus its writer,
and the API, the pages and the CLI offer a newly registered format without a change of their own."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from irpatrol.config import Settings, get_settings
from irpatrol.db import make_engine, session_factory
from irpatrol.errors import InputError, ParameterError
from irpatrol.registry.model import Defect, Feeder, Pole
from irpatrol.reports import exports
from irpatrol.reports.ledger import ledger_rows


def _json_ledger(session: Session, query: exports.LedgerQuery, lang: str) -> bytes:
    """A writer of a format that does not exist: the ledger as JSON lines."""
    rows = ledger_rows(session, query.filters, sort=query.sort)
    return json.dumps({"lang": lang, "poles": [r.pole for r in rows]}).encode()


@pytest.fixture
def with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """``EXPORTERS`` with one more entry, as adding a format is."""
    added = exports.Exporter("application/json", "json", {"ledger": _json_ledger})
    monkeypatch.setitem(exports.EXPORTERS, "json", added)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings over the test database of ``tests/conftest.py`` (each backend) holding one open
    defect at pole N8 of feeder F1."""
    s = Settings(data_dir=tmp_path, database_url=db_url, secret_key="k" * 40)
    engine = make_engine(s.effective_database_url)
    with session_factory(engine)() as session:
        feeder = Feeder(name="F1")
        pole = Pole(feeder=feeder, number="N8", seq=8, lat=28.1, lon=112.9)
        session.add_all([feeder, pole, Defect(kind="thermal", grade="serious", status="new", pole=pole,
                                              found_at=datetime.now(UTC))])
        session.commit()
    engine.dispose()
    return s


def test_every_registered_writer_has_its_media_type_and_suffix() -> None:
    for fmt, exporter in exports.EXPORTERS.items():
        assert exporter.suffix == fmt and "/" in exporter.media_type and exporter.writers, fmt
    assert exports.formats("ledger") == ("xlsx", "csv")
    assert exports.formats("feeder") == ("pdf", "xlsx") == exports.formats("site")
    assert exports.media_types("ledger") == (exports.XLSX_MEDIA_TYPE, "text/csv")


def test_a_kind_refuses_a_format_it_lacks(settings: Settings) -> None:
    session = session_factory(make_engine(settings.effective_database_url))()
    with session, pytest.raises(InputError, match="report format 'csv': one of pdf, xlsx"):
        exports.export(session, "feeder", "csv", exports.FeederQuery(1), "en")
    with pytest.raises(ParameterError, match="years must lie within"):
        exports.PeriodQuery(date(1, 1, 1), date(9999, 12, 31))


def test_a_new_format_reaches_the_api_and_the_pages(settings: Settings, with_json: None) -> None:
    from irpatrol.api.app import create_app
    from irpatrol.asgi import compose_app
    from irpatrol.registry import auth
    from irpatrol.web.deps import COOKIE

    with session_factory(make_engine(settings.effective_database_url))() as session:
        auth.add_user(session, "viewer", role="viewer", password="correct horse battery")
        session.commit()
    with TestClient(compose_app(create_app(settings))) as client:
        r = client.post("/auth/token", data={"username": "viewer", "password": "correct horse battery"})
        viewer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = client.get("/reports/ledger.json?lang=zh", headers=viewer)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"lang": "zh", "poles": ["N8"]}
        assert 'filename="irpatrol-ledger-' in r.headers["content-disposition"]
        assert r.headers["content-disposition"].split(";")[1].strip().endswith('.json"')
        assert client.get("/reports/ledger.ods", headers=viewer).status_code == 404
        assert client.get("/reports/feeders/1.json", headers=viewer).status_code == 404
        client.cookies.set(COOKIE, viewer["Authorization"].removeprefix("Bearer "))  # the pages' sign-in
        r = client.get("/ui/reports/ledger.json?grade=serious")
        assert r.status_code == 200 and r.json()["poles"] == ["N8"]


def test_a_new_format_reaches_the_cli(settings: Settings, with_json: None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from irpatrol.cli.main import app

    monkeypatch.setenv("IRPATROL_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("IRPATROL_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    out = tmp_path / "ledger.json"
    try:
        r = CliRunner().invoke(app, ["ledger", "--out", str(out), "--lang", "en"])
        assert r.exit_code == 0, r.output
        assert json.loads(out.read_text()) == {"lang": "en", "poles": ["N8"]}
        r = CliRunner().invoke(app, ["ledger", "--out", str(tmp_path / "ledger.ods")])
        assert r.exit_code == 2 and "one of xlsx, csv, json" in r.output
    finally:
        get_settings.cache_clear()
