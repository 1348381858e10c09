"""The analyst's day in a real browser (Debian's Chromium through Playwright), on the demo: upload
a simulated flight through to graded defects, mark a missed hotspot and override a grade with a
reason, take a defect through the work order to verified with evidence. Screenshots of the viewer,
the defect page, the dashboard and the PDF's first defect page in both languages are saved under
test-artifacts/web/analyst/ (numbered, in the order taken) and under test-artifacts/ by name
(viewer-en.png, defect-zh.png, pdf-defect-en.png, ...), with the feeder report's first defect page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from demo_copy import demo_copy
from live_server import irpatrol_server, log_tail

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web" / "analyst"
NAMED = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HOT_POLE = "N5"

pytestmark = pytest.mark.browser



def saved(page: Any) -> None:
    """Waits for the page a form posted to to say saved (a loaded 2-core machine has taken over
    the default 30 s, CI of 2026-12-06; once over 90 s, CI of 2026-12-07); failing, names what the page
    shows instead and what the server wrote last."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(".flash.ok", timeout=90_000)
    except PlaywrightTimeout:
        shown = page.locator(".flash").all_inner_texts()
        raise AssertionError(f"not saved at {page.url}; the page shows {shown or 'no message'}; the "
                             f"server's last output:\n{log_tail(page.url)}") from None

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The demo in a temporary SQLite database served on a free port, and a simulated flight of
    the demo feeder (a hot T-clamp on N5) to upload."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    data, out = demo_copy(tmp_path_factory, "analyst")  # the demo's dates are UTC: no time zone in it
    env = {**os.environ, "IRPATROL_DATA_DIR": str(data), "IRPATROL_TIMEZONE": "Asia/Shanghai"}
    env.pop("IRPATROL_DATABASE_URL", None)
    password = re.search(r"demo-analyst\s+analyst\s+password: (\S+)", out)
    assert password, out
    flight = _flight(data / "irpatrol.sqlite", tmp_path_factory.mktemp("flight"))
    with irpatrol_server(env, ready_path="/ui/login", cwd=ROOT) as base:
        yield {"base": base, "password": password.group(1), "flight": str(flight)}


def _flight(db: Path, out: Path) -> Path:
    from irpatrol.demo import DEMO_FEEDER
    from irpatrol.simulate.flight import FlightSpec, HotSpec, PoleSpot, write_flight

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as c:
        poles = c.execute(text("SELECT p.number, p.lat, p.lon FROM pole p JOIN feeder f ON f.id = p.feeder_id"
                               " WHERE f.name = :n ORDER BY p.seq"), {"n": DEMO_FEEDER}).all()
    engine.dispose()
    # the last 02:00 UTC (10:00 in Shanghai) that has passed: a flight from the future would count as
    # a measurement taken after the repair below, and the verification would need no photo
    now = datetime.now(UTC)
    start = now.replace(hour=2, minute=0, second=0, microsecond=0)
    if start > now:
        start -= timedelta(days=1)
    spec = FlightSpec(images_per_pole=1, ambient_c=24.0, seed=11, camera_model="simulated 640 (upload)",
                      start=start)
    write_flight(out, DEMO_FEEDER, [PoleSpot(n, lat, lon) for n, lat, lon in poles], spec,
                 [HotSpec(pole=HOT_POLE, kind="t-clamp", kelvin=80.0, phase="A")])
    (out / "broken.jpg").write_text("not an image")  # a junk file: rejected with its reason
    return out


def _photo(folder: Path, name: str, rgb: tuple[int, int, int]) -> Path:
    from PIL import Image

    path = folder / name
    Image.new("RGB", (320, 240), rgb).save(path, "JPEG")
    return path


def _pdf_defect_page(pdf: bytes, marker: str, path: Path) -> None:
    """The PDF's first page that explains a grade, rendered to PNG (PDFium)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        if marker in doc[i].get_textpage().get_text_range():
            doc[i].render(scale=1.6).to_pil().save(path)
            return
    raise AssertionError(f"no page of the PDF has {marker!r}")


def test_upload_judge_and_close_a_defect(server: dict[str, str], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = server["base"]
    files = sorted(str(p) for p in Path(server["flight"]).iterdir() if p.suffix in (".tiff", ".jpg"))
    assert len(files) > 20
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1500, "height": 950})
        page = context.new_page()

        def shot(name: str, named: str | None = None) -> None:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            if named:
                page.screenshot(path=str(NAMED / f"{named}.png"), full_page=True)

        page.goto(f"{base}/ui/login")
        page.fill("input[name=username]", "demo-analyst")
        page.fill("input[name=password]", server["password"])
        page.click("button[type=submit]")
        page.wait_for_selector("#kpi-km")

        # 1. upload a flight through to graded defects
        page.goto(f"{base}/ui/patrols")
        page.click("#upload-link")
        page.wait_for_selector("#upload-form")
        page.fill("#up-crew", "Upload crew")
        page.fill("#up-wind", "3.5")  # the weather typed by the uploader goes with the job
        page.fill("#up-load", "150")
        page.set_input_files("#up-files", files)
        page.click("#up-start")
        page.wait_for_selector("body[data-ingest-done='1']", timeout=240_000)
        assert page.inner_text("#up-sent") == str(len(files))
        assert "broken.jpg" in page.inner_text("#up-rejected-table")
        assert int(page.inner_text("#up-summary-kv dd[data-key=defects_opened]")) >= 1
        shot("01-upload-done")
        page.click("#up-patrol")
        page.wait_for_selector("#patrol-defects")
        row = page.locator(f"#patrol-defects tr[data-pole='{HOT_POLE}']")
        expect(row).to_have_count(1)
        rule_in_words = r"(T1|ΔT|δ) [\d.]+ (°C|K|%) [>≥] [\d.]+ (°C|K|%) →"
        assert re.search(rule_in_words, row.inner_text())
        patrol_url = page.url
        conditions = page.locator(".card", has_text="m/s").first.inner_text()
        assert "3.5 m/s" in conditions and "150 A" in conditions
        # the analyst corrects the load current from the dispatch log (a reason is asked)
        page.fill("#patrol-weather-form input[name=load_current_a]", "165")
        page.fill("#patrol-weather-form input[name=reason]", "dispatch log")
        page.click("#patrol-weather-form button[type=submit]")
        saved(page)
        assert "165 A" in page.locator(".card", has_text="m/s").first.inner_text()

        # 2. a missed hotspot marked on the viewer of a pole without findings
        page.locator("#image-grid figure").filter(has_text=re.compile(r"\bN3\b")).locator("a").first.click()
        page.wait_for_selector("body[data-viewer-ready='1']")
        box = page.locator("#ir").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] * 0.40, box["y"] + box["height"] * 0.40)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.48, box["y"] + box["height"] * 0.50, steps=4)
        page.mouse.up()
        assert re.fullmatch(r"\d+,\d+,\d+,\d+", page.input_value("#af-bbox"))
        page.select_option("#tool", "reference")
        page.mouse.move(box["x"] + box["width"] * 0.60, box["y"] + box["height"] * 0.40)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.68, box["y"] + box["height"] * 0.50, steps=4)
        page.mouse.up()
        assert "ΔT" in page.inner_text("main") and "K" in page.inner_text("#delta-ab")
        page.select_option("#af-kind", "t-clamp")
        page.click("#af-submit")
        saved(page)
        page.wait_for_selector("body[data-viewer-ready='1']")
        assert page.locator("tr.hotspot-row").count() >= 1
        page.fill("#isotherm", "40")
        page.dispatch_event("#isotherm", "change")
        shot("02-viewer-manual-hotspot-en", "viewer-en")

        # 3. the hot clamp's defect: why, override with a reason, work order to verified
        page.goto(patrol_url)
        page.click(f"#patrol-defects tr[data-pole='{HOT_POLE}'] a")
        page.wait_for_selector("#why")
        why = page.inner_text("#why")
        for needle in ("T1", "T2", "T0", "ΔT", "δ", "°C", "%"):
            assert needle in why, needle
        assert re.search(r"\d+\.\d %", why), why  # δ to one decimal
        defect_url = page.url
        form = page.locator(".override-form").first
        form.locator("select[name=grade]").select_option("critical")
        form.locator("input[name=reason]").fill("Clamp bolt visibly loose on the visible image")
        form.locator("button[type=submit]").click()
        saved(page)
        assert "Clamp bolt visibly loose" in page.inner_text("#findings-table")
        expect(page.locator("#defect-grade")).to_have_class(re.compile("critical"))
        assert page.locator("#transition-form input[name=to_status]:checked").count() == 0  # none chosen

        def step(status: str, **fields: str) -> None:
            page.check(f"#transition-form input[name=to_status][value={status}]")
            for selector, value in fields.items():
                if selector == "photo":
                    page.set_input_files("#wo-photos", value)
                else:
                    page.fill(selector, value)
            page.click("#transition-submit")
            page.wait_for_selector(".flash")

        step("confirmed", **{"#wo-comment": "Confirmed from the thermogram"})
        step("repair_scheduled", **{"#wo-assignee": "Li Wei", "#wo-crew": "Line crew 2",
                                    "#wo-due": (date.today() + timedelta(days=3)).isoformat()})
        assert "Li Wei" in page.inner_text("#work-order")
        step("repaired", **{"#wo-comment": "Clamp replaced, bolts torqued",
                            "photo": str(_photo(tmp_path, "repair.jpg", (90, 120, 150)))})
        step("verified", **{"#wo-reason": "looks fine"})
        assert "evidence" in page.inner_text(".flash.error")  # no photo since the repair: refused
        step("verified", **{"#wo-reason": "Photo after the repair shows the new clamp",
                            "photo": str(_photo(tmp_path, "check.jpg", (150, 120, 90)))})
        saved(page)
        assert "verified" in page.inner_text("#defect-status").lower()
        shot("03-defect-verified-en", "defect-en")

        page.goto(f"{base}/ui/")
        page.wait_for_selector("#kpi-km")
        shot("04-dashboard-en", "dashboard-en")
        page.goto(patrol_url)
        pdf_en = page.request.get(patrol_url.replace("/ui/patrols/", "/ui/reports/patrols/") + ".pdf?lang=en")
        assert pdf_en.ok
        _pdf_defect_page(pdf_en.body(), "Why this grade", ARTIFACTS / "05-pdf-defect-en.png")
        _pdf_defect_page(pdf_en.body(), "Why this grade", NAMED / "pdf-defect-en.png")
        # the feeder report from the reports page: the same defect with its map
        page.goto(f"{base}/ui/reports")
        from irpatrol.demo import DEMO_FEEDER

        feeder_href = page.locator(f"#feeder-reports tr[data-feeder='{DEMO_FEEDER}'] a.feeder-pdf")
        feeder_pdf = page.request.get(base + feeder_href.get_attribute("href") + "?lang=en")  # type: ignore[operator]
        assert feeder_pdf.ok and feeder_pdf.headers["content-type"] == "application/pdf"
        _pdf_defect_page(feeder_pdf.body(), "Why this grade", NAMED / "pdf-feeder-defect-en.png")
        shot("05b-reports-en", "reports-en")

        # the same pages in Chinese
        page.click("#switch-lang")
        page.wait_for_load_state()
        page.goto(defect_url)
        page.wait_for_selector("#why")
        assert "判定依据" in page.inner_text("main")
        shot("06-defect-zh", "defect-zh")
        page.goto(f"{base}/ui/")
        page.wait_for_selector("#kpi-km")
        shot("07-dashboard-zh", "dashboard-zh")
        page.goto(patrol_url)
        hot = re.compile(rf"\b{HOT_POLE}\b")
        page.locator("#image-grid figure").filter(has_text=hot).locator("a").first.click()
        page.wait_for_selector("body[data-viewer-ready='1']")
        shot("08-viewer-zh", "viewer-zh")
        pdf_zh = page.request.get(patrol_url.replace("/ui/patrols/", "/ui/reports/patrols/") + ".pdf?lang=zh")
        assert pdf_zh.ok
        _pdf_defect_page(pdf_zh.body(), "判定依据", ARTIFACTS / "09-pdf-defect-zh.png")
        _pdf_defect_page(pdf_zh.body(), "判定依据", NAMED / "pdf-defect-zh.png")
        browser.close()
