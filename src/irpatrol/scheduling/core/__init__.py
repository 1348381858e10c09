"""Pure planning core of patrol scheduling: dataclasses in, dataclasses out, no I/O.

Levels (../shared/domain/scheduling.md §1.1): :mod:`campaign` (crew × day × feeder segments),
:mod:`crewday` (takeoff points, battery sorties, drive), :mod:`sortie` (waypoints and actions).
:mod:`validator` re-checks every plan independently.
"""

__all__: list[str] = []
