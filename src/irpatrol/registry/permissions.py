"""Who may do what: one table of actions and the least role each needs, for the API, the pages
and the CLI. Every HTTP route declares the action it performs where it is defined
(``api.deps.allowed(action)`` / ``web.deps.allowed(action)``, which check :func:`role_for`); the
route → action map is read back from the app's route table (``http_deps.route_actions``), and
``tests/api/test_permissions.py`` walks every route of API and pages for every role and compares
what happens with this table, naming any route that declares no action.

Roles are ordered (``registry.auth.ROLES``): viewer < pilot < analyst < admin. ``PUBLIC`` routes
need no sign-in; ``SIGNED_IN`` routes need any active user (``viewer`` or above).
"""

from __future__ import annotations

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


def role_for(action: str) -> str:
    """The least role allowed to do ``action`` (KeyError for an action not in :data:`ACTIONS`)."""
    return ACTIONS[action]
