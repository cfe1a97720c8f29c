"""The operator's day in the console, in a real browser against the real server and database."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, Console, login

BIG = [("LAPTOP-14", "1", "3499.00")]  # over the b2b channel's 1,000 RON approval threshold


async def open_order(page: Page, console: Console, order: dict) -> None:
    await page.goto(console.url(f"/omni_sales/orders/{order['id']}"))
    await expect(page.get_by_test_id("order-number")).to_contain_text(order["number"])


async def test_login_remembers_the_page_and_shows_the_role(page: Page, console: Console) -> None:
    await page.goto(console.url("/omni_sales/order_list?status=0,1"))
    await expect(page).to_have_url(re.compile(r"/admin/login\?redirect="))

    await page.get_by_label("Email").fill(console.users["operator"])
    await page.get_by_role("textbox", name="Password").fill("wrong password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("wrong email or password")).to_be_visible()

    await page.get_by_role("textbox", name="Password").fill("demo")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(console.url("/omni_sales/order_list?status=0,1"))
    await expect(page.get_by_test_id("current-user")).to_have_text("Andreea Pop")
    await expect(page.get_by_test_id("current-role")).to_have_text("Operator")

    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/admin/login"))


async def test_an_expired_session_goes_back_to_login_and_returns(page: Page, console: Console) -> None:
    order = await console.order("E2E-EXPIRED")
    await login(page, console, "operator", f"/omni_sales/orders/{order['id']}")
    # The server stops accepting the token (as when it expires): the next call answers 401.
    await page.evaluate("""() => {
        const s = JSON.parse(localStorage.getItem('oms.session'));
        s.token = 'expired'; localStorage.setItem('oms.session', JSON.stringify(s));
    }""")
    await page.reload()
    await expect(page.get_by_text("Your session expired")).to_be_visible()
    await page.get_by_label("Email").fill(console.users["operator"])
    await page.get_by_role("textbox", name="Password").fill("demo")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("order-number")).to_contain_text(order["number"])


async def test_morning_triage_confirms_a_draft(page: Page, console: Console) -> None:
    order = await console.order("E2E-TRIAGE-1", customer="Triage Customer")
    await login(page, console, "operator")

    await page.get_by_role("button", name="Draft + Processing").click()
    await expect(page).to_have_url(re.compile(r"status=0,1"))
    row = page.locator(f"tr[data-order-id='{order['id']}']")
    await expect(row).to_be_visible()
    await expect(row.locator("[data-status='0']")).to_have_text(re.compile("draft", re.I))
    await expect(page.get_by_test_id("status-counts")).to_contain_text("Draft")
    await page.screenshot(path=str(ARTIFACTS / "queue.png"))

    # Keyboard: narrow to the order, move onto it with j/k, open it with Enter.
    await page.get_by_label("Number, external ref or customer").fill("E2E-TRIAGE-1")
    await page.get_by_label("Number, external ref or customer").press("Enter")
    await expect(page.locator("tbody tr")).to_have_count(1)
    await page.locator("h3").first.click()  # leave the search box so the queue's keys apply
    await page.keyboard.press("j")
    await page.keyboard.press("k")
    await expect(row).to_have_attribute("data-cursor", "true")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(console.url(f"/omni_sales/orders/{order['id']}"))

    await expect(page.get_by_test_id("order-lines")).to_contain_text("TSHIRT-RED-M")
    await expect(page.get_by_test_id("order-gross")).to_contain_text("99.80")
    await page.screenshot(path=str(ARTIFACTS / "order-detail.png"))

    await page.get_by_role("button", name="Confirm", exact=True).click()
    await expect(page.get_by_test_id("order-actions").locator("[data-action='confirm']")).to_have_count(0)
    await expect(page.locator("[data-status='3']").first).to_be_visible()
    await expect(page.get_by_test_id("order-history")).to_contain_text("Draft → Confirmed")
    assert (await console.get(order["id"]))["status"] == 3


async def test_a_manager_approves_and_an_operator_is_refused(page: Page, console: Console) -> None:
    order = await console.order("E2E-APPROVE-1", channel="b2b", lines=BIG, customer="Carpati Distributie SRL")
    assert order["approve_status"] == 0

    await login(page, console, "operator", f"/omni_sales/orders/{order['id']}")
    await expect(page.get_by_test_id("approval-section")).to_contain_text("B2B orders over 1,000 RON")
    await expect(page.get_by_test_id("approval-section")).to_contain_text("Sales manager")
    await expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    # The operator tries anyway, from the queue: the server refuses and the result says why.
    await page.goto(console.url("/omni_sales/order_list?approval=pending&q=E2E-APPROVE-1"))
    await page.get_by_role("checkbox", name=order["number"]).check()
    await page.get_by_test_id("bulk-bar").get_by_role("button", name="Approve").click()
    await page.get_by_test_id("bulk-run").click()
    result = page.get_by_test_id("bulk-results").locator(f"[data-order-id='{order['id']}']")
    await expect(result).to_contain_text("Refused")
    await expect(result).to_contain_text("sales_manager")
    await page.get_by_role("button", name="Close").click()
    await page.get_by_role("button", name="Log out").click()

    await login(page, console, "sales_manager", f"/omni_sales/orders/{order['id']}")
    await page.get_by_role("button", name="Approve").click()
    await expect(page.locator("[data-approval='approved']").first).to_be_visible()
    assert (await console.get(order["id"]))["approve_status"] == 1


async def test_cancel_needs_a_reason_and_records_it(page: Page, console: Console) -> None:
    order = await console.order("E2E-CANCEL-1")
    await login(page, console, "operator", f"/omni_sales/orders/{order['id']}")

    await page.get_by_role("button", name="Cancel order").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("button", name="Cancel order").click()
    await expect(dialog.get_by_text("A reason is required")).to_be_visible()
    await dialog.get_by_label("Reason").fill("Customer called: ordered twice by mistake")
    await dialog.get_by_role("button", name="Cancel order").click()

    await expect(page.locator("[data-status='8']").first).to_be_visible()
    await expect(page.get_by_test_id("order-history")).to_contain_text("ordered twice by mistake")
    await expect(page.get_by_test_id("no-actions")).to_be_visible()
    saved = await console.get(order["id"])
    assert saved["status"] == 8
    assert saved["history"][-1]["reason"] == "Customer called: ordered twice by mistake"


async def test_bulk_approve_lists_the_result_per_order(page: Page, console: Console) -> None:
    orders = [await console.order(f"E2E-BULK-{i}", channel="b2b", lines=BIG) for i in (1, 2)]
    await login(page, console, "sales_manager")
    await page.get_by_role("button", name="Pending approval").click()
    await expect(page).to_have_url(re.compile(r"approval=pending"))
    for o in orders:
        await page.get_by_role("checkbox", name=o["number"]).check()
    await expect(page.get_by_test_id("bulk-bar")).to_contain_text("2 selected")
    await page.get_by_test_id("bulk-bar").get_by_role("button", name="Approve").click()
    await page.get_by_test_id("bulk-run").click()

    await expect(page.get_by_test_id("bulk-summary")).to_have_text("2 done, 0 refused")
    for o in orders:
        line = page.get_by_test_id("bulk-results").locator(f"[data-order-id='{o['id']}']")
        await expect(line).to_contain_text("Done")
        await expect(line.locator("[data-approval='approved']")).to_be_visible()
        assert (await console.get(o["id"]))["approve_status"] == 1
    await page.screenshot(path=str(ARTIFACTS / "bulk-approve.png"))


async def test_a_stale_order_shows_the_conflict_and_reloads(page: Page, console: Console) -> None:
    order = await console.order("E2E-CONFLICT-1")
    await login(page, console, "operator", f"/omni_sales/orders/{order['id']}")
    await expect(page.get_by_role("button", name="Confirm", exact=True)).to_be_visible()

    # A colleague puts the order on hold while it is open here.
    held = await console.api("POST", f"/api/omni_sales/orders/{order['id']}/hold", json={"reason": "address to check"})
    assert held.status_code == 200, held.text

    await page.get_by_role("button", name="Confirm", exact=True).click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Someone else changed this order")
    await page.wait_for_timeout(400)  # let the dialog finish fading in
    await page.screenshot(path=str(ARTIFACTS / "conflict.png"))
    await dialog.get_by_role("button", name="Reload the order").click()
    await expect(dialog).to_have_count(0)
    await expect(page.locator("[data-status='9']").first).to_be_visible()
    await expect(page.get_by_role("button", name="Resume")).to_be_visible()
    assert (await console.get(order["id"]))["status"] == 9
