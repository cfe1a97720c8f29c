"""Shop to queue over real HTTP: the WooCommerce and Shopify simulators post their signed webhooks to the OMS app
served on a real port (test database), the inbox relay and an arq worker import them, and the orders are in the
queue. Per shop: a guest checkout with Romanian diacritics paid cash on delivery, a registered customer paying by
card, and one delivery resent 3 times at once by the simulator's redeliver control -> still one order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.db.inbox import SqlInbox
from adapters.queue.connection import connect
from adapters.queue.inbox_relay import relay_inbox
from adapters.queue.jobs import ArqJobQueue
from adapters.sandbox.common import serve_in_process
from adapters.sandbox.shopify import ShopifyShop
from adapters.sandbox.shopify_app import build_app as shopify_app
from adapters.sandbox.woocommerce import WooShop
from adapters.sandbox.woocommerce_app import build_app as woo_app
from adapters.settings import Settings
from tests.db import redis_url
from tests.factories import World
from workers.settings import build_worker

SECRET = "shop-secret-0123456789"
WOO_PAYMENTS = {"cod": "cod", "bacs": "bank_transfer", "stripe": "card", "paypal": "card"}
SHOPIFY_PAYMENTS = {"shopify_payments": "card", "manual": "bank_transfer", "cash_on_delivery": "cod",
                    "paypal": "card"}
SKUS = ("TRICOU-ROSU-M", "CANA-CERAMICA", "SAL-LANA", "MIERE-SALCAM-500")
GUEST = {"first_name": "Ștefan", "last_name": "Mureșan", "email": "stefan.muresan@example.ro",
         "phone": "0722123456", "address_1": "Str. Mărășești 12", "city": "Brașov", "state": "BV",
         "postcode": "500086", "country": "RO", "guest": True}
REGISTERED = {"first_name": "Ioana", "last_name": "Țurcanu", "email": "ioana.turcanu@example.ro",
              "phone": "0744555666", "address_1": "Calea Dorobanților 101, bl. A2, ap. 14", "city": "Cluj-Napoca",
              "state": "CJ", "postcode": "400609", "country": "RO"}


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def without_lifespan(app: ASGIApp) -> ASGIApp:
    """The session's app already ran its lifespan (the `app` fixture); a second server must not run it again."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return asgi


@pytest.fixture
async def oms(app: FastAPI) -> AsyncIterator[str]:
    """Base URL of the OMS on a free 127.0.0.1 port: the shops call it like they would in production."""
    async with serve_in_process(without_lifespan(app)) as running:
        yield running.base_url




@dataclass
class Shop:
    channel_id: int
    api: httpx.AsyncClient  # the simulator's own control API


async def shop_channel(world: World, type_: str, payments: dict[str, str]) -> int:
    channel_id = await world.channel(f"{type_}-shop", type_, settings={"payment_methods": payments})
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)
    for sku in SKUS:
        await world.product(sku, on_hand="50")
    return channel_id


async def point_webhooks(api: httpx.AsyncClient, url: str) -> None:
    r = await api.post("/_sandbox/config", json={"webhook_url": url})
    assert r.status_code == 200, r.text


@pytest.fixture
async def woo(world: World, oms: str) -> AsyncIterator[Shop]:
    state = WooShop(secret=SECRET, seed=21)
    async with serve_in_process(woo_app(state)) as running, httpx.AsyncClient(base_url=running.base_url) as api:
        channel_id = await shop_channel(world, "woocommerce", WOO_PAYMENTS)
        await point_webhooks(api, f"{oms}/api/webhooks/woocommerce/{channel_id}")
        yield Shop(channel_id, api)


@pytest.fixture
async def shopify(world: World, oms: str) -> AsyncIterator[Shop]:
    state = ShopifyShop(secret=SECRET, seed=22)
    async with serve_in_process(shopify_app(state)) as running, httpx.AsyncClient(base_url=running.base_url) as api:
        channel_id = await shop_channel(world, "shopify", SHOPIFY_PAYMENTS)
        await point_webhooks(api, f"{oms}/api/webhooks/shopify/{channel_id}")
        yield Shop(channel_id, api)


async def place(shop: Shop, **spec: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An order placed at the shop's checkout; returns it and its webhook deliveries (all answered 200)."""
    r = await shop.api.post("/_sandbox/orders", json=spec)
    assert r.status_code == 201, r.text
    data = r.json()
    deliveries = data.get("deliveries") or ([data["delivery"]] if data.get("delivery") else [])
    assert deliveries and all(d["result"]["status"] == 200 for d in deliveries), deliveries
    return data["order"], deliveries


async def redeliver_three_at_once(shop: Shop, key: str) -> None:
    r = await shop.api.post(f"/_sandbox/webhooks/redeliver/{key}", params={"times": 3, "concurrent": "true"})
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == [200, 200, 200]  # duplicates are acknowledged too


async def import_all(app: FastAPI, settings: Settings, queue_name: str) -> None:
    """What runs in production after the webhook answered: the inbox relay, then the worker's import jobs."""
    redis = await connect(redis_url(), queue_name)
    try:
        report = await relay_inbox(SqlInbox(app.state.container.pool), ArqJobQueue(redis, queue_name))
        assert report.error is None
    finally:
        await redis.aclose()
    worker = build_worker(settings, queue_name=queue_name, relay=False, burst=True, handle_signals=False,
                          poll_delay=0.05)
    try:
        await worker.async_run()
        assert worker.jobs_failed == 0
    finally:
        await worker.close()


async def queue_orders(client: httpx.AsyncClient, world: World, channel_id: int) -> list[dict[str, Any]]:
    r = await client.get("/api/omni_sales/orders", params={"channel_id": channel_id, "limit": 200},
                         headers=auth(world))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def order_json(client: httpx.AsyncClient, world: World, order_id: int) -> dict[str, Any]:
    r = await client.get(f"/api/omni_sales/orders/{order_id}", headers=auth(world))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def by_ref(client: httpx.AsyncClient, world: World, channel_id: int) -> dict[str, dict[str, Any]]:
    listed = await queue_orders(client, world, channel_id)
    refs = [o["external_ref"] for o in listed]
    assert len(refs) == len(set(refs)), refs  # no shop order twice in the queue
    return {o["external_ref"]: await order_json(client, world, o["id"]) for o in listed}


async def inbox_rows(world: World, channel_id: int) -> list[Any]:
    return list(await world.sql("SELECT external_ref, topic, status FROM inbox_event WHERE channel_id = :c "
                                "ORDER BY id", c=channel_id))


async def test_woocommerce_orders_reach_the_queue_once(app: FastAPI, settings: Settings, world: World,
                                                        client: httpx.AsyncClient, woo: Shop, queue_name: str) -> None:
    guest, [guest_delivery] = await place(woo, customer=GUEST, payment_method="cod", customer_note="Sunați-mă, vă rog.",
                                          lines=[{"sku": "TRICOU-ROSU-M", "quantity": 2},
                                                 {"sku": "CANA-CERAMICA", "quantity": 1}])
    card, _ = await place(woo, customer=REGISTERED, payment_method="stripe", lines=[{"sku": "SAL-LANA", "quantity": 1}])
    assert guest["customer_id"] == 0 and card["customer_id"] != 0  # guest checkout vs a shop account
    await redeliver_three_at_once(woo, guest_delivery["key"])
    # The three resends are the same delivery (same webhook id, delivery id and bytes): nothing new is stored.
    assert [(r.external_ref, r.status) for r in await inbox_rows(world, woo.channel_id)] == [
        (str(guest["id"]), "pending"), (str(card["id"]), "pending")]

    await import_all(app, settings, queue_name)
    orders = await by_ref(client, world, woo.channel_id)
    assert set(orders) == {str(guest["id"]), str(card["id"])}

    cod = orders[str(guest["id"])]
    assert (cod["source"], cod["status_label"], cod["payment_method"]) == ("woocommerce", "draft", "cod")
    assert cod["customer"]["name"] == "Ștefan Mureșan"
    assert cod["customer"]["email"] == "stefan.muresan@example.ro"
    address = cod["shipping_address"]
    assert (address["street"], address["city"], address["county"], address["postcode"]) == (
        "Str. Mărășești 12", "Brașov", "BV", "500086")
    assert [(x["sku"], x["quantity"]) for x in cod["lines"]] == [("TRICOU-ROSU-M", "2.000"), ("CANA-CERAMICA", "1.000")]
    assert [x["name"] for x in cod["lines"]] == ["Tricou roșu, mărimea M", "Cană ceramică „Dor de casă”"]
    assert cod["totals"]["gross"] == "154.30"  # 2 x 59.90 + 34.50, VAT included as the shop charged it
    assert "Sunați-mă, vă rog." in cod["notes"] and "Shipping: Curier rapid (livrare 24-48h) 19.99 RON" in cod["notes"]

    paid = orders[str(card["id"])]
    assert (paid["payment_method"], paid["customer"]["name"]) == ("card", "Ioana Țurcanu")
    assert paid["shipping_address"]["street"] == "Calea Dorobanților 101, bl. A2, ap. 14"
    assert "Paid in shop" in paid["notes"]
    assert {r.status for r in await inbox_rows(world, woo.channel_id)} == {"processed"}
    assert await world.sql("SELECT id FROM sync_log") == []

    # The shop resends a delivery after it was imported (it missed our 200): still one order.
    await redeliver_three_at_once(woo, guest_delivery["key"])
    await import_all(app, settings, queue_name)
    assert len(await inbox_rows(world, woo.channel_id)) == 2
    assert set(await by_ref(client, world, woo.channel_id)) == {str(guest["id"]), str(card["id"])}


async def test_shopify_orders_reach_the_queue_once(app: FastAPI, settings: Settings, world: World,
                                                    client: httpx.AsyncClient, shopify: Shop, queue_name: str) -> None:
    guest, [guest_delivery] = await place(shopify, customer=GUEST, gateway="cash_on_delivery",
                                          lines=[{"sku": "MIERE-SALCAM-500", "quantity": 3}])
    card, card_deliveries = await place(shopify, customer=REGISTERED, gateway="shopify_payments",
                                        lines=[{"sku": "SAL-LANA", "quantity": 1}])
    assert "customer" not in guest and card["customer"]["email"] == REGISTERED["email"]
    assert [d["topic"] for d in card_deliveries] == ["orders/create", "orders/paid"]
    await redeliver_three_at_once(shopify, guest_delivery["key"])
    rows = await inbox_rows(world, shopify.channel_id)
    assert [(r.external_ref, r.topic) for r in rows] == [
        (str(guest["id"]), "orders/create"), (str(card["id"]), "orders/create"), (str(card["id"]), "orders/paid")]

    await import_all(app, settings, queue_name)
    orders = await by_ref(client, world, shopify.channel_id)
    assert set(orders) == {str(guest["id"]), str(card["id"])}

    cod = orders[str(guest["id"])]
    assert (cod["source"], cod["status_label"], cod["payment_method"]) == ("shopify", "draft", "cod")
    assert cod["customer"]["name"] == "Ștefan Mureșan"  # a guest: the name comes from the addresses
    assert cod["customer"]["email"] == "stefan.muresan@example.ro"
    address = cod["shipping_address"]
    assert (address["city"], address["county"]) == ("Brașov", "BV")
    assert address["street"].startswith("Str. Mărășești 12")
    assert [(x["sku"], x["quantity"], x["name"]) for x in cod["lines"]] == [
        ("MIERE-SALCAM-500", "3.000", "Miere de salcâm 500 g")]
    assert cod["totals"]["gross"] == "126.00"  # 3 x 42.00, taxes included

    paid = orders[str(card["id"])]
    assert (paid["payment_method"], paid["customer"]["name"]) == ("card", "Ioana Țurcanu")
    assert "Paid in shop" in paid["notes"]
    assert {r.status for r in await inbox_rows(world, shopify.channel_id)} == {"processed"}
    assert await world.sql("SELECT id FROM sync_log") == []
