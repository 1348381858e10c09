"""Mission and plan exports: DJI WPML KMZ per sortie, KML and GeoJSON per day, iCalendar per crew.

Every writer is a pure function returning bytes or a dict; the CLI writes the files.
"""

__all__: list[str] = []
