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
    "GET /reports/patrols/{patrol_id}.pdf": "read",
    "GET /reports/ledger.xlsx": "read",
    "GET /reports/ledger.csv": "read",
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
    "GET /ui/reports/patrols/{patrol_id}.pdf": "read",
    "GET /ui/reports/ledger.xlsx": "read",
    "GET /ui/reports/ledger.csv": "read",
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
            for method in sorted(route.methods):
                yield method, prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x: an included router, resolved lazily
            context = getattr(route, "include_context", None)
            yield from iter_routes(route.original_router.routes, prefix + getattr(context, "prefix", ""))
