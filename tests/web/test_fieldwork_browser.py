"""Acceptance and site supervision in a real browser (Debian's Chromium through Playwright), at
tablet and phone widths: an acceptance project from the import of a new pole through the mission,
photos matched to the pole, evidence, a failed item and its rectification, to the accepted project
and its PDF; a work site with a violation recorded from a photo, rectified by the crew on a phone,
closed by the supervisor, and its report. Screenshots go to test-artifacts/issue16/."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from demo_copy import demo_copy
from irpatrol.scheduling.export import wpml
from live_server import irpatrol_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "issue16"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}
FEEDER = "10kV Qingshan Line (demo)"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A copy of the demo shared with the other browser modules (:mod:`demo_copy`: its county does
    not enter these tests, which work on the demo feeder, its crew and its fieldwork logins) in a
    temporary SQLite database, served on a free port."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    data, out = demo_copy(tmp_path_factory, "fieldwork-browser")
    env = {**os.environ, "IRPATROL_DATA_DIR": str(data)}
    env.pop("IRPATROL_DATABASE_URL", None)
    logins = dict(re.findall(r"(demo-\w+)\s+\w+\s+password: (\S+)", out))
    assert {"demo-admin", "demo-analyst", "demo-lineman"} <= set(logins), out
    with irpatrol_server(env, ready_path="/ui/login", cwd=ROOT) as base:
        yield {"base": base, **logins, "data": str(data)}


def _jpeg(path: Path, colour: tuple[int, int, int]) -> Path:
    PILImage.new("RGB", (320, 240), colour).save(path, "JPEG")
    return path


def _sign_in(browser, server: dict[str, str], user: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    context = browser.new_context(accept_downloads=True, viewport=viewport)
    page = context.new_page()
    page.goto(f"{server['base']}/ui/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", server[user])
    page.click("button[type=submit]")
    page.wait_for_selector("#kpi-km")
    return page


def _pdf_text(download) -> str:  # type: ignore[no-untyped-def]
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    return " ".join(" ".join(pg.extract_text() for pg in reader.pages).split())  # table cells wrap


def test_acceptance_project_from_import_to_accepted_pdf(server: dict[str, str], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    new_poles = tmp_path / "new-pole.csv"
    new_poles.write_text(f"feeder,pole,lat,lon,pole_type\n{FEEDER},N30,28.1500000,112.9500000,concrete\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = _sign_in(browser, server, "demo-analyst", TABLET)
        shot = lambda name: page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # noqa: E731
        assert page.inner_text("#kpi-acceptance") == "0" and page.inner_text("#kpi-violations") == "1"
        shot("a01-dashboard")
        page.click("a[data-nav=acceptance]")
        page.fill("#new-project input[name=name]", "Browser: pole N30 replaced")
        page.select_option("#new-project select[name=kind]", "pole-replacement")
        page.set_input_files("#new-project input[name=poles_file]", str(new_poles))
        page.fill("#new-project input[name=contractor]", "Browser Electric")
        shot("a02-new-project")
        page.click("#new-project button[type=submit]")
        page.wait_for_selector("#items-table")
        assert "N30" in page.inner_text("main") and page.locator("#items-table tbody tr").count() == 5
        shot("a03-project")

        with page.expect_download() as kmz:
            page.click("#mission-link")
        (waypoint,) = wpml.read_kmz(Path(kmz.value.path()).read_bytes())
        photo = _jpeg(tmp_path / f"DJI_20260601101500_0001_W_{waypoint.pole_id}.JPG", (120, 160, 200))
        page.set_input_files("#photos-form input[name=files]", str(photo))
        page.click("#photos-form button[type=submit]")
        page.wait_for_selector(".flash.ok")
        rows = page.locator("#items-table tbody tr")
        with_photo = [
            rows.nth(i).get_attribute("data-code")
            for i in range(5)
            if rows.nth(i).locator("td.num").inner_text() == "1"
        ]
        assert with_photo == ["pole-verticality", "backfill", "fittings-transferred", "plates"]

        for code in ("pole-verticality", "backfill", "plates", "foreign-objects", "fittings-transferred"):
            page.click(f"#items-table tr[data-code={code}] a")
            page.wait_for_selector("#mark-form")
            if code == "foreign-objects":
                page.set_input_files(
                    "#evidence-form input[name=photo]", str(_jpeg(tmp_path / "site.jpg", (90, 140, 60)))
                )
                page.click("#evidence-form button[type=submit]")
                page.wait_for_selector("#evidence img")
            if code == "fittings-transferred":
                page.fill("#mark-form input[name=note]", "split pin missing on phase B insulator")
                page.fill("#mark-form input[name=assignee]", "Foreman Zhao")
                shot("a04-item-before-fail")
                page.click("#mark-form button[value=fail]")
            else:
                page.click("#mark-form button[value=pass]")
            page.wait_for_selector(".flash.ok")
            page.goto(re.sub(r"/acceptance/items/.*", "", page.url) + "/acceptance/" + _project_id(page))

        page.click("#items-table tr[data-code=fittings-transferred] a")
        assert "Foreman Zhao" in page.inner_text("#rectifications")
        shot("a05-failed-item")
        page.click("#rectifications button:has-text('Rectified')")
        page.wait_for_selector(".flash.ok")
        page.set_input_files(
            "#evidence-form input[name=photo]", str(_jpeg(tmp_path / "fixed.jpg", (200, 200, 120)))
        )
        page.fill("#evidence-form input[name=note]", "split pin fitted")
        page.click("#evidence-form button[type=submit]")
        page.wait_for_selector(".flash.ok")
        page.fill("#rectifications input[name=note]", "split pin in place")
        page.click("#rectifications button[value=verified]")
        page.wait_for_selector(".flash.ok")
        assert page.inner_text("#item-result") == "pass"
        shot("a06-rectified")
        project_url = page.url.split("/ui/")[0] + "/ui/acceptance/" + _project_id(page)
        page.goto(project_url)
        assert page.locator("#accept-button").count() == 0  # the inspector does not approve
        assert page.inner_text("#blocking") == "0"

        admin = _sign_in(browser, server, "demo-admin", TABLET)
        admin.goto(project_url)
        admin.click("#accept-button")
        admin.wait_for_selector(".flash.ok")
        assert admin.inner_text("#project-status") == "accepted"
        admin.screenshot(path=str(ARTIFACTS / "a07-accepted.png"), full_page=True)
        with admin.expect_download() as pdf:
            admin.click("#report-pdf")
        text = _pdf_text(pdf.value)
        Path(ARTIFACTS / "a08-acceptance.pdf").write_bytes(Path(pdf.value.path()).read_bytes())
        for needle in (
            "Acceptance report",
            "Browser: pole N30 replaced",
            "accepted",
            "Foreman Zhao",
            "split pin in place",
            "Inspector",
            "Reviewer",
            "Approver",
            "Demo data",
        ):
            assert needle in text, needle
        browser.close()


def _project_id(page) -> str:  # type: ignore[no-untyped-def]
    link = page.locator("a[href*='/ui/acceptance/']:not([href*='items'])").first.get_attribute("href")
    m = re.search(r"/acceptance/(\d+)", link or "") or re.search(r"/acceptance/(\d+)", page.url)
    assert m, page.url
    return m.group(1)


def test_work_site_violation_from_photo_rectified_closed_with_report(
    server: dict[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        sup = _sign_in(browser, server, "demo-analyst", TABLET)
        sup.click("a[data-nav=sites]")
        sup.fill("#new-site input[name=ticket_no]", "WT-BROWSER-7")
        sup.select_option("#new-site select[name=feeder]", FEEDER)
        sup.fill("#new-site input[name=poles]", "N3, N4")
        sup.fill("#new-site input[name=starts_at]", "2026-06-02T08:00")
        sup.fill("#new-site input[name=ends_at]", "2026-06-02T15:00")
        sup.select_option("#new-site select[name=crew]", "Demo crew East")
        sup.fill("#new-site input[name=contractor]", "Browser Electric")
        sup.click("#new-site button[type=submit]")
        sup.wait_for_selector("#violation-form")
        assert sup.locator("#measures li").count() == 6
        sup.screenshot(path=str(ARTIFACTS / "s01-site.png"), full_page=True)
        sup.select_option("#violation-form select[name=type]", "missing-ppe")
        sup.set_input_files(
            "#violation-form input[name=photo]", str(_jpeg(tmp_path / "ppe.jpg", (200, 90, 40)))
        )
        sup.fill("#violation-form input[name=description]", "lineman on pole N4 without harness")
        sup.click("#violation-form button[type=submit]")
        sup.wait_for_selector("#violations img")
        assert "reported" in sup.inner_text("#violations") and "demo-analyst" in sup.inner_text("#violations")
        site_url = sup.url.split("?")[0]
        sup.screenshot(path=str(ARTIFACTS / "s02-violation.png"), full_page=True)

        crew = _sign_in(browser, server, "demo-lineman", PHONE)
        crew.goto(f"{server['base']}/ui/sites")
        assert "WT-BROWSER-7" in crew.inner_text("#site-list")
        crew.goto(site_url)
        assert crew.locator("#violation-form").count() == 0  # the crew does not record violations
        crew.screenshot(path=str(ARTIFACTS / "s03-crew-phone.png"), full_page=True)
        crew.click("#violations button[data-to=rectified]")
        crew.wait_for_selector(".flash.ok")
        assert crew.locator("#violations button[data-to=closed]").count() == 0

        sup.goto(site_url)
        sup.click("#violations button[data-to=closed]")
        sup.wait_for_selector(".flash.ok")
        assert "closed" in sup.inner_text("#violations")
        sup.click("#close-site")
        sup.wait_for_selector(".flash.ok")
        assert sup.inner_text("#site-status") == "closed"
        sup.screenshot(path=str(ARTIFACTS / "s04-closed.png"), full_page=True)
        with sup.expect_download() as pdf:
            sup.click("#site-report")
        text = _pdf_text(pdf.value)
        Path(ARTIFACTS / "s05-site.pdf").write_bytes(Path(pdf.value.path()).read_bytes())
        for needle in (
            "WT-BROWSER-7",
            "Missing PPE",
            "closed",
            "lineman on pole N4 without harness",
            "demo-analyst",
        ):
            assert needle in text, needle
        sup.goto(f"{server['base']}/ui/violations")
        assert "Browser Electric" in sup.inner_text("#register-stats")
        sup.screenshot(path=str(ARTIFACTS / "s06-register.png"), full_page=True)
        browser.close()
