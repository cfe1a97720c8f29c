"""The `oms` command: the OpenAPI export, the demo seed, and creating users and API keys from a shell."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cli.demo import seed_demo
from cli.demo_data import CHANNELS, ORDERS
from domain.catalog.model import CHANNEL_TYPES
from domain.orders.status import OrderStatus as S
from tests.db import ROOT
from tests.factories import World, truncate_all

COUNTED = ("app_user", "warehouse", "channel", "product", "stock_level", "customer", "price_list_item",
           "sales_order", "sales_order_line", "order_history", "outbox")


async def oms(*args: str, env: dict[str, str] | None = None, stdin: bytes = b"") -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", *args, cwd=ROOT, env={**os.environ, **(env or {})},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin), 120)
    return proc.returncode or 0, out.decode(), err.decode()


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one() for t in COUNTED}


async def test_openapi_prints_the_schema_as_stable_json() -> None:
    code, out, err = await oms("openapi")
    assert code == 0, err
    schema = json.loads(out)
    assert out == json.dumps(schema, indent=2, sort_keys=True) + "\n"
    for path in ("/api/omni_sales/orders", "/api/users", "/api/users/{user_id}", "/api/api_keys",
                 "/api/api_keys/{key_id}"):
        assert path in schema["paths"]


async def test_the_demo_seed_runs_once(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    await truncate_all(engine)
    try:
        assert await seed_demo(engine) is True
        first = await counts(engine)
        assert await seed_demo(engine) is False
        assert await counts(engine) == first

        assert first["app_user"] == 5 and first["sales_order"] == len(ORDERS)
        assert first["product"] >= 20 and first["channel"] == len(CHANNEL_TYPES) == len(CHANNELS)
        # Orders went through the use cases: every one has history and outbox events.
        assert first["order_history"] > first["sales_order"] and first["outbox"] >= first["order_history"]
        async with engine.connect() as conn:
            statuses = set((await conn.execute(text("SELECT DISTINCT status FROM sales_order"))).scalars())
            pending = (await conn.execute(text("SELECT count(*) FROM sales_order WHERE approve_status = 0"))).scalar()
            types = set((await conn.execute(text("SELECT type FROM channel"))).scalars())
        assert {S.DRAFT, S.PROCESSING, S.PENDING_PAYMENT, S.PAID, S.CONFIRMED, S.ON_HOLD, S.STOCK_UNAVAILABLE,
                S.CANCELLED} <= statuses
        assert pending and types == set(CHANNEL_TYPES)

        r = await client.post("/api/auth/login", json={"email": "manager@oms.local", "password": "demo"})
        assert r.status_code == 200 and r.json()["user"]["roles"] == ["sales_manager"]
    finally:
        await truncate_all(engine)


async def test_create_user_and_api_key_from_the_shell(database_url: str, client: httpx.AsyncClient,
                                                      world: World) -> None:
    env = {"OMS_DATABASE_URL": database_url}
    email = f"ops.{uuid.uuid4().hex[:6]}@example.ro"
    code, out, err = await oms("create-user", "--email", email, "--name", "Ops", "--role", "operator",
                               "--role", "finance", env=env, stdin=b"long-enough\n")
    assert code == 0, err
    r = await client.post("/api/auth/login", json={"email": email, "password": "long-enough"})
    assert r.status_code == 200 and r.json()["user"]["roles"] == ["finance", "operator"]

    code, out, err = await oms("create-user", "--email", "x@example.ro", "--name", "X", "--role", "operator",
                               "--password", "short", env=env)
    assert code == 1 and "password" in err

    code, out, err = await oms("create-api-key", "--name", "ERP", "--channel-id", str(world.channels["api"]),
                               "--scope", "orders:read", env=env)
    assert code == 0, err
    key = out.strip()
    r = await client.get("/api/omni_sales/orders", headers={"X-API-Key": key})
    assert r.status_code == 200
