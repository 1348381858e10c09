"""Reports: content (pure dataclasses), PDF, Excel/CSV ledgers and their labels."""

__all__: list[str] = []
