"""The FastAPI application: ``create_app(settings)`` wires settings, the database, the job
runner, the error handlers and one router per use case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from irpatrol import __version__
from irpatrol.api.docs import install_docs
from irpatrol.api.errors import ERROR_RESPONSES, install_error_handlers
from irpatrol.api.routes import (
    acceptance,
    assets,
    auth,
    defects,
    findings,
    hazards,
    health,
    images,
    jobs,
    patrols,
    photos,
    plans,
    reports,
    sites,
    stats,
    users,
)
from irpatrol.config import Settings, ensure_secret_key, get_settings
from irpatrol.db import make_engine, session_factory
from irpatrol.http_security import install_http_security
from irpatrol.ingest.jobs import make_runner
from irpatrol.reports.timefmt import use_zone

PUBLIC_ROUTERS = (health.router, auth.router)
"""Routers reachable without a token."""
PROTECTED_ROUTERS = (
    assets.router,
    patrols.router,
    images.router,
    jobs.router,
    findings.router,
    defects.router,
    hazards.router,
    photos.router,
    reports.router,
    stats.router,
    plans.router,
    users.router,
    acceptance.router,
    sites.router,
)
"""Routers whose every endpoint declares a role (see :mod:`irpatrol.api.deps`)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The irpatrol HTTP API over the database ``settings`` name (default: the environment)."""
    settings = settings or get_settings()
    ensure_secret_key(settings)  # refuse a published or short key before serving anything
    settings.use_standards()
    use_zone(settings.timezone)
    engine = make_engine(settings.effective_database_url)
    sessions = session_factory(engine)
    runner = make_runner(settings, sessions)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner.start()
        try:
            yield
        finally:
            runner.close()
            engine.dispose()

    app = FastAPI(
        title="irpatrol",
        docs_url=None,  # served by install_docs with local assets: utility networks are closed
        redoc_url=None,
        version=__version__,
        summary="Drone infrared inspection of 10 kV distribution lines: assets, patrols, images, "
        "findings, defects, hazards, statistics and patrol plans.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = sessions
    app.state.jobs = runner
    install_error_handlers(app)
    install_docs(app)
    install_http_security(app, settings.tile_url)
    for router in PUBLIC_ROUTERS:
        app.include_router(router)
    for router in PROTECTED_ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    return app
