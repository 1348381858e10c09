"""Who may do what: one table of actions and the least role each needs, and which action every
HTTP route (API and pages) performs. The API and the pages take their role checks from
:func:`role_for`, and ``tests/api/test_permissions.py`` walks every route of both (from the app's
route table) for every role and compares what happens with this table, so a new route without a
row here fails that test with its method and path named.

Roles are ordered (``registry.auth.ROLES``): viewer < pilot < analyst < admin. ``PUBLIC`` routes
need no sign-in; ``SIGNED_IN`` routes need any active user (``viewer`` or above).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ROLES: tuple[str, ...] = ("viewer", "pilot", "analyst", "admin")
"""Roles from least to most privileged; each role may do everything the ones before it may."""
PUBLIC = "public"
SIGNED_IN = "viewer"

ACTIONS: dict[str, str] = {
    "public": PUBLIC,
    "read": SIGNED_IN,  # every list, detail, map, report and statistic
    "own_account": SIGNED_IN,  # sign out, change one's password or language
    "patrol.create": "pilot",
    "image.upload": "pilot",
    "defect.create": "pilot",
    "defect.photo": "pilot",
    "hazard.create": "pilot",
    "hazard.photo": "pilot",
    "ingest": "analyst",
    "finding.recompute": "analyst",
    "defect.transition": "analyst",
    "hazard.transition": "analyst",
    "asset.import": "admin",
    "asset.delete": "admin",
    "user.admin": "admin",  # list, create, change role, (de)activate, sign out another user
    # the analyst's judgement in the pages (issue 14)
    "flight.upload": "analyst",  # upload a flight and start its ingest
    "finding.override": "analyst",  # override, add a missed hotspot, patrol colour range, report details
    "patrol.admin": "admin",  # edit or remove a patrol, with a reason
    "patrol.weather": "analyst",  # a patrol's weather and load current, with a reason (DL/T 664 validity)
    # acceptance (验收) and site supervision (安全督查), issue 16; crews = viewer/pilot in crew_member
    "acceptance.create": "analyst",
    "acceptance.mark": "analyst",
    "acceptance.evidence": "pilot",
    "acceptance.rectify": "pilot",
    "acceptance.recheck": "analyst",
    "acceptance.waive_remeasure": "analyst",
    "acceptance.waive": "admin",
    "acceptance.accept": "admin",
    "site.view_all": "analyst",  # others see the sites of their own crews only
    "site.create": "analyst",
    "site.observe": "analyst",
    "site.rectify": SIGNED_IN,  # a crew member reports a violation rectified on site
    "site.close": "analyst",
    "site.escalate": "analyst",
    "site.crew_members": "admin",
}
"""Action → least role allowed to do it."""

ROUTES: dict[str, str] = {
    # API
    "GET /health": "public",
    "POST /auth/token": "public",
    "POST /auth/logout": "own_account",
    "POST /auth/logout-all": "own_account",
    "POST /auth/password": "own_account",
    "GET /assets/areas": "read",
    "GET /assets/feeders": "read",
    "GET /assets/feeders/{feeder_id}": "read",
    "GET /assets/poles": "read",
    "GET /assets/poles/{pole_id}": "read",
    "POST /assets/import": "asset.import",
    "DELETE /assets/poles/{pole_id}": "asset.delete",
    "DELETE /assets/feeders/{feeder_id}": "asset.delete",
    "DELETE /assets/areas/{area_id}": "asset.delete",
    "GET /patrols": "read",
    "GET /patrols/{patrol_id}": "read",
    "POST /patrols": "patrol.create",
    "POST /images": "image.upload",
    "GET /images": "read",
    "GET /images/{image_id}": "read",
    "GET /images/{image_id}/thermal.png": "read",
    "GET /images/{image_id}/visible.jpg": "read",
    "POST /ingest": "ingest",
    "GET /jobs": "read",
    "GET /jobs/{job_id}": "read",
    "GET /findings": "read",
    "GET /findings/{finding_id}": "read",
    "POST /findings/{finding_id}/recompute": "finding.recompute",
    "GET /defects": "read",
    "GET /defects/{defect_id}": "read",
    "POST /defects/{defect_id}/transition": "defect.transition",
    "POST /defects": "defect.create",
    "POST /defects/{defect_id}/photos": "defect.photo",
    "GET /hazards": "read",
    "GET /hazards/{hazard_id}": "read",
    "POST /hazards/{hazard_id}/photos": "hazard.photo",
    "POST /hazards": "hazard.create",
    "POST /hazards/{hazard_id}/transition": "hazard.transition",
    "GET /photos/{photo_id}": "read",
    "GET /reports/patrols/{patrol_id}.{fmt}": "read",
    "GET /reports/ledger.{fmt}": "read",
    "GET /reports/feeders/{feeder_id}.{fmt}": "read",
    "GET /reports/period.{fmt}": "read",
    "GET /stats": "read",
    "GET /plans": "read",
    "GET /plans/{plan_id}": "read",
    "GET /users/me": "read",
    "GET /users": "user.admin",
    "POST /users": "user.admin",
    "PATCH /users/{username}": "own_account",  # role/active changes: user.admin, checked by the service
    # pages
    "GET /": "public",
    "GET /ui/login": "public",
    "POST /ui/login": "public",
    "POST /ui/logout": "public",  # ends the cookie's session if there is one
    "GET /ui/password": "own_account",
    "POST /ui/password": "own_account",
    "POST /ui/sessions/end": "own_account",
    "POST /ui/users/{username}/sessions/end": "user.admin",
    "POST /ui/lang/{lang}": "own_account",
    "GET /ui/": "read",
    "GET /ui/map": "read",
    "GET /ui/poles/{pole_id}": "read",
    "GET /ui/patrols": "read",
    "GET /ui/patrols/{patrol_id}": "read",
    "GET /ui/viewer/{image_id}": "read",
    "GET /ui/viewer/{image_id}/celsius.bin": "read",
    "GET /ui/viewer/{image_id}/thermal.png": "read",
    "GET /ui/viewer/{image_id}/visible.jpg": "read",
    "POST /ui/findings/{finding_id}/recompute": "finding.recompute",
    "GET /ui/ledger": "read",
    "GET /ui/ledger/{defect_id}": "read",
    "POST /ui/ledger/{defect_id}/transition": "defect.transition",
    "GET /ui/hazards": "read",
    "GET /ui/hazards/{hazard_id}": "read",
    "POST /ui/hazards/{hazard_id}/transition": "hazard.transition",
    "POST /ui/hazards/{hazard_id}/photos": "hazard.photo",
    "GET /ui/photos/{photo_id}": "read",
    "GET /ui/schedule": "read",
    "GET /ui/schedule/{plan_id}/missions": "read",
    "GET /ui/assets": "read",
    "POST /ui/assets/import": "asset.import",
    "GET /ui/users": "user.admin",
    "POST /ui/users": "user.admin",
    "POST /ui/users/{username}/role": "user.admin",
    "POST /ui/users/{username}/active": "user.admin",
    "GET /ui/reports/patrols/{patrol_id}.{fmt}": "read",
    "GET /ui/reports/ledger.{fmt}": "read",
    "GET /ui/reports": "read",
    "GET /ui/reports/feeders/{feeder_id}.{fmt}": "read",
    "GET /ui/reports/period.{fmt}": "read",
    "GET /docs": "public",
    "GET /redoc": "public",
    # issue 14
    "GET /ui/upload": "flight.upload",
    "GET /ui/upload/{batch}/files": "flight.upload",
    "POST /ui/upload/{batch}/files": "flight.upload",
    "POST /ui/upload/{batch}/ingest": "flight.upload",
    "GET /ui/jobs/{job_id}/progress": "read",
    "POST /ui/findings/{finding_id}/recompute/draft": "finding.recompute",
    "POST /ui/findings/{finding_id}/override": "finding.override",
    "POST /ui/viewer/{image_id}/findings": "finding.override",
    "POST /ui/patrols/{patrol_id}/display": "finding.override",
    "POST /ui/patrols/{patrol_id}/report-meta": "finding.override",
    "POST /ui/patrols/{patrol_id}/edit": "patrol.admin",
    "POST /ui/patrols/{patrol_id}/weather": "patrol.weather",
    "POST /ui/patrols/{patrol_id}/remove": "patrol.admin",
    # issue 16: API
    "GET /acceptance/checklists": "read",
    "GET /acceptance/checklists/{kind}": "read",
    "GET /acceptance/projects": "read",
    "POST /acceptance/projects": "acceptance.create",
    "GET /acceptance/projects/{project_id}": "read",
    "GET /acceptance/projects/{project_id}/mission.kmz": "read",
    "POST /acceptance/projects/{project_id}/photos": "acceptance.evidence",
    "POST /acceptance/items/{item_id}/evidence": "acceptance.evidence",
    "POST /acceptance/items/{item_id}/mark": "acceptance.mark",
    "POST /acceptance/items/{item_id}/remeasure": "acceptance.recheck",
    "POST /acceptance/rectifications/{rect_id}/transition": "acceptance.rectify",
    "POST /acceptance/projects/{project_id}/accept": "acceptance.accept",
    "GET /acceptance/projects/{project_id}/report": "read",
    "GET /sites": "read",
    "POST /sites": "site.create",
    "GET /sites/{site_id}": "read",
    "POST /sites/{site_id}/status": "site.close",
    "GET /sites/{site_id}/mission.kmz": "read",
    "POST /sites/measures/{measure_id}/confirm": "site.observe",
    "POST /sites/{site_id}/violations": "site.observe",
    "POST /violations/{violation_id}/transition": "site.rectify",
    "GET /violations": "read",
    "GET /sites/{site_id}/report": "read",
    # issue 16: pages
    "GET /ui/acceptance": "read",
    "POST /ui/acceptance": "acceptance.create",
    "GET /ui/acceptance/{project_id}": "read",
    "POST /ui/acceptance/{project_id}/photos": "acceptance.evidence",
    "POST /ui/acceptance/{project_id}/accept": "acceptance.accept",
    "GET /ui/acceptance/{project_id}/mission.kmz": "read",
    "GET /ui/acceptance/{project_id}/report.{fmt}": "read",
    "GET /ui/acceptance/items/{item_id}": "read",
    "POST /ui/acceptance/items/{item_id}/evidence": "acceptance.evidence",
    "POST /ui/acceptance/items/{item_id}/mark": "acceptance.mark",
    "POST /ui/acceptance/items/{item_id}/remeasure": "acceptance.recheck",
    "POST /ui/acceptance/rectifications/{rect_id}": "acceptance.rectify",
    "GET /ui/sites": "read",
    "POST /ui/sites": "site.create",
    "GET /ui/sites/{site_id}": "read",
    "POST /ui/sites/{site_id}/violations": "site.observe",
    "POST /ui/sites/measures/{measure_id}/confirm": "site.observe",
    "POST /ui/violations/{violation_id}/transition": "site.rectify",
    "POST /ui/sites/{site_id}/status": "site.close",
    "GET /ui/sites/{site_id}/mission.kmz": "read",
    "GET /ui/sites/{site_id}/report.{fmt}": "read",
    "GET /ui/violations": "read",
}
"""``"METHOD /path"`` (as the app's route table writes it) → the action it performs."""


def role_for(action: str) -> str:
    """The least role allowed to do ``action`` (KeyError for an action not in :data:`ACTIONS`)."""
    return ACTIONS[action]


def route_role(method: str, path: str) -> str | None:
    """The least role a route needs (:data:`PUBLIC` for none); None when the route is not in
    :data:`ROUTES`."""
    action = ROUTES.get(f"{method.upper()} {path}")
    return None if action is None else ACTIONS[action]


def iter_routes(routes: Any, prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    """``(method, full path, route)`` of every FastAPI route under ``routes`` (an app's or a
    router's ``routes``), included routers followed (also FastAPI's lazily included ones)."""
    from fastapi.routing import APIRoute

    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods or ()):
                yield method, prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x: an included router, resolved lazily
            context = getattr(route, "include_context", None)
            yield from iter_routes(route.original_router.routes, prefix + getattr(context, "prefix", ""))
