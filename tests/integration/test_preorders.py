"""The daily pre-order run against PostgreSQL: reserve near the promised date, flag once what is short."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.outbox import SqlOutbox
from adapters.queue.connection import connect
from adapters.queue.jobs import ArqJobQueue
from adapters.queue.relay import relay_pending
from adapters.settings import Settings
from tests.db import redis_url
from tests.factories import World, order_body
from tests.integration.test_outbox_relay import run_worker_burst
from workers.jobs import notify_customer, notify_operator
from workers.preorders import reserve_preorders
from workers.routes import ROUTES
from workers.settings import relay_schedule

ORDERS = "/api/omni_sales/orders"


def auth(w: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens['operator@test.local']}"}


def in_days(n: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=n)).isoformat()


async def confirmed_preorder(client: httpx.AsyncClient, w: World, channel: int, ref: str, days: int,
                             lines: list[tuple[str, str, str]]) -> dict[str, Any]:
    r = await client.post(ORDERS, json=order_body(channel, ref=ref, lines=lines, promised_date=in_days(days)),
                          headers=auth(w))
    assert r.status_code == 201, r.text
    confirmed = await client.post(f"{ORDERS}/{r.json()['id']}/confirm", headers=auth(w))
    assert confirmed.status_code == 200, confirmed.text
    body: dict[str, Any] = confirmed.json()
    assert body["status"] == 3 and body["reserved"] is False  # stock is not checked until the date is near
    return body


async def history(w: World, order_id: int) -> list[tuple[str, str | None]]:
    rows = await w.sql("SELECT action, reason FROM order_history WHERE order_id = :id ORDER BY id", id=order_id)
    return [(r.action, r.reason) for r in rows]


async def test_the_daily_run_reserves_due_preorders_and_flags_the_short_ones_once(
        client: httpx.AsyncClient, world: World, app: FastAPI) -> None:
    pre = await world.channel("preorders", "preorder", {"preorder_reserve_days": 5})
    due = await confirmed_preorder(client, world, pre, "PRE-1", 5, [("TSHIRT-RED-M", "4", "49.90")])
    later = await confirmed_preorder(client, world, pre, "PRE-2", 6, [("TSHIRT-RED-M", "1", "49.90")])
    short = await confirmed_preorder(client, world, pre, "PRE-3", 2, [("MUG-1", "6", "20.00")])
    ctx = {"pool": app.state.container.pool}

    result = await reserve_preorders(ctx)
    assert result == {"reserved": [due["id"]], "flagged": [short["id"]], "still_short": []}
    assert await world.stock("TSHIRT-RED-M") == (100, 4) and await world.stock("MUG-1") == (5, 0)
    assert (await history(world, due["id"]))[-1] == ("reserve_preorder", None)
    action, reason = (await history(world, short["id"]))[-1]
    assert action == "preorder_stock_short" and reason is not None and "MUG-1 need 6.000 have 5.000" in reason
    events = await world.sql("SELECT event_type, payload FROM outbox WHERE aggregate_id = :id ORDER BY id",
                             id=short["id"])
    assert events[-1].event_type == "order.preorder_stock_short" and "MUG-1" in events[-1].payload["missing"]
    detail = (await client.get(f"{ORDERS}/{short['id']}", headers=auth(world))).json()
    assert detail["preorder_flagged_at"] is not None and detail["status"] == 3
    assert (await client.get(f"{ORDERS}/{due['id']}", headers=auth(world))).json()["reserved"] is True
    assert (await client.get(f"{ORDERS}/{later['id']}", headers=auth(world))).json()["reserved"] is False

    # Idempotent: a second run the same day reserves nothing twice and flags nothing twice.
    rows_before = len(await history(world, short["id"]))
    assert await reserve_preorders(ctx) == {"reserved": [], "flagged": [], "still_short": [short["id"]]}
    assert len(await history(world, short["id"])) == rows_before
    assert await world.stock("TSHIRT-RED-M") == (100, 4)

    # Stock arrives: the next run reserves the flagged order.
    await world.sql("UPDATE stock_level SET on_hand = 10 WHERE product_id = :p", p=world.products["MUG-1"])
    assert await reserve_preorders(ctx) == {"reserved": [short["id"]], "flagged": [], "still_short": []}
    assert await world.stock("MUG-1") == (10, 6)


async def test_the_window_defaults_to_three_days_and_is_a_channel_setting(
        client: httpx.AsyncClient, world: World, app: FastAPI) -> None:
    admin = {"Authorization": f"Bearer {world.tokens['admin@test.local']}"}
    r = await client.post("/api/omni_sales/channels", json={"name": "Pre", "type": "preorder"}, headers=admin)
    assert r.status_code == 201, r.text
    pre = r.json()["id"]
    assert r.json()["settings"]["preorder_reserve_days"] == 3
    inside = await confirmed_preorder(client, world, pre, "PRE-A", 3, [("TSHIRT-RED-M", "1", "49.90")])
    outside = await confirmed_preorder(client, world, pre, "PRE-B", 4, [("TSHIRT-RED-M", "1", "49.90")])
    result = await reserve_preorders({"pool": app.state.container.pool})
    assert result["reserved"] == [inside["id"]]

    patched = await client.patch(f"/api/omni_sales/channels/{pre}", json={"settings": {"preorder_reserve_days": 4}},
                                 headers=admin)
    assert patched.status_code == 200 and patched.json()["settings"]["preorder_reserve_days"] == 4
    assert (await reserve_preorders({"pool": app.state.container.pool}))["reserved"] == [outside["id"]]


def test_the_run_is_a_daily_cron_job_of_the_worker() -> None:
    jobs = {job.name: job for job in relay_schedule("q")}
    job = jobs["q:reserve_preorders"]
    assert job.hour == {4} and job.minute == {0} and job.unique


async def test_a_reserved_preorder_notifies_the_customer_and_a_short_one_the_operator_once_each(
        client: httpx.AsyncClient, world: World, app: FastAPI, engine: AsyncEngine, settings: Settings,
        queue_name: str) -> None:
    pre = await world.channel("preorders", "preorder", {"preorder_reserve_days": 5})
    due = await confirmed_preorder(client, world, pre, "PRE-1", 2, [("TSHIRT-RED-M", "1", "49.90")])
    short = await confirmed_preorder(client, world, pre, "PRE-3", 2, [("MUG-1", "6", "20.00")])
    await reserve_preorders({"pool": app.state.container.pool})

    redis = await connect(redis_url(), queue_name)
    try:
        report = await relay_pending(SqlOutbox(engine), ArqJobQueue(redis, queue_name), ROUTES)
        assert (report.enqueued, report.error) == (2, None)
        jobs = sorted(j.function for j in await redis.queued_jobs(queue_name=queue_name))
        assert jobs == ["notify_customer", "notify_operator"]
        await run_worker_burst(settings, queue_name)

        rows = await world.sql("SELECT outbox_id, order_id, channel, recipient, template, payload FROM notification "
                               "ORDER BY order_id")
        customer, operator = rows
        assert (customer.order_id, customer.channel, customer.recipient, customer.template) == (
            due["id"], "email", "ana@example.ro", "preorder_in_preparation")
        assert customer.payload["number"] == due["number"] and customer.payload["promised_date"] == in_days(2)
        assert (operator.order_id, operator.channel, operator.recipient, operator.template) == (
            short["id"], "operator", None, "preorder_stock_short")
        assert operator.payload["number"] == short["number"] and "MUG-1 need 6.000" in operator.payload["missing"]

        # Redelivered: the relay publishes again (arq drops the jobs it still knows) ...
        await world.sql("UPDATE outbox SET published_at = NULL")
        again = await relay_pending(SqlOutbox(engine), ArqJobQueue(redis, queue_name), ROUTES)
        assert (again.enqueued, again.duplicates) == (0, 2)
        # ... and a consumer that runs again anyway (past arq's window) records nothing twice.
        events = {r.event_type: r for r in await world.sql(
            "SELECT id, event_type, aggregate_id, payload FROM outbox WHERE event_type LIKE 'order.preorder%'")}
        ctx = {"engine": engine}
        for job, event in ((notify_customer, events["order.preorder_reserved"]),
                           (notify_operator, events["order.preorder_stock_short"])):
            assert await job(ctx, outbox_id=event.id, event_type=event.event_type, aggregate_type="order",
                             aggregate_id=event.aggregate_id, payload=event.payload) == "duplicate"
        assert len(await world.sql("SELECT id FROM notification")) == 2
    finally:
        await redis.aclose()
