"""Every module of ``web/pages/`` is mounted under ``/ui`` without a hand list: adding a page is
its route module and its template (docs/architecture.md, "Where to add … a page")."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

from irpatrol import http_deps
from irpatrol.web import i18n, pages, render, views
from irpatrol.web.render import PREFIX


def test_every_module_of_web_pages_is_mounted_under_ui() -> None:
    names = [info.name for info in pkgutil.iter_modules(pages.__path__)]
    assert {"dashboard", "ledger", "login", "viewer"} <= set(names), names
    mounted = {(m, p, route.endpoint) for m, p, route in http_deps.iter_routes(views.router.routes)}
    assert [module.__name__ for module in views.page_modules()] == [f"{pages.__name__}.{n}" for n in names]
    for name in names:
        module = importlib.import_module(f"{pages.__name__}.{name}")
        own = {(m, PREFIX + p, route.endpoint) for m, p, route in http_deps.iter_routes(module.router.routes)}
        assert own, f"web/pages/{name}.py defines no route"
        missing = sorted((m, p) for m, p, _ in own - mounted)
        assert not missing, f"web/pages/{name}.py is not mounted: {missing}"



def test_a_page_module_adds_its_labels_but_never_redefines_one() -> None:
    i18n.add_labels({"test_pages_mounted_only": ("Only here", "仅此")}, "test")
    assert i18n.t("test_pages_mounted_only", "zh") == "仅此"
    i18n.add_labels({"dashboard": i18n.LABELS["dashboard"]}, "test")  # the same meaning: fine
    with pytest.raises(ValueError, match="test: labels already defined otherwise: dashboard"):
        i18n.add_labels({"dashboard": ("Home", "首页")}, "test")
    assert i18n.LABELS["dashboard"] == ("Dashboard", "总览")
    del i18n.LABELS["test_pages_mounted_only"]


def test_the_navigation_bar_comes_from_the_page_modules() -> None:
    # a page's link is declared in its own module (NAV): no third file for a page in the bar
    assert [item.key for item in render.NAV_ITEMS] == [
        "dashboard", "map", "patrols", "ledger", "hazards", "schedule", "assets", "reports", "acceptance",
        "sites", "users"]
    gets = {p for m, p, _ in http_deps.iter_routes(views.router.routes) if m == "GET"}
    for item in render.NAV_ITEMS:
        assert PREFIX + item.path in gets, item
    declared = []
    for module in views.page_modules():
        nav = getattr(module, "NAV", ())
        declared += [nav] if isinstance(nav, render.NavItem) else list(nav)
    assert sorted(declared, key=lambda i: i.order) == render.NAV_ITEMS
    with pytest.raises(ValueError, match="test: navigation key 'map' or place 999 already taken"):
        render.add_nav(render.NavItem("map", "/elsewhere", 999), "test")
    assert [i.key for i in render.NAV_ITEMS if i.admin] == ["users"]


def test_the_bar_shows_the_admin_link_to_admins_only(web: Any, login: Any) -> None:
    client, _ = web
    login(client)  # demo-admin
    page = client.get("/ui/").text
    links = [m for m in ("dashboard", "map", "ledger", "sites", "users") if f'data-nav="{m}"' in page]
    assert links == ["dashboard", "map", "ledger", "sites", "users"]
    assert page.index('data-nav="dashboard"') < page.index('data-nav="map"') < page.index('data-nav="users"')
    client.cookies.clear()
    login(client, "viewer1")
    page = client.get("/ui/").text
    assert 'data-nav="ledger"' in page and 'data-nav="users"' not in page
