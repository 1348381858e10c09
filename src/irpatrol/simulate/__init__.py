"""Synthetic thermal scenes and flights for demos and tests."""

__all__: list[str] = []
