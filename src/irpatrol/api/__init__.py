"""The HTTP API (FastAPI): ``app.create_app(settings)``, one router per use case in ``routes``."""

__all__: list[str] = []
