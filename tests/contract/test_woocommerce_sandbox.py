"""The WooCommerce simulator behaves like the documented REST API v3 and webhooks (checked over real HTTP)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from adapters.sandbox.common import serve_in_process
from adapters.sandbox.woocommerce import WooShop
from adapters.sandbox.woocommerce_app import build_app
from tests.contract.conftest import Receiver

SECRET = "wc-secret-ăîș"
AUTH = ("ck_test", "cs_test")
STEFAN = {"first_name": "Ștefan", "last_name": "Mureșan", "email": "stefan.muresan@example.ro",
          "phone": "0722123456", "address_1": "Str. Mărășești 12", "city": "Brașov", "state": "BV",
          "postcode": "500086", "country": "RO", "guest": True}


def expected_signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
async def shop(receiver: Receiver) -> AsyncIterator[tuple[WooShop, httpx.AsyncClient]]:
    woo = WooShop(secret=SECRET, webhook_url=receiver.url, consumer_key=AUTH[0], consumer_secret=AUTH[1], seed=7)
    async with serve_in_process(build_app(woo)) as running, httpx.AsyncClient(base_url=running.base_url,
                                                                              auth=AUTH) as client:
        yield woo, client


async def test_order_created_webhook_is_signed_and_documented(shop: tuple[WooShop, httpx.AsyncClient],
                                                              receiver: Receiver) -> None:
    _, client = shop
    resp = await client.post("/_sandbox/orders", json={
        "customer": STEFAN, "payment_method": "cod",
        "lines": [{"sku": "TRICOU-ROSU-M", "quantity": 2}, {"sku": "CANA-CERAMICA", "quantity": 1}]})
    assert resp.status_code == 201
    [call] = await receiver.wait_for(1)

    assert call.headers["x-wc-webhook-signature"] == expected_signature(call.body, SECRET)
    assert call.headers["x-wc-webhook-topic"] == "order.created"
    assert call.headers["x-wc-webhook-resource"] == "order"
    assert call.headers["x-wc-webhook-event"] == "created"
    assert call.headers["x-wc-webhook-id"] == "11"
    assert len(call.headers["x-wc-webhook-delivery-id"]) == 32
    assert call.headers["x-wc-webhook-source"].startswith("https://")
    assert call.headers["user-agent"].startswith("WooCommerce/")
    # wp_json_encode output: ASCII with \u escapes, so a receiver must verify the raw bytes, not re-encoded JSON.
    assert b"\\u0218tefan" in call.body and b"\\/" in call.body

    order = json.loads(call.body)
    assert order["billing"]["first_name"] == "Ștefan" and order["billing"]["last_name"] == "Mureșan"
    assert order["billing"]["address_1"] == "Str. Mărășești 12" and order["billing"]["city"] == "Brașov"
    assert order["billing"]["state"] == "BV" and order["billing"]["email"] == "stefan.muresan@example.ro"
    assert order["customer_id"] == 0  # guest checkout
    assert order["payment_method"] == "cod" and order["status"] == "processing" and order["date_paid"] is None
    assert order["currency"] == "RON" and order["prices_include_tax"] is True
    assert [(li["sku"], li["quantity"]) for li in order["line_items"]] == [("TRICOU-ROSU-M", 2),
                                                                          ("CANA-CERAMICA", 1)]
    for money_field in ("total", "total_tax", "shipping_total", "cart_tax", "discount_total"):
        assert isinstance(order[money_field], str)
    assert order["total"] == "174.29"  # 2 x 59.90 + 34.50 + 19.99 shipping, VAT included
    assert order["shipping_lines"][0]["method_id"] == "flat_rate"
    assert "_links" not in order  # webhook payloads are the endpoint data without links


async def test_card_payment_is_paid_and_bacs_waits_on_hold(shop: tuple[WooShop, httpx.AsyncClient]) -> None:
    _, client = shop
    card = (await client.post("/_sandbox/orders", json={"payment_method": "stripe", "deliver": False})).json()
    bacs = (await client.post("/_sandbox/orders", json={"payment_method": "bacs", "deliver": False})).json()
    assert card["order"]["status"] == "processing" and card["order"]["date_paid_gmt"]
    assert card["order"]["transaction_id"].startswith("pi_")
    assert bacs["order"]["status"] == "on-hold" and bacs["order"]["date_paid"] is None


async def test_ping_is_an_unsigned_form_post(shop: tuple[WooShop, httpx.AsyncClient], receiver: Receiver) -> None:
    _, client = shop
    resp = await client.post("/_sandbox/webhooks/ping", json={"webhook_id": 11})
    assert resp.json()["result"]["status"] == 200
    [call] = await receiver.wait_for(1)
    assert call.body == b"webhook_id=11"
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "x-wc-webhook-signature" not in call.headers


async def test_list_orders_paginates_with_wp_headers(shop: tuple[WooShop, httpx.AsyncClient]) -> None:
    _, client = shop
    for _ in range(25):
        await client.post("/_sandbox/orders", json={"deliver": False})
    first = await client.get("/wp-json/wc/v3/orders", params={"per_page": 10, "orderby": "id", "order": "asc"})
    assert first.status_code == 200
    assert first.headers["x-wp-total"] == "25" and first.headers["x-wp-totalpages"] == "3"
    assert 'rel="next"' in first.headers["link"]
    seen = [o["id"] for o in first.json()]
    for page in (2, 3):
        resp = await client.get("/wp-json/wc/v3/orders", params={"per_page": 10, "page": page, "orderby": "id",
                                                                 "order": "asc"})
        seen += [o["id"] for o in resp.json()]
    assert len(seen) == 25 and seen == sorted(seen)
    assert first.json()[0]["_links"]["self"][0]["href"].endswith(f"/wp-json/wc/v3/orders/{seen[0]}")
    beyond = await client.get("/wp-json/wc/v3/orders", params={"per_page": 10, "page": 4})
    assert beyond.json() == [] and beyond.headers["x-wp-total"] == "25"
    too_many = await client.get("/wp-json/wc/v3/orders", params={"per_page": 101})
    assert too_many.status_code == 400 and too_many.json()["code"] == "rest_invalid_param"


async def test_modified_after_filters_on_gmt_modification_time(shop: tuple[WooShop, httpx.AsyncClient]) -> None:
    _, client = shop
    await client.post("/_sandbox/config", json={"clock_offset_seconds": -3600})
    old = (await client.post("/_sandbox/orders", json={"deliver": False})).json()["order"]
    await client.post("/_sandbox/config", json={"clock_offset_seconds": 0})
    new = (await client.post("/_sandbox/orders", json={"deliver": False})).json()["order"]
    since = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S")
    resp = await client.get("/wp-json/wc/v3/orders", params={
        "modified_after": since, "dates_are_gmt": "true", "orderby": "modified", "order": "asc", "per_page": 100})
    assert [o["id"] for o in resp.json()] == [new["id"]]
    assert resp.headers["x-wp-total"] == "1"

    # Touching the old order moves it past the watermark, as a pull relies on.
    put = await client.put(f"/wp-json/wc/v3/orders/{old['id']}", json={"status": "on-hold"})
    assert put.status_code == 200
    resp = await client.get("/wp-json/wc/v3/orders", params={
        "modified_after": since, "dates_are_gmt": "true", "orderby": "modified", "order": "asc"})
    listed = resp.json()
    assert {o["id"] for o in listed} == {new["id"], old["id"]}
    assert [o["date_modified_gmt"] for o in listed] == sorted(o["date_modified_gmt"] for o in listed)


async def test_put_status_and_note_change_the_shop(shop: tuple[WooShop, httpx.AsyncClient],
                                                   receiver: Receiver) -> None:
    _, client = shop
    order = (await client.post("/_sandbox/orders", json={"customer": STEFAN})).json()["order"]
    await receiver.wait_for(1)
    resp = await client.put(f"/wp-json/wc/v3/orders/{order['id']}", json={"status": "completed"})
    assert resp.status_code == 200
    assert resp.json()["status"] == "completed" and resp.json()["date_completed_gmt"]
    assert resp.json()["date_modified_gmt"] >= order["date_modified_gmt"]

    note = await client.post(f"/wp-json/wc/v3/orders/{order['id']}/notes",
                             json={"note": "AWB Sameday 1ONB24123456789", "customer_note": True})
    assert note.status_code == 201 and note.json()["customer_note"] is True
    notes = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}/notes")).json()
    assert "AWB Sameday 1ONB24123456789" in [n["note"] for n in notes]
    fetched = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}")).json()
    assert fetched["status"] == "completed"

    # The shop tells subscribers about its own change, like a real store does.
    calls = await receiver.wait_for(2)
    assert calls[1].headers["x-wc-webhook-topic"] == "order.updated"
    assert calls[1].headers["x-wc-webhook-id"] == "12"
    assert json.loads(calls[1].body)["status"] == "completed"

    bad = await client.put(f"/wp-json/wc/v3/orders/{order['id']}", json={"status": "shipped"})
    assert bad.status_code == 400 and bad.json()["data"]["params"]["status"]
    missing = await client.put("/wp-json/wc/v3/orders/999999", json={"status": "completed"})
    assert missing.status_code == 404 and missing.json()["code"] == "woocommerce_rest_shop_order_invalid_id"
    empty_note = await client.post(f"/wp-json/wc/v3/orders/{order['id']}/notes", json={})
    assert empty_note.status_code == 400


async def test_basic_auth_is_required(shop: tuple[WooShop, httpx.AsyncClient]) -> None:
    _, client = shop
    anonymous = await client.get("/wp-json/wc/v3/orders", auth=None)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "woocommerce_rest_cannot_view"
    wrong = await client.get("/wp-json/wc/v3/orders", auth=("ck_test", "nope"))
    assert wrong.status_code == 401
    by_query = await client.get("/wp-json/wc/v3/orders", auth=None,
                                params={"consumer_key": AUTH[0], "consumer_secret": AUTH[1]})
    assert by_query.status_code == 200


async def test_redelivery_keeps_the_same_ids_and_bytes(shop: tuple[WooShop, httpx.AsyncClient],
                                                       receiver: Receiver) -> None:
    _, client = shop
    created = (await client.post("/_sandbox/orders", json={})).json()
    key = created["delivery"]["key"]
    resp = await client.post(f"/_sandbox/webhooks/redeliver/{key}", params={"times": 3, "concurrent": "true"})
    assert [r["status"] for r in resp.json()["results"]] == [200, 200, 200]
    calls = await receiver.wait_for(4)
    assert len({c.body for c in calls}) == 1
    for name in ("x-wc-webhook-delivery-id", "x-wc-webhook-id", "x-wc-webhook-signature"):
        assert len({c.headers[name] for c in calls}) == 1
    by_delivery_id = await client.post(f"/_sandbox/webhooks/redeliver/{calls[0].headers['x-wc-webhook-delivery-id']}")
    assert by_delivery_id.status_code == 200


async def test_delivery_id_repeats_within_one_second() -> None:
    woo = WooShop()
    moment = datetime(2026, 3, 1, 10, 0, 0, 100_000, tzinfo=UTC)
    woo.now = lambda: moment  # type: ignore[method-assign]
    first = woo.delivery_id(12)
    moment = moment.replace(microsecond=900_000)
    assert woo.delivery_id(12) == first
    moment += timedelta(seconds=1)
    assert woo.delivery_id(12) != first


async def test_dropped_webhook_leaves_the_order_for_the_pull(shop: tuple[WooShop, httpx.AsyncClient],
                                                             receiver: Receiver) -> None:
    _, client = shop
    await client.post("/_sandbox/config", json={"drop_next": 1})
    created = (await client.post("/_sandbox/orders", json={})).json()
    assert created["delivery"]["dropped"] is True
    listed = (await client.get("/wp-json/wc/v3/orders")).json()
    assert created["order"]["id"] in [o["id"] for o in listed]
    assert receiver.calls == []
    await client.post("/_sandbox/orders", json={})
    await receiver.wait_for(1)


async def test_injected_faults_fail_the_next_calls(shop: tuple[WooShop, httpx.AsyncClient]) -> None:
    _, client = shop
    await client.post("/_sandbox/faults", json={"count": 1, "status": 503})
    assert (await client.get("/wp-json/wc/v3/orders")).status_code == 503
    await client.post("/_sandbox/faults", json={"count": 1, "status": 429, "retry_after": 7})
    limited = await client.get("/wp-json/wc/v3/orders")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert (await client.get("/wp-json/wc/v3/orders")).status_code == 200


async def test_webhook_target_must_be_loopback(shop: tuple[WooShop, httpx.AsyncClient]) -> None:
    _, client = shop
    resp = await client.post("/_sandbox/config", json={"webhook_url": "https://example.com/hook"})
    assert resp.status_code == 400
