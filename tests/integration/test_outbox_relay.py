"""The outbox relay and the worker against real PostgreSQL and Redis: events leave the database exactly as
committed, at least once, and the customer is notified exactly once whatever gets redelivered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from datetime import timedelta
from typing import Any

import httpx
import pytest
from arq import Retry
from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import make_engine
from adapters.db.outbox import SqlOutbox
from adapters.queue.connection import connect, redis_settings
from adapters.queue.jobs import ArqJobQueue
from adapters.queue.relay import RelayReport, outbox_job_key, relay_pending
from adapters.settings import Settings
from tests.db import redis_url
from tests.factories import World, order_body
from workers.jobs import notify_customer
from workers.routes import ROUTES
from workers.settings import FUNCTIONS, build_worker

APPROVAL = {"approval_rules": [{"name": "every order", "required_role": "sales_manager", "min_total": "0"}]}


def auth(w: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}




@pytest.fixture
async def arq_redis(queue_name: str) -> AsyncIterator[ArqRedis]:
    redis = await connect(redis_url(), queue_name)
    yield redis
    await redis.aclose()


async def relay(engine: AsyncEngine, redis: ArqRedis, queue_name: str, **kw: Any) -> RelayReport:
    return await relay_pending(SqlOutbox(engine), ArqJobQueue(redis, queue_name), ROUTES, **kw)


async def run_worker_burst(settings: Settings, queue_name: str) -> None:
    worker = build_worker(settings, queue_name=queue_name, relay=False, burst=True, handle_signals=False,
                          poll_delay=0.05)
    try:
        await worker.async_run()
        assert worker.jobs_failed == 0, worker
    finally:
        await worker.close()


async def rejected_order(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """An order that needs approval, created by an operator and rejected by a sales manager."""
    channel_id = await world.channel("b2b", "b2b_portal", settings=APPROVAL)
    r = await client.post("/api/omni_sales/orders", json=order_body(channel_id, email="ana@example.ro"),
                          headers=auth(world, "operator"))
    assert r.status_code == 201, r.text
    assert r.json()["approve_status"] == 0
    r = await client.post(f"/api/omni_sales/orders/{r.json()['id']}/reject", json={"reason": "credit limit"},
                          headers=auth(world, "sales_manager"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 8
    return dict(r.json())


async def outbox_rows(world: World) -> list[Any]:
    return list(await world.sql(
        "SELECT id, event_type, published_at, claimed_at, attempts, last_error FROM outbox ORDER BY id"))


async def notifications(world: World) -> list[Any]:
    return list(await world.sql("SELECT outbox_id, order_id, recipient, template, payload FROM notification"))


async def test_reject_is_relayed_once_and_the_customer_notified_once(
        client: httpx.AsyncClient, world: World, engine: AsyncEngine, settings: Settings, arq_redis: ArqRedis,
        queue_name: str) -> None:
    order = await rejected_order(client, world)
    rows = await outbox_rows(world)
    types = [r.event_type for r in rows]
    assert types[0] == "order.created" and "customer.notification_requested" in types
    assert all(r.published_at is None for r in rows)
    assert await SqlOutbox(engine).backlog() == len(rows)

    report = await relay(engine, arq_redis, queue_name)

    assert (report.claimed, report.enqueued, report.published, report.error) == (len(rows), 1, len(rows), None)
    assert all(r.published_at is not None and r.claimed_at is None for r in await outbox_rows(world))
    assert await SqlOutbox(engine).backlog() == 0
    jobs = await arq_redis.queued_jobs(queue_name=queue_name)
    assert [j.function for j in jobs] == ["notify_customer"]

    await run_worker_burst(settings, queue_name)

    [note] = await notifications(world)
    event = next(r for r in rows if r.event_type == "customer.notification_requested")
    assert (note.outbox_id, note.order_id, note.recipient, note.template) == (
        event.id, order["id"], "ana@example.ro", "order_rejected")
    assert note.payload["reason"] == "credit limit" and note.payload["number"] == order["number"]


async def test_relaying_and_consuming_the_same_event_twice_still_notifies_once(
        client: httpx.AsyncClient, world: World, engine: AsyncEngine, settings: Settings, arq_redis: ArqRedis,
        queue_name: str) -> None:
    await rejected_order(client, world)
    await relay(engine, arq_redis, queue_name)
    await run_worker_burst(settings, queue_name)
    assert len(await notifications(world)) == 1

    # The relay publishes everything again (as after a lost "published" write): arq knows the job ids.
    await world.sql("UPDATE outbox SET published_at = NULL")
    again = await relay(engine, arq_redis, queue_name)
    assert (again.enqueued, again.duplicates) == (0, 1)

    # The consumer runs twice for the same event anyway (a redelivery arq could not deduplicate).
    [event] = [r for r in await outbox_rows(world) if r.event_type == "customer.notification_requested"]
    kwargs = {"outbox_id": event.id, "event_type": event.event_type, "aggregate_type": "order",
              "aggregate_id": (await notifications(world))[0].order_id, "payload": {"template": "order_rejected"}}
    await arq_redis.enqueue_job("notify_customer", _job_id=f"{queue_name}:redelivery", _queue_name=queue_name,
                                **kwargs)
    await run_worker_burst(settings, queue_name)
    assert await notify_customer({"engine": engine}, **kwargs) == "duplicate"

    assert len(await notifications(world)) == 1


@pytest.mark.parametrize("crashed_after_enqueue", [False, True], ids=["before-enqueue", "after-enqueue"])
async def test_a_relay_that_dies_mid_batch_is_taken_over_after_the_claim_timeout(
        client: httpx.AsyncClient, world: World, engine: AsyncEngine, settings: Settings, arq_redis: ArqRedis,
        queue_name: str, crashed_after_enqueue: bool) -> None:
    await rejected_order(client, world)
    outbox = SqlOutbox(engine)
    queue = ArqJobQueue(arq_redis, queue_name)
    crashed = await outbox.claim(100, timedelta(seconds=30))
    assert crashed.messages
    if crashed_after_enqueue:
        for message in crashed.messages:
            for job in ROUTES.get(message.event_type, ()):
                assert await queue.enqueue(job, key=outbox_job_key(message, job), kwargs=message.job_kwargs())

    # While the claim is fresh, another relay leaves those rows alone.
    assert (await relay(engine, arq_redis, queue_name)).claimed == 0
    assert all(r.published_at is None for r in await outbox_rows(world))

    await asyncio.sleep(0.3)
    taken_over = await relay(engine, arq_redis, queue_name, claim_timeout=timedelta(milliseconds=100))

    assert taken_over.claimed == len(crashed.messages) == taken_over.published
    assert (taken_over.enqueued, taken_over.duplicates) == ((0, 1) if crashed_after_enqueue else (1, 0))
    assert all(r.published_at is not None and r.attempts == 2 for r in await outbox_rows(world))
    await run_worker_burst(settings, queue_name)
    assert len(await notifications(world)) == 1


async def test_with_redis_unreachable_nothing_is_lost_and_it_is_published_when_redis_is_back(
        client: httpx.AsyncClient, world: World, engine: AsyncEngine, settings: Settings, arq_redis: ArqRedis,
        queue_name: str) -> None:
    await rejected_order(client, world)
    down = ArqRedis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        report = await relay(engine, down, queue_name)
    finally:
        await down.aclose()

    assert report.error is not None and report.enqueued == 0 and report.released == 1
    rows = await outbox_rows(world)
    [pending] = [r for r in rows if r.published_at is None]
    assert pending.event_type == "customer.notification_requested"
    assert pending.claimed_at is None and pending.attempts == 1 and pending.last_error
    # Events before the failing one need no job, so they were handed over; the gauge shows what is left.
    assert await SqlOutbox(engine).backlog() == 1
    assert await notifications(world) == []

    back = await relay(engine, arq_redis, queue_name)

    assert (back.claimed, back.enqueued, back.published, back.error) == (1, 1, 1, None)
    assert all(r.published_at is not None and r.last_error is None for r in await outbox_rows(world))
    await run_worker_burst(settings, queue_name)
    assert len(await notifications(world)) == 1


async def test_concurrent_relays_split_a_backlog_without_enqueueing_anything_twice(
        world: World, engine: AsyncEngine, arq_redis: ArqRedis, queue_name: str) -> None:
    await world.sql(
        "INSERT INTO outbox (event_type, aggregate_type, aggregate_id, payload, created_at) "
        "SELECT 'customer.notification_requested', 'order', g, jsonb_build_object('template', 'x'), now() "
        "FROM generate_series(1, 250) AS g"
    )

    reports = await asyncio.gather(*(relay(engine, arq_redis, queue_name, batch_size=50) for _ in range(3)))

    assert sum(r.claimed for r in reports) == 250 == sum(r.enqueued for r in reports)
    assert sum(r.duplicates for r in reports) == 0
    assert await arq_redis.zcard(queue_name) == 250
    assert await SqlOutbox(engine).backlog() == 0


async def test_the_worker_relays_on_its_own_cron_tick(
        client: httpx.AsyncClient, world: World, settings: Settings, queue_name: str) -> None:
    await rejected_order(client, world)
    worker = build_worker(settings, queue_name=queue_name, handle_signals=False, poll_delay=0.1)
    running = asyncio.create_task(worker.async_run())
    try:
        for _ in range(75):  # the tick fires at startup, then every second; allow 15 s on a loaded machine
            if await notifications(world):
                break
            await asyncio.sleep(0.2)
    finally:
        await worker.close()
        with suppress(asyncio.CancelledError):
            await running
    assert len(await notifications(world)) == 1
    assert all(r.published_at is not None for r in await outbox_rows(world))


async def test_a_consumer_that_loses_the_database_is_retried_later_not_failed() -> None:
    dead = make_engine("postgresql://postgres@127.0.0.1:1/nowhere", pool_size=1)
    try:
        with pytest.raises(Retry) as retry:
            await notify_customer({"engine": dead, "job_try": 2, "job_id": "t"}, outbox_id=1,
                                  event_type="customer.notification_requested", aggregate_type="order",
                                  aggregate_id=1, payload={"template": "order_rejected"})
    finally:
        await dead.dispose()
    assert retry.value.defer_score == 4000


def test_every_routed_job_is_registered_with_the_worker() -> None:
    registered = {f.name for f in FUNCTIONS}
    assert {job for jobs in ROUTES.values() for job in jobs} <= registered


@pytest.mark.parametrize(("url", "expected"), [
    ("redis://127.0.0.1:6379/0", ("127.0.0.1", 6379, None, 0)),
    ("redis://:s%40cret@cache:6380/3", ("cache", 6380, None, 3)),
    ("unix:///var/run/redis/redis.sock", ("localhost", 6379, "/var/run/redis/redis.sock", 0)),
    ("unix:///tmp/redis.sock?db=2", ("localhost", 6379, "/tmp/redis.sock", 2)),
])
def test_redis_urls_of_every_supported_form(url: str, expected: tuple[str, int, str | None, int]) -> None:
    s = redis_settings(url)
    assert (s.host, s.port, s.unix_socket_path, s.database) == expected
