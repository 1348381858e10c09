"""Acceptance in a real browser (Debian's Chromium, headless, through Playwright): sign in, open
the demo patrol and its hot-clamp defect, confirm it, switch the language, download the PDF and
the Excel ledger. Every page is screenshotted under test-artifacts/web/, and no request may leave
the app's origin."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from demo_copy import demo_copy
from live_server import irpatrol_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The demo built into a temporary SQLite database and the app serving it on a free port."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    data, out = demo_copy(tmp_path_factory, "browser")
    env = {**os.environ, "IRPATROL_DATA_DIR": str(data)}
    env.pop("IRPATROL_DATABASE_URL", None)
    password = re.search(r"demo-analyst\s+analyst\s+password: (\S+)", out)
    admin = re.search(r"demo-admin\s+admin\s+password: (\S+)", out)
    assert password and admin, out
    with irpatrol_server(env, ready_path="/ui/login", cwd=ROOT) as base:
        yield {"base": base, "password": password.group(1), "admin_password": admin.group(1),
               "db": str(data / "irpatrol.sqlite")}


def _expected(db: str) -> dict[str, object]:
    """The hot-clamp defect as the registry holds it (what the pages and files must show)."""
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as c:
        row = c.execute(text(
            "SELECT d.id, d.grade, p.number, f.t_max_c, f.t_ref_c, p.lat, p.lon FROM defect d "
            "JOIN pole p ON p.id = d.pole_id JOIN finding f ON f.defect_id = d.id "
            "ORDER BY f.t_max_c DESC LIMIT 1")).one()
    engine.dispose()
    return {"id": row[0], "grade": row[1], "pole": row[2], "t_max": f"{row[3]:.1f}", "t_ref": f"{row[4]:.1f}",
            "lat": row[5], "lon": row[6]}


def _signed_in(browser: Any, base: str, user: str, password: str,
               watch: Callable[[Any], None] | None = None) -> Any:
    """A new page of ``browser`` (1400 × 900) signed in as ``user`` on the dashboard; ``watch`` is given
    the page before it loads anything."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    if watch is not None:
        watch(page)
    page.goto(f"{base}/ui/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#kpi-km")
    return page


def test_analyst_reviews_the_demo_patrol(server: dict[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = server["base"]
    want = _expected(server["db"])
    assert want["pole"] == "N14" and want["grade"] in ("serious", "critical")
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))

        def shot(name: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

        page.goto(f"{base}/ui/")
        assert "/ui/login" in page.url
        shot("01-login")
        page.fill("input[name=username]", "demo-analyst")
        page.fill("input[name=password]", server["password"])
        page.click("button[type=submit]")
        page.wait_for_selector("#kpi-km")
        assert "Demo data" in page.inner_text(".demo-banner")
        shot("02-dashboard")

        page.click("a[data-nav=patrols]")
        shot("03-patrols")
        page.click("#patrol-table tbody a >> nth=0")
        page.wait_for_selector("#image-grid img")
        page.wait_for_load_state("networkidle")
        shot("04-patrol")
        patrol_url = page.url

        page.click(f"#patrol-defects tr[data-pole='{want['pole']}'] a")
        page.wait_for_selector("#transition-form")
        assert want["t_max"] in page.inner_text("main")
        shot("05-defect")
        page.check("input[name=to_status][value=confirmed]")
        page.fill("textarea[name=comment]", "Hot terminal clamp confirmed from the thermogram")
        page.click("#transition-submit")
        page.wait_for_selector(".flash.ok")
        assert "confirmed" in page.inner_text("#defect-status")
        assert "Hot terminal clamp confirmed" in page.inner_text("#timeline")

        page.click("#switch-lang")
        page.wait_for_selector("text=已确认")
        assert "缺陷台账" in page.inner_text("header")
        shot("06-defect-zh")

        page.click(".thumbs a >> nth=0")
        page.wait_for_selector("body[data-viewer-ready='1']")
        box = page.locator("#ir").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert "°C" in page.inner_text("#cursor-t")
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5, steps=4)
        page.mouse.up()
        assert "最高" in page.inner_text("#measures")  # the analyst reads Chinese now
        shot("07-viewer")

        page.goto(f"{base}/ui/map")
        page.wait_for_selector("body[data-map-ready]")
        shot("08-map")
        xy = page.evaluate("([lat, lon]) => irpatrolMap.latLngToContainerPoint([lat, lon])",
                           [want["lat"], want["lon"]])
        page.locator("#map").click(position={"x": xy["x"], "y": xy["y"]})
        page.click(".leaflet-popup-content a")
        page.wait_for_selector("#ledger-table")
        assert f"{want['pole']}" in page.inner_text("h1") and "已确认" in page.inner_text("#ledger-table")
        page.wait_for_load_state("networkidle")
        shot("08-pole-history")
        for name in ("hazards", "schedule", "assets"):
            page.goto(f"{base}/ui/{name}")
            shot(f"09-{name}")

        page.goto(patrol_url)
        with page.expect_download() as pdf_download:
            page.click("#download-pdf")
        pdf = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
        pdf_text = "\n".join(pg.extract_text() for pg in pdf.pages)
        grade_zh = {"serious": "严重缺陷", "critical": "危急缺陷"}[str(want["grade"])]
        for needle in (want["pole"], grade_zh, want["t_max"], want["t_ref"], "演示数据"):
            assert str(needle) in pdf_text, needle

        page.goto(f"{base}/ui/ledger")
        page.wait_for_load_state("networkidle")
        for grade, total in (("general", "0"), (str(want["grade"]), "1")):  # htmx swaps the results in place
            with page.expect_response(lambda r: "/ui/ledger?" in r.url) as swapped:
                page.select_option("select[name=grade]", grade)
            assert swapped.value.ok, swapped.value.status
            # a locator assertion polls without eval (the pages' CSP forbids eval)
            expect(page.locator("#ledger-total")).to_have_text(total)
            assert f"grade={grade}" in page.url
        shot("10-ledger")
        with page.expect_download() as xlsx_download:
            page.click("#download-xlsx")
        ws = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        assert rows[0][0] == "缺陷编号"
        ours = [r for r in rows[1:] if r[0] == want["id"]]
        assert ours and ours[0][3] == want["pole"] and ours[0][8] == "已确认"

        admin = _signed_in(browser, base, "demo-admin", server["admin_password"],
                           lambda pg: pg.on("request", lambda r: requests.append(r.url)))
        admin.click("a[data-nav=users]")
        assert "demo-analyst" in admin.inner_text("main")
        admin.screenshot(path=str(ARTIFACTS / "11-users.png"), full_page=True)
        admin.goto(f"{base}/ui/assets")
        assert admin.locator("input[type=file]").count() == 1
        admin.screenshot(path=str(ARTIFACTS / "12-assets-admin.png"), full_page=True)
        browser.close()

    assert requests, "no request was recorded"
    foreign = [u for u in requests if not (u.startswith(base) or u.startswith(("data:", "blob:")))]
    assert not foreign, foreign


def test_the_patrol_page_keeps_its_forms_in_place_while_the_thumbnails_load(server: dict[str, str]) -> None:
    """The thumbnails above a patrol's forms hold their place before they arrive: a form's button that
    moved as they loaded took a click meant for it elsewhere (the weather form's save, clicked while a
    loaded server still sent the thumbnails, posted nothing; CI of 2026-12-07 and 2026-12-08)."""
    from playwright.sync_api import Route, sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = _signed_in(browser, base, "demo-analyst", server["password"])
        page.click("a[data-nav=patrols]")
        held: list[Route] = []

        def hold(route: Route) -> None:  # answered below, all at once
            held.append(route)

        thumbnails = re.compile(r"/thermal\.png")
        page.route(thumbnails, hold)
        page.click("#patrol-table tbody a >> nth=0")
        page.wait_for_load_state("load")
        save = page.locator("#patrol-weather-form button[type=submit]")
        before = save.bounding_box()
        assert held, "the patrol page asked for no thumbnail"
        for route in held:
            route.continue_()
        page.unroute(thumbnails, hold)
        page.wait_for_load_state("networkidle")
        shown = page.locator("#image-grid img").evaluate_all(
            "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length")
        assert shown >= 1
        assert save.bounding_box() == before, "the weather form moved as the thumbnails loaded"
        browser.close()
