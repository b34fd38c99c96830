"""The FastAPI application: wiring in one place (the lifespan), routers from api/routers."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from api import errors
from api.docs import install_docs
from api.metrics import HttpMetrics, MetricsMiddleware
from api.routers import ROUTER_MODULES
from api.state import AppState, TemporalProvider
from infra.db.engine import make_engine
from infra.settings import Settings


def create_app(settings: Settings, *, engine: AsyncEngine | None = None, temporal: TemporalProvider | None = None,
               ) -> FastAPI:
    """Build the app; tests pass their own engine and Temporal provider."""
    if engine is None:
        if not settings.database_url:
            raise RuntimeError("REVOS_DATABASE_URL is required to run the API")
        engine = make_engine(settings.database_url)
    if temporal is None:
        address = settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
        temporal = TemporalProvider(address, settings.temporal_namespace)
    state = AppState(settings=settings, engine=engine, temporal=temporal)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await state.engine.dispose()

    app = FastAPI(
        docs_url=None,  # served below from the swagger-ui-bundle wheel: no CDN, works offline
        redoc_url=None,
        title="Revenue OS",
        version="0.1.0",
        description="Capital governance, revenue kernel, governed change and voice AI. "
        "Every /v1 route needs `Authorization: Bearer <api key>` (see `revos keys create`).",
        lifespan=lifespan,
    )
    app.state.revos = state
    install_docs(app)
    errors.install(app)
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router)
    app.add_middleware(MetricsMiddleware, metrics=HttpMetrics(state.registry))
    return app
