"""The FastAPI application: wiring in one place (the lifespan), routers from api/routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from api import errors
from api.docs import install_docs
from api.input_guard import InputGuard
from api.metrics import HttpMetrics, MetricsMiddleware
from api.openapi import install_openapi
from api.routers import ROUTERS, kernel
from api.state import AppState, TemporalProvider
from api.ui import install_ui
from api.widget import install_widget
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
        temporal = TemporalProvider(settings.temporal_target, settings.temporal_namespace)
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
    for router in ROUTERS:
        app.include_router(router)
    install_ui(app, settings)
    install_widget(app)
    install_openapi(app)
    # The guard sits inside the metrics middleware, so its refusals are counted like any answer.
    app.add_middleware(InputGuard, max_body_bytes=settings.api_max_body_bytes,
                       renderers={("POST", "/v1/kernel/cycles"): kernel.guard_refusal})
    app.add_middleware(MetricsMiddleware, metrics=HttpMetrics(state.registry))
    return app
