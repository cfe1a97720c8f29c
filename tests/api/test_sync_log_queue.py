"""The sync log's queued retries at the API edge, without a shop: what is queued, what is refused at once, what
happens when the job queue (Redis) is down. The worker's side against the simulators is in
tests/contract/test_pull_and_push.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager

from adapters.db.channel_sync import PULL_REF
from adapters.queue.connection import connect
from adapters.queue.sync_retry import RETRY_JOB
from adapters.settings import Settings
from api.app import create_app
from tests.db import redis_url
from tests.factories import World
from workers.settings import FUNCTIONS

LOG = "/api/omni_sales/sync_log"


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


@asynccontextmanager
async def api_with(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings.model_copy(update=changes))
    async with LifespanManager(application), httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                                                               base_url="http://test") as client:
        yield client


async def entry(world: World, channel_id: int, ref: str, *, direction: str = "export",
                stored: dict[str, Any] | None = None, order_id: int | None = None) -> int:
    rows = await world.sql(
        "INSERT INTO sync_log (channel_id, direction, external_ref, error_type, message, payload, order_id) "
        "VALUES (:c, :d, :r, 'remote_error', 'HTTP 503', CAST(:p AS jsonb), :o) RETURNING id",
        c=channel_id, d=direction, r=ref, p=None if stored is None else orjson.dumps(stored).decode(), o=order_id)
    return int(rows[0].id)


async def queued_jobs(queue_name: str) -> list[str]:
    redis = await connect(redis_url(), queue_name)
    try:
        return [j.function for j in await redis.queued_jobs(queue_name=queue_name)]
    finally:
        await redis.aclose()


@pytest.fixture
async def shop(world: World) -> int:
    return await world.channel("woo", "woocommerce")


def test_the_worker_runs_the_job_the_api_queues() -> None:
    [job] = [f for f in FUNCTIONS if f.name == RETRY_JOB]
    assert job.keep_result_s == 0  # else a finished retry would block the next one for an hour


async def test_bulk_retry_queues_the_shop_entries_and_reports_the_ones_it_cannot(
        world: World, shop: int, settings: Settings, queue_name: str) -> None:
    push = await entry(world, shop, "1001", stored={"order_id": 7, "event_type": "order.confirm", "payload": {}},
                       order_id=7)
    pull = await entry(world, shop, PULL_REF, direction="import")
    empty = await entry(world, shop, "1002")  # an export entry with no stored push: nothing to send
    async with api_with(settings, queue_name=queue_name) as client:
        r = await client.post(f"{LOG}/retry", json={"error_type": "remote_error"}, headers=auth(world))
        assert r.status_code == 200, r.text
        out = r.json()
        assert (out["retried"], out["queued"], out["succeeded"]) == (3, 2, 0)
        results = {i["sync_entry_id"]: i for i in out["items"]}
        assert results[push]["result"] == results[pull]["result"] == "queued"
        assert results[push]["entry"]["retry_queued_at"] is not None and results[push]["order_id"] == 7
        assert results[empty]["result"] == "failed" and "no stored status push" in results[empty]["detail"]
        assert results[empty]["entry"]["retry_queued_at"] is None
        assert sorted(await queued_jobs(queue_name)) == [RETRY_JOB, RETRY_JOB]

        page = (await client.get(LOG, headers=auth(world, "warehouse"))).json()["items"]
        shown = {e["id"]: e["retry_queued_at"] for e in page}
        assert shown[push] == results[push]["entry"]["retry_queued_at"] and shown[empty] is None
        assert all(e["status"] == "open" for e in page)

        # A single retry of an entry with nothing to send is refused at once; nothing more is queued.
        refused = await client.post(f"{LOG}/{empty}/retry", headers=auth(world))
        assert refused.status_code == 409 and "no stored status push" in refused.json()["detail"]
        assert len(await queued_jobs(queue_name)) == 2


async def test_with_the_job_queue_down_a_shop_retry_is_a_503_and_the_log_still_reads(
        world: World, shop: int, settings: Settings) -> None:
    push = await entry(world, shop, "1001", stored={"order_id": 7, "event_type": "order.confirm", "payload": {}})
    async with api_with(settings, redis_url="redis://127.0.0.1:1/0") as client:
        r = await client.post(f"{LOG}/{push}/retry", headers=auth(world))
        assert r.status_code == 503, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.headers["retry-after"] == "5" and "nothing was queued" in r.json()["detail"]

        page = await client.get(LOG, headers=auth(world))
        assert page.status_code == 200
        [item] = page.json()["items"]
        assert (item["status"], item["attempts"], item["retry_queued_at"]) == ("open", 1, None)
