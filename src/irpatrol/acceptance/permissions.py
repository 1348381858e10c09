"""Who may do what in acceptance and site supervision: one table, action → roles, for the API, the
web pages and the CLI (the lead folds it into the project's shared authorisation table).

The registry's roles are viewer < pilot < analyst < admin (:mod:`irpatrol.registry.auth`). The
field roles of issue 16 map onto them: a **crew** member is a viewer or pilot listed in the crew
(``crew_member``) and sees the sites of their own crews; an **inspector / supervisor** is an
analyst; a **manager** (reviewer, approver) is an admin.
"""

from __future__ import annotations

from collections.abc import Mapping

from irpatrol.errors import PermissionDenied

SUPERVISORS = frozenset({"analyst", "admin"})
MANAGERS = frozenset({"admin"})
EVERYONE = frozenset({"viewer", "pilot", "analyst", "admin"})

PERMISSIONS: Mapping[str, frozenset[str]] = {
    "acceptance.view": EVERYONE,
    "acceptance.create": SUPERVISORS,
    "acceptance.mark": SUPERVISORS,
    "acceptance.evidence": frozenset({"pilot", "analyst", "admin"}),
    "acceptance.rectify": frozenset({"pilot", "analyst", "admin"}),
    "acceptance.recheck": SUPERVISORS,
    "acceptance.waive": MANAGERS,
    "acceptance.waive_remeasure": SUPERVISORS,
    "acceptance.accept": MANAGERS,
    "site.view_all": SUPERVISORS,
    "site.view_own": EVERYONE,
    "site.create": SUPERVISORS,
    "site.observe": SUPERVISORS,
    "site.rectify": EVERYONE,
    "site.close": SUPERVISORS,
    "site.escalate": SUPERVISORS,
    "site.crew_members": MANAGERS,
}
"""Action → the roles that may do it. ``acceptance.waive_remeasure``: the analyst may waive the
re-measurement of a repaired infrared defect (issue 16); other items are waived by a manager.
``site.rectify``: a crew member (or supervisor) reports a violation rectified on site."""


def may(role: str, action: str) -> bool:
    """True when ``role`` may do ``action`` (KeyError for an action not in the table)."""
    return role in PERMISSIONS[action]


def require(role: str, action: str) -> None:
    """PermissionDenied unless ``role`` may do ``action``."""
    if not may(role, action):
        roles = ", ".join(sorted(PERMISSIONS[action]))
        raise PermissionDenied(
            f"role {role!r} may not {action.replace('.', ' ').replace('_', ' ')}; allowed: {roles}"
        )
