"""Patrol scheduling (issue 5): campaign plans, battery sorties per crew day, and missions.

* :mod:`irpatrol.scheduling.core` — the pure planner: ``model`` (dataclasses), ``county.generate``
  (synthetic county), ``campaign.plan_campaign`` / ``campaign.replan``, ``crewday`` (PyVRP over
  the feeder-order ``split``), ``sortie.mission`` (waypoints), ``validator.validate`` / ``check``,
  ``codec`` (JSON schema ``irpatrol.plan/1`` and ``irpatrol.county/1``).
* :mod:`irpatrol.scheduling.export` — DJI WPML KMZ, KML, GeoJSON, iCalendar.
* :mod:`irpatrol.scheduling.files` — JSON/CSV file adapters used by the CLI.
"""

__all__: list[str] = []
