"""A shop order in a real browser: the WooCommerce simulator posts its signed order.created webhook to the running
server, the inbox relay and an arq worker import it, and the operator sees the order in the queue."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Page, expect

from adapters.db.inbox import SqlInbox
from adapters.db.pg import create_pool
from adapters.queue.connection import connect
from adapters.queue.inbox_relay import relay_inbox
from adapters.queue.jobs import ArqJobQueue
from adapters.sandbox.common import RunningServer, serve_in_process
from adapters.sandbox.woocommerce import WooShop
from adapters.sandbox.woocommerce_app import build_app
from adapters.settings import Settings
from tests.db import redis_url
from tests.e2e.conftest import ARTIFACTS, Console, login
from workers.settings import build_worker

SECRET = "e2e-woo-sim-secret-0123456789"
CHANNEL = "Magazin Woo Simulator"
SKU = "E2E-SIM-CANA"
CUSTOMER = {"first_name": "Ștefan", "last_name": "Mureșan", "email": "stefan.muresan.e2e@example.ro",
            "phone": "0722123456", "address_1": "Str. Mărășești 12", "city": "Brașov", "state": "BV",
            "postcode": "500086", "country": "RO", "guest": True}


@pytest.fixture
async def simulator() -> AsyncIterator[RunningServer]:
    async with serve_in_process(build_app(WooShop(secret=SECRET, seed=31))) as running:
        yield running


async def import_inbox(console: Console) -> None:
    """What runs after the webhook answered 200: the inbox relay, then the worker's import jobs (burst run)."""
    url = console.world.engine.url.render_as_string(hide_password=False)
    queue_name = f"oms:e2e:{uuid.uuid4().hex[:12]}"
    pool = await create_pool(url, size=2)
    redis = await connect(redis_url(), queue_name)
    try:
        report = await relay_inbox(SqlInbox(pool), ArqJobQueue(redis, queue_name))
        assert report.error is None and report.enqueued >= 1, report
        worker = build_worker(Settings(database_url=url, redis_url=redis_url()), queue_name=queue_name, relay=False,
                              burst=True, handle_signals=False, poll_delay=0.05)
        try:
            await worker.async_run()
            assert worker.jobs_failed == 0
        finally:
            await worker.close()
    finally:
        keys = [k async for k in redis.scan_iter(match=f"*{queue_name}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
        await pool.close()


async def test_an_order_posted_by_the_woocommerce_simulator_shows_in_the_queue(
        page: Page, console: Console, simulator: RunningServer) -> None:
    world = console.world
    await world.product(SKU, on_hand="40", price="34.50")
    channel_id = await world.channel(CHANNEL, "woocommerce", settings={"payment_methods": {"cod": "cod"}})
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)

    async with httpx.AsyncClient(base_url=simulator.base_url) as shop:
        r = await shop.post("/_sandbox/config", json={
            "webhook_url": f"{console.base_url}/api/webhooks/woocommerce/{channel_id}"})
        assert r.status_code == 200, r.text
        r = await shop.post("/_sandbox/orders", json={"customer": CUSTOMER, "payment_method": "cod",
                                                      "lines": [{"sku": SKU, "quantity": 2, "price": "34.50"}]})
        assert r.status_code == 201, r.text
    shop_order, delivery = r.json()["order"], r.json()["delivery"]
    assert delivery["result"]["status"] == 200, delivery  # the server acknowledged the signed webhook
    ref = str(shop_order["id"])

    await import_inbox(console)
    r = await console.api("GET", "/api/omni_sales/orders", params={"channel_id": channel_id})
    [listed] = r.json()["items"]
    assert listed["external_ref"] == ref

    await login(page, console, "operator")
    row = page.locator(f"tr[data-order-id='{listed['id']}']")
    await expect(row).to_be_visible()
    await expect(row).to_contain_text(listed["number"])
    await expect(row).to_contain_text(CHANNEL)
    await expect(row).to_contain_text(ref)
    await expect(row).to_contain_text("Ștefan Mureșan")
    await expect(row).to_contain_text("69.00")  # 2 x 34.50
    await expect(row.locator("[data-status='0']")).to_have_text(re.compile("draft", re.I))
    # The channel's health chip saw the webhook and has nothing to report.
    await expect(page.locator(f'[data-channel-id="{channel_id}"]')).to_contain_text("no open errors")
    await page.screenshot(path=str(ARTIFACTS / "shop-order-in-queue.png"))

    # The operator finds it by the customer's name, diacritics and all, and opens it.
    search = page.get_by_label("Number, external ref or customer")
    await search.fill("Ștefan Mureșan")
    await search.press("Enter")
    await expect(page).to_have_url(re.compile("q="))
    await expect(page.locator("tbody tr").filter(has_not_text="Ștefan Mureșan")).to_have_count(0)
    await expect(row).to_be_visible()
    await row.get_by_role("link", name=listed["number"]).click()
    await expect(page).to_have_url(console.url(f"/omni_sales/orders/{listed['id']}"))
    await expect(page.get_by_test_id("order-lines")).to_contain_text(SKU)
    await expect(page.get_by_test_id("order-gross")).to_contain_text("69.00")
