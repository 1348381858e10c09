"""Alembic migrations of the registry schema, shipped inside the package (see :func:`irpatrol.db.upgrade`)."""

__all__: list[str] = []
