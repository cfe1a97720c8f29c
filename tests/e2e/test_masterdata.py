"""Master data and administration in a real browser: products and stock, channels, API keys, users, customers
and price lists, against the real server and database."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import ARTIFACTS, Console, login


def field(scope: Locator, label: str) -> Locator:
    """An input by its whole label; a required one's label ends in " *"."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


async def pick(scope: Locator, label: str, option: str) -> None:
    """Choose an option of a Mantine Select (the list opens in a portal, outside the dialog)."""
    await scope.get_by_role("combobox", name=label, exact=True).click()
    await scope.page.get_by_role("option", name=option, exact=True).click()


async def test_a_new_product_shows_in_the_list_and_in_stock_after_a_receipt(page: Page, console: Console) -> None:
    await login(page, console, "admin", "/products")
    await page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog")
    await field(dialog, "SKU").fill("E2E-MUG-01")
    await field(dialog, "Name").fill("Cană ceramică 350 ml")
    await field(dialog, "Price").fill("39.90")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text("Product saved")).to_be_visible()

    await page.get_by_label("Search").fill("E2E-MUG")
    row = page.locator("tbody tr", has_text="E2E-MUG-01")
    await expect(row).to_contain_text("Cană ceramică 350 ml")
    await expect(row).to_contain_text("39.90")
    await expect(page.locator("tbody tr")).to_have_count(1)

    # No stock yet: the warehouse records a receipt note on the stock screen.
    await page.get_by_role("link", name="Stock", exact=True).click()
    await page.get_by_label("Search").fill("E2E-MUG-01")
    await expect(page.get_by_text("No stock levels match.")).to_be_visible()
    await page.get_by_role("button", name="Record receipt").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Reference").fill("NIR-E2E-1")
    await field(dialog, "SKU").fill("E2E-MUG-01")
    await dialog.get_by_label("Quantity").fill("24")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_have_count(0)
    row = page.locator("tbody tr", has_text="E2E-MUG-01")
    await expect(row).to_contain_text("MAIN")
    await expect(row.locator("td").nth(3)).to_have_text("24")
    await expect(row.locator("td").nth(6)).to_have_text("24")

    r = await console.api("GET", "/api/warehouse/stock", params={"sku": "E2E-MUG-01"})
    assert [(s["sku"], s["on_hand"]) for s in r.json()["items"]] == [("E2E-MUG-01", "24.000")]


async def test_an_admin_creates_a_channel_with_an_approval_rule(page: Page, console: Console) -> None:
    await login(page, console, "admin", "/omni_sales/channels")
    await page.get_by_role("button", name="New channel").click()
    dialog = page.get_by_role("dialog")
    await field(dialog, "Name").fill("E2E Portal B2B")
    await pick(dialog, "Type", "B2B portal")
    await dialog.get_by_role("button", name="Add rule").click()
    rule = dialog.get_by_test_id("approval-rule")
    await rule.get_by_label("Orders over").fill("5000 lei")
    await dialog.get_by_role("button", name="Save").click()
    # Checked in the browser first: a rule needs a name, and the amount must be a number.
    await expect(rule.get_by_text("Required")).to_be_visible()
    await expect(rule.get_by_text("An amount, e.g. 1000 or 999.50")).to_be_visible()

    await rule.get_by_label("Rule name").fill("B2B over 5,000 RON needs a sales manager")
    await rule.get_by_label("Orders over").fill("5000")
    await pick(rule, "Customer type", "B2B")
    await page.wait_for_timeout(300)  # let the dialog settle for the picture
    await page.screenshot(path=str(ARTIFACTS / "masterdata-channel.png"))
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_have_count(0)

    row = page.locator("tbody tr", has_text="E2E Portal B2B")
    await expect(row).to_contain_text("B2B over 5,000 RON needs a sales manager")
    r = await console.api("GET", "/api/omni_sales/channels", params={"limit": 200})
    saved = next(c for c in r.json()["items"] if c["name"] == "E2E Portal B2B")
    assert saved["type"] == "b2b_portal"
    assert saved["settings"]["approval_rules"] == [
        {
            "name": "B2B over 5,000 RON needs a sales manager",
            "required_role": "sales_manager",
            "min_total": "5000",
            "currency": "RON",
            "customer_type": "b2b",
        }
    ]
    await page.screenshot(path=str(ARTIFACTS / "masterdata-channels.png"))


async def test_a_new_api_key_is_shown_once(page: Page, console: Console) -> None:
    await login(page, console, "admin", "/api_keys")
    await page.get_by_role("button", name="New API key").click()
    dialog = page.get_by_role("dialog")
    await field(dialog, "Name").fill("E2E partner feed")
    await pick(dialog, "Channel", "api")
    await dialog.get_by_role("button", name="Create").click()

    shown = dialog.get_by_test_id("new-api-key")
    await expect(shown).to_have_text(re.compile(r"^oms_[0-9a-f]{8}_\S+$"))
    key = (await shown.text_content() or "").strip()
    prefix = key.split("_")[1]
    await expect(dialog).to_contain_text("it is shown once")
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_have_count(0)

    row = page.locator("tbody tr", has_text="E2E partner feed")
    await expect(row).to_contain_text(f"{prefix}…")
    assert key not in await page.content()
    await page.reload()
    await expect(page.locator("tbody tr", has_text="E2E partner feed")).to_be_visible()
    assert key not in await page.content()

    # The key works for the partner.
    async with httpx.AsyncClient(base_url=console.base_url, timeout=20) as c:
        r = await c.get("/api/omni_sales/orders", headers={"X-API-Key": key})
    assert r.status_code == 200, r.text


async def test_an_admin_creates_a_user_who_can_then_sign_in(page: Page, console: Console) -> None:
    await login(page, console, "admin", "/users")
    await page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    await field(dialog, "Name").fill("Ioana Marin")
    await field(dialog, "Email").fill("ioana@e2e.local")
    # The pills cover the multi-select's own input: click through them.
    await dialog.get_by_role("combobox", name="Roles").click(force=True)
    await page.get_by_role("option", name="Operator", exact=True).click()  # off: it is there by default
    await page.get_by_role("option", name="Sales manager", exact=True).click()
    await dialog.get_by_role("textbox", name="Password").fill("a long password")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_have_count(0)
    row = page.locator("tbody tr", has_text="ioana@e2e.local")
    await expect(row).to_contain_text("Sales manager")
    await expect(row).not_to_contain_text("Operator")

    await page.get_by_role("button", name="Log out").click()
    await page.get_by_label("Email").fill("ioana@e2e.local")
    await page.get_by_role("textbox", name="Password").fill("a long password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(console.url("/omni_sales/order_list"))
    await expect(page.get_by_test_id("current-user")).to_have_text("Ioana Marin")
    await expect(page.get_by_test_id("current-role")).to_have_text("Sales manager")


async def test_an_operator_is_not_offered_the_admin_screens(page: Page, console: Console) -> None:
    await login(page, console, "operator", "/products")
    nav = page.get_by_role("navigation")
    await expect(nav.get_by_role("link", name="Products")).to_be_visible()
    await expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    await expect(nav.get_by_role("link", name="API keys")).to_have_count(0)
    await expect(nav).not_to_contain_text("Administration")
    await expect(page.get_by_role("button", name="New product")).to_be_visible()

    for path in ("/users", "/api_keys"):
        await page.goto(console.url(path))
        await expect(page).to_have_url(console.url("/omni_sales/order_list"))
    await page.goto(console.url("/omni_sales/channels"))
    await expect(page.locator("tbody tr").first).to_be_visible()
    await expect(page.get_by_role("button", name="New channel")).to_have_count(0)


async def test_customer_addresses_and_price_list_customers(page: Page, console: Console) -> None:
    await login(page, console, "operator", "/customers")
    await page.get_by_role("button", name="New customer").click()
    dialog = page.get_by_role("dialog")
    await field(dialog, "Name").first.fill("E2E Carpati Distributie SRL")
    await field(dialog, "Email").fill("comenzi@e2e-carpati.ro")
    await dialog.get_by_role("button", name="Add address").click()
    address = dialog.get_by_test_id("customer-address")
    await address.get_by_label("Street").fill("Str. Lunga 5")
    await address.get_by_label("City").fill("Brașov")
    await field(address, "County").fill("BV")
    await page.screenshot(path=str(ARTIFACTS / "masterdata-customer.png"))
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_have_count(0)
    r = await console.api("GET", "/api/customers", params={"q": "comenzi@e2e-carpati.ro"})
    [customer] = r.json()["items"]
    assert customer["addresses"] == [
        {
            "name": "E2E Carpati Distributie SRL",
            "street": "Str. Lunga 5",
            "city": "Brașov",
            "county": "BV",
            "postcode": "",
            "country": "RO",
            "phone": None,
            "company": None,
        }
    ]
    await page.get_by_role("button", name="Log out").click()

    created = await console.api("POST", "/api/sales/price_lists", json={"name": "E2E Distribuitori", "currency": "RON"})
    assert created.status_code == 201, created.text
    price_list = created.json()
    await login(page, console, "sales_manager", f"/sales/price_lists?edit={price_list['id']}")
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("tab", name=re.compile("Customers")).click()
    section = dialog.get_by_test_id("price-list-customers")
    await expect(section).to_contain_text("No customer buys at this list yet.")
    await section.get_by_role("combobox", name="Add customers").fill("E2E Carpati")
    await page.get_by_role("option", name=re.compile("E2E Carpati Distributie SRL")).click()
    await section.get_by_role("button", name="Assign").click()
    await expect(section.locator("tbody tr", has_text="E2E Carpati Distributie SRL")).to_be_visible()
    await expect(dialog.get_by_role("tab", name="Customers (1)")).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "masterdata-price-list-customers.png"))
    r = await console.api("GET", f"/api/customers/{customer['id']}")
    assert r.json()["price_list_id"] == price_list["id"]

    await section.get_by_role("button", name="Remove").click()
    await expect(section).to_contain_text("No customer buys at this list yet.")
    r = await console.api("GET", f"/api/customers/{customer['id']}")
    assert r.json()["price_list_id"] is None
