"""Batch AWB from the console's point of view: POST a batch, the outbox relay and the worker do it, progress and
per-item results are there to poll; labels of the batch print as one PDF. Real app, PostgreSQL, Redis, worker
and the FAN Courier simulator."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import httpx
import pytest
from arq.connections import ArqRedis
from pypdf import PdfReader

from adapters.db.outbox import SqlOutbox
from adapters.queue.connection import connect
from adapters.queue.jobs import ArqJobQueue
from adapters.queue.relay import relay_pending
from adapters.sandbox.couriers import DEMO_CREDENTIALS, make_app
from adapters.settings import Settings
from tests.db import redis_url
from tests.factories import World
from tests.fulfilment_helpers import Sim, auth, confirmed_order, courier_account, packed_list, simulator
from tests.integration.test_outbox_relay import run_worker_burst
from workers.routes import ROUTES

BATCHES = "/api/warehouse/awb_batches"


@pytest.fixture
async def fan(world: World) -> AsyncIterator[Sim]:
    async with simulator(make_app("fancourier", step_s=60)) as sim:
        await courier_account(world, "fancourier", sim.base_url, DEMO_CREDENTIALS["fancourier"], concurrency=4)
        yield sim


@pytest.fixture
async def arq_redis(queue_name: str) -> AsyncIterator[ArqRedis]:
    redis = await connect(redis_url(), queue_name)
    yield redis
    await redis.aclose()


async def test_a_batch_makes_every_awb_reports_each_item_and_prints_one_pdf(
        client: httpx.AsyncClient, world: World, fan: Sim, engine: object, arq_redis: ArqRedis,
        queue_name: str, settings: Settings) -> None:
    ready = [(await packed_list(client, world, f"B-{i}"))["id"] for i in range(5)]
    order = await confirmed_order(client, world, "B-unpacked")
    note = (await client.post(f"/api/omni_sales/orders/{order['id']}/delivery-note",
                              headers=auth(world, "warehouse"))).json()
    unpacked = note["packing_list"]["id"]  # no dimensions: this one must fail with the reason, not stop the rest

    r = await client.post(BATCHES, json={"packing_list_ids": [*ready, unpacked], "courier": "fancourier"},
                          headers=auth(world, "warehouse"))
    assert r.status_code == 202, r.text
    batch = r.json()
    assert (batch["status"], batch["total"], batch["done"]) == ("queued", 6, 0)

    await relay_pending(SqlOutbox(engine), ArqJobQueue(arq_redis, queue_name), ROUTES)  # type: ignore[arg-type]
    await run_worker_burst(settings, queue_name)

    done = (await client.get(f"{BATCHES}/{batch['id']}", headers=auth(world))).json()
    assert (done["status"], done["done"], done["succeeded"], done["failed"]) == ("done", 6, 5, 1)
    failed = next(item for item in done["results"] if not item["ok"])
    assert failed["packing_list_id"] == unpacked and "missing dimensions or weight" in failed["error"]
    assert len({item["awb_number"] for item in done["results"] if item["ok"]}) == 5
    assert len(await fan.shipments()) == 5

    shipment_ids = [item["shipment_id"] for item in done["results"] if item["ok"]]
    pdf = await client.post("/api/warehouse/labels", json={"shipment_ids": shipment_ids, "format": "thermal"},
                            headers=auth(world, "warehouse"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 5
