"""The manager's view in a real browser (Debian's Chromium through Playwright, on the demo): the
dashboard's filters through its GET form, in English and Chinese, and the map's layers switched
off and on, with a defect's pop-up. Screenshots: test-artifacts/dashboard-en.png,
dashboard-zh.png, map-layers.png. No request may leave the app's origin (closed networks)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from demo_copy import demo_copy
from live_server import irpatrol_server, wait_until

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FEEDER = "10kV Qingshan Line (demo)"
"""The demo's patrolled feeder."""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The demo in a temporary SQLite database and the app serving it on a free port."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    data, out = demo_copy(tmp_path_factory, "manager")
    env = {**os.environ, "IRPATROL_DATA_DIR": str(data)}
    env.pop("IRPATROL_DATABASE_URL", None)
    admin = re.search(r"demo-admin\s+admin\s+password: (\S+)", out)
    assert admin, out
    with irpatrol_server(env, ready_path="/ui/login", cwd=ROOT) as base:
        yield {"base": base, "password": admin.group(1)}


def test_manager_filters_the_dashboard_and_reads_the_map(server: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = server["base"]
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{base}/ui/")
        page.fill("input[name=username]", "demo-admin")
        page.fill("input[name=password]", server["password"])
        page.click("button[type=submit]")
        page.wait_for_selector("#kpi-km")

        # the same km as the patrol page, and the ageing card
        km = page.inner_text("#kpi-km")
        assert re.fullmatch(r"\d+\.\d\d", km)
        assert page.inner_text("#age-total") == page.inner_text("#kpi-open")
        assert re.search(r"[−+±]\d+\.\d % \([−+±]\d+\.\d\d km\)", page.inner_text("#yoy-km_flown"))

        # choose the demo feeder and the last 31 days through the form: the URL keeps the selection
        page.select_option("select[name=feeder]", FEEDER)
        end = page.input_value("input[name=end]")
        page.fill("input[name=start]", end[:8] + "01")
        page.click("#dash-filter button[type=submit]")
        page.wait_for_selector("#not-filtered-note")
        query = parse_qs(urlsplit(page.url).query)
        assert query["feeder"] == [FEEDER] and query["start"] == [end[:8] + "01"]
        assert page.inner_text("#kpi-km") == km  # the demo's one patrol this year is on that feeder
        assert FEEDER in page.inner_text("#dash-period")
        wait_until(page, "document.querySelector('#monthly').getBoundingClientRect().height > 100")
        page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)

        # another crew: the cards follow (nothing flown)
        page.select_option("select[name=crew]", "crew-01")
        page.click("#dash-filter button[type=submit]")
        page.wait_for_selector("#not-filtered-note")
        assert page.inner_text("#kpi-km") == "0.00" and page.inner_text("#kpi-poles") == "0"
        page.click("#dash-reset")
        page.wait_for_selector("#kpi-km")
        assert page.inner_text("#kpi-km") == km and page.query_selector("#not-filtered-note") is None

        # in Chinese, filtered by the feeder again (the language switch keeps the page)
        page.goto(f"{base}/ui/?feeder={FEEDER}")
        page.click("#switch-lang")
        page.wait_for_selector("text=未消缺陷时长")
        page.goto(f"{base}/ui/?feeder={FEEDER}")
        page.wait_for_selector("#ageing >> text=未消缺陷时长")
        assert page.inner_text("#kpi-km") == km
        wait_until(page, "document.querySelector('#monthly').getBoundingClientRect().height > 100")
        page.screenshot(path=str(ARTIFACTS / "dashboard-zh.png"), full_page=True)
        page.click("#switch-lang")
        page.wait_for_load_state("networkidle")

        # the map: flight tracks and defects by grade beside never-inspected poles and hazards
        page.goto(f"{base}/ui/map")
        page.wait_for_selector("body[data-map-ready]")
        assert int(page.get_attribute("body", "data-map-tracks") or 0) == 2  # last year's and this year's
        assert int(page.get_attribute("body", "data-map-defects") or 0) >= 1
        legend = page.locator(".map-legend").inner_text()
        assert legend.count("\n") >= 6
        # the grades worst first, as the ledger and the dashboard list them
        assert legend.index("critical") < legend.index("serious") < legend.index("general")
        layers = page.locator(".leaflet-control-layers-overlays label")
        assert layers.count() == 4
        tracks = page.locator(".leaflet-control-layers-overlays label", has_text="Flight tracks")
        tracks.locator("input").uncheck()
        assert page.evaluate("window.irpatrolMap.hasLayer(window.irpatrolLayers.tracks)") is False
        tracks.locator("input").check()
        assert page.evaluate("window.irpatrolMap.hasLayer(window.irpatrolLayers.tracks)") is True
        defects = page.locator(".leaflet-control-layers-overlays label", has_text="Defects by grade")
        defects.locator("input").uncheck()
        assert page.locator(".leaflet-marker-icon.defect-icon").count() == 0
        defects.locator("input").check()
        page.evaluate("window.irpatrolMap.fitBounds(window.irpatrolLayers.tracks.getBounds(), "
                      "{padding: [40, 40]}) && null")
        page.wait_for_timeout(300)
        page.locator(".leaflet-marker-icon.defect-critical").first.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert re.search(r"Defect #\d+", popup.inner_text()) and "critical" in popup.inner_text()
        hrefs = [a.get_attribute("href") or "" for a in popup.locator("a").all()]
        assert hrefs[0].startswith("/ui/poles/") and hrefs[-1].startswith("/ui/ledger/")
        page.wait_for_timeout(600)  # the pop-up fades in
        page.screenshot(path=str(ARTIFACTS / "map-layers.png"), full_page=False)
        browser.close()
    outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert not outside, outside
