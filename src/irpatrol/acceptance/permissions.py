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
from irpatrol.registry import permissions as shared
from irpatrol.registry.permissions import ROLES


def _from(least: str) -> frozenset[str]:
    """Every role at or above ``least``."""
    return frozenset(ROLES[ROLES.index(least):])


PERMISSIONS: Mapping[str, frozenset[str]] = {
    "acceptance.view": _from(shared.SIGNED_IN),
    "site.view_own": _from(shared.SIGNED_IN),
    **{action: _from(least) for action, least in shared.ACTIONS.items()
       if action.startswith(("acceptance.", "site."))},
}
"""Action → the roles that may do it, read from the project's one table
(:data:`irpatrol.registry.permissions.ACTIONS`). ``acceptance.waive_remeasure``: the analyst may waive
the re-measurement of a repaired infrared defect (issue 16); other items are waived by a manager.
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
