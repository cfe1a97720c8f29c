from __future__ import annotations

import httpx

from tests.factories import World, order_body


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def test_create_then_confirm_reserves_stock(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post("/api/omni_sales/orders", json=order_body(world.channels["api"]), headers=auth(world))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == 0 and order["status_label"] == "draft"
    assert order["totals"]["gross"] == "99.80"
    r = await client.post(f"/api/omni_sales/orders/{order['id']}/confirm", headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 3
    assert await world.stock("TSHIRT-RED-M") == (100, 2)
