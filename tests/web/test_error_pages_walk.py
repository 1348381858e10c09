"""Every page route, walked with bad ids and bad inputs, answers with the translated HTML error
page: never raw JSON, a traceback or a server path (issue 14: friendly error pages everywhere)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from irpatrol import http_deps

BAD_IDS = ("99999", "abc", "-1", "0", "1.5", "99999999999999999999999", "%2e%2e%2f%2e%2e%2fetc%2fpasswd")
"""Values put in place of every path parameter: unknown, not a number, out of range, traversal."""
BAD_QUERY = (
    "page_no=abc&palette=%3Cscript%3E&lang=xx&grade=nope&sort=nope&from=2026-13-45&to=x&closed_days=-4"
)


SCRIPT_DATA = (
    "/ui/jobs/{job_id}/progress",
    "/ui/upload/{batch}/files",
    "/ui/findings/{finding_id}/recompute",
    "/ui/findings/{finding_id}/recompute/draft",
)
"""Addresses the pages' scripts fetch: they answer JSON (an ``error`` in the user's language),
which the script shows; they still never show a traceback or a server path."""


def _page_routes(app, method: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        {
            path
            for m, path, _ in http_deps.iter_routes(app.routes)
            if path.startswith("/ui/") and m == method
        }
    )


def _check(r, data_dir: str, what: str, script: bool = False) -> None:  # type: ignore[no-untyped-def]
    if r.status_code < 400:
        return
    body = r.text
    assert "Traceback" not in body and 'File "' not in body, f"{what}: a traceback"
    assert data_dir not in body and "/tmp/" not in body and "site-packages" not in body, f"{what}: a path"
    if script:
        return
    assert r.headers["content-type"].startswith("text/html"), (
        f"{what}: {r.status_code} {r.headers['content-type']}"
    )
    assert 'id="error-title"' in body, f"{what}: not the error page"
    assert "Traceback" not in body and 'File "' not in body, f"{what}: a traceback"
    assert data_dir not in body and "/tmp/" not in body and "site-packages" not in body, f"{what}: a path"
    assert '{"detail"' not in body, f"{what}: raw JSON"


@pytest.fixture
def admin(web, login) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    client = TestClient(web[0].app, raise_server_exceptions=False)
    login(client, "demo-admin")
    yield client


@pytest.mark.slow
def test_every_page_route_with_bad_ids_gives_the_error_page(web, admin) -> None:  # type: ignore[no-untyped-def]
    data_dir = str(web[0].app.state.settings.data_dir)
    errors = 0
    for method in ("GET", "POST"):
        paths = _page_routes(web[0].app, method)
        assert len(paths) > 10, method
        for path in paths:
            params = re.findall(r"\{(\w+)\}", path)
            for value in BAD_IDS if params else ("",):
                url = re.sub(r"\{\w+\}", value, path) if params else path
                if method == "POST" and not params:
                    continue  # forms without an id: covered by their own tests (login, imports, uploads)
                for query in ("", BAD_QUERY):
                    target = f"{url}?{query}" if query else url
                    r = admin.get(target) if method == "GET" else admin.post(target, data={"x": "1"})
                    _check(r, data_dir, f"{method} {target}", script=path in SCRIPT_DATA)
                    assert r.status_code < 500, f"{method} {target}: {r.status_code}"
                    errors += r.status_code >= 400
    assert errors > 100  # the walk did reach the error answers


@pytest.mark.parametrize("lang,title", [("en", "Not found"), ("zh", "未找到")])
def test_an_unknown_address_is_a_translated_404_page(web, lang: str, title: str, login) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web[0].app)
    login(client, "viewer1" if lang == "zh" else "demo-admin")  # the user's language, not the browser's
    r = client.get("/ui/no/such/page", headers={"accept-language": "en" if lang == "zh" else "zh-CN"})
    assert r.status_code == 404 and title in r.text and r.headers["content-type"].startswith("text/html")


def test_bad_values_are_a_422_page_naming_the_field_in_the_users_language(web, login) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web[0].app)
    login(client, "viewer1")  # zh
    r = client.get("/ui/ledger/abc")
    assert r.status_code == 422 and "输入无效" in r.text and "defect_id" in r.text
    r = client.get("/ui/reports/period.pdf?from=2026-02-30&to=2026-03-01")
    assert r.status_code == 422 and "from" in r.text and "Input should be" not in r.text


def test_a_wrong_method_and_a_period_backwards_are_pages(web, admin) -> None:  # type: ignore[no-untyped-def]
    data_dir = str(web[0].app.state.settings.data_dir)
    r = admin.post("/ui/reports")
    assert r.status_code == 405
    _check(r, data_dir, "POST /ui/reports")
    r = admin.get("/ui/reports/period.pdf?from=2026-03-01&to=2026-02-01")
    assert r.status_code == 422  # a ParameterError: the one error-to-status table (irpatrol.http_errors)
    _check(r, data_dir, "period backwards")
    assert "before the start" in r.text


def test_an_upload_over_the_limit_from_a_form_is_a_413_page(web, admin) -> None:  # type: ignore[no-untyped-def]
    limit = web[0].app.state.settings.upload_limit_bytes
    r = admin.post(
        "/ui/hazards/1/photos",
        content=b"x" * (limit + 200_000),
        headers={"content-type": "multipart/form-data; boundary=zz", "accept": "text/html"},
    )
    assert r.status_code == 413
    _check(r, str(web[0].app.state.settings.data_dir), "413")
    assert "Upload too large" in r.text


def test_an_unexpected_error_is_a_500_page_without_its_traceback(web) -> None:  # type: ignore[no-untyped-def]
    app = web[0].app
    router = APIRouter()

    @router.get("/ui/test-boom")
    def boom() -> None:
        raise RuntimeError(f"secret detail {app.state.settings.data_dir}/x.tiff")

    app.include_router(router)
    try:
        client = TestClient(app, raise_server_exceptions=False)
        r = client.get("/ui/test-boom", headers={"accept-language": "zh-CN"})
        assert r.status_code == 500 and "系统出错" in r.text
        _check(r, str(app.state.settings.data_dir), "500")
        assert "secret detail" not in r.text
    finally:
        app.router.routes[:] = [rt for rt in app.router.routes if getattr(rt, "path", "") != "/ui/test-boom"]
