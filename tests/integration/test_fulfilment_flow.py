"""Fulfilment against the real app, PostgreSQL and a courier simulator on a real socket: delivery note,
packing, AWB, label, tracking to delivered or on hold, and the refusals an operator meets on the way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.uow import SqlUnitOfWork
from adapters.sandbox.cargus import build_app as cargus_app
from domain.fulfilment.tracking import poll_tracking
from tests.factories import World
from tests.fulfilment_helpers import (
    CARGUS_CREDENTIALS,
    ORDERS,
    PACKING,
    Sim,
    auth,
    confirmed_order,
    courier_account,
    packed_list,
    simulator,
)

PROBLEM = "application/problem+json"


@pytest.fixture
async def cargus(world: World) -> AsyncIterator[Sim]:
    async with simulator(cargus_app(credentials=CARGUS_CREDENTIALS, step_s=0.05)) as sim:
        await courier_account(world, "cargus", f"{sim.base_url}/api", CARGUS_CREDENTIALS)
        yield sim


async def poll(app: FastAPI, at: datetime | None = None) -> None:
    await asyncio.sleep(0.4)  # the simulator's parcels take a step every 0.05 s; let them finish the journey
    container = app.state.container
    later = at or datetime.now(UTC) + timedelta(hours=2)  # every AWB is due
    await poll_tracking(uow_factory=lambda: SqlUnitOfWork(container.pool), couriers=SqlCourierDirectory(container.pool),
                        clock=lambda: later, poll_every=timedelta(minutes=10))


async def test_confirmed_order_goes_to_delivered_through_note_packing_awb_label_and_tracking(
        client: httpx.AsyncClient, world: World, cargus: Sim, app: FastAPI) -> None:
    packing_list = await packed_list(client, world, "FUL-1", packages=2)
    assert packing_list["complete"] is True and packing_list["shipment"] is None
    missing = (await client.get(PACKING, params={"awb": "missing"}, headers=auth(world))).json()["items"]
    assert [p["id"] for p in missing] == [packing_list["id"]]

    r = await client.post(f"{PACKING}/{packing_list['id']}/awb", json={"courier": "cargus"},
                          headers=auth(world, "warehouse"))
    assert r.status_code == 201, r.text
    awb = r.json()
    assert awb["awb_number"] and awb["already"] is False

    order = (await client.get(f"{ORDERS}/{packing_list['order_id']}", headers=auth(world))).json()
    assert order["status_label"] == "shipping"
    assert order["history"][-1]["reason"].startswith(f"AWB {awb['awb_number']}")
    # The stock left the warehouse: on hand 100 - 2, nothing reserved any more.
    assert await world.stock("TSHIRT-RED-M") == (Decimal("98"), Decimal("0"))
    assert (await client.get(PACKING, params={"awb": "missing"}, headers=auth(world))).json()["items"] == []
    [created] = await cargus.shipments()
    assert created["awb"] == awb["awb_number"] if "awb" in created else True

    for fmt in ("a4", "thermal"):
        label = await client.get(f"/api/shipments/{awb['shipment_id']}/label", params={"format": fmt},
                                 headers=auth(world, "warehouse"))
        assert label.status_code == 200 and label.content.startswith(b"%PDF-")
        assert label.headers["content-type"] == "application/pdf"

    await poll(app)
    shipment = (await client.get(f"/api/shipments/{awb['shipment_id']}", headers=auth(world))).json()
    assert shipment["tracking_status"] == "delivered"
    assert [e["status"] for e in shipment["events"]][-1] == "delivered"
    order = (await client.get(f"{ORDERS}/{packing_list['order_id']}", headers=auth(world))).json()
    assert order["status_label"] == "delivered"
    # The shops hear about it through the outbox (order.shipped carries the AWB for the status push).
    rows = await world.sql("SELECT payload FROM outbox WHERE event_type = 'order.shipped'")
    assert rows[0].payload["awb"] == awb["awb_number"]


async def test_a_failed_delivery_puts_the_order_on_hold_with_the_couriers_reason(
        client: httpx.AsyncClient, world: World, cargus: Sim, app: FastAPI) -> None:
    await cargus.outcome("fail")
    packing_list = await packed_list(client, world, "FUL-2")
    r = await client.post(f"{PACKING}/{packing_list['id']}/awb", json={"courier": "cargus"},
                          headers=auth(world, "warehouse"))
    assert r.status_code == 201, r.text
    await poll(app)
    order = (await client.get(f"{ORDERS}/{packing_list['order_id']}", headers=auth(world))).json()
    assert order["status_label"] == "on_hold"
    assert "courier:" in order["history"][-1]["reason"]


async def test_awb_is_refused_with_every_missing_dimension_named(
        client: httpx.AsyncClient, world: World, cargus: Sim) -> None:
    order = await confirmed_order(client, world, "FUL-3")
    note = (await client.post(f"{ORDERS}/{order['id']}/delivery-note", headers=auth(world, "warehouse"))).json()
    pl_id = note["packing_list"]["id"]
    r = await client.patch(f"{PACKING}/{pl_id}", json={"packages": [
        {"length_cm": "30", "width_cm": "20", "height_cm": "10", "weight_kg": "2"},
        {"length_cm": "30", "weight_kg": "1"}]}, headers=auth(world, "warehouse"))
    assert r.status_code == 200
    r = await client.post(f"{PACKING}/{pl_id}/awb", json={"courier": "cargus"}, headers=auth(world, "warehouse"))
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert sorted(e["field"] for e in r.json()["errors"]) == ["packages[1].height_cm", "packages[1].width_cm"]
    assert await cargus.shipments() == []
    order = (await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))).json()
    assert order["status_label"] == "confirmed"


async def test_a_double_click_makes_one_awb(client: httpx.AsyncClient, world: World, cargus: Sim) -> None:
    packing_list = await packed_list(client, world, "FUL-4")
    url = f"{PACKING}/{packing_list['id']}/awb"
    first = await client.post(url, json={"courier": "cargus"}, headers=auth(world, "warehouse"))
    second = await client.post(url, json={"courier": "cargus"}, headers=auth(world, "warehouse"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["awb_number"] == second.json()["awb_number"] and second.json()["already"] is True
    assert len(await cargus.shipments()) == 1


async def test_no_delivery_note_while_payment_is_awaited(client: httpx.AsyncClient, world: World) -> None:
    from tests.factories import order_body
    r = await client.post(ORDERS, json=order_body(world.channels["api"], ref="FUL-5"), headers=auth(world))
    order_id = r.json()["id"]
    assert (await client.post(f"{ORDERS}/{order_id}/request-payment", headers=auth(world))).status_code == 200
    r = await client.post(f"{ORDERS}/{order_id}/delivery-note", headers=auth(world, "warehouse"))
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
    assert await world.sql("SELECT id FROM delivery_note") == []


async def test_short_stock_on_a_paid_order_asks_then_delivers_part_or_backorders(
        client: httpx.AsyncClient, world: World) -> None:
    from tests.factories import order_body

    async def paid(ref: str) -> int:
        body = order_body(world.channels["api"], ref=ref, lines=[("MUG-1", "8", "20.00"), ("TSHIRT-RED-M", "1",
                                                                                            "49.90")])
        order_id = (await client.post(ORDERS, json=body, headers=auth(world))).json()["id"]
        for action in ("request-payment", "mark-paid"):
            assert (await client.post(f"{ORDERS}/{order_id}/{action}", headers=auth(world))).status_code == 200
        return int(order_id)

    first = await paid("FUL-6")
    r = await client.post(f"{ORDERS}/{first}/delivery-note", headers=auth(world, "warehouse"))
    assert r.status_code == 409 and "on_short" in r.json()["detail"]
    assert await world.stock("MUG-1") == (Decimal("5"), Decimal("0"))  # nothing reserved by the refusal

    r = await client.post(f"{ORDERS}/{first}/delivery-note", json={"on_short": "partial"},
                          headers=auth(world, "warehouse"))
    assert r.status_code == 201, r.text
    note = r.json()["delivery_note"]
    assert note["partial"] is True
    mug = next(line for line in note["lines"] if line["sku"] == "MUG-1")
    assert (mug["quantity"], mug["backordered"]) == ("5.000", "3.000")
    assert r.json()["order_status_label"] == "confirmed"
    assert await world.stock("MUG-1") == (Decimal("5"), Decimal("5"))

    second = await paid("FUL-7")
    r = await client.post(f"{ORDERS}/{second}/delivery-note", json={"on_short": "backorder"},
                          headers=auth(world, "warehouse"))
    assert r.status_code == 200 and r.json()["delivery_note"] is None
    assert r.json()["order_status_label"] == "stock_unavailable"


async def test_delivery_note_prints_as_pdf(client: httpx.AsyncClient, world: World) -> None:
    order = await confirmed_order(client, world, "FUL-8")
    note = (await client.post(f"{ORDERS}/{order['id']}/delivery-note", headers=auth(world, "warehouse"))).json()
    r = await client.get(f"/api/warehouse/delivery_notes/{note['delivery_note']['id']}/pdf", headers=auth(world))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    again = await client.post(f"{ORDERS}/{order['id']}/delivery-note", headers=auth(world, "warehouse"))
    assert again.status_code == 409  # one note in preparation per order


async def test_a_channel_can_make_the_delivery_note_on_confirmation(client: httpx.AsyncClient, world: World,
                                                                     app: FastAPI) -> None:
    await world.sql("UPDATE channel SET settings = settings || '{\"auto_delivery_note\": true}'::jsonb")
    app.state.container.channels.clear()  # the channel was changed behind the API's back
    order = await confirmed_order(client, world, "FUL-AUTO")
    notes = (await client.get("/api/warehouse/delivery_notes", params={"order_id": order["id"]},
                              headers=auth(world))).json()["items"]
    assert len(notes) == 1 and notes[0]["packing_list_id"] is not None
    assert [line["quantity"] for line in notes[0]["lines"]] == ["2.000"]


async def test_cancelling_an_order_voids_its_delivery_note_in_preparation(
        client: httpx.AsyncClient, world: World) -> None:
    order = await confirmed_order(client, world, "FUL-CANCEL")
    note = (await client.post(f"{ORDERS}/{order['id']}/delivery-note", headers=auth(world, "warehouse"))).json()
    r = await client.post(f"{ORDERS}/{order['id']}/cancel", json={"reason": "customer changed their mind"},
                          headers=auth(world))
    assert r.status_code == 200, r.text
    voided = (await client.get(f"/api/warehouse/delivery_notes/{note['delivery_note']['id']}",
                               headers=auth(world))).json()
    assert voided["status"] == "cancelled"
    assert (await client.get(PACKING, params={"awb": "missing"}, headers=auth(world))).json()["items"] == []
    assert await world.stock("TSHIRT-RED-M") == (Decimal("100"), Decimal("0"))  # the reservation went back


async def test_fulfilment_lists_page_newest_first_with_a_cursor(client: httpx.AsyncClient, world: World) -> None:
    first = await packed_list(client, world, "FUL-P1")
    second = await packed_list(client, world, "FUL-P2")
    for path in (PACKING, "/api/warehouse/delivery_notes"):
        page = (await client.get(path, params={"limit": 1}, headers=auth(world))).json()
        assert [x["order_id"] for x in page["items"]] == [second["order_id"]] and page["next_cursor"]
        rest = (await client.get(path, params={"limit": 1, "cursor": page["next_cursor"]}, headers=auth(world)))
        assert [x["order_id"] for x in rest.json()["items"]] == [first["order_id"]]
        assert rest.json()["next_cursor"] is None
