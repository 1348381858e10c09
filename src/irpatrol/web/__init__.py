"""The server-rendered web pages (``views.install(app)``)."""

__all__: list[str] = []
