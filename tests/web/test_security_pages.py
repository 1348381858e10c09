"""Issue 12 on the pages: CSRF (item 2), no token in HTML and no inline script (3, 11), logout and
password page (1, 6), login throttling on the form (5), upload limits and file names (10)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

PASSWORD = "correct-horse-1"
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "irpatrol" / "web" / "templates"
Web = tuple[TestClient, dict[str, int]]
Login = Callable[[TestClient, str], None]


def _fresh(web: Web) -> TestClient:
    """A client of the same app with its own cookies (no CSRF header set)."""
    return TestClient(web[0].app)


def _csrf(client: TestClient) -> str:
    client.get("/ui/login")
    return client.cookies["irpatrol_csrf"]


# --- 2: CSRF -----------------------------------------------------------------------------------


def test_2_a_form_post_without_the_token_is_refused(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    token = client.headers.pop("X-CSRF-Token")
    body = {"username": "evil-admin", "password": "lantern-quarry-81", "role": "admin"}
    r = client.post("/ui/users", data=body)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/ui/users", data={**body, "csrf_token": "not-the-token"})
    assert r.status_code == 403
    r = client.post("/ui/users", data={**body, "csrf_token": token})
    assert r.status_code == 200 and "evil-admin" in r.text, "the page's own form (token in the form) passes"


def test_2_a_post_from_another_origin_is_refused_even_with_the_token(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    body = {"username": "evil-admin-2", "password": "lantern-quarry-81", "role": "admin"}
    for origin in ("http://127.0.0.1:9999", "null", "http://evil.example"):
        r = client.post("/ui/users", data=body, headers={"Origin": origin})
        assert r.status_code == 403 and "cross-site" in r.text, origin
    r = client.post("/ui/users", data=body, headers={"Referer": "http://127.0.0.1:9999/attack.html"})
    assert r.status_code == 403
    r = client.post("/ui/users", data=body, headers={"Origin": "http://testserver"})
    assert r.status_code == 200


def test_2_the_token_in_a_multipart_form_is_found(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    token = client.headers.pop("X-CSRF-Token")
    files = {"file": ("poles.csv", b"feeder,pole,lat,lon\nF-CSRF,C1,30.2,120.2\n", "text/csv")}
    assert client.post("/ui/assets/import", files=files).status_code == 403
    r = client.post("/ui/assets/import", data={"csrf_token": token}, files=files)
    assert r.status_code == 200 and "F-CSRF" in r.text


def test_2_every_page_carries_the_token_for_the_script(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    page = client.get("/ui/").text
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert meta and meta.group(1) == client.cookies["irpatrol_csrf"]
    assert '<script src="/static/js/page.js" defer></script>' in page


# --- 3 and 11: no token in HTML, no inline script ----------------------------------------------


def test_3_the_viewer_page_holds_no_token(web: Web, login: Login) -> None:
    client, ids = web
    login(client, "demo-admin")
    page = client.get(f"/ui/viewer/{ids['image']}").text
    session_token = client.cookies["irpatrol_token"]
    assert session_token not in page and '"token"' not in page and "Bearer" not in page


def test_3_the_viewer_recomputes_through_its_own_page_route(web: Web, login: Login) -> None:
    client, _ = web
    login(client, "viewer1")
    r = client.post("/ui/findings/1/recompute", data={"emissivity": "0.9"})
    assert r.status_code == 403, "the API's rule: analyst or above"
    login(client, "demo-admin")
    r = client.post("/ui/findings/1/recompute", data={"emissivity": "0.001"})
    assert r.status_code == 422, "the preview's bounds"


def test_11_no_template_has_inline_script_or_handlers() -> None:
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), f"{template.name}: inline event handler"
        assert "javascript:" not in html, f"{template.name}: javascript: URL"
        assert not re.search(r"\sx-(data|on|show|model|bind)\b|\s@[a-z]+=", html), f"{template.name}: Alpine"


def test_11_pages_get_the_security_headers(web: Web, login: Login) -> None:
    client, _ = web
    r = client.get("/ui/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    cookie = r.headers.get("set-cookie", "")
    assert not cookie or ("HttpOnly" in cookie and "SameSite=Strict" in cookie)


def test_11_cookie_secure_setting(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _fresh(web)
    _csrf(client)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    monkeypatch.setattr(settings, "cookie_secure", True)
    r = client.post("/ui/login", data={"username": "demo-admin", "password": PASSWORD},
                    headers={"X-CSRF-Token": client.cookies["irpatrol_csrf"]}, follow_redirects=False)
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


# --- 1, 6: logout and password page ------------------------------------------------------------


def test_6_logging_out_ends_the_cookie_also_as_a_bearer_token(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "viewer1")
    stolen = client.cookies["irpatrol_token"]
    assert client.get("/ui/ledger", follow_redirects=False).status_code == 200
    assert client.post("/ui/logout", follow_redirects=False).status_code == 303
    thief = _fresh(web)
    thief.cookies.set("irpatrol_token", stolen)
    assert thief.get("/ui/ledger", follow_redirects=False).status_code == 303, "the old cookie is dead"


def test_1_the_password_page_changes_the_password_and_signs_out_everywhere(web: Web, login: Login) -> None:
    from irpatrol.registry import auth

    sessions = web[0].app.state.session_factory  # type: ignore[attr-defined]
    with sessions() as session:
        auth.add_user(session, "pw-user", role="viewer", password=PASSWORD)
        session.commit()
    other_device, client = _fresh(web), _fresh(web)
    login(other_device, "pw-user")
    login(client, "pw-user")
    assert "current_password" in client.get("/ui/password").text
    weak = {"current_password": PASSWORD, "new_password": "12345678", "repeat_password": "12345678"}
    r = client.post("/ui/password", data=weak)
    assert r.status_code == 422 and "Password too" in r.text
    good = {"current_password": PASSWORD, "new_password": "lantern-quarry-81",
            "repeat_password": "lantern-quarry-81"}
    r = client.post("/ui/password", data=good, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/login"
    assert other_device.get("/ui/ledger", follow_redirects=False).status_code == 303
    r = client.post("/ui/login", data={"username": "pw-user", "password": "lantern-quarry-81"},
                    follow_redirects=False)
    assert r.status_code == 303


# --- 5: throttling on the form -----------------------------------------------------------------


def test_5_the_login_form_is_throttled(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from irpatrol.registry import auth

    # a minute's wait instead of the first second's, so a slow machine cannot outlast it
    monkeypatch.setattr(auth, "delay_after", lambda n, cap=0: 60.0 if n > auth.FREE_FAILURES else 0.0)
    sessions = web[0].app.state.session_factory  # type: ignore[attr-defined]
    with sessions() as session:
        auth.add_user(session, "throttled", role="viewer", password=PASSWORD)
        session.commit()
    client = _fresh(web)
    client.headers["X-CSRF-Token"] = _csrf(client)
    codes = [client.post("/ui/login", data={"username": "throttled", "password": f"x{i}"}).status_code
             for i in range(7)]
    assert codes == [401] * 6 + [429]
    r = client.post("/ui/login", data={"username": "throttled", "password": PASSWORD})
    assert r.status_code == 429 and 'id="throttled"' in r.text and "Retry-After" in r.headers
    with sessions() as session:  # other tests sign in from the same test address
        from sqlalchemy import delete

        from irpatrol.registry.model import LoginFailure

        session.execute(delete(LoginFailure))
        session.commit()


# --- 10: uploads -------------------------------------------------------------------------------


def test_10_a_page_upload_past_the_limit_gets_413(web: Web, login: Login) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    limit = client.app.state.settings.upload_limit_bytes  # type: ignore[attr-defined]
    big = b"\xff\xd8\xff" + b"x" * (limit + 200_000)
    r = client.post("/ui/hazards/1/photos", files={"files": ("big.jpg", big, "image/jpeg")})
    assert r.status_code == 413
    r = client.post("/ui/assets/import", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413


@pytest.mark.parametrize("name", ["..", "/", ".", "../../etc/passwd", "\\..\\x.csv", ""])
def test_10_odd_file_names_never_give_a_server_error(web: Web, login: Login, name: str) -> None:
    client = _fresh(web)
    login(client, "demo-admin")
    files = {"file": (name, b"feeder,pole,lat,lon\nF-NAME,N1,30.3,120.3\n", "text/csv")}
    r = client.post("/ui/assets/import", files=files)
    assert r.status_code < 500, r.text
