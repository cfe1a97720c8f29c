"""The scheduled pull and the status push against the WooCommerce and Shopify simulators over real HTTP, with the
real database: what webhooks missed is pulled into the same inbox, and our status changes reach the shops."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from arq import Retry
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from adapters.db.channel_sync import PULL_REF, claim_due_channels, sync_state
from adapters.db.outbox import SqlOutbox
from adapters.queue.connection import connect
from adapters.queue.relay import routed_jobs
from adapters.queue.sync_retry import RETRY_JOB
from adapters.sandbox.common import serve_in_process
from adapters.sandbox.shopify import ShopifyShop
from adapters.sandbox.shopify_app import build_app as shopify_app
from adapters.sandbox.woocommerce import WooShop
from adapters.sandbox.woocommerce_app import build_app as woo_app
from adapters.settings import Settings
from adapters.shops.http import RemoteError, RetryPolicy
from adapters.shops.intake import process_inbox_event
from adapters.shops.pull import pull_channel
from adapters.shops.push import push_status
from adapters.shops.status_map import SHOP_TYPES
from adapters.shops.woocommerce.client import WooCommerceClient
from api.app import create_app
from tests.contract.conftest import Receiver
from tests.db import redis_url
from tests.factories import World
from workers.jobs import push_shop_status
from workers.routes import ROUTES
from workers.settings import build_worker

SECRET = "shop-secret-0123456789"
WOO_KEYS = ("ck_oms_test", "cs_oms_test")
TOKEN = "shpat_oms_test"
FAST = RetryPolicy(attempts=2, backoff_s=0.01, max_wait_s=5)
WOO_PAYMENTS = {"cod": "cod", "bacs": "bank_transfer", "cheque": "bank_transfer", "stripe": "card", "paypal": "card"}
SHOPIFY_PAYMENTS = {"shopify_payments": "card", "manual": "bank_transfer", "cash_on_delivery": "cod",
                    "paypal": "card"}
SKUS = ("TRICOU-ROSU-M", "CANA-CERAMICA", "SAL-LANA", "MIERE-SALCAM-500", "CAIET-A5")
ANA = {"first_name": "Ana", "last_name": "Mureșan", "email": "ana.muresan@example.ro", "phone": "0722123456",
       "address_1": "Str. Mărășești 12", "city": "Brașov", "state": "BV", "postcode": "500086", "country": "RO"}


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Shop:
    channel_id: int
    api: httpx.AsyncClient  # the simulator, base URL set
    state: Any  # WooShop | ShopifyShop


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def shop_channel(world: World, type_: str, payments: dict[str, str], credentials: dict[str, str]) -> int:
    channel_id = await world.channel(f"{type_}-shop", type_, settings={"payment_methods": payments})
    await world.sql("UPDATE channel SET webhook_secret = :s, api_credentials = CAST(:c AS jsonb) WHERE id = :i",
                    s=SECRET, c=orjson.dumps(credentials).decode(), i=channel_id)
    for sku in SKUS:
        if sku not in world.products:
            await world.product(sku)
    return channel_id


@pytest.fixture
async def woo(world: World, receiver: Receiver) -> AsyncIterator[Shop]:
    state = WooShop(secret=SECRET, webhook_url=receiver.url, consumer_key=WOO_KEYS[0], consumer_secret=WOO_KEYS[1],
                    seed=11)
    async with serve_in_process(woo_app(state)) as running, httpx.AsyncClient(base_url=running.base_url) as api:
        channel_id = await shop_channel(world, "woocommerce", WOO_PAYMENTS, {
            "base_url": running.base_url, "consumer_key": WOO_KEYS[0], "consumer_secret": WOO_KEYS[1]})
        yield Shop(channel_id, api, state)


@pytest.fixture
async def shopify(world: World) -> AsyncIterator[Shop]:
    state = ShopifyShop(secret=SECRET, access_token=TOKEN, seed=5)
    async with serve_in_process(shopify_app(state)) as running, httpx.AsyncClient(base_url=running.base_url) as api:
        channel_id = await shop_channel(world, "shopify", SHOPIFY_PAYMENTS, {
            "base_url": running.base_url, "access_token": TOKEN, "api_version": "2025-07"})
        yield Shop(channel_id, api, state)


@dataclass
class QueuedApi:
    """The API on this test's own arq queue (the sync log's shop retries are queued there) and its worker."""

    client: httpx.AsyncClient
    settings: Settings

    async def run_worker(self) -> None:
        queue = self.settings.queue_name
        worker = build_worker(self.settings, queue_name=queue, relay=False, burst=True, handle_signals=False,
                              poll_delay=0.05, ctx={"settings": self.settings, "queue_name": queue,
                                                    "shop_policy": FAST})
        try:
            await worker.async_run()
            assert worker.jobs_failed == 0, worker
        finally:
            await worker.close()

    async def queued_jobs(self) -> list[str]:
        redis = await connect(redis_url(), self.settings.queue_name)
        try:
            return [j.function for j in await redis.queued_jobs(queue_name=self.settings.queue_name)]
        finally:
            await redis.aclose()


@pytest.fixture
async def queued_api(settings: Settings, queue_name: str) -> AsyncIterator[QueuedApi]:
    own = settings.model_copy(update={"queue_name": queue_name})
    application = create_app(own)
    async with LifespanManager(application), httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                                                               base_url="http://test") as client:
        yield QueuedApi(client, own)


async def forward_webhooks(receiver: Receiver, client: httpx.AsyncClient, channel_id: int) -> None:
    """What reached the receiver goes on to the OMS webhook endpoint, bytes and headers unchanged."""
    for call in receiver.calls:
        headers = {k: v for k, v in call.headers.items() if k.startswith("x-wc-") or k == "content-type"}
        r = await client.post(f"/api/webhooks/woocommerce/{channel_id}", content=call.body, headers=headers)
        assert r.status_code == 200, r.text
    receiver.calls.clear()


async def process_pending(app: FastAPI) -> list[str]:
    pool = app.state.container.pool
    ids = [r["id"] for r in await pool.fetch("SELECT id FROM inbox_event WHERE status = 'pending' ORDER BY id")]
    return [await process_inbox_event(pool, i, clock=now) for i in ids]


async def orders(world: World, channel_id: int) -> list[Any]:
    return list(await world.sql("SELECT id, external_ref, status FROM sales_order WHERE channel_id = :c ORDER BY id",
                                c=channel_id))


async def run_pushes(app: FastAPI, order_id: int, *, job_try: int = 1) -> list[str]:
    """What the relay and the worker do with the order's routed outbox events, run directly, oldest first."""
    pool = app.state.container.pool
    rows = await SqlOutbox(app.state.container.engine).claim(1000, timedelta(0))
    ctx = {"pool": pool, "job_try": job_try, "job_id": "test", "shop_policy": FAST}
    return [await push_shop_status(ctx, **m.job_kwargs()) for m in rows.messages
            if m.aggregate_id == order_id and "push_shop_status" in routed_jobs(ROUTES, m)]


async def place_woo(shop: Shop, **spec: Any) -> dict[str, Any]:
    r = await shop.api.post("/_sandbox/orders", json={"customer": ANA, "lines": [{"sku": "CANA-CERAMICA",
                                                                                "quantity": 1}], **spec})
    assert r.status_code == 201, r.text
    return dict(r.json()["order"])


# --- the pull ------------------------------------------------------------------------------------------------------


async def test_pull_catches_the_order_whose_webhook_was_dropped_and_imports_nothing_twice(
        app: FastAPI, world: World, client: httpx.AsyncClient, woo: Shop, receiver: Receiver) -> None:
    pool = app.state.container.pool
    delivered = await place_woo(woo, payment_method="cod")
    await receiver.wait_for(1)
    await forward_webhooks(receiver, client, woo.channel_id)
    assert await process_pending(app) == ["created"]

    await woo.api.post("/_sandbox/config", json={"drop_next": 1})
    lost = await place_woo(woo, payment_method="stripe")
    assert not receiver.calls  # the webhook never arrived

    report = await pull_channel(pool, woo.channel_id, clock=now)
    assert (report.result, report.fetched, report.stored) == ("pulled", 2, 1)  # the delivered one is known
    assert await process_pending(app) == ["created"]
    assert [o.external_ref for o in await orders(world, woo.channel_id)] == [str(delivered["id"]), str(lost["id"])]

    again = await pull_channel(pool, woo.channel_id, clock=now)
    assert (again.result, again.stored) == ("pulled", 0)
    assert await process_pending(app) == []
    state = await sync_state(pool, woo.channel_id)
    assert state is not None and state["last_error"] is None
    assert state["watermark"] == datetime.fromisoformat(lost["date_modified_gmt"]).replace(tzinfo=UTC)


async def test_pull_follows_pagination_and_advances_the_watermark(app: FastAPI, world: World, woo: Shop) -> None:
    pool = app.state.container.pool
    await woo.api.post("/_sandbox/config", json={"drop_webhooks": True})
    assert (await woo.api.post("/_sandbox/orders/random", json={"count": 150})).status_code == 201

    report = await pull_channel(pool, woo.channel_id, clock=now)
    assert (report.fetched, report.stored) == (150, 150)  # two pages of 100 (X-WP-TotalPages = 2)
    results = await process_pending(app)
    assert results.count("created") == 150, {r: results.count(r) for r in set(results)}
    assert len(await orders(world, woo.channel_id)) == 150

    newest = max(datetime.fromisoformat(o["date_modified_gmt"]) for o in woo.state.orders.values())
    state = await sync_state(pool, woo.channel_id)
    assert state is not None and state["watermark"] == newest.replace(tzinfo=UTC)
    assert (await pull_channel(pool, woo.channel_id, clock=now)).stored == 0
    assert len(await orders(world, woo.channel_id)) == 150


async def test_shopify_pull_waits_out_429_and_throttling(app: FastAPI, world: World, shopify: Shop,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    pool = app.state.container.pool
    for i in range(10):
        r = await shopify.api.post("/_sandbox/orders", json={
            "customer": {**ANA, "email": f"client{i}@example.ro"}, "gateway": "cash_on_delivery",
            "lines": [{"sku": "SAL-LANA", "quantity": 1}], "deliver": False})
        assert r.status_code == 201
    await shopify.api.post("/_sandbox/faults", json={"count": 1, "status": 429, "retry_after": 1})
    await shopify.api.post("/_sandbox/throttle", json={"currently_available": 0, "restore_rate": 2000})

    started = now()
    with caplog.at_level(logging.INFO, logger="oms.shops"):
        report = await pull_channel(pool, shopify.channel_id, clock=now, policy=FAST)
    assert any("THROTTLED" in m for m in caplog.messages) and any("429" in m for m in caplog.messages)
    assert (report.result, report.fetched, report.stored) == ("pulled", 10, 10), report.detail
    assert now() - started >= timedelta(seconds=1)  # Retry-After was honoured
    state = (await shopify.api.get("/_sandbox/state")).json()
    assert state["faults"]["served"] == 1
    assert (await process_pending(app)).count("created") == 10
    refs = {o.external_ref for o in await orders(world, shopify.channel_id)}
    assert refs == {str(i) for i in shopify.state.orders}


async def test_a_pulled_shopify_order_with_more_lines_than_the_query_reads_is_a_sync_entry_not_a_short_order(
        app: FastAPI, world: World, shopify: Shop) -> None:
    pool = app.state.container.pool
    lines = [{"sku": "SAL-LANA", "quantity": 1}] * 31
    r = await shopify.api.post("/_sandbox/orders", json={"customer": ANA, "gateway": "cash_on_delivery",
                                                          "lines": lines, "deliver": False})
    assert r.status_code == 201, r.text
    report = await pull_channel(pool, shopify.channel_id, clock=now, policy=FAST)
    assert (report.result, report.stored) == ("pulled", 1)
    assert await process_pending(app) == ["failed"]
    assert await orders(world, shopify.channel_id) == []
    [entry] = await world.sql("SELECT error_type, message FROM sync_log WHERE channel_id = :c", c=shopify.channel_id)
    assert entry.error_type == "other" and "more line items" in entry.message


async def test_a_failing_pull_is_one_remote_error_entry_per_channel_and_its_retry_pulls_in_the_worker(
        app: FastAPI, world: World, client: httpx.AsyncClient, woo: Shop, queued_api: QueuedApi) -> None:
    pool = app.state.container.pool
    await woo.api.post("/_sandbox/faults", json={"count": 4, "status": 500})
    for _ in range(2):
        assert (await pull_channel(pool, woo.channel_id, clock=now, policy=FAST)).result == "failed"
    page = (await client.get("/api/omni_sales/sync_log", params={"error_type": "remote_error"},
                             headers=auth(world))).json()
    [entry] = page["items"]
    assert (entry["direction"], entry["external_ref"], entry["attempts"], entry["status"]) == \
        ("import", PULL_REF, 2, "open")
    state = await sync_state(pool, woo.channel_id)
    assert state is not None and "HTTP 500" in state["last_error"]

    await place_woo(woo, deliver=False)
    r = await queued_api.client.post(f"/api/omni_sales/sync_log/{entry['id']}/retry", headers=auth(world))
    assert r.status_code == 202, r.text
    assert (r.json()["result"], r.json()["entry"]["status"]) == ("queued", "open")
    assert await process_pending(app) == []  # nothing was pulled in the request
    await queued_api.run_worker()
    done = (await client.get(f"/api/omni_sales/sync_log/{entry['id']}", headers=auth(world))).json()
    assert (done["status"], done["retry_queued_at"]) == ("resolved", None)
    assert await process_pending(app) == ["created"]


async def test_the_tick_schedules_each_shop_channel_once_per_interval(app: FastAPI, world: World, woo: Shop) -> None:
    pool = app.state.container.pool
    await world.channel("no-credentials", "woocommerce")
    assert await claim_due_channels(pool, SHOP_TYPES, 300) == [woo.channel_id]
    assert await claim_due_channels(pool, SHOP_TYPES, 300) == []
    await world.sql("UPDATE channel_sync_state SET last_pull_at = now() - interval '61 seconds'")
    assert await claim_due_channels(pool, SHOP_TYPES, 300) == []
    await world.sql("UPDATE channel SET settings = settings || '{\"pull_interval_s\": 60}' WHERE id = :i",
                    i=woo.channel_id)
    assert await claim_due_channels(pool, SHOP_TYPES, 300) == [woo.channel_id]


# --- status back to the shops ----------------------------------------------------------------------------------


async def import_one(app: FastAPI, world: World, shop: Shop, **spec: Any) -> tuple[int, str]:
    pool = app.state.container.pool
    assert (await pull_channel(pool, shop.channel_id, clock=now)).result == "pulled"
    assert "created" in await process_pending(app)
    order = (await orders(world, shop.channel_id))[-1]
    return order.id, order.external_ref


async def test_confirming_and_cancelling_here_moves_the_woocommerce_order(
        app: FastAPI, world: World, client: httpx.AsyncClient, woo: Shop) -> None:
    shop_order = await place_woo(woo, payment_method="bacs", deliver=False)
    assert shop_order["status"] == "on-hold"
    order_id, ref = await import_one(app, world, woo)

    assert (await client.post(f"/api/omni_sales/orders/{order_id}/confirm", headers=auth(world))).status_code == 200
    assert await run_pushes(app, order_id) == ["pushed"]
    assert woo.state.orders[int(ref)]["status"] == "processing"

    r = await client.post(f"/api/omni_sales/orders/{order_id}/cancel", headers=auth(world),
                          json={"reason": "customer called"})
    assert r.status_code == 200, r.text
    # The confirm is outgrown by the cancel; running every push again changes nothing.
    assert await run_pushes(app, order_id) == ["superseded", "pushed"]
    assert await run_pushes(app, order_id) == ["superseded", "pushed"]
    assert woo.state.orders[int(ref)]["status"] == "cancelled"


async def test_cancelling_here_cancels_the_shopify_order(app: FastAPI, world: World, client: httpx.AsyncClient,
                                                         shopify: Shop) -> None:
    await shopify.api.post("/_sandbox/orders", json={"customer": ANA, "gateway": "cash_on_delivery", "deliver": False,
                                                     "lines": [{"sku": "CAIET-A5", "quantity": 2}]})
    order_id, ref = await import_one(app, world, shopify)
    assert (await client.post(f"/api/omni_sales/orders/{order_id}/confirm", headers=auth(world))).status_code == 200
    r = await client.post(f"/api/omni_sales/orders/{order_id}/cancel", headers=auth(world), json={"reason": "fraud"})
    assert r.status_code == 200
    assert await run_pushes(app, order_id) == ["superseded", "pushed"]
    assert shopify.state.orders[int(ref)]["cancelled_at"] is not None
    assert await run_pushes(app, order_id) == ["superseded", "unchanged"]  # already cancelled: harmless


async def test_shipping_push_completes_woocommerce_with_a_note_and_fulfils_shopify(
        app: FastAPI, world: World, client: httpx.AsyncClient, woo: Shop, shopify: Shop) -> None:
    pool = app.state.container.pool
    shipped = {"awb": "1234567890", "courier": "Cargus", "tracking_url": "https://app.urgentcargus.ro/t/1234567890"}
    await place_woo(woo, deliver=False)
    woo_order, woo_ref = await import_one(app, world, woo)
    for _ in range(2):  # idempotent: one note, one fulfillment
        assert (await push_status(pool, woo_order, "order.shipped", shipped, policy=FAST)).result == "pushed"
    assert woo.state.orders[int(woo_ref)]["status"] == "completed"
    notes = [n["note"] for n in woo.state.notes[int(woo_ref)]]
    assert notes.count("AWB 1234567890 (Cargus): https://app.urgentcargus.ro/t/1234567890") == 1

    await shopify.api.post("/_sandbox/orders", json={"customer": ANA, "gateway": "shopify_payments",
                                                     "deliver": False, "lines": [{"sku": "SAL-LANA", "quantity": 1}]})
    sh_order, sh_ref = await import_one(app, world, shopify)
    assert (await push_status(pool, sh_order, "order.shipped", shipped, policy=FAST)).result == "pushed"
    assert (await push_status(pool, sh_order, "order.shipped", shipped, policy=FAST)).result == "unchanged"
    view = (await shopify.api.get(f"/_sandbox/orders/{sh_ref}")).json()["order"]
    assert view["fulfillment_status"] == "fulfilled"
    [fulfillment] = view["fulfillments"]
    assert fulfillment["tracking_company"] == "Cargus" and fulfillment["tracking_numbers"] == ["1234567890"]


async def failed_push_entry(app: FastAPI, world: World, client: httpx.AsyncClient,
                            shop: Shop) -> tuple[dict[str, Any], int, str]:
    """A confirmed WooCommerce order whose status push failed for good (the shop answers 503 from now on)."""
    await place_woo(shop, payment_method="bacs", deliver=False)
    order_id, ref = await import_one(app, world, shop)
    assert (await client.post(f"/api/omni_sales/orders/{order_id}/confirm", headers=auth(world))).status_code == 200
    await shop.api.post("/_sandbox/faults", json={"count": 100, "status": 503})

    with pytest.raises(Retry):
        await run_pushes(app, order_id, job_try=1)
    assert await run_pushes(app, order_id, job_try=5) == ["failed"]  # the last try records it
    items = (await client.get("/api/omni_sales/sync_log", params={"direction": "export"},
                              headers=auth(world))).json()["items"]
    [entry] = items
    assert (entry["external_ref"], entry["error_type"], entry["status"], entry["order_id"]) == \
        (ref, "remote_error", "open", order_id)
    assert entry["retry_queued_at"] is None
    assert "503" in entry["message"] and shop.state.orders[int(ref)]["status"] == "on-hold"
    return entry, order_id, ref


async def test_a_push_failing_with_5xx_lands_in_the_sync_log_and_its_retry_is_queued_and_pushed_by_the_worker(
        app: FastAPI, world: World, client: httpx.AsyncClient, woo: Shop, queued_api: QueuedApi) -> None:
    entry, order_id, ref = await failed_push_entry(app, world, client, woo)
    retry = f"/api/omni_sales/sync_log/{entry['id']}/retry"

    # A shop call now would wait out a 5 s Retry-After: the request only queues the push and answers at once.
    await woo.api.post("/_sandbox/faults", json={"count": 1, "status": 429, "retry_after": 5})
    started = time.monotonic()
    r = await queued_api.client.post(retry, headers=auth(world))
    assert time.monotonic() - started < 2.5
    assert r.status_code == 202, r.text
    queued = r.json()
    assert (queued["result"], queued["order_id"], queued["sync_entry_id"]) == ("queued", order_id, entry["id"])
    assert queued["entry"]["status"] == "open" and queued["entry"]["retry_queued_at"] is not None
    assert woo.state.faults.remaining == 1 and woo.state.orders[int(ref)]["status"] == "on-hold"  # not called

    # The log shows it queued; a second click while it waits queues nothing new.
    [listed] = (await queued_api.client.get("/api/omni_sales/sync_log", params={"direction": "export"},
                                            headers=auth(world))).json()["items"]
    assert listed["retry_queued_at"] == queued["entry"]["retry_queued_at"]
    again = await queued_api.client.post(retry, headers=auth(world))
    assert again.status_code == 202 and again.json()["entry"]["retry_queued_at"] == listed["retry_queued_at"]
    assert again.json()["detail"].startswith("a retry queued at")
    assert await queued_api.queued_jobs() == [RETRY_JOB]

    # The worker waits out the 429 (the shop's client does, as it would in the request) and pushes.
    await queued_api.run_worker()
    assert woo.state.faults.remaining == 0 and woo.state.orders[int(ref)]["status"] == "processing"
    done = (await client.get(f"/api/omni_sales/sync_log/{entry['id']}", headers=auth(world))).json()
    assert (done["status"], done["retry_queued_at"]) == ("resolved", None)


async def test_a_queued_push_retry_that_fails_again_counts_an_attempt_and_can_be_queued_again(
        app: FastAPI, world: World, client: httpx.AsyncClient, woo: Shop, queued_api: QueuedApi) -> None:
    entry, _, ref = await failed_push_entry(app, world, client, woo)
    retry = f"/api/omni_sales/sync_log/{entry['id']}/retry"
    assert (await queued_api.client.post(retry, headers=auth(world))).status_code == 202

    await queued_api.run_worker()  # the shop still answers 503
    after = (await client.get(f"/api/omni_sales/sync_log/{entry['id']}", headers=auth(world))).json()
    assert (after["status"], after["attempts"], after["retry_queued_at"]) == ("open", entry["attempts"] + 1, None)
    assert "503" in after["message"] and woo.state.orders[int(ref)]["status"] == "on-hold"

    # The finished job left nothing behind that would swallow the next retry.
    r = await queued_api.client.post(retry, headers=auth(world))
    assert r.status_code == 202 and r.json()["detail"].startswith("queued:")
    await woo.api.post("/_sandbox/faults", json={"count": 0})
    await queued_api.run_worker()
    assert woo.state.orders[int(ref)]["status"] == "processing"


async def test_orders_of_other_channels_push_nothing(app: FastAPI, world: World, client: httpx.AsyncClient) -> None:
    channel_id = world.channels["api"]
    r = await client.post("/api/omni_sales/orders", headers=auth(world), json={
        "channel_id": channel_id, "external_ref": "ERP-9", "currency": "RON", "payment_method": "cod",
        "customer": {"email": "ana@example.ro", "name": "Ana Pop"},
        "shipping_address": {"name": "Ana Pop", "street": "Str. Lungă 5", "city": "Brașov", "county": "BV",
                             "postcode": "500035", "country": "RO"},
        "lines": [{"sku": "TSHIRT-RED-M", "quantity": "1", "unit_price": "49.90"}]})
    assert r.status_code == 201, r.text
    order_id = r.json()["id"]
    assert (await client.post(f"/api/omni_sales/orders/{order_id}/confirm", headers=auth(world))).status_code == 200
    assert await run_pushes(app, order_id) == []  # the relay routes no status push for an API order


async def test_a_woocommerce_answer_that_is_not_json_is_a_remote_error() -> None:
    """A WordPress site can answer 200 with an HTML page (maintenance mode, a security challenge): the pull and the
    push must see a RemoteError they record in the sync log, not a JSONDecodeError that ends the job."""
    html = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>Maintenance</html>",
                                                              headers={"Content-Type": "text/html"}))
    async with WooCommerceClient("http://127.0.0.1:9", *WOO_KEYS, policy=FAST, transport=html) as woo:
        with pytest.raises(RemoteError, match="without JSON"):
            async for _ in woo.orders_modified_since(now()):
                pass
        with pytest.raises(RemoteError, match="without JSON"):
            await woo.set_status("5821", "processing")
        with pytest.raises(RemoteError, match="without JSON"):
            await woo.add_note_once("5821", "AWB 1")
