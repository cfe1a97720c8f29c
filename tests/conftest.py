"""Shared fixtures: one fresh database per test run, the real app over ASGI, a seeded world per test."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from adapters.db import migrate
from adapters.db.engine import make_engine
from adapters.queue.connection import connect
from adapters.settings import Settings
from api.app import create_app
from tests.db import create_database, drop_database, redis_url
from tests.factories import World, truncate_all

SECRET = "test-secret-test-secret-test-secret-1234"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    url, admin = await create_database()
    await asyncio.to_thread(migrate.upgrade, url)
    yield url
    await drop_database(url, admin)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url(), jwt_secret=SECRET, access_log=False,
                    login_max_failures=5)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[object]:
    eng = make_engine(database_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture
async def world(engine: object, app: FastAPI) -> World:
    """Empty tables, then one warehouse, an API channel, two products and a staff user per role."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    await truncate_all(engine)
    app.state.container.forget_keys()
    w = World(engine=engine, secret=SECRET)
    await w.warehouse()
    await w.channel("api")
    await w.product("TSHIRT-RED-M", on_hand="100")
    await w.product("MUG-1", on_hand="5", vat="9", price="20.00")
    for role in ("operator", "sales_manager", "warehouse", "finance", "admin"):
        await w.user(f"{role}@test.local", [role])
    return w


@pytest.fixture
async def queue_name() -> AsyncIterator[str]:
    """An arq queue of the test's own, so parallel runs and other tests on this Redis never see its jobs."""
    name = f"oms:test:{uuid.uuid4().hex[:12]}"
    yield name
    redis = await connect(redis_url(), name)
    try:
        keys = [k async for k in redis.scan_iter(match=f"*{name}*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
