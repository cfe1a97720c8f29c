"""The sync audit in a real browser: a WooCommerce order for an unknown SKU fails to import, the operator sees it
in the sync log, creates the product, retries, and the order is in the queue."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from playwright.async_api import Page, expect

from adapters.db.pg import create_pool
from adapters.shops.intake import process_inbox_event
from tests.e2e.conftest import ARTIFACTS, Console, login
from tests.shop_payloads import body, wc_headers, wc_order

SECRET = "e2e-woo-secret-0123456789"
SKU = "E2E-HOODIE-GREY-L"
ORDER_ID = 77001


async def failing_import(console: Console) -> int:
    """A signed webhook for an unknown SKU on a WooCommerce channel, then the import job run directly."""
    world = console.world
    channel_id = await world.channel("Magazin Woo E2E", "woocommerce", settings={"payment_methods": {"cod": "cod"}})
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)
    raw = body(wc_order(ORDER_ID, sku=SKU))
    async with httpx.AsyncClient(base_url=console.base_url, timeout=20) as c:
        r = await c.post(f"/api/webhooks/woocommerce/{channel_id}", content=raw, headers=wc_headers(SECRET, raw))
    assert r.status_code == 200, r.text
    event_id = r.json()["inbox_event_id"]
    pool = await create_pool(world.engine.url.render_as_string(hide_password=False), size=2)
    try:
        assert await process_inbox_event(pool, event_id, clock=lambda: datetime.now(UTC)) == "failed"
    finally:
        await pool.close()
    return channel_id


async def test_a_missing_sku_is_fixed_by_creating_the_product_and_retrying(page: Page, console: Console) -> None:
    channel_id = await failing_import(console)

    # The queue's health strip shows the channel red; its chip opens the sync log on that channel.
    await login(page, console, "operator")
    chip = page.locator(f'[data-channel-id="{channel_id}"]')
    await expect(chip).to_contain_text("Magazin Woo E2E")
    await expect(chip).to_contain_text("open errors: 1")
    await expect(chip).to_have_attribute("data-health", "errors")
    await page.screenshot(path=str(ARTIFACTS / "channel-health.png"))
    await chip.click()
    await expect(page).to_have_url(console.url(f"/omni_sales/diary_sync?channel={channel_id}&status=open"))

    row = page.locator("tbody tr", has_text=str(ORDER_ID))
    await expect(row).to_contain_text("Missing SKU")
    await expect(row).to_contain_text(SKU)
    await expect(row).to_contain_text("Open")

    await row.get_by_role("button", name="Payload").click()
    drawer = page.get_by_role("dialog")
    await expect(drawer.get_by_test_id("payload-json")).to_contain_text(f'"sku": "{SKU}"')
    await page.keyboard.press("Escape")
    await expect(drawer).to_have_count(0)

    # Retrying before the cause is fixed fails again, and says so.
    await row.get_by_role("button", name="Retry").click()
    outcome = page.get_by_test_id("sync-outcome")
    await expect(outcome).to_contain_text(f"Retry of {ORDER_ID} failed again")
    await expect(outcome).to_contain_text(SKU)
    await expect(row.locator("td").nth(5)).to_have_text("2")  # attempts
    # The widest state of a row (every action offered) still fits the team's laptop screen.
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(ARTIFACTS / "diary-sync.png"))

    r = await console.api("POST", "/api/products", json={"sku": SKU, "name": "Hanorac gri L", "vat_rate": "19",
                                                         "price": "149.90"})
    assert r.status_code == 201, r.text

    await row.get_by_role("button", name="Retry").click()
    await expect(outcome).to_contain_text(f"Retry of {ORDER_ID}: the order is in the queue.")
    # The list is filtered on open entries: the resolved one leaves it.
    await expect(page.get_by_text("No sync log entries match these filters.")).to_be_visible()
    await page.get_by_role("combobox", name="Status", exact=True).click()
    await page.get_by_role("option", name="Resolved", exact=True).click()
    resolved = page.locator("tbody tr", has_text=str(ORDER_ID))
    await expect(resolved).to_contain_text("Resolved")

    await outcome.get_by_role("link", name="Open the order").click()
    await expect(page.get_by_text(SKU).first).to_be_visible()
    await page.get_by_role("link", name="Order queue", exact=True).click()
    order_row = page.locator("tbody tr", has_text=str(ORDER_ID))
    await expect(order_row).to_contain_text("Magazin Woo E2E")
    await expect(page.locator(f'[data-channel-id="{channel_id}"]')).to_have_attribute("data-health", "ok")
