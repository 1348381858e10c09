"""Issue 12 ("pass the review a grid company's IT would run"): one test (or a few) per reproduced
problem, through HTTP where the problem was seen there. Items 2, 3 (pages), 7, 9 and the browser
checks are in tests/web, tests/api/test_permissions.py and tests/registry/test_ingest_pool.py."""

from __future__ import annotations

import base64
import csv
import io
import json
import sqlite3
import stat
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from PIL import Image as PILImage
from sqlalchemy import select
from typer.testing import CliRunner

from database import sqlite_copy
from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.cli.main import app as cli
from irpatrol.config import InsecureSecretKey, Settings, ensure_secret_key
from irpatrol.errors import InputError, ParameterError
from irpatrol.registry import auth, photos
from irpatrol.registry.model import AuditLog, LoginFailure
from irpatrol.reports.content import LedgerRow
from irpatrol.reports.csv import ledger_csv
from irpatrol.reports.excel import ledger_xlsx

PASSWORD = "correct horse battery"
OLD_DEFAULT_KEY = "irpatrol-dev-secret-change-me"


@pytest.fixture
def own(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[TestClient, Settings]]:
    """A fresh SQLite app with one user per role (its own login counters and sessions)."""
    settings = sqlite_copy(sqlite_template, Settings(data_dir=tmp_path / "data"))
    with db.session_scope(settings) as session:
        for role in auth.ROLES:
            auth.add_user(session, role, role=role, password=PASSWORD)
    with TestClient(create_app(settings)) as client:
        yield client, settings


def _token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


# --- 1: secret key, token contents, password change --------------------------------------------


def test_1_the_published_default_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InsecureSecretKey, match="published default"):
        create_app(Settings(data_dir=tmp_path, secret_key=OLD_DEFAULT_KEY))
    with pytest.raises(InsecureSecretKey, match="too short"):
        create_app(Settings(data_dir=tmp_path, secret_key="short"))


def test_1_a_key_is_generated_on_first_start_and_kept_private(tmp_path: Path) -> None:
    first = ensure_secret_key(Settings(data_dir=tmp_path))
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32 and first != OLD_DEFAULT_KEY
    assert ensure_secret_key(Settings(data_dir=tmp_path)) == first, "the same key on every start"
    assert ensure_secret_key(Settings(data_dir=tmp_path / "other")) != first


def test_1_a_token_forged_with_the_old_default_key_is_refused(own: tuple[TestClient, Settings]) -> None:
    client, settings = own
    with db.session_scope(settings) as session:
        admin = auth.get_user(session, "admin")
        forged = auth.create_token(admin, OLD_DEFAULT_KEY, ttl_s=10 * 365 * 86400)
    assert client.get("/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_1_tokens_carry_a_random_session_id_not_a_password_fingerprint(
    own: tuple[TestClient, Settings],
) -> None:
    client, _ = own
    tokens = [_token(client, "viewer")["Authorization"].split()[1] for _ in range(2)]
    payloads = [json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "==")) for t in tokens]
    assert all(set(p) == {"sub", "sid", "exp"} for p in payloads)
    assert payloads[0]["sid"] != payloads[1]["sid"] and len(payloads[0]["sid"]) >= 40


def test_1_users_passwd_changes_the_password_and_ends_the_sessions(
    own: tuple[TestClient, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, settings = own
    bearer = _token(client, "pilot")
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(settings.data_dir))
    from irpatrol.config import get_settings

    get_settings.cache_clear()
    try:
        weak = CliRunner().invoke(cli, ["users", "passwd", "pilot", "--password", "12345678"])
        assert weak.exit_code == 2 and "too weak" in weak.output
        result = CliRunner().invoke(cli, ["users", "passwd", "pilot", "--password", "lantern-quarry-81"])
        assert result.exit_code == 0, result.output
    finally:
        get_settings.cache_clear()
    assert client.get("/users/me", headers=bearer).status_code == 401
    _token(client, "pilot", "lantern-quarry-81")


def test_1_a_user_changes_their_own_password(own: tuple[TestClient, Settings]) -> None:
    client, _ = own
    bearer = _token(client, "analyst")
    wrong = {"current_password": "not it", "new_password": "lantern-quarry-81"}
    assert client.post("/auth/password", json=wrong, headers=bearer).status_code == 401
    weak = {"current_password": PASSWORD, "new_password": "password1"}
    assert client.post("/auth/password", json=weak, headers=bearer).status_code == 422
    ok = {"current_password": PASSWORD, "new_password": "lantern-quarry-81"}
    r = client.post("/auth/password", json=ok, headers=bearer)
    assert r.status_code == 200 and r.json()["ended"] >= 1
    assert client.get("/users/me", headers=bearer).status_code == 401
    _token(client, "analyst", "lantern-quarry-81")


# --- 4: formula neutralisation -----------------------------------------------------------------


def _row(text: str) -> LedgerRow:
    now = datetime(2026, 7, 1, tzinfo=UTC)
    return LedgerRow(defect_id=1, area=text, feeder=text, pole=text, component_kind=text, phase=None,
                     kind="thermal", grade="serious", status="new", found_at=now, deadline=now,
                     overdue=False, t_max_c=50.0, delta_t_k=20.0, description=text)


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1",
                                     "\r=1", "＝1+1"])
def test_4_spreadsheet_exports_keep_formulas_as_text(payload: str) -> None:
    rows = list(csv.reader(io.StringIO(ledger_csv([_row(payload)]).decode("utf-8-sig"), newline="")))
    assert rows[1][2] == f"'{payload}" and rows[1].count(f"'{payload}") >= 2, "each text cell starts with '"
    assert payload not in rows[1], "no text cell is left as a live formula"
    sheet = load_workbook(io.BytesIO(ledger_xlsx([_row(payload)]))).active
    values = [c.value for c in sheet[2]]
    assert f"'{payload}" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert all(c.data_type != "f" for c in sheet[2])


# --- 5: login throttling -----------------------------------------------------------------------


def test_5_wrong_passwords_are_throttled_with_growing_delays_and_audited(
    own: tuple[TestClient, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, settings = own
    assert [auth.delay_after(n) for n in (5, 6, 7, 8, 9)] == [0, 1, 2, 4, 8]
    # a minute's wait instead of the first second's, so a slow machine cannot outlast it
    monkeypatch.setattr(auth, "delay_after", lambda n, cap=0: 60.0 if n > auth.FREE_FAILURES else 0.0)
    codes = [client.post("/auth/token", data={"username": "admin", "password": f"guess-{i}"}).status_code
             for i in range(7)]
    assert codes[:6] == [401] * 6, codes
    assert codes[6] == 429, "past five failures the next attempt has to wait"
    r = client.post("/auth/token", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1, "even the right password waits"
    with db.session_scope(settings) as session:
        audited = session.scalars(select(AuditLog).where(AuditLog.action == "login_failed")).all()
        assert len(audited) == 6 and audited[-1].detail["username"] == "admin"
        assert all(a.detail["address"] == "testclient" for a in audited)


def test_5_nobody_locks_the_admin_out_for_good(own: tuple[TestClient, Settings]) -> None:
    _, settings = own
    now = datetime.now(UTC)
    keys = auth.throttle_keys("admin", "10.0.0.66")
    with db.session_scope(settings) as session:
        for n in range(200):  # a stranger guessing all day
            auth.record_failure(session, keys, "admin", "10.0.0.66", now=now + timedelta(seconds=n))
        account = session.get(LoginFailure, keys[0])
        address = session.get(LoginFailure, keys[1])
        last = account.last_at.replace(tzinfo=UTC)
        wait = (account.locked_until.replace(tzinfo=UTC) - last).total_seconds()
        assert wait <= auth.MAX_ACCOUNT_DELAY_S == 60
        guesser_wait = (address.locked_until.replace(tzinfo=UTC) - last).total_seconds()
        assert guesser_wait == auth.MAX_DELAY_S > 60, "the guesser's address waits longer"
        later = now + timedelta(seconds=200 + auth.MAX_ACCOUNT_DELAY_S + 1)
        auth.check_throttle(session, auth.throttle_keys("admin", "10.0.0.1"), now=later)  # the admin's own PC


# --- 6: logout and sign out everywhere ---------------------------------------------------------


def test_6_logout_ends_the_session_at_once(own: tuple[TestClient, Settings]) -> None:
    client, _ = own
    bearer = _token(client, "viewer")
    assert client.post("/auth/logout", headers=bearer).status_code == 204
    assert client.get("/users/me", headers=bearer).status_code == 401


def test_6_sign_out_everywhere(own: tuple[TestClient, Settings]) -> None:
    client, _ = own
    first, second = _token(client, "viewer"), _token(client, "viewer")
    r = client.post("/auth/logout-all", headers=first)
    assert r.status_code == 200 and r.json()["ended"] == 2
    assert client.get("/users/me", headers=second).status_code == 401


# --- 8: NUL and control characters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("POST", "/auth/token", {"data": {"username": "ad\x00min", "password": "x"}}),
        ("GET", "/defects?status=open%00", {}),
        ("GET", "/stats?feeder=F%001", {}),
        ("GET", "/hazards?kind=%1b[31m", {}),
        ("GET", "/assets/poles?feeder=%00", {}),
    ],
)
def test_8_control_characters_give_422_without_login(client: TestClient, method: str, url: str,
                                                      kwargs: dict[str, object]) -> None:
    r = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 422, r.text


def test_8_control_characters_in_a_json_text_field_give_422(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    body = {"kind": "vegetation", "lat": 30.0, "lon": 120.0, "grade": "general",
            "description": "poplar\u0000 tree"}
    r = client.post("/hazards", json=body, headers=headers["pilot"])
    assert r.status_code == 422 and "control character" in r.text
    body["description"] = "poplar tree\nnear the line"  # a line break is text
    assert client.post("/hazards", json=body, headers=headers["pilot"]).status_code == 201


# --- 10, 14: uploads ---------------------------------------------------------------------------


def test_14_a_photo_declaring_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    PILImage.new("1", (1, 1)).save(big)
    data = bytearray(big.read_bytes())
    data[16:24] = (60000).to_bytes(4, "big") + (60000).to_bytes(4, "big")  # the IHDR's width, height
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # and its checksum
    big.write_bytes(bytes(data))
    with pytest.raises(InputError, match="too large"):
        photos.store_photo(big, tmp_path / "data")
    assert not list((tmp_path / "data").rglob("*.png")), "nothing stored"
    small = tmp_path / "small.png"
    PILImage.new("RGB", (64, 48)).save(small)
    photos.store_photo(small, tmp_path / "data")


# --- 11: headers -------------------------------------------------------------------------------


def test_11_security_headers_on_every_response(client: TestClient) -> None:
    r = client.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


# --- 12: password policy -----------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["12345678", "password", "qwertyuiop", "11111111", "admin-admin-1"])
def test_12_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ParameterError, match="password"):
        auth.check_password_policy(weak, "admin")


def test_12_the_api_refuses_a_weak_password(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    body = {"username": "weakling", "password": "12345678", "role": "viewer"}
    r = client.post("/users", json=body, headers=headers["admin"])
    assert r.status_code == 422 and "too weak" in r.text
    auth.check_password_policy("lantern-quarry-81", "weakling")


# --- 13: database busy -------------------------------------------------------------------------


def test_13_a_busy_database_gives_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    settings = sqlite_copy(sqlite_template, Settings(data_dir=tmp_path))
    with db.session_scope(settings) as session:
        auth.add_user(session, "pilot", role="pilot", password=PASSWORD)
    with TestClient(create_app(settings)) as client:
        bearer = _token(client, "pilot")
        blocker = sqlite3.connect(settings.data_dir / "irpatrol.sqlite", timeout=0.1)
        try:
            blocker.execute("BEGIN EXCLUSIVE")
            body = {"kind": "vegetation", "lat": 30.0, "lon": 120.0, "grade": "general"}
            r = client.post("/hazards", json=body, headers=bearer)
        finally:
            blocker.rollback()
            blocker.close()
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) > 0
        assert client.post("/hazards", json=body, headers=bearer).status_code == 201


# --- 15: recompute validated like the preview --------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{"emissivity": 1e-300}, {"emissivity": 0.001}, {"reflected_c": -273.14}, {"reflected_c": 1999.0},
     {"distance_m": -1}],
)
def test_15_recompute_refuses_what_the_preview_refuses(
    client: TestClient, headers: dict[str, dict[str, str]], body: dict[str, float]
) -> None:
    r = client.post("/findings/1/recompute", json=body, headers=headers["analyst"])
    assert r.status_code == 422, r.text
