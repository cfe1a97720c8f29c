"""Intake end to end against real PostgreSQL and Redis: signed webhook -> inbox -> normalisation -> order, or a
sync log entry the operator fixes and retries. Payloads: tests/shop_payloads.py (documented shapes)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI

from adapters.db.inbox import SqlInbox
from adapters.queue.connection import connect
from adapters.queue.inbox_relay import relay_inbox
from adapters.queue.jobs import ArqJobQueue
from adapters.settings import Settings
from adapters.shops.intake import process_inbox_event
from tests.db import redis_url
from tests.factories import World
from tests.shop_payloads import body, changed, shopify_headers, shopify_order, wc_headers, wc_order
from workers.settings import build_worker

SECRET = "shop-secret-0123456789"
WOO_PAYMENTS = {"cod": "cod", "stripe": "card"}
SHOPIFY_PAYMENTS = {"shopify_payments": "card", "cash_on_delivery": "cod"}


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def shop_channel(world: World, type_: str, **settings: Any) -> int:
    channel_id = await world.channel(f"{type_}-shop", type_, settings=settings)
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)
    return channel_id


@pytest.fixture
async def woo(world: World) -> int:
    return await shop_channel(world, "woocommerce", payment_methods=WOO_PAYMENTS)


@pytest.fixture
async def shopify(world: World) -> int:
    return await shop_channel(world, "shopify", payment_methods=SHOPIFY_PAYMENTS)


async def post_wc(client: httpx.AsyncClient, channel_id: int, payload: dict[str, Any], topic: str = "order.created",
                  delivery_id: str | None = None) -> dict[str, Any]:
    raw = body(payload)
    r = await client.post(f"/api/webhooks/woocommerce/{channel_id}", content=raw,
                          headers=wc_headers(SECRET, raw, topic=topic, delivery_id=delivery_id))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def post_shopify(client: httpx.AsyncClient, channel_id: int, payload: dict[str, Any],
                       topic: str = "orders/create") -> dict[str, Any]:
    raw = body(payload)
    r = await client.post(f"/api/webhooks/shopify/{channel_id}", content=raw,
                          headers=shopify_headers(SECRET, raw, topic=topic))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def process_pending(app: FastAPI) -> list[str]:
    """What the worker does for each pending inbox row, run directly (oldest first)."""
    pool = app.state.container.pool
    ids = [r["id"] for r in await pool.fetch("SELECT id FROM inbox_event WHERE status = 'pending' ORDER BY id")]
    return [await process_inbox_event(pool, i, clock=lambda: datetime.now(UTC)) for i in ids]


async def orders(world: World) -> list[Any]:
    return list(await world.sql("SELECT id, external_ref, status, payment_method, notes, customer_id FROM sales_order "
                                "ORDER BY id"))


async def order_json(client: httpx.AsyncClient, world: World, order_id: int) -> dict[str, Any]:
    r = await client.get(f"/api/omni_sales/orders/{order_id}", headers=auth(world))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def sync_entries(client: httpx.AsyncClient, world: World, **params: Any) -> list[dict[str, Any]]:
    r = await client.get("/api/omni_sales/sync_log", params=params, headers=auth(world, "warehouse"))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def test_a_guest_cod_order_with_diacritics_becomes_one_draft_order(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order())
    assert await process_pending(app) == ["created"]

    [row] = await orders(world)
    order = await order_json(client, world, row.id)
    assert (order["status_label"], order["source"], order["external_ref"], order["payment_method"]) == (
        "draft", "woocommerce", "5821", "cod")
    assert order["customer"]["name"] == "Ioana Stănescu"
    assert order["customer"]["email"] == "ioana.stanescu@example.ro"
    assert order["shipping_address"]["county"] == "CJ"
    assert order["shipping_address"]["street"] == "Str. Memorandumului 28, ap. 4"
    assert [(x["sku"], x["quantity"], x["name"]) for x in order["lines"]] == [
        ("TSHIRT-RED-M", "2.000", "Tricou roșu mărimea M")]
    assert order["totals"]["gross"] == "99.81"  # the shop's line total with VAT: 83.87 + 15.94
    # No shipping product configured for this channel: shipping stays in the notes.
    assert "Shipping: Curier rapid 17.85 RON" in order["notes"]
    assert "Vă rog sunați înainte de livrare." in order["notes"]
    [event] = await world.sql("SELECT status, processed_at FROM inbox_event")
    assert event.status == "processed" and event.processed_at is not None


async def test_shipping_becomes_a_line_when_the_channel_names_a_shipping_product(
        client: httpx.AsyncClient, world: World, app: FastAPI) -> None:
    await world.product("SHIP-COURIER", vat="19", price="0")
    channel_id = await shop_channel(world, "woocommerce", payment_methods=WOO_PAYMENTS, shipping_sku="SHIP-COURIER")
    await post_wc(client, channel_id, wc_order())
    assert await process_pending(app) == ["created"]
    [row] = await orders(world)
    order = await order_json(client, world, row.id)
    assert [(x["sku"], x["gross"]) for x in order["lines"]] == [("TSHIRT-RED-M", "99.81"),
                                                                ("SHIP-COURIER", "17.85")]
    assert order["totals"]["gross"] == "117.66"


async def test_a_customer_without_a_known_email_is_matched_by_vat_code(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    [known] = await world.sql("INSERT INTO customer (type, email, name, vat_code) VALUES "
                              "('b2b', 'office@firma.ro', 'Firma SRL', 'RO18547290') RETURNING id")
    payload = wc_order(email="achizitii@firma.ro")
    payload["meta_data"].append({"id": 1, "key": "_billing_cui", "value": "18547290"})
    await post_wc(client, woo, payload)
    assert await process_pending(app) == ["created"]
    [row] = await orders(world)
    assert row.customer_id == known.id


async def test_a_paid_card_order_is_marked_paid_when_it_waits_for_payment(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order(gateway="stripe", status="pending"))
    assert await process_pending(app) == ["created"]
    [row] = await orders(world)
    assert row.payment_method == "card"
    r = await client.post(f"/api/omni_sales/orders/{row.id}/request-payment", headers=auth(world))
    assert r.status_code == 200, r.text

    paid = wc_order(gateway="stripe", paid=True, modified="2026-11-26T09:20:00")
    await post_wc(client, woo, paid, topic="order.updated")
    assert await process_pending(app) == ["updated"]
    order = await order_json(client, world, row.id)
    assert order["status_label"] == "paid"
    assert order["history"][-1]["actor"] == "system:intake"


async def test_a_payment_made_in_the_shop_while_our_order_is_still_draft_is_not_lost(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order(gateway="stripe", status="pending"))  # card not captured yet
    assert await process_pending(app) == ["created"]
    [row] = await orders(world)
    assert row.status == 0  # draft: nobody asked for the payment here yet

    paid = wc_order(gateway="stripe", paid=True, modified="2026-11-26T09:20:00")
    await post_wc(client, woo, paid, topic="order.updated")
    assert await process_pending(app) == ["updated"]
    order = await order_json(client, world, row.id)
    assert order["status_label"] == "paid"
    assert [h["action"] for h in order["history"]][-2:] == ["request_payment", "mark_paid"]


async def test_the_same_delivery_three_times_at_once_makes_one_inbox_row_and_one_order(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    payload = wc_order()
    answers = await asyncio.gather(*(post_wc(client, woo, payload, delivery_id="77aa") for _ in range(3)))
    assert sorted(a["status"] for a in answers) == ["duplicate", "duplicate", "stored"]
    [event_id] = {a["inbox_event_id"] for a in answers}
    # Even if the job ran three times at once for it (redelivered by the queue), one order comes out.
    pool = app.state.container.pool
    results = await asyncio.gather(*(process_inbox_event(pool, event_id, clock=lambda: datetime.now(UTC))
                                     for _ in range(3)))
    assert "created" in results
    assert len(await orders(world)) == 1
    assert len(await world.sql("SELECT id FROM inbox_event")) == 1


async def test_two_different_events_of_one_order_processed_at_once_make_one_order(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order())
    await post_wc(client, woo, wc_order(modified="2026-11-26T09:15:09"), topic="order.updated")
    pool = app.state.container.pool
    ids = [r["id"] for r in await pool.fetch("SELECT id FROM inbox_event ORDER BY id")]
    await asyncio.gather(*(process_inbox_event(pool, i, clock=lambda: datetime.now(UTC)) for i in ids))
    assert len(await orders(world)) == 1


async def test_missing_sku_is_logged_once_then_fixed_by_creating_the_product_and_retrying(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order(sku="HOODIE-GREY-L"))
    await post_wc(client, woo, wc_order(sku="HOODIE-GREY-L", modified="2026-11-26T09:16:00"), topic="order.updated")
    assert await process_pending(app) == ["failed", "failed"]
    assert await orders(world) == []

    [entry] = await sync_entries(client, world, status="open")
    assert (entry["error_type"], entry["external_ref"], entry["direction"], entry["attempts"]) == (
        "missing_sku", "5821", "import", 2)
    assert "HOODIE-GREY-L" in entry["message"]
    r = await client.get(f"/api/omni_sales/sync_log/{entry['id']}", headers=auth(world, "warehouse"))
    assert r.status_code == 200
    assert r.json()["payload"]["line_items"][0]["sku"] == "HOODIE-GREY-L"

    # A retry before the fix fails the same way: one more attempt on the same entry.
    r = await client.post(f"/api/omni_sales/sync_log/{entry['id']}/retry", headers=auth(world))
    assert r.status_code == 200, r.text
    assert (r.json()["result"], r.json()["entry"]["attempts"], r.json()["entry"]["status"]) == ("failed", 3, "open")
    # Reading is for all staff; retrying is the desk's.
    r = await client.post(f"/api/omni_sales/sync_log/{entry['id']}/retry", headers=auth(world, "warehouse"))
    assert r.status_code == 403

    await world.product("HOODIE-GREY-L", on_hand="10")
    r = await client.post(f"/api/omni_sales/sync_log/{entry['id']}/retry", headers=auth(world))
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["result"] == "created" and result["entry"]["status"] == "resolved"
    [row] = await orders(world)
    assert (result["order_id"], result["entry"]["order_id"], row.external_ref) == (row.id, row.id, "5821")
    assert await sync_entries(client, world, status="open") == []
    statuses = {r.status for r in await world.sql("SELECT status FROM inbox_event")}
    assert "processed" in statuses


async def test_an_unmapped_payment_method_is_payment_not_recognised(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int, shopify: int) -> None:
    await post_wc(client, woo, wc_order(gateway="paypal"))
    await post_shopify(client, shopify, shopify_order(gateway="Bank Deposit"))
    assert await process_pending(app) == ["failed", "failed"]
    entries = await sync_entries(client, world, error_type="payment_not_recognised")
    assert sorted(e["external_ref"] for e in entries) == ["5821", "820982911946154508"]
    assert any("'paypal'" in e["message"] for e in entries)
    assert any("bank_deposit" in e["message"] for e in entries)
    assert await orders(world) == []

    # The operator maps the gateways, then retries them all at once.
    await world.sql("UPDATE channel SET settings = jsonb_set(settings, '{payment_methods,paypal}', '\"card\"') "
                    "WHERE id = :w", w=woo)
    r = await client.post("/api/omni_sales/sync_log/retry", json={"error_type": "payment_not_recognised"},
                          headers=auth(world))
    assert r.status_code == 200, r.text
    assert (r.json()["retried"], r.json()["succeeded"]) == (2, 1)
    assert len(await orders(world)) == 1
    [still] = await sync_entries(client, world, status="open")
    assert still["external_ref"] == "820982911946154508" and still["attempts"] == 2


async def test_an_update_that_arrives_before_the_create_still_makes_one_order(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order(modified="2026-11-26T09:15:07"), topic="order.updated")
    assert await process_pending(app) == ["created"]
    await post_wc(client, woo, wc_order(modified="2026-11-26T09:15:02"), topic="order.created")
    assert await process_pending(app) == ["stale"]
    assert len(await orders(world)) == 1
    assert [r.status for r in await world.sql("SELECT status FROM inbox_event ORDER BY id")] == [
        "processed", "ignored"]


async def test_a_stale_update_is_ignored(client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order(modified="2026-11-26T10:00:00"))
    assert await process_pending(app) == ["created"]
    # An older state of the order (cancelled then, restored since) arrives late: it must not cancel ours.
    await post_wc(client, woo, wc_order(status="cancelled", modified="2026-11-26T09:59:59"), topic="order.updated")
    assert await process_pending(app) == ["stale"]
    [row] = await orders(world)
    assert row.status == 0


async def test_shopify_cancelled_cancels_a_draft_order(client: httpx.AsyncClient, world: World, app: FastAPI,
                                                        shopify: int) -> None:
    pending = shopify_order(gateway="Cash on Delivery (COD)", financial_status="pending")
    await post_shopify(client, shopify, pending)
    assert await process_pending(app) == ["created"]
    [row] = await orders(world)
    order = await order_json(client, world, row.id)
    assert (order["payment_method"], order["shipping_address"]["county"], order["shipping_address"]["city"]) == (
        "cod", "B", "București")
    assert order["totals"]["gross"] == "99.80"

    cancelled = changed(shopify_order(gateway="Cash on Delivery (COD)", financial_status="voided", cancelled=True),
                        updated_at="2026-11-26T12:30:00+02:00")
    await post_shopify(client, shopify, cancelled, topic="orders/cancelled")
    assert await process_pending(app) == ["updated"]
    order = await order_json(client, world, row.id)
    assert order["status_label"] == "cancelled"
    assert order["history"][-1]["reason"] == "cancelled in shop"


async def test_a_signed_shopify_body_replayed_under_another_topic_changes_nothing(
        client: httpx.AsyncClient, world: World, app: FastAPI, shopify: int) -> None:
    # X-Shopify-Topic (like the webhook id) is outside the HMAC: whoever holds one signed body can resend it with
    # any topic and a fresh webhook id. The body says the order is unpaid and not cancelled, so it stays so.
    pending = shopify_order(gateway="Cash on Delivery (COD)", financial_status="pending")
    await post_shopify(client, shopify, pending)
    assert await process_pending(app) == ["created"]
    await post_shopify(client, shopify, pending, topic="orders/cancelled")
    await post_shopify(client, shopify, pending, topic="orders/paid")
    assert await process_pending(app) == ["unchanged", "unchanged"]
    [row] = await orders(world)
    assert row.status == 0


async def test_a_value_the_database_cannot_hold_is_a_sync_log_entry_not_a_lost_order(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    payload = wc_order()
    payload["billing"]["phone"] = "0744 123 456 / 0722 987 654 (după ora 17, vă rog)"  # customer.phone is 40 chars
    await post_wc(client, woo, payload)
    assert await process_pending(app) == ["failed"]
    assert await orders(world) == []
    [entry] = await sync_entries(client, world, status="open")
    assert (entry["error_type"], entry["external_ref"]) == ("other", "5821")
    assert "StringDataRightTruncationError" in entry["message"]
    [event] = await world.sql("SELECT status, last_error FROM inbox_event")
    assert event.status == "failed" and "cannot be stored" in event.last_error
    # The operator's retry answers the same failure (it used to raise out of the request as a 500).
    r = await client.post(f"/api/omni_sales/sync_log/{entry['id']}/retry", headers=auth(world))
    assert r.status_code == 200, r.text
    assert (r.json()["result"], r.json()["entry"]["attempts"]) == ("failed", 2)


async def test_a_paid_shopify_order_arrives_paid_with_the_card_mapping(
        client: httpx.AsyncClient, world: World, app: FastAPI, shopify: int) -> None:
    await post_shopify(client, shopify, shopify_order())
    await post_shopify(client, shopify, shopify_order(updated_at="2026-11-26T12:06:00+02:00"), topic="orders/paid")
    assert await process_pending(app) == ["created", "unchanged"]
    [row] = await orders(world)
    assert row.payment_method == "card" and "Paid in shop" in row.notes
    order = await order_json(client, world, row.id)
    # Paid at checkout, so paid here (the table has no draft -> paid shortcut: the history shows both steps).
    assert order["status_label"] == "paid"
    assert [h["action"] for h in order["history"]] == ["create", "request_payment", "mark_paid"]
    assert "confirm" in order["allowed_actions"]


async def test_resolve_and_ignore_and_a_repeat_of_an_ignored_failure(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int) -> None:
    await post_wc(client, woo, wc_order(order_id=1, sku="NOPE-1"))
    await post_wc(client, woo, wc_order(order_id=2, sku="NOPE-2"))
    await process_pending(app)
    first, second = sorted(await sync_entries(client, world), key=lambda e: e["external_ref"])
    r = await client.post(f"/api/omni_sales/sync_log/{first['id']}/ignore", headers=auth(world))
    assert r.status_code == 200 and r.json()["status"] == "ignored"
    r = await client.post(f"/api/omni_sales/sync_log/{second['id']}/resolve", headers=auth(world))
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert r.json()["resolved_by"] == "user:operator@test.local"
    assert await sync_entries(client, world, status="open") == []

    await post_wc(client, woo, wc_order(order_id=1, sku="NOPE-1", modified="2026-11-26T11:00:00"), "order.updated")
    await post_wc(client, woo, wc_order(order_id=2, sku="NOPE-2", modified="2026-11-26T11:00:00"), "order.updated")
    await process_pending(app)
    by_ref = {e["external_ref"]: e for e in await sync_entries(client, world)}
    assert (by_ref["1"]["status"], by_ref["1"]["attempts"]) == ("ignored", 2)
    assert (by_ref["2"]["status"], by_ref["2"]["attempts"]) == ("open", 2)

    r = await client.get("/api/omni_sales/sync_log", params={"limit": 1}, headers=auth(world))
    page = r.json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    r = await client.get("/api/omni_sales/sync_log", params={"limit": 1, "cursor": page["next_cursor"]},
                         headers=auth(world))
    assert len(r.json()["items"]) == 1 and r.json()["items"][0]["id"] < page["items"][0]["id"]
    r = await client.get("/api/omni_sales/sync_log/999999", headers=auth(world))
    assert r.status_code == 404


# ----- through Redis and the arq worker -----------------------------------------------------------------------



async def test_webhooks_arriving_while_redis_is_down_are_stored_and_imported_once_it_is_back(
        client: httpx.AsyncClient, world: World, app: FastAPI, settings: Settings, woo: int, queue_name: str) -> None:
    for order_id in (101, 102, 103):
        assert (await post_wc(client, woo, wc_order(order_id=order_id)))["status"] == "stored"
    inbox = SqlInbox(app.state.container.pool)

    down = ArqRedis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        report = await relay_inbox(inbox, ArqJobQueue(down, queue_name, timeout_s=2))
    finally:
        await down.aclose()
    assert (report.claimed, report.enqueued, report.released) == (3, 0, 3) and report.error
    rows = await world.sql("SELECT status, enqueued_at, claimed_at, last_error FROM inbox_event")
    assert all(r.status == "pending" and r.enqueued_at is None and r.claimed_at is None and r.last_error
               for r in rows)

    redis = await connect(redis_url(), queue_name)
    try:
        report = await relay_inbox(inbox, ArqJobQueue(redis, queue_name))
        assert (report.claimed, report.enqueued, report.error) == (3, 3, None)
        again = await relay_inbox(inbox, ArqJobQueue(redis, queue_name))
        assert again.claimed == 0  # enqueued rows are not handed over twice
    finally:
        await redis.aclose()

    worker = build_worker(settings, queue_name=queue_name, relay=False, burst=True, handle_signals=False,
                          poll_delay=0.05)
    try:
        await worker.async_run()
        assert worker.jobs_failed == 0
    finally:
        await worker.close()
    assert sorted(r.external_ref for r in await orders(world)) == ["101", "102", "103"]
    assert {r.status for r in await world.sql("SELECT status FROM inbox_event")} == {"processed"}


async def test_an_import_that_crashes_is_a_failed_row_and_a_sync_log_entry_with_its_payload(
        client: httpx.AsyncClient, world: World, app: FastAPI, woo: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from workers import jobs

    stored = await post_wc(client, woo, wc_order(order_id=6001))

    async def crash(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("a bug in the translator")

    monkeypatch.setattr(jobs, "process_inbox_event", crash)
    ctx = {"pool": app.state.container.pool, "job_try": 1}
    with pytest.raises(RuntimeError):
        await jobs.import_inbox_event(ctx, inbox_event_id=stored["inbox_event_id"])
    [row] = await world.sql("SELECT status, last_error FROM inbox_event")
    assert row.status == "failed" and "a bug in the translator" in row.last_error
    [entry] = await world.sql("SELECT external_ref, error_type, message, payload FROM sync_log")
    assert (entry.external_ref, entry.error_type) == ("6001", "other")
    assert "a bug in the translator" in entry.message and entry.payload["id"] == 6001
