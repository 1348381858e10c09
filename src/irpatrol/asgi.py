"""The composition root of the served application: the API with the web pages beside it.

The entry points ``api``, ``web`` and ``cli`` never import each other (docs/architecture.md,
checked by import-linter); this module, above all three, is where the API and the pages are put
together. ``irpatrol serve`` names :func:`asgi_app` to uvicorn as ``irpatrol.asgi:asgi_app``, so
every worker process builds its own app.
"""

from __future__ import annotations

from fastapi import FastAPI

from irpatrol.api.app import create_app
from irpatrol.config import Settings, get_settings
from irpatrol.web.views import install as install_web

__all__ = ["asgi_app", "compose_app"]


def asgi_app(settings: Settings | None = None) -> FastAPI:
    """The app every ``irpatrol serve`` worker process builds (settings from the environment)."""
    return compose_app(create_app(settings or get_settings()))


def compose_app(app: FastAPI) -> FastAPI:
    """``app`` (the API) with the web pages mounted under ``/ui``."""
    install_web(app)
    return app
