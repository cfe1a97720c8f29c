"""The Shopify simulator behaves like the documented order webhooks and Admin GraphQL API (over real HTTP)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.sandbox.common import serve_in_process
from adapters.sandbox.shopify import ShopifyShop
from adapters.sandbox.shopify_app import build_app
from tests.contract.conftest import Receiver

SECRET = "shpss_test_secret"
TOKEN = "shpat_test_token"
VERSION = "2025-07"
GRAPHQL = f"/admin/api/{VERSION}/graphql.json"
IOANA = {"first_name": "Ioana", "last_name": "Țurcanu", "email": "ioana.turcanu@example.ro", "phone": "0744555666",
         "address_1": "Calea Dorobanților 101, bl. A2, ap. 14", "city": "Cluj-Napoca", "state": "CJ",
         "postcode": "400609", "country": "RO"}

ORDERS_QUERY = """
query Orders($first: Int!, $after: String, $q: String) {
  orders(first: $first, after: $after, query: $q, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...OrderFields } }
  }
}
fragment OrderFields on Order {
  id legacyResourceId name updatedAt displayFinancialStatus paymentGatewayNames
  total: totalPriceSet { shopMoney { amount currencyCode } }
  shippingAddress { provinceCode countryCodeV2 zip city }
  lineItems(first: 10) { nodes { sku quantity originalUnitPriceSet { shopMoney { amount } } } }
}
"""


def hmac_b64(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
async def shop(receiver: Receiver) -> AsyncIterator[tuple[ShopifyShop, httpx.AsyncClient]]:
    state = ShopifyShop(secret=SECRET, webhook_url=receiver.url, access_token=TOKEN, api_version=VERSION, seed=3)
    async with serve_in_process(build_app(state)) as running, httpx.AsyncClient(
            base_url=running.base_url, headers={"X-Shopify-Access-Token": TOKEN}) as client:
        yield state, client


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    resp = await client.post(GRAPHQL, json={"query": query, "variables": variables})
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-shopify-api-version"] == VERSION
    return dict(resp.json())


async def test_cod_guest_order_webhook_matches_the_documented_payload(
        shop: tuple[ShopifyShop, httpx.AsyncClient], receiver: Receiver) -> None:
    _, client = shop
    resp = await client.post("/_sandbox/orders", json={
        "customer": {**IOANA, "guest": True}, "gateway": "cash_on_delivery",
        "lines": [{"sku": "MIERE-SALCAM-500", "quantity": 3}]})
    assert resp.status_code == 201
    [call] = await receiver.wait_for(1)
    assert call.headers["x-shopify-hmac-sha256"] == hmac_b64(call.body, SECRET)
    assert call.headers["x-shopify-topic"] == "orders/create"
    assert call.headers["x-shopify-shop-domain"].endswith(".myshopify.com")
    assert call.headers["x-shopify-api-version"] == VERSION
    assert call.headers["x-shopify-webhook-id"] and call.headers["x-shopify-event-id"]
    assert call.headers["x-shopify-triggered-at"].endswith("Z")
    assert "Țurcanu".encode() in call.body  # UTF-8 on the wire

    order = json.loads(call.body)
    assert order["admin_graphql_api_id"] == f"gid://shopify/Order/{order['id']}"
    assert order["name"].startswith("#") and order["currency"] == "RON"
    assert "customer" not in order  # guest checkout
    assert order["payment_gateway_names"] == ["Cash on Delivery (COD)"] and order["financial_status"] == "pending"
    assert order["fulfillment_status"] is None and order["cancelled_at"] is None and order["cancel_reason"] is None
    address = order["shipping_address"]
    assert (address["province_code"], address["country_code"], address["zip"]) == ("CJ", "RO", "400609")
    assert address["address1"] == "Calea Dorobanților 101, bl. A2, ap. 14" and address["province"] == "Cluj"
    [line] = order["line_items"]
    assert (line["sku"], line["quantity"], line["price"]) == ("MIERE-SALCAM-500", 3, "42.00")
    assert order["shipping_lines"][0]["price"] == "19.99"
    assert order["total_price"] == "145.99" and isinstance(order["total_tax"], str)
    assert order["total_price_set"]["shop_money"] == {"amount": "145.99", "currency_code": "RON"}
    assert datetime.fromisoformat(order["created_at"]).utcoffset() is not None


async def test_card_order_fires_create_and_paid_for_one_event(shop: tuple[ShopifyShop, httpx.AsyncClient],
                                                               receiver: Receiver) -> None:
    _, client = shop
    await client.post("/_sandbox/orders", json={"customer": IOANA, "gateway": "shopify_payments"})
    calls = await receiver.wait_for(2)
    assert [c.headers["x-shopify-topic"] for c in calls] == ["orders/create", "orders/paid"]
    assert calls[0].headers["x-shopify-event-id"] == calls[1].headers["x-shopify-event-id"]
    assert calls[0].headers["x-shopify-webhook-id"] != calls[1].headers["x-shopify-webhook-id"]
    order = json.loads(calls[0].body)
    assert order["financial_status"] == "paid"
    assert order["customer"]["email"] == IOANA["email"] and order["customer"]["id"] > 0


async def test_redelivery_keeps_the_webhook_id(shop: tuple[ShopifyShop, httpx.AsyncClient],
                                               receiver: Receiver) -> None:
    _, client = shop
    created = (await client.post("/_sandbox/orders", json={"gateway": "manual"})).json()
    [delivery] = created["deliveries"]
    resp = await client.post(f"/_sandbox/webhooks/redeliver/{delivery['key']}", params={"times": 3,
                                                                                         "concurrent": "true"})
    assert [r["status"] for r in resp.json()["results"]] == [200, 200, 200]
    calls = await receiver.wait_for(4)
    assert {c.headers["x-shopify-webhook-id"] for c in calls} == {delivery["key"]}
    assert len({c.body for c in calls}) == 1 and len({c.headers["x-shopify-hmac-sha256"] for c in calls}) == 1


async def test_orders_query_pages_with_cursors_and_reports_cost(shop: tuple[ShopifyShop, httpx.AsyncClient]) -> None:
    _, client = shop
    for i in range(7):
        await client.post("/_sandbox/orders", json={"deliver": False, "customer": IOANA,
                                                    "gateway": "paypal" if i % 2 else "cash_on_delivery"})
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await gql(client, ORDERS_QUERY, first=3, after=after, q="updated_at:>'2020-01-01T00:00:00Z'")
        conn = body["data"]["orders"]
        seen += [e["node"]["legacyResourceId"] for e in conn["edges"]]
        pages += 1
        cost = body["extensions"]["cost"]
        assert cost["requestedQueryCost"] >= cost["actualQueryCost"] > 0
        assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert pages == 3 and len(seen) == len(set(seen)) == 7
    node = body["data"]["orders"]["edges"][0]["node"]
    assert node["total"]["shopMoney"]["currencyCode"] == "RON"
    assert node["shippingAddress"]["provinceCode"] == "CJ" and node["shippingAddress"]["countryCodeV2"] == "RO"
    assert node["lineItems"]["nodes"][0]["sku"] and node["updatedAt"].endswith("Z")
    assert node["displayFinancialStatus"] in ("PAID", "PENDING")


async def test_updated_at_filter_skips_older_orders(shop: tuple[ShopifyShop, httpx.AsyncClient]) -> None:
    state, client = shop
    state.clock_offset = timedelta(hours=-2)
    await client.post("/_sandbox/orders", json={"deliver": False})
    state.clock_offset = timedelta(0)
    fresh = (await client.post("/_sandbox/orders", json={"deliver": False})).json()["order"]
    since = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = await gql(client, ORDERS_QUERY, first=10, q=f"updated_at:>'{since}'")
    assert [e["node"]["legacyResourceId"] for e in body["data"]["orders"]["edges"]] == [str(fresh["id"])]


async def test_throttled_when_the_bucket_is_empty_and_forced_429(shop: tuple[ShopifyShop, httpx.AsyncClient]) -> None:
    _, client = shop
    await client.post("/_sandbox/throttle", json={"currently_available": 5, "restore_rate": 0.001})
    body = await gql(client, ORDERS_QUERY, first=10)
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 6
    await client.post("/_sandbox/throttle", json={"currently_available": 2000, "restore_rate": 100})
    assert "data" in await gql(client, ORDERS_QUERY, first=10)

    # 50 orders x 10 lines each is over the single-query limit, as on Shopify.
    too_big = await gql(client, ORDERS_QUERY, first=50)
    assert too_big["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"

    await client.post("/_sandbox/faults", json={"count": 1, "status": 429, "retry_after": 2})
    limited = await client.post(GRAPHQL, json={"query": "{ shop { name } }"})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert (await client.post(GRAPHQL, json={"query": "{ shop { name } }"})).status_code == 200


FULFILLMENT_ORDERS = """
query($id: ID!) { order(id: $id) { displayFulfillmentStatus
  fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 10) { nodes { id remainingQuantity } } } } } }
"""
FULFILL = """
mutation Ship($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo(first: 5) { company number url } }
    userErrors { field message }
  }
}
"""


async def test_fulfillment_create_ships_the_order(shop: tuple[ShopifyShop, httpx.AsyncClient],
                                                  receiver: Receiver) -> None:
    state, client = shop
    order = (await client.post("/_sandbox/orders", json={"gateway": "manual", "deliver": False})).json()["order"]
    found = (await gql(client, FULFILLMENT_ORDERS, id=order["admin_graphql_api_id"]))["data"]["order"]
    [fo] = found["fulfillmentOrders"]["nodes"]
    assert fo["status"] == "OPEN" and found["displayFulfillmentStatus"] == "UNFULFILLED"
    tracking = {"company": "Sameday", "number": "1ONB24123456789",
                "url": "https://sameday.ro/#awb=1ONB24123456789"}
    body = await gql(client, FULFILL, fulfillment={"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}],
                                                   "trackingInfo": tracking, "notifyCustomer": True})
    result = body["data"]["fulfillmentCreate"]
    assert result["userErrors"] == []
    assert result["fulfillment"]["status"] == "SUCCESS" and result["fulfillment"]["trackingInfo"] == [tracking]
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10

    stored = state.orders[order["id"]]
    assert stored["fulfillment_status"] == "fulfilled"
    assert stored["fulfillments"][0]["tracking_number"] == "1ONB24123456789"
    after = (await gql(client, FULFILLMENT_ORDERS, id=order["admin_graphql_api_id"]))["data"]["order"]
    assert after["displayFulfillmentStatus"] == "FULFILLED"
    assert after["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    [echo] = await receiver.wait_for(1)  # orders/fulfilled is not subscribed by default
    assert echo.headers["x-shopify-topic"] == "orders/updated"
    assert json.loads(echo.body)["fulfillments"][0]["tracking_company"] == "Sameday"

    again = await gql(client, FULFILL, fulfillment={"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}]})
    assert again["data"]["fulfillmentCreate"]["userErrors"][0]["message"].endswith("closed.")


CANCEL = """
mutation Cancel($id: ID!) {
  orderCancel(orderId: $id, reason: CUSTOMER, refund: false, restock: true, notifyCustomer: false,
              staffNote: "Anulată la cererea clientului") {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""


async def test_order_cancel_cancels_in_the_shop(shop: tuple[ShopifyShop, httpx.AsyncClient],
                                                receiver: Receiver) -> None:
    state, client = shop
    order = (await client.post("/_sandbox/orders", json={"gateway": "cash_on_delivery", "deliver": False})).json()
    gid = order["order"]["admin_graphql_api_id"]
    result = (await gql(client, CANCEL, id=gid))["data"]["orderCancel"]
    assert result["orderCancelUserErrors"] == [] and result["job"]["done"] is False
    job = await gql(client, "query($id: ID!) { job(id: $id) { id done } }", id=result["job"]["id"])
    assert job["data"]["job"]["done"] is True
    stored = state.orders[order["order"]["id"]]
    assert stored["cancelled_at"] and stored["cancel_reason"] == "customer"
    assert stored["financial_status"] == "voided"
    calls = await receiver.wait_for(2)
    assert [c.headers["x-shopify-topic"] for c in calls] == ["orders/cancelled", "orders/updated"]
    assert json.loads(calls[0].body)["cancel_reason"] == "customer"

    again = (await gql(client, CANCEL, id=gid))["data"]["orderCancel"]
    assert again["orderCancelUserErrors"][0]["code"] == "INVALID"
    missing = (await gql(client, CANCEL, id="gid://shopify/Order/1"))["data"]["orderCancel"]
    assert missing["orderCancelUserErrors"][0]["code"] == "NOT_FOUND"


async def test_shop_side_events_fire_their_topics(shop: tuple[ShopifyShop, httpx.AsyncClient],
                                                  receiver: Receiver) -> None:
    _, client = shop
    order = (await client.post("/_sandbox/orders", json={"gateway": "manual", "deliver": False})).json()["order"]
    await client.post(f"/_sandbox/orders/{order['id']}/events", json={"action": "pay"})
    calls = await receiver.wait_for(2)
    assert [c.headers["x-shopify-topic"] for c in calls] == ["orders/paid", "orders/updated"]
    paid = json.loads(calls[0].body)
    assert paid["financial_status"] == "paid" and paid["updated_at"] >= order["updated_at"]


async def test_auth_and_graphql_errors(shop: tuple[ShopifyShop, httpx.AsyncClient]) -> None:
    _, client = shop
    denied = await client.post(GRAPHQL, json={"query": "{ shop { name } }"},
                               headers={"X-Shopify-Access-Token": "wrong"})
    assert denied.status_code == 401 and "Invalid API key or access token" in denied.json()["errors"]
    await client.post("/_sandbox/orders", json={"deliver": False})
    unknown = await gql(client, "{ orders(first: 1) { nodes { id colour } } }")
    assert unknown["errors"][0]["message"] == "Field 'colour' doesn't exist on type 'Order'"
    no_size = await gql(client, "{ orders { nodes { id } } }")
    assert "first or last" in no_size["errors"][0]["message"]
    syntax = await gql(client, "{ orders(first: 1) { nodes { id }")
    assert "errors" in syntax and "data" not in syntax
    missing = await client.post(GRAPHQL, json={})
    assert missing.status_code == 400


async def test_aliases_variables_and_inline_fragments(shop: tuple[ShopifyShop, httpx.AsyncClient]) -> None:
    _, client = shop
    order = (await client.post("/_sandbox/orders", json={"customer": IOANA, "deliver": False})).json()["order"]
    query = """query One($id: ID!, $withLines: Boolean = true) {
      first: order(id: $id) { ... on Order { name email customer { displayName } }
        lines: lineItems(first: 5) @include(if: $withLines) { edges { node { sku } } } }
      shop { currencyCode }
    }"""
    data = (await gql(client, query, id=order["admin_graphql_api_id"]))["data"]
    assert data["first"]["name"] == order["name"] and data["first"]["customer"]["displayName"] == "Ioana Țurcanu"
    assert data["first"]["lines"]["edges"][0]["node"]["sku"]
    assert data["shop"]["currencyCode"] == "RON"
    skipped = (await gql(client, query, id=order["admin_graphql_api_id"], withLines=False))["data"]
    assert "lines" not in skipped["first"]
