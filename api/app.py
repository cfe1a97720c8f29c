"""Composition root of the HTTP process: settings -> engine, Redis -> container -> routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.engine import make_engine
from adapters.db.pg import create_pool
from adapters.settings import Settings, get_settings
from api import errors, spa
from api.deps import Container
from api.middleware import EdgeMiddleware, configure_logging
from api.routers import (
    api_keys,
    auth,
    channel_health,
    channels,
    couriers,
    customers,
    estimates,
    fulfilment,
    ops,
    orders,
    packing_lists,
    price_lists,
    products,
    shipments,
    sync_log,
    users,
    warehouse,
    webhooks,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.database_url:
            raise SystemExit("OMS_DATABASE_URL is not set (make run sets it for you)")
        # Most connections go to the order core's asyncpg pool; SQLAlchemy serves the lighter screens.
        engine = make_engine(settings.database_url, pool_size=max(4, settings.db_pool_size // 4))
        pool = await create_pool(settings.database_url, size=settings.db_pool_size)
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        app.state.container = Container(settings=settings, engine=engine, pool=pool, redis=redis,
                                        couriers=SqlCourierDirectory(pool))
        # Everything alive now (modules, routes, schemas) lives as long as the process: keep it out of the
        # cyclic collector, whose full passes over it cost tens of milliseconds under load.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if app.state.container.couriers is not None:
                await app.state.container.couriers.aclose()
            await pool.close()
            await engine.dispose()
            if redis is not None:
                await redis.aclose()

    app = FastAPI(
        title="OMS — order management service",
        version="0.1.0",
        description="One queue for every sales channel: intake, approval, confirmation, fulfilment and returns. "
                    "Errors are RFC 9457 problem+json; money and quantities are decimal strings.",
        lifespan=lifespan,

    )
    errors.install(app)
    for module in (ops, auth, orders, users, api_keys, channel_health, channels, customers, products, warehouse,
                   price_lists, webhooks, sync_log, estimates, fulfilment, packing_lists, shipments):
        app.include_router(module.router)
    app.include_router(couriers.router)
    spa.mount(app)
    app.add_middleware(EdgeMiddleware, max_body=settings.max_body_bytes, access_log=settings.access_log)
    return app


def app_from_env() -> FastAPI:
    """uvicorn factory entry point: `uvicorn --factory api.app:app_from_env`."""
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
