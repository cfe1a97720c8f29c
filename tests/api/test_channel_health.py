"""The channel health strip's source: last webhook, last event (pulled ones too), last pull, open errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.factories import World
from tests.shop_payloads import body, wc_headers, wc_order

SECRET = "wc-secret-0123456789"
URL = "/api/omni_sales/channels/health"


def auth(w: World, role: str = "warehouse") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def shop_channel(world: World, type_: str) -> int:
    channel_id = await world.channel(f"{type_}-shop", type_)
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)
    return channel_id


async def sync_entry(world: World, channel_id: int, ref: str, error_type: str, status: str = "open") -> None:
    await world.sql("INSERT INTO sync_log (channel_id, external_ref, error_type, message, status) "
                    "VALUES (:c, :r, :e, 'seeded', :s)", c=channel_id, r=ref, e=error_type, s=status)


async def health(client: httpx.AsyncClient, world: World) -> dict[int, dict[str, Any]]:
    r = await client.get(URL, headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return {item["id"]: item for item in r.json()["items"]}


async def test_a_signed_webhook_sets_last_webhook_and_last_event(client: httpx.AsyncClient, world: World) -> None:
    woo = await shop_channel(world, "woocommerce")
    quiet = await shop_channel(world, "shopify")
    before = datetime.now(UTC) - timedelta(seconds=5)
    raw = body(wc_order())
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=wc_headers(SECRET, raw))
    assert r.status_code == 200, r.text

    items = await health(client, world)
    got = items[woo]
    assert (got["name"], got["type"], got["active"]) == ("woocommerce-shop", "woocommerce", True)
    assert got["last_webhook_at"] is not None and got["last_webhook_at"] == got["last_event_at"]
    assert datetime.fromisoformat(got["last_webhook_at"]) >= before
    assert (got["open_errors"], got["last_pull_at"], got["last_pull_error"]) == (0, None, None)
    nothing = items[quiet]
    assert (nothing["last_webhook_at"], nothing["last_event_at"], nothing["open_errors"]) == (None, None, 0)
    assert set(nothing["open_errors_by_type"].values()) == {0}


async def test_a_pulled_event_counts_as_an_event_but_not_as_a_webhook(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    shop = await shop_channel(world, "shopify")
    await world.sql(
        "INSERT INTO inbox_event (channel_id, source, topic, body_sha256, dedupe_key, external_ref, payload, "
        "received_at) VALUES (:c, 'shopify', 'orders/updated', :h, 'pull:shopify:42:2026-11-26', '42', "
        "CAST('{}' AS jsonb), '2026-11-26T10:00:00Z')", c=shop, h="0" * 64)
    await world.sql("INSERT INTO channel_sync_state (channel_id, last_pull_at, last_error) "
                    "VALUES (:c, '2026-11-26T10:05:00Z', 'HTTP 429 from the shop')", c=shop)

    got = (await health(client, world))[shop]
    assert got["last_webhook_at"] is None
    assert datetime.fromisoformat(got["last_event_at"]) == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert datetime.fromisoformat(got["last_pull_at"]) == datetime(2026, 11, 26, 10, 5, tzinfo=UTC)
    assert got["last_pull_error"] == "HTTP 429 from the shop"


async def test_open_sync_log_entries_are_counted_per_channel_and_type(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    woo = await shop_channel(world, "woocommerce")
    shop = await shop_channel(world, "shopify")
    await sync_entry(world, woo, "5821", "missing_sku")
    await sync_entry(world, woo, "5822", "missing_sku")
    await sync_entry(world, woo, "5823", "payment_not_recognised")
    await sync_entry(world, woo, "5824", "missing_sku", status="resolved")
    await sync_entry(world, woo, "5825", "other", status="ignored")
    await sync_entry(world, shop, "1001", "customer_not_created")

    items = await health(client, world)
    assert items[woo]["open_errors"] == 3
    assert items[woo]["open_errors_by_type"] == {
        "missing_sku": 2, "customer_not_created": 0, "payment_not_recognised": 1, "stock_insufficient": 0,
        "remote_error": 0, "other": 0}
    assert (items[shop]["open_errors"], items[shop]["open_errors_by_type"]["customer_not_created"]) == (1, 1)


async def test_health_does_not_collide_with_one_channel_and_needs_staff(client: httpx.AsyncClient,
                                                                        world: World) -> None:
    woo = await shop_channel(world, "woocommerce")
    r = await client.get(f"/api/omni_sales/channels/{woo}", headers=auth(world))
    assert (r.status_code, r.json()["name"]) == (200, "woocommerce-shop")
    r = await client.get(URL, headers=auth(world, "operator"))
    assert r.status_code == 200
    assert woo in [item["id"] for item in r.json()["items"]]
    r = await client.get(URL)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
