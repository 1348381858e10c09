"""Drone acceptance (验收) of new and repaired 10 kV line sections.

Pure parts: :mod:`.checklist` (versioned checklists per kind of work, TOML data in
``checklists/``), :mod:`.rules` (item results, the acceptance decision, re-measurement of a repaired
infrared defect), :mod:`.mission` (the project's pole mission as a scheduling ``Mission``) and
:mod:`.permissions` (who may do what, for acceptance and site supervision). :mod:`.service` keeps
projects in the registry.
"""

__all__: list[str] = []
