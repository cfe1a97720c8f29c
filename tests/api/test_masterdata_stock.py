"""Warehouses, stock levels and receipt notes that bring goods in."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx

from api.schemas.warehouse import ReceiptOut, ReceiptPage, StockPage, WarehouseOut, WarehousePage
from tests.factories import World, order_body

WAREHOUSES = "/api/warehouse/warehouses"
STOCK = "/api/warehouse/stock"
RECEIPTS = "/api/warehouse/receipts"


def auth(w: World, role: str = "warehouse") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def fields(r: httpx.Response) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return {e["field"] for e in r.json()["errors"]}


async def level(w: World, sku: str, warehouse_id: int | None = None) -> tuple[Decimal, Decimal, Decimal]:
    rows = await w.sql("SELECT on_hand, reserved, quarantine FROM stock_level WHERE product_id = :p AND "
                       "warehouse_id = :w", p=w.products[sku], w=warehouse_id or w.warehouse_id)
    if not rows:
        return Decimal(0), Decimal(0), Decimal(0)
    return rows[0].on_hand, rows[0].reserved, rows[0].quarantine


async def test_admin_creates_warehouses_with_unique_codes(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(WAREHOUSES, json={"code": "cluj-1", "name": "Cluj depot", "is_default": True},
                          headers=auth(world, "admin"))
    assert r.status_code == 201, r.text
    cluj = WarehouseOut.model_validate(r.json())
    assert cluj.code == "CLUJ-1" and cluj.is_default
    r = await client.get(WAREHOUSES, headers=auth(world, "operator"))
    assert r.status_code == 200, r.text
    page = WarehousePage.model_validate(r.json())
    assert [(w.code, w.is_default) for w in page.items] == [("MAIN", False), ("CLUJ-1", True)]
    r = await client.post(WAREHOUSES, json={"code": "Cluj-1", "name": "again"}, headers=auth(world, "admin"))
    assert r.status_code == 409 and r.json()["existing_id"] == cluj.id
    assert fields(await client.post(WAREHOUSES, json={"code": "a b", "name": ""}, headers=auth(world, "admin"))) == {
        "code", "name"}
    assert (await client.post(WAREHOUSES, json={"code": "X", "name": "X"}, headers=auth(world))).status_code == 403
    assert (await client.get(WAREHOUSES)).status_code == 401


async def test_a_receipt_note_adds_on_hand_and_quarantine(client: httpx.AsyncClient, world: World) -> None:
    body = {"warehouse_id": world.warehouse_id, "reference": "NIR-0042", "lines": [
        {"sku": "TSHIRT-RED-M", "quantity": "20"},
        {"product_id": world.products["MUG-1"], "quantity": 3, "quarantine": True},
        {"sku": "TSHIRT-RED-M", "quantity": "0.5"},
    ]}
    r = await client.post(RECEIPTS, json=body, headers=auth(world))
    assert r.status_code == 201, r.text
    note = ReceiptOut.model_validate(r.json())
    assert r.headers["location"] == f"{RECEIPTS}/{note.id}"
    assert note.reference == "NIR-0042" and note.created_by == "user:warehouse@test.local"
    assert [(x.sku, x.quantity, x.quarantine) for x in note.lines] == [
        ("TSHIRT-RED-M", "20.000", False), ("MUG-1", "3.000", True), ("TSHIRT-RED-M", "0.500", False)]
    assert note.line_count == 3 and note.total_quantity == "23.500"
    assert await level(world, "TSHIRT-RED-M") == (Decimal("120.5"), 0, 0)
    assert await level(world, "MUG-1") == (8, 0, 3)

    r = await client.get(STOCK, params={"sku": "MUG-1"}, headers=auth(world, "finance"))
    assert r.status_code == 200, r.text
    [mug] = StockPage.model_validate(r.json()).items
    assert (mug.on_hand, mug.reserved, mug.quarantine, mug.available) == ("8.000", "0.000", "3.000", "5.000")
    assert mug.warehouse_code == "MAIN" and mug.product_name == "Product MUG-1"

    r = await client.get(f"{RECEIPTS}/{note.id}", headers=auth(world, "operator"))
    assert r.status_code == 200 and r.json() == note.model_dump(mode="json") | {"created_at": r.json()["created_at"]}
    r = await client.get(RECEIPTS, headers=auth(world, "operator"))
    page = ReceiptPage.model_validate(r.json())
    assert [(x.id, x.reference, x.line_count) for x in page.items] == [(note.id, "NIR-0042", 3)]


async def test_quarantined_stock_cannot_be_reserved(client: httpx.AsyncClient, world: World) -> None:
    await world.sql("UPDATE stock_level SET on_hand = 0 WHERE product_id = :p", p=world.products["MUG-1"])
    body = {"warehouse_id": world.warehouse_id, "lines": [{"sku": "MUG-1", "quantity": "2", "quarantine": True}]}
    assert (await client.post(RECEIPTS, json=body, headers=auth(world))).status_code == 201
    order = (await client.post("/api/omni_sales/orders", json=order_body(world.channels["api"], lines=[
        ("MUG-1", "1", "20.00")]), headers=auth(world, "operator"))).json()
    r = await client.post(f"/api/omni_sales/orders/{order['id']}/confirm", headers=auth(world, "operator"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 16  # stock_unavailable: the two mugs are not sellable


async def test_a_receipt_creates_the_level_of_a_new_warehouse(client: httpx.AsyncClient, world: World) -> None:
    depot = (await client.post(WAREHOUSES, json={"code": "DEPOT", "name": "Depot"},
                               headers=auth(world, "admin"))).json()
    body = {"warehouse_id": depot["id"], "lines": [{"sku": "MUG-1", "quantity": "7"}]}
    r = await client.post(RECEIPTS, json=body, headers=auth(world, "admin"))
    assert r.status_code == 201, r.text
    assert await level(world, "MUG-1", depot["id"]) == (7, 0, 0)
    assert await level(world, "MUG-1") == (5, 0, 0)
    r = await client.get(STOCK, params={"warehouse_id": depot["id"]}, headers=auth(world))
    assert [(x["sku"], x["available"]) for x in r.json()["items"]] == [("MUG-1", "7.000")]
    r = await client.get(RECEIPTS, params={"warehouse_id": world.warehouse_id}, headers=auth(world))
    assert r.json()["items"] == []


async def test_an_invalid_line_refuses_the_whole_receipt(client: httpx.AsyncClient, world: World) -> None:
    body: dict[str, Any] = {"warehouse_id": world.warehouse_id, "lines": [
        {"sku": "TSHIRT-RED-M", "quantity": "5"}, {"sku": "NO-SUCH-SKU", "quantity": "1"},
        {"product_id": 999999, "quantity": "1"}]}
    r = await client.post(RECEIPTS, json=body, headers=auth(world))
    assert fields(r) == {"lines[1].sku", "lines[2].product_id"}
    assert await level(world, "TSHIRT-RED-M") == (100, 0, 0)
    assert (await world.sql("SELECT count(*) AS n FROM receipt_note"))[0].n == 0

    body = {"warehouse_id": 4242, "lines": [{"sku": "TSHIRT-RED-M", "quantity": "5"}]}
    assert fields(await client.post(RECEIPTS, json=body, headers=auth(world))) == {"warehouse_id"}
    body = {"warehouse_id": world.warehouse_id, "lines": [
        {"sku": "TSHIRT-RED-M", "quantity": "0"}, {"quantity": "1"}, {"sku": "MUG-1", "quantity": "1.0001"},
        {"sku": "MUG-1", "product_id": 1, "quantity": "1"}]}
    assert fields(await client.post(RECEIPTS, json=body, headers=auth(world))) == {
        "lines[0].quantity", "lines[1]", "lines[2].quantity", "lines[3]"}
    assert fields(await client.post(RECEIPTS, json={"warehouse_id": world.warehouse_id, "lines": []},
                                    headers=auth(world))) == {"lines"}


async def test_who_may_receive_goods(client: httpx.AsyncClient, world: World) -> None:
    body = {"warehouse_id": world.warehouse_id, "lines": [{"sku": "MUG-1", "quantity": "1"}]}
    for role in ("operator", "sales_manager", "finance"):
        r = await client.post(RECEIPTS, json=body, headers=auth(world, role))
        assert r.status_code == 403, role
    assert (await client.post(RECEIPTS, json=body)).status_code == 401
    assert (await client.get(STOCK)).status_code == 401
    assert await level(world, "MUG-1") == (5, 0, 0)


async def test_stock_filters_and_pages(client: httpx.AsyncClient, world: World) -> None:
    await world.product("EMPTY-1", on_hand="0")
    for sku in ("A-1", "A-2", "A-3"):
        await world.product(sku, on_hand="1")

    async def skus(**params: Any) -> list[str]:
        r = await client.get(STOCK, params=params, headers=auth(world, "operator"))
        assert r.status_code == 200, r.text
        return [x["sku"] for x in r.json()["items"]]

    assert await skus() == ["TSHIRT-RED-M", "MUG-1", "EMPTY-1", "A-1", "A-2", "A-3"]
    assert await skus(only_available="true") == ["TSHIRT-RED-M", "MUG-1", "A-1", "A-2", "A-3"]
    assert await skus(sku="A-2") == ["A-2"]
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(STOCK, params=params, headers=auth(world))).json()
        seen += [x["sku"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == await skus()
    assert fields(await client.get(STOCK, params={"cursor": "bad!"}, headers=auth(world))) == {"cursor"}
    r = await client.get(STOCK, params={"cursor": "aWQ6MQ"}, headers=auth(world))  # an id cursor of another list
    assert fields(r) == {"cursor"}


async def test_concurrent_receipts_lose_no_quantity(client: httpx.AsyncClient, world: World) -> None:
    body = {"warehouse_id": world.warehouse_id, "lines": [{"sku": "MUG-1", "quantity": "1"},
                                                         {"sku": "TSHIRT-RED-M", "quantity": "2"}]}
    responses = await asyncio.gather(*(client.post(RECEIPTS, json=body, headers=auth(world)) for _ in range(8)))
    assert [r.status_code for r in responses] == [201] * 8
    assert await level(world, "MUG-1") == (13, 0, 0)
    assert await level(world, "TSHIRT-RED-M") == (116, 0, 0)
