"""Issue 12 in a real browser (Debian's Chromium through Playwright, against ``irpatrol serve``):

* a form posted from a page of another origin (another port of the same host, as in the report)
  by a signed-in admin's browser is refused, and no admin is created;
* an XSS payload in every imported text field (area, feeder, pole number, pole type, external id)
  and in a hazard's description stays text on every page: no element is made from it, no script
  runs, and the payload is shown as written.
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from database import sqlite_copy
from irpatrol import db
from irpatrol.cli.shared import user_or_login
from irpatrol.config import Settings
from irpatrol.registry.assets import import_assets
from irpatrol.registry.auth import add_user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web-security"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADMIN_PASSWORD = "lantern-quarry-81"
XSS = '<img src=x id=xss-{n} onerror="window.__xss=(window.__xss||0)+1">'
"""The payload; ``{n}`` tells the fields apart, ``id=xss-…`` finds an element made from it."""

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[dict[str, str]]:
    """``irpatrol serve`` over assets whose every text field holds the payload, plus an admin. The
    database is a copy of the migrated template, filled in process by the functions behind
    ``irpatrol assets import`` and ``irpatrol users add`` (three command starts saved)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    data = tmp_path_factory.mktemp("browser-security")
    env = {**os.environ, "IRPATROL_DATA_DIR": str(data)}
    env.pop("IRPATROL_DATABASE_URL", None)
    irpatrol = str(Path(sys.executable).with_name("irpatrol"))
    assets = data / "assets.csv"
    rows = ["area,feeder,pole,lat,lon,pole_type,external_id"]
    for i in range(3):
        fields = [XSS.format(n=f"{k}{i}") for k in ("a", "f", "p", "t", "e")]
        quoted = ['"' + f.replace('"', '""') + '"' for f in fields]
        rows.append(f"{quoted[0]},{quoted[1]},{quoted[2]},{30.0 + i * 0.001:.4f},{120.0 + i * 0.001:.4f},"
                    f"{quoted[3]},{quoted[4]}")
    assets.write_text("\n".join(rows) + "\n")
    settings = sqlite_copy(sqlite_template, Settings(data_dir=data))
    with db.session_scope(settings) as session:
        import_assets(session, assets, user=user_or_login(None))
        add_user(session, "sec-admin", role="admin", password=ADMIN_PASSWORD, language="en")
    db.engine_for(settings).dispose()
    engine = create_engine(f"sqlite:///{data / 'irpatrol.sqlite'}")
    with engine.begin() as c:
        feeder = c.execute(text("SELECT id FROM feeder LIMIT 1")).scalar_one()
        c.execute(text("INSERT INTO hazard (kind, grade, status, feeder_id, description, observed_at, "
                       "created_at) VALUES (:k, 'serious', 'open', :f, :d, CURRENT_TIMESTAMP, "
                       "CURRENT_TIMESTAMP)"),
                  {"k": XSS.format(n="hk"), "f": feeder, "d": XSS.format(n="hd")})
    engine.dispose()
    port = _free_port()
    proc = subprocess.Popen([irpatrol, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                            env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/ui/login")
        yield {"base": base, "db": str(data / "irpatrol.sqlite")}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def attacker(server: dict[str, str]) -> Iterator[str]:
    """A page on another port of the same host that posts a hidden "create an admin" form to the
    app as soon as it loads (the attack of the report)."""
    page = f"""<!DOCTYPE html><html><body>
<form id="f" method="post" action="{server['base']}/ui/users">
<input name="username" value="csrf-admin"><input name="password" value="{ADMIN_PASSWORD}">
<input name="role" value="admin"><input name="language" value="en"></form>
<script>document.getElementById("f").submit();</script></body></html>""".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", _free_port()), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _users(db: str) -> list[str]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as c:
        names = list(c.execute(text("SELECT username FROM user_account")).scalars())
    engine.dispose()
    return names


def _sign_in(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/ui/login")
    page.fill("input[name=username]", "sec-admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/ui/")


def test_a_form_posted_from_another_origin_is_refused(server: dict[str, str], attacker: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context().new_page()
        _sign_in(page, server["base"])
        def is_post(r) -> bool:  # type: ignore[no-untyped-def]
            return r.url.endswith("/ui/users") and r.request.method == "POST"

        with page.expect_response(is_post) as posted:
            page.goto(attacker)
        assert posted.value.status == 403, posted.value.status
        page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / "csrf-refused.png"))
        assert "csrf-admin" not in _users(server["db"])
        # the app's own form still works in the same browser
        page.goto(f"{server['base']}/ui/users")
        page.fill("form.filters input[name=username]", "own-form-user")
        page.fill("form.filters input[name=password]", ADMIN_PASSWORD)
        with page.expect_response(is_post) as own:  # the user is stored when the POST has answered
            page.click("form.filters button[type=submit]")
        assert own.value.status < 400, own.value.status
        assert "own-form-user" in _users(server["db"])
        browser.close()


def test_imported_text_stays_text_on_every_page(server: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = server["base"]
    engine = create_engine(f"sqlite:///{server['db']}")
    with engine.connect() as c:
        pole_id = c.execute(text("SELECT id FROM pole ORDER BY id LIMIT 1")).scalar_one()
        hazard_id = c.execute(text("SELECT id FROM hazard ORDER BY id LIMIT 1")).scalar_one()
        pole = c.execute(text("SELECT lat, lon FROM pole WHERE id = :i"), {"i": pole_id}).one()
    engine.dispose()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _sign_in(page, base)
        pages = ["/ui/", "/ui/assets", f"/ui/poles/{pole_id}", "/ui/ledger", "/ui/hazards",
                 f"/ui/hazards/{hazard_id}", "/ui/patrols", "/ui/schedule", "/ui/users", "/ui/map"]
        for n, url in enumerate(pages):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            if url == "/ui/map":
                page.wait_for_selector("body[data-map-ready]")
                xy = page.evaluate("([lat, lon]) => irpatrolMap.latLngToContainerPoint([lat, lon])",
                                   [pole[0], pole[1]])
                page.locator("#map").click(position={"x": xy["x"], "y": xy["y"]})
                page.wait_for_selector(".leaflet-popup-content")
                popup = page.inner_text(".leaflet-popup-content")
                assert "<img src=x id=xss-f0" in popup, popup
            page.screenshot(path=str(ARTIFACTS / f"xss-{n:02d}.png"), full_page=True)
            made = page.locator("[id^=xss-]").count()
            assert made == 0, f"{url}: {made} element(s) made from imported text"
            assert page.evaluate("window.__xss === undefined"), f"{url}: the payload ran"
            shown = page.inner_text("body")
            if url in ("/ui/assets", f"/ui/poles/{pole_id}", "/ui/hazards", f"/ui/hazards/{hazard_id}"):
                assert "<img src=x id=xss-" in shown, f"{url}: the payload is not shown as text"
        assert not dialogs
        browser.close()
