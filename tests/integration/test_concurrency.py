"""Concurrent requests through the real app and PostgreSQL: row locks, atomic reservations, unique keys."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx

from tests.factories import World, order_body

ORDERS = "/api/omni_sales/orders"


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def create(client: httpx.AsyncClient, world: World, **body: Any) -> int:
    r = await client.post(ORDERS, json=order_body(world.channels["api"], **body), headers=auth(world))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def action(client: httpx.AsyncClient, world: World, order_id: int, name: str,
                 reason: str | None = None) -> httpx.Response:
    return await client.post(f"{ORDERS}/{order_id}/{name}", headers=auth(world),
                             json={"reason": reason} if reason else None)


async def reservations(world: World) -> dict[int, Decimal]:
    rows = await world.sql("SELECT order_id, sum(quantity) AS q FROM stock_reservation GROUP BY order_id")
    return {r.order_id: r.q for r in rows}


async def test_twenty_concurrent_confirms_of_one_order_succeed_once(client: httpx.AsyncClient,
                                                                    world: World) -> None:
    order_id = await create(client, world, lines=[("TSHIRT-RED-M", "3", "49.90")])
    answers = await asyncio.gather(*(action(client, world, order_id, "confirm") for _ in range(20)))
    assert Counter(r.status_code for r in answers) == {200: 1, 409: 19}, [r.text for r in answers if r.status_code
                                                                          not in (200, 409)]
    for r in answers:
        if r.status_code == 409:
            assert r.json()["current"] == "confirmed"
    rows = await world.sql("SELECT action FROM order_history WHERE order_id = :id ORDER BY id", id=order_id)
    assert [r.action for r in rows] == ["create", "confirm"]
    events = await world.sql("SELECT event_type FROM outbox WHERE aggregate_id = :id", id=order_id)
    assert sorted(r.event_type for r in events) == ["order.confirm", "order.created"]
    assert await world.stock("TSHIRT-RED-M") == (100, 3)
    assert await reservations(world) == {order_id: 3}
    version = await world.sql("SELECT version FROM sales_order WHERE id = :id", id=order_id)
    assert version[0].version == 2


async def test_two_orders_racing_for_the_last_unit(client: httpx.AsyncClient, world: World) -> None:
    await world.sql("UPDATE stock_level SET on_hand = 1 WHERE product_id = :p", p=world.products["MUG-1"])
    first = await create(client, world, ref="R-1", lines=[("MUG-1", "1", "20.00")])
    second = await create(client, world, ref="R-2", lines=[("MUG-1", "1", "20.00")])
    answers = await asyncio.gather(action(client, world, first, "confirm"), action(client, world, second, "confirm"))
    assert [r.status_code for r in answers] == [200, 200]
    statuses = sorted(r.json()["status"] for r in answers)
    assert statuses == [3, 16]
    winner = next(r.json()["id"] for r in answers if r.json()["status"] == 3)
    assert await world.stock("MUG-1") == (1, 1)
    assert await reservations(world) == {winner: 1}


async def test_many_orders_racing_for_scarce_stock_never_oversell(client: httpx.AsyncClient, world: World) -> None:
    """Lines in either product order lock levels in one order, so there is no deadlock either."""
    await world.sql("UPDATE stock_level SET on_hand = 4 WHERE product_id = :p", p=world.products["MUG-1"])
    await world.sql("UPDATE stock_level SET on_hand = 6 WHERE product_id = :p", p=world.products["TSHIRT-RED-M"])
    ids = []
    for i in range(10):
        lines = [("MUG-1", "1", "20.00"), ("TSHIRT-RED-M", "2", "49.90")]
        ids.append(await create(client, world, ref=f"S-{i}", lines=lines if i % 2 else lines[::-1]))
    answers = await asyncio.gather(*(action(client, world, i, "confirm") for i in ids))
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    confirmed = [r.json()["id"] for r in answers if r.json()["status"] == 3]
    assert len(confirmed) == 3  # 6 T-shirts / 2 each; the 4th order would need a 7th and 8th
    assert Counter(r.json()["status"] for r in answers) == {3: 3, 16: 7}
    assert await world.stock("MUG-1") == (4, 3)
    assert await world.stock("TSHIRT-RED-M") == (6, 6)
    assert set(await reservations(world)) == set(confirmed)


async def test_cancel_racing_a_confirm_leaves_no_reservation_behind(client: httpx.AsyncClient,
                                                                    world: World) -> None:
    """Whichever runs second must see what the first committed, reservations included."""
    for i in range(8):
        order_id = await create(client, world, ref=f"C-{i}", lines=[("MUG-1", "1", "20.00")])
        confirm, cancel = await asyncio.gather(action(client, world, order_id, "confirm"),
                                               action(client, world, order_id, "cancel", reason="changed mind"))
        assert cancel.status_code == 200, cancel.text
        assert confirm.status_code in (200, 409), confirm.text
        assert await world.stock("MUG-1") == (5, 0), f"round {i}"
        assert await reservations(world) == {}


async def test_concurrent_creates_with_one_idempotency_key_make_one_order(client: httpx.AsyncClient,
                                                                          world: World) -> None:
    for ref in ("IDEM-1", None):  # with a natural key, and without one (only the idempotency key collides)
        headers = {**auth(world), "Idempotency-Key": f"key-{ref}"}
        body = order_body(world.channels["api"], ref=ref)
        answers = await asyncio.gather(*(client.post(ORDERS, json=body, headers=headers) for _ in range(10)))
        assert [r.status_code for r in answers] == [201] * 10, [r.text for r in answers]
        assert len({r.json()["id"] for r in answers}) == 1
        assert sum(1 for r in answers if "idempotent-replayed" not in r.headers) == 1
    assert len(await world.sql("SELECT id FROM sales_order")) == 2
    assert len(await world.sql("SELECT 1 FROM outbox WHERE event_type = 'order.created'")) == 2


async def test_concurrent_creates_with_one_external_ref_make_one_order(client: httpx.AsyncClient,
                                                                       world: World) -> None:
    body = order_body(world.channels["api"], ref="DUP-1", email="new.customer@example.ro")
    answers = await asyncio.gather(*(client.post(ORDERS, json=body, headers=auth(world)) for _ in range(10)))
    assert Counter(r.status_code for r in answers) == {201: 1, 409: 9}, [r.text for r in answers]
    created = next(r.json()["id"] for r in answers if r.status_code == 201)
    assert {r.json()["existing_id"] for r in answers if r.status_code == 409} == {created}
    assert [r.id for r in await world.sql("SELECT id FROM sales_order")] == [created]
    assert len(await world.sql("SELECT id FROM customer WHERE email = 'new.customer@example.ro'")) == 1
