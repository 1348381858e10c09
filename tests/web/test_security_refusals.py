"""Issue 12, the refusals that happen before a page runs: the CSRF 403 and the upload limit's 413
carry the security headers; a page upload past the limit gets an error page (HTML, in the
reader's language), not the API's JSON; a control character in a multipart text field gives 422
(file contents are not looked at)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from database import sqlite_copy
from irpatrol import db
from irpatrol.api.app import create_app
from irpatrol.asgi import compose_app
from irpatrol.config import Settings
from irpatrol.registry import auth

Web = tuple[TestClient, dict[str, int]]
Login = Callable[[TestClient, str], None]
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")
PASSWORD = "lantern-quarry-81"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Web]:
    """The app as ``irpatrol serve`` composes it (API, then the pages: the order of the middleware
    matters here), over the SQLite test database, with an admin ``demo-admin``."""
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("refusals")), upload_limit_bytes=2_000_000)
    sqlite_copy(sqlite_template, settings)
    with db.session_scope(settings) as session:
        auth.add_user(session, "demo-admin", role="admin", password=PASSWORD)
    with TestClient(compose_app(create_app(settings))) as client:
        yield client, {}


@pytest.fixture
def login() -> Login:
    def sign_in(client: TestClient, username: str) -> None:
        client.get("/ui/login")
        client.headers["X-CSRF-Token"] = client.cookies["irpatrol_csrf"]
        form = {"username": username, "password": PASSWORD}
        r = client.post("/ui/login", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text

    return sign_in


def _fresh(web: Web) -> TestClient:
    return TestClient(web[0].app)


def _has_security_headers(headers: object) -> None:
    for name in HEADERS:
        assert name in headers, f"{name} missing"  # type: ignore[operator]


def test_the_csrf_refusals_carry_the_security_headers(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    client.headers.pop("X-CSRF-Token")
    body = {"username": "csrf-headers", "password": "lantern-quarry-81", "role": "viewer"}
    r = client.post("/ui/users", data=body)
    assert r.status_code == 403
    _has_security_headers(r.headers)
    r = client.post("/ui/users", data=body, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "cross-site" in r.text
    _has_security_headers(r.headers)


def test_a_page_upload_past_the_limit_gets_an_error_page(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    limit = client.app.state.settings.upload_limit_bytes  # type: ignore[attr-defined]
    big = b"\xff\xd8\xff" + b"x" * (limit + 200_000)
    for lang, words in (("en", "larger than the limit"), ("zh", "超过")):
        r = client.post("/ui/assets/import", files={"file": ("big.csv", big, "text/csv")},
                        headers={"Accept-Language": lang})
        assert r.status_code == 413
        assert r.headers["content-type"].startswith("text/html"), r.headers["content-type"]
        assert words in r.text and 'id="error-title"' in r.text
        assert f"{limit / (1024 * 1024):g} MB" in r.text
        _has_security_headers(r.headers)


def test_a_streamed_page_upload_past_the_limit_gets_the_page_too(web: Web, login: Login) -> None:
    """No Content-Length (chunked): refused once the body passes the limit; the form parser's own
    error answer is replaced by the page."""
    client = _fresh(web)
    login(client, "demo-admin")
    limit = client.app.state.settings.upload_limit_bytes  # type: ignore[attr-defined]
    token = client.headers["X-CSRF-Token"]
    boundary = "irpatrol-test-boundary"

    def body() -> Iterator[bytes]:
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
               "Content-Type: text/csv\r\n\r\n").encode()
        chunk = b"x" * 65536
        for _ in range(limit // len(chunk) + 8):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post("/ui/assets/import", content=body(),
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html") and 'id="error-title"' in r.text


def test_the_api_keeps_its_json_errors(web: Web) -> None:
    r = _fresh(web).post("/hazards", content=b'{"kind": "a\\u0000b"}',
                         headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    _has_security_headers(r.headers)


@pytest.mark.parametrize("value", ["a\x00b", "line\x1bescape", "del\x7f"])
def test_a_control_character_in_a_multipart_text_field_gives_422(web: Web, login: Login, value: str) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    files = {"file": ("poles.csv", b"feeder,pole,lat,lon\nF-CTRL,C1,30.2,120.2\n", "text/csv")}
    r = client.post("/ui/assets/import", data={"note": value}, files=files)
    assert r.status_code == 422, r.text
    assert "control character" in r.text
    _has_security_headers(r.headers)
    assert "F-CTRL" not in client.get("/ui/map").text, "nothing was imported"


def test_file_contents_and_clean_fields_pass(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    files = {"file": ("poles.csv", b"feeder,pole,lat,lon\nF-CLEAN,C1,30.2,120.2\n", "text/csv")}
    r = client.post("/ui/assets/import", data={"note": "tab\tand\r\nnew line, 中文"}, files=files)
    assert r.status_code == 200 and "F-CLEAN" in r.text
    binary = {"file": ("poles.csv", b"feeder,pole,lat,lon\nF-BIN,C1,30.2,120.2\n\x00\x01", "text/csv")}
    r = client.post("/ui/assets/import", files=binary)
    assert r.status_code != 422 or "control character in a form field" not in r.text


def test_the_scanner_finds_a_control_character_split_across_chunks() -> None:
    from irpatrol.http_security import FormFieldScanner

    body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n\r\n"
            b"\x00\x01\x02\r\n"
            b"--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nok\x00no\r\n--b--\r\n")
    scanner = FormFieldScanner(b"b")
    found = [scanner.feed(body[i : i + 1]) for i in range(len(body))]
    assert found[-1] and not found[60]
    clean = FormFieldScanner(b"b")
    assert not clean.feed(body.replace(b"ok\x00no", b"ok no"))
