"""Fulfilment in a real browser, as the operator does it: confirm the order, make its delivery note, measure and
weigh the package on the packing-list screen by keyboard, generate the AWB with Cargus (its simulator runs
in-process on a real socket), open the A4 label, then let tracking take the parcel to delivered and see it on
the order.

The tracking poll is what the worker's tick runs (domain.fulfilment.tracking.poll_tracking), called here
in-test against the e2e database with a clock a few hours ahead so the new AWB is due at once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Locator, Page, Route, expect

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.pg import create_pool
from adapters.db.uow import SqlUnitOfWork
from adapters.sandbox.cargus import build_app as cargus_app
from domain.fulfilment.tracking import TrackingRun, poll_tracking
from tests.e2e.conftest import ARTIFACTS, Console, login
from tests.fulfilment_helpers import CARGUS_CREDENTIALS, Sim, courier_account, simulator

STEP_S = 0.05  # the simulated parcel moves one tracking step every 50 ms: delivered about 0.2 s after the AWB


@pytest.fixture
async def cargus(console: Console) -> AsyncIterator[Sim]:
    async with simulator(cargus_app(credentials=CARGUS_CREDENTIALS, step_s=STEP_S)) as sim:
        # The server reads courier_account on every AWB, so the account takes effect without a restart.
        await courier_account(console.world, "cargus", f"{sim.base_url}/api", CARGUS_CREDENTIALS)
        try:
            yield sim
        finally:
            await console.world.sql("DELETE FROM courier_account WHERE courier = 'cargus'")


async def track(console: Console) -> TrackingRun:
    """One run of the worker's tracking poll, once the simulated parcel has finished its journey."""
    await asyncio.sleep(10 * STEP_S)
    url = console.world.engine.url.render_as_string(hide_password=False)
    pool = await create_pool(url, size=2)
    couriers = SqlCourierDirectory(pool)
    later = datetime.now(UTC) + timedelta(hours=3)  # past the AWB's next_track_at
    try:
        run = await poll_tracking(uow_factory=lambda: SqlUnitOfWork(pool), couriers=couriers, clock=lambda: later,
                                  poll_every=timedelta(minutes=10))
    finally:
        await couriers.aclose()
        await pool.close()
    return run


async def pdf_viewer_title(iframe: Locator, timeout_s: float = 10) -> str:
    """The title of the document Chromium's PDF viewer shows in `iframe` (the PDF's own title). The viewer is a
    frame of its own inside the blob: document; a frame the page's CSP blocked is a chrome-error:// page instead."""
    handle = await iframe.element_handle()
    shown = await handle.content_frame()
    assert shown is not None and shown.url.startswith("blob:"), shown and shown.url
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        titles = [await f.title() for f in shown.child_frames if f.url.startswith("chrome-extension:")]
        if any(titles) or asyncio.get_running_loop().time() > deadline:
            return ", ".join(t for t in titles if t)
        await asyncio.sleep(0.1)


async def test_an_operator_takes_an_order_from_confirmed_to_delivered(
        page: Page, console: Console, cargus: Sim) -> None:
    order = await console.order("E2E-FUL-1", customer="Ioana Mureșan")
    await login(page, console, "operator", f"/omni_sales/orders/{order['id']}")
    await expect(page.get_by_test_id("order-number")).to_contain_text(order["number"])

    # Confirm, then the delivery note (which also makes the packing list).
    await page.get_by_test_id("order-actions").get_by_role("button", name="Confirm", exact=True).click()
    await expect(page.locator("[data-status='3']").first).to_be_visible()
    notes = page.get_by_test_id("delivery-note-section")
    await notes.get_by_role("button", name="Delivery note").click()
    await expect(notes.get_by_role("link", name="Packing list →")).to_be_visible()
    await expect(notes.get_by_role("button", name="Delivery note")).to_have_count(0)  # one open note per order

    # The packing list: Enter goes to the first empty field, Tab walks the dimensions, Enter saves the row.
    await page.goto(console.url("/warehouse/manage_packing_list"))
    row = page.get_by_test_id("packing-table").get_by_role("row").filter(
        has=page.get_by_role("link", name=order["number"]))
    length = row.get_by_label("Length (cm), package 1")
    await expect(length).to_be_visible()
    await expect(row).to_contain_text("Dimensions or weight missing")
    await page.keyboard.press("Enter")
    await expect(length).to_be_focused()
    for value in ("30", "20", "10"):
        await page.keyboard.type(value)
        await page.keyboard.press("Tab")
    await expect(row.get_by_label("Weight (kg), package 1")).to_be_focused()
    await page.keyboard.type("1.5")
    await page.keyboard.press("Enter")
    [packing_list] = (await console.api("GET", "/api/warehouse/packing_lists",
                                        params={"order_id": order["id"]})).json()["items"]
    await expect(page.get_by_text(f"{packing_list['number']} saved")).to_be_visible()
    await expect(row).not_to_contain_text("Dimensions or weight missing")  # the server says the list is complete
    await expect(row.get_by_label("Weight (kg), package 1")).to_have_value("1.5")

    # The AWB, with Cargus.
    await row.get_by_role("button", name="Generate AWB").click()
    dialog = page.get_by_role("dialog", name=re.compile(f"AWB for .*{re.escape(order['number'])}"))
    await dialog.locator("label").filter(has_text=re.compile("^Cargus$")).click()
    await expect(dialog.get_by_label("Service")).to_be_visible()
    await dialog.get_by_role("button", name="Generate AWB").click()
    awb = (await dialog.get_by_test_id("awb-number").inner_text()).strip()
    assert re.fullmatch(r"\d+", awb), awb
    # What Cargus received is what was typed (whole numbers, weight rounded up, as the adapter documents).
    [made] = await cargus.shipments()
    assert (made["awb"], made["external_id"]) == (awb, f"OMS-{packing_list['number']}-1"), made
    [parcel] = made["data"]["ParcelCodes"]
    assert {k: parcel[k] for k in ("Length", "Width", "Height", "Weight")} == {
        "Length": 30, "Width": 20, "Height": 10, "Weight": 2}, parcel

    # The A4 label: fetched with the session (the route passes the server's answer through, keeping its bytes),
    # shown in the preview by Chromium's PDF viewer.
    labels: list[tuple[int, str, bytes]] = []

    async def keep(route: Route) -> None:
        answer = await route.fetch()
        labels.append((answer.status, answer.headers["content-type"], await answer.body()))
        await route.fulfill(response=answer)

    await page.route(re.compile(r"/api/shipments/\d+/label\?format=a4$"), keep)
    await dialog.get_by_role("button", name="Label A4").click()
    preview = page.get_by_role("dialog", name=f"Label {awb} (A4)")
    frame = preview.locator("iframe")
    await expect(frame).to_be_visible()
    [(status, content_type, pdf)] = labels
    assert (status, content_type) == (200, "application/pdf") and pdf.startswith(b"%PDF-"), (status, content_type)
    assert await pdf_viewer_title(frame) == f"AWB {awb}"
    await preview.get_by_role("button", name="Close").click()
    await expect(preview).to_be_hidden()
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()
    await expect(row).to_have_count(0)  # it left "Without AWB"

    # Tracking moves the parcel to delivered; the order follows.
    run = await track(console)
    assert (run.polled, run.delivered, run.failed_calls) == (1, 1, 0), run
    await page.goto(console.url(f"/omni_sales/orders/{order['id']}"))
    await expect(page.locator("[data-status='5']").first).to_have_text("Delivered")
    await expect(page.get_by_test_id("delivery-note-section")).to_contain_text("Dispatched")
    shipments = page.get_by_test_id("shipments-section")
    await expect(shipments.get_by_test_id("shipment-awb")).to_have_text(awb)
    await expect(shipments.locator("[data-tracking='delivered']")).to_have_text("Delivered")
    timeline = shipments.get_by_test_id("tracking-timeline")
    await expect(timeline).to_contain_text("Livrat")  # the courier's own words
    events = timeline.locator("[data-event]")
    await expect(events.first).to_have_attribute("data-event", "delivered")  # newest first
    # The whole journey as Cargus reports it (no checkpoint before the pick-up), newest first.
    assert await events.evaluate_all("(items) => items.map((i) => i.dataset.event)") == [
        "delivered", "out_for_delivery", "in_transit", "picked_up"]
    await page.screenshot(path=str(ARTIFACTS / "fulfilment-delivered.png"), full_page=True)
    assert (await console.get(order["id"]))["status"] == 5
