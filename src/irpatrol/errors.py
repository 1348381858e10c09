"""The one error tree of irpatrol.

Every error the project raises on purpose derives from :class:`IrPatrolError`, so each entry
point (CLI, HTTP, web) translates exactly one type into an exit code, a status or a message::

    IrPatrolError
    ├── InputError                bad input from a user or a file
    │   ├── ThermalFormatError    a file that is not (or no longer) a readable thermogram
    │   ├── UnsupportedCamera     a thermogram whose camera/format variant we cannot decode
    │   ├── RuleSetError          a rule file with a bad row or field
    │   └── ImportRowError        an asset/CSV/GeoJSON/KML row that cannot be imported
    ├── ParameterError            a parameter outside its allowed range (emissivity, distance …)
    ├── NotFound                  a record that does not exist
    ├── Conflict                  a state change that is not allowed (workflow, duplicates)
    ├── PermissionDenied          a role that may not do this
    └── PlanningError             a scheduling problem that cannot be solved as posed
"""

from __future__ import annotations


class IrPatrolError(Exception):
    """Base of every error irpatrol raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class InputError(IrPatrolError):
    """Bad input from a user or a file."""


class ThermalFormatError(InputError):
    """A file that is not a readable radiometric thermogram (truncated, corrupt, no thermal data)."""


class UnsupportedCamera(ThermalFormatError):
    """A thermogram from a camera or format variant that no decoder handles."""


class RuleSetError(InputError):
    """A diagnosis rule file with a bad row or field."""


class ImportRowError(InputError):
    """An import row (CSV line, GeoJSON feature, KML placemark) that cannot be imported."""


class ParameterError(IrPatrolError):
    """A parameter outside its allowed range."""


class NotFound(IrPatrolError):
    """A record that does not exist."""

    exit_code = 3


class Conflict(IrPatrolError):
    """A state change that is not allowed."""


class PermissionDenied(IrPatrolError):
    """The current role may not do this."""


class PlanningError(IrPatrolError):
    """A scheduling problem that cannot be solved as posed."""
