"""Shop webhooks: signature over the raw body first, then one deduplicated inbox row and a fast 200."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.factories import World
from tests.shop_payloads import body, shopify_headers, shopify_order, wc_headers, wc_order

SECRET = "wc-secret-0123456789"


async def shop_channel(world: World, type_: str, secret: str | None = SECRET, **kw: Any) -> int:
    channel_id = await world.channel(f"{type_}-shop", type_, **kw)
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=secret, i=channel_id)
    return channel_id


async def inbox(world: World) -> list[Any]:
    return list(await world.sql("SELECT channel_id, source, topic, status, external_ref, shop_modified_at, "
                                "webhook_id, delivery_id FROM inbox_event ORDER BY id"))


@pytest.fixture
async def woo(world: World) -> int:
    return await shop_channel(world, "woocommerce")


@pytest.fixture
async def shopify(world: World) -> int:
    return await shop_channel(world, "shopify")


async def test_a_signed_woocommerce_order_is_stored_pending(client: httpx.AsyncClient, world: World,
                                                            woo: int) -> None:
    raw = body(wc_order())
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=wc_headers(SECRET, raw))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "stored"
    [row] = await inbox(world)
    assert (row.source, row.topic, row.status, row.external_ref, row.webhook_id) == (
        "woocommerce", "order.created", "pending", "5821", "12")
    assert row.shop_modified_at.isoformat() == "2026-11-26T09:15:02+00:00"


@pytest.mark.parametrize("signature", [None, "", "bm90IHRoZSByaWdodCBvbmU=", "garbage \xfc"])
async def test_a_bad_or_missing_woocommerce_signature_is_401_and_nothing_is_stored(
        client: httpx.AsyncClient, world: World, woo: int, signature: str | None) -> None:
    raw = body(wc_order())
    headers: dict[str, Any] = wc_headers(SECRET, raw)
    headers.pop("X-WC-Webhook-Signature")
    if signature is not None:
        headers["X-WC-Webhook-Signature"] = signature.encode("latin-1")
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert await inbox(world) == []


async def test_a_body_signed_with_another_secret_or_changed_after_signing_is_refused(
        client: httpx.AsyncClient, world: World, woo: int, shopify: int) -> None:
    raw = body(wc_order())
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=wc_headers("other-secret", raw))
    assert r.status_code == 401
    tampered = raw.replace(b'"83.87"', b'"0.01"')
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=tampered, headers=wc_headers(SECRET, raw))
    assert r.status_code == 401
    raw = body(shopify_order())
    headers = shopify_headers(SECRET, raw)
    headers["X-Shopify-Hmac-Sha256"] = headers["X-Shopify-Hmac-Sha256"][:-4] + "AAA="
    r = await client.post(f"/api/webhooks/shopify/{shopify}", content=raw, headers=headers)
    assert r.status_code == 401
    assert await inbox(world) == []


async def test_a_channel_without_a_secret_accepts_no_signed_webhook(client: httpx.AsyncClient, world: World) -> None:
    channel_id = await shop_channel(world, "woocommerce", secret=None)
    raw = body(wc_order())
    r = await client.post(f"/api/webhooks/woocommerce/{channel_id}", content=raw, headers=wc_headers(SECRET, raw))
    assert r.status_code == 401


async def test_the_woocommerce_ping_answers_200_and_stores_nothing(client: httpx.AsyncClient, world: World,
                                                                   woo: int) -> None:
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=b"webhook_id=12",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    assert r.json()["status"] == "pong"
    assert await inbox(world) == []


async def test_malformed_json_with_a_valid_signature_is_400(client: httpx.AsyncClient, world: World, woo: int,
                                                            shopify: int) -> None:
    for raw in (b'{"id": 5821, "line_items": [', b"[1, 2]", b'{"id": "\\u0000"}'):
        r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=wc_headers(SECRET, raw))
        assert r.status_code == 400, raw
        assert r.headers["content-type"] == "application/problem+json"
        r = await client.post(f"/api/webhooks/shopify/{shopify}", content=raw, headers=shopify_headers(SECRET, raw))
        assert r.status_code == 400, raw
    assert await inbox(world) == []


async def test_unknown_disabled_or_other_type_channels_are_404(client: httpx.AsyncClient, world: World,
                                                               woo: int) -> None:
    disabled = await shop_channel(world, "shopify", active=False)
    raw = body(shopify_order())
    for url in (f"/api/webhooks/woocommerce/{woo + 1000}", f"/api/webhooks/shopify/{woo}",
                f"/api/webhooks/shopify/{disabled}", f"/api/webhooks/woocommerce/{world.channels['api']}"):
        r = await client.post(url, content=raw, headers={**wc_headers(SECRET, raw), **shopify_headers(SECRET, raw)})
        assert r.status_code == 404, url
        assert r.headers["content-type"] == "application/problem+json"
    assert await inbox(world) == []


async def test_the_same_delivery_three_times_at_once_is_one_inbox_row(client: httpx.AsyncClient, world: World,
                                                                      woo: int, shopify: int) -> None:
    raw = body(wc_order())
    headers = wc_headers(SECRET, raw, delivery_id="8c1f")
    answers = await asyncio.gather(*(client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=headers)
                                     for _ in range(3)))
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert sorted(a.json()["status"] for a in answers) == ["duplicate", "duplicate", "stored"]
    assert len({a.json()["inbox_event_id"] for a in answers}) == 1

    # WooCommerce reuses a delivery id within one second: another body under the same id is another event.
    other = body(wc_order(modified="2026-11-26T09:15:03"))
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=other,
                          headers=wc_headers(SECRET, other, topic="order.updated", delivery_id="8c1f"))
    assert r.json()["status"] == "stored"

    raw = body(shopify_order())
    headers = shopify_headers(SECRET, raw, webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    answers = await asyncio.gather(*(client.post(f"/api/webhooks/shopify/{shopify}", content=raw, headers=headers)
                                     for _ in range(3)))
    assert sorted(a.json()["status"] for a in answers) == ["duplicate", "duplicate", "stored"]
    assert len(await inbox(world)) == 3


async def test_topics_we_do_not_import_are_kept_as_ignored(client: httpx.AsyncClient, world: World, woo: int,
                                                           shopify: int) -> None:
    raw = body(wc_order())
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw,
                          headers=wc_headers(SECRET, raw, topic="order.deleted"))
    assert r.json()["status"] == "ignored"
    raw = body(shopify_order())
    r = await client.post(f"/api/webhooks/shopify/{shopify}", content=raw,
                          headers=shopify_headers(SECRET, raw, topic="orders/fulfilled"))
    assert r.json()["status"] == "ignored"
    assert [(row.topic, row.status) for row in await inbox(world)] == [
        ("order.deleted", "ignored"), ("orders/fulfilled", "ignored")]


async def test_shopify_takes_the_modified_time_from_updated_at(client: httpx.AsyncClient, world: World,
                                                               shopify: int) -> None:
    raw = body(shopify_order(updated_at="2026-11-26T12:05:00+02:00"))
    r = await client.post(f"/api/webhooks/shopify/{shopify}", content=raw,
                          headers=shopify_headers(SECRET, raw, topic="orders/updated"))
    assert r.status_code == 200
    [row] = await inbox(world)
    assert (row.topic, row.external_ref) == ("orders/updated", "820982911946154508")
    assert row.shop_modified_at.isoformat() == "2026-11-26T10:05:00+00:00"


async def test_a_body_over_the_limit_is_413(client: httpx.AsyncClient, world: World, woo: int) -> None:
    raw = b'{"id": 1, "pad": "' + b"x" * 2_000_000 + b'"}'
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=wc_headers(SECRET, raw))
    assert r.status_code == 413
    assert await inbox(world) == []


async def test_a_signed_body_with_an_out_of_range_timestamp_is_stored_not_a_500(
        client: httpx.AsyncClient, world: World, woo: int, shopify: int) -> None:
    # "+14:00" on 0001-01-01 lies before year 1 in UTC: datetime.astimezone overflows (it used to escape as a 500).
    raw = body(shopify_order(updated_at="0001-01-01T00:00:00+14:00"))
    r = await client.post(f"/api/webhooks/shopify/{shopify}", content=raw, headers=shopify_headers(SECRET, raw))
    assert r.status_code == 200, r.text
    raw = body(wc_order(modified="9999-12-31T23:59:59-14:00"))
    r = await client.post(f"/api/webhooks/woocommerce/{woo}", content=raw, headers=wc_headers(SECRET, raw))
    assert r.status_code == 200, r.text
    shop_row, wc_row = await inbox(world)
    # Shopify falls back to X-Shopify-Triggered-At; WooCommerce has no other clock in the delivery.
    assert shop_row.shop_modified_at.isoformat() == "2026-11-26T10:05:00+00:00"
    assert (wc_row.status, wc_row.shop_modified_at) == ("pending", None)
