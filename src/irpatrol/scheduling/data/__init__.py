"""Data files of the scheduler (the bundled holiday calendar)."""

__all__: list[str] = []
