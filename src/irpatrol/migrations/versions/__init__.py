"""Alembic revision files (one per schema change, oldest first)."""

__all__: list[str] = []
