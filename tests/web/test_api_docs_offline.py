"""The API description pages work on a closed network (issue 9): ``/docs`` (Swagger UI) and
``/redoc`` render in Debian's Chromium with every script, style sheet and font served by irpatrol
itself; a request to any other origin fails the test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import irpatrol_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``irpatrol serve`` on an empty database in a temporary folder, on a free loopback port."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    env = {**os.environ, "IRPATROL_DATA_DIR": str(tmp_path_factory.mktemp("docs"))}
    env.pop("IRPATROL_DATABASE_URL", None)
    with irpatrol_server(env) as url:
        yield url


@pytest.mark.parametrize(("path", "ready"), [
    ("/docs", ".swagger-ui .info .title"),
    ("/redoc", "redoc-wrap, .redoc-wrap, [role=navigation]"),
])
def test_api_description_renders_with_no_request_off_the_machine(base: str, path: str, ready: str) -> None:
    from playwright.sync_api import Route, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.route("**/*", guard)
        page.goto(f"{base}{path}")
        page.wait_for_selector(ready, timeout=20_000)
        page.wait_for_load_state("networkidle")
        assert "irpatrol" in page.inner_text("body")
        assert "/defects" in page.inner_text("body")  # the operations are listed
        page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-')}.png"))
        browser.close()
    assert not outside, f"{path} asked other origins: {outside}"
