"""The ``irpatrol`` command (Typer): ``main.app``, one module per feature."""

__all__: list[str] = []
