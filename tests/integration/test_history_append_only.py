"""The order's history is evidence: the database itself refuses to rewrite or delete it."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import World, order_body


async def test_history_rows_cannot_be_updated_or_deleted(client: httpx.AsyncClient, world: World) -> None:
    op = {"Authorization": f"Bearer {world.tokens['operator@test.local']}"}
    r = await client.post("/api/omni_sales/orders", json=order_body(world.channels["api"], ref="HIST-1"), headers=op)
    order_id = r.json()["id"]
    await client.post(f"/api/omni_sales/orders/{order_id}/hold", json={"reason": "call the customer"}, headers=op)

    with pytest.raises(IntegrityError, match="append-only"):
        await world.sql("UPDATE order_history SET reason = 'rewritten' WHERE order_id = :o", o=order_id)
    with pytest.raises(IntegrityError, match="append-only"):
        await world.sql("DELETE FROM order_history WHERE order_id = :o", o=order_id)

    rows = await world.sql("SELECT action, reason FROM order_history WHERE order_id = :o ORDER BY id", o=order_id)
    assert [(row.action, row.reason) for row in rows] == [("create", None), ("hold", "call the customer")]
