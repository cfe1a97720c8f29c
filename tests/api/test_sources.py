"""The other sources of the guide against the real app and PostgreSQL: B2B portal, POS, estimates, manual."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from tests.factories import World, order_body

ORDERS = "/api/omni_sales/orders"
ESTIMATES = "/api/sales/estimates"
PROBLEM = "application/problem+json"
BIG_B2B = {"name": "B2B over 10,000 RON", "required_role": "sales_manager", "min_total": "10000",
           "currency": "RON", "customer_type": "b2b"}


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def portal_customer(w: World) -> int:
    """A B2B customer whose price list has the T-shirt at 45.00 (and not the mug)."""
    pl = (await w.sql("INSERT INTO price_list (name, currency) VALUES ('Wholesale', 'RON') RETURNING id"))[0].id
    await w.sql("INSERT INTO price_list_item (price_list_id, product_id, price) VALUES (:pl, :p, 45.00)",
                pl=pl, p=w.products["TSHIRT-RED-M"])
    rows = await w.sql("INSERT INTO customer (type, email, name, price_list_id) "
                       "VALUES ('b2b', 'office@firma.ro', 'Firma SRL', :pl) RETURNING id", pl=pl)
    return int(rows[0].id)


async def test_a_portal_order_flags_the_lines_that_differ_from_the_customers_price_list(
        client: httpx.AsyncClient, world: World) -> None:
    portal = await world.channel("portal", "b2b_portal", {"approval_rules": [BIG_B2B]})
    customer = await portal_customer(world)
    body = order_body(portal, ref="P-1", lines=[("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "1", "20.00")],
                      customer={"id": customer})
    r = await client.post(ORDERS, json=body, headers=auth(world))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["source"] == "b2b_portal" and order["price_mismatch"] is True
    assert [(ln["sku"], ln["list_price"], ln["price_mismatch"]) for ln in order["lines"]] == [
        ("TSHIRT-RED-M", "45.00", True), ("MUG-1", None, True)]
    detail = (await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))).json()
    assert detail["lines"][0]["list_price"] == "45.00" and detail["price_mismatch"] is True

    # The operator corrects the price: the flag goes away. Approval rules still apply to portal orders.
    fixed = await client.put(f"{ORDERS}/{order['id']}/lines", headers=auth(world),
                             json={"lines": [{"sku": "TSHIRT-RED-M", "quantity": "300", "unit_price": "45.00"}]})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["price_mismatch"] is False and fixed.json()["lines"][0]["price_mismatch"] is False
    assert fixed.json()["approve_status"] == 0 and fixed.json()["approval"]["required_role"] == "sales_manager"


async def test_a_pos_sale_is_paid_at_once_with_a_cash_receipt(client: httpx.AsyncClient, world: World) -> None:
    pos = await world.channel("counter", "pos")
    r = await client.post(ORDERS, json=order_body(pos, ref="POS-1", payment_method="cash"), headers=auth(world))
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["status"], order["status_label"]) == (14, "paid")
    assert [(h["action"], h["to_status"]) for h in order["history"]] == [
        ("create", 0), ("request_payment", 2), ("mark_paid", 14)]
    receipt = order["cash_receipt"]
    assert receipt["number"].startswith("CR-") and receipt["amount"] == "99.80"
    assert (receipt["currency"], receipt["method"]) == ("RON", "cash")
    detail = (await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))).json()
    assert detail["cash_receipt"] == receipt
    rows = await world.sql("SELECT order_id, amount, number FROM cash_receipt")
    assert [(r.order_id, str(r.amount), r.number) for r in rows] == [(order["id"], "99.80", receipt["number"])]
    events = await world.sql("SELECT event_type FROM outbox WHERE aggregate_id = :id ORDER BY id", id=order["id"])
    assert [e.event_type for e in events] == ["order.created", "order.request_payment", "order.mark_paid"]


async def test_a_preorder_channel_refuses_an_order_without_a_promised_date(
        client: httpx.AsyncClient, world: World) -> None:
    pre = await world.channel("preorders", "preorder")
    r = await client.post(ORDERS, json=order_body(pre), headers=auth(world))
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert any(e["field"] == "promised_date" for e in r.json()["errors"])


async def test_a_staff_manual_order_goes_through_the_whole_flow(client: httpx.AsyncClient, world: World) -> None:
    manual = await world.channel("desk", "manual")
    r = await client.post(ORDERS, json=order_body(manual, ref=None, notes="phoned in"), headers=auth(world))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["source"] == "manual" and order["status"] == 0 and order["external_ref"] is None
    assert "confirm" in order["allowed_actions"]
    confirmed = await client.post(f"{ORDERS}/{order['id']}/confirm", headers=auth(world))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == 3 and confirmed.json()["reserved"]
    queue = (await client.get(ORDERS, params={"source": "manual"}, headers=auth(world))).json()
    assert [o["id"] for o in queue["items"]] == [order["id"]]
    assert await world.stock("TSHIRT-RED-M") == (100, 2)


def estimate_body(**extra: Any) -> dict[str, Any]:
    body = order_body(0, ref=None, lines=[("TSHIRT-RED-M", "10", "44.00")])
    return {"customer": body["customer"], "shipping_address": body["shipping_address"], "lines": body["lines"],
            "valid_until": (date.today() + timedelta(days=7)).isoformat(), **extra}


async def test_an_estimate_is_converted_into_a_sales_order_exactly_once(
        client: httpx.AsyncClient, world: World) -> None:
    sales = await world.channel("agents", "sales")
    r = await client.post(ESTIMATES, json=estimate_body(), headers=auth(world))
    assert r.status_code == 201, r.text
    estimate = r.json()
    assert estimate["status"] == "open" and estimate["channel_id"] == sales and estimate["total"] == "440.00"
    listed = (await client.get(ESTIMATES, headers=auth(world))).json()
    assert [e["id"] for e in listed["items"]] == [estimate["id"]] and listed["next_cursor"] is None

    first = await client.post(f"{ESTIMATES}/{estimate['id']}/convert", headers=auth(world))
    assert first.status_code == 201, first.text
    order = first.json()
    assert order["source"] == "sales" and order["external_ref"] == estimate["number"]
    assert order["totals"]["gross"] == "440.00"
    again = await client.post(f"{ESTIMATES}/{estimate['id']}/convert", headers=auth(world))
    assert again.status_code == 200 and again.json()["id"] == order["id"]
    shown = (await client.get(f"{ESTIMATES}/{estimate['id']}", headers=auth(world))).json()
    assert shown["status"] == "converted" and shown["order_id"] == order["id"]
    count = await world.sql("SELECT count(*) AS n FROM sales_order WHERE channel_id = :c", c=sales)
    assert count[0].n == 1


async def test_an_expired_estimate_is_a_409_and_a_bad_one_a_422(client: httpx.AsyncClient, world: World) -> None:
    await world.channel("agents", "sales")
    r = await client.post(ESTIMATES, json=estimate_body(), headers=auth(world))
    est = r.json()
    await world.sql("UPDATE estimate SET valid_until = current_date - 1 WHERE id = :id", id=est["id"])
    expired = await client.post(f"{ESTIMATES}/{est['id']}/convert", headers=auth(world))
    assert expired.status_code == 409 and expired.headers["content-type"].startswith(PROBLEM)
    bad = await client.post(ESTIMATES, json=estimate_body(lines=[{"sku": "NOPE", "quantity": "1",
                                                                  "unit_price": "1"}]), headers=auth(world))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "lines[0].sku"
    missing = await client.get(f"{ESTIMATES}/999999", headers=auth(world))
    assert missing.status_code == 404
    warehouse_user = await client.post(ESTIMATES, json=estimate_body(), headers=auth(world, "warehouse"))
    assert warehouse_user.status_code == 403
