"""Products: unique SKU, checked EAN, VAT rate, weight and dimensions as decimal strings."""

from __future__ import annotations

from typing import Any

import httpx

from api.schemas.products import ProductOut, ProductPage
from tests.factories import World

URL = "/api/products"


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def hoodie(**extra: Any) -> dict[str, Any]:
    return {"sku": "HOODIE-BLK-L", "name": "Hoodie black L", "ean": "4006381333931", "vat_rate": "19",
            "price": "129.9", "weight_kg": "0.65", "length_cm": 30, "width_cm": "25.5", "height_cm": "4",
            **extra}


def fields(r: httpx.Response) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return {e["field"] for e in r.json()["errors"]}


async def test_create_and_read_a_product(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=hoodie(), headers=auth(world))
    assert r.status_code == 201, r.text
    created = r.json()
    ProductOut.model_validate(created)
    assert {k: created[k] for k in ("sku", "ean", "vat_rate", "price", "weight_kg", "length_cm", "width_cm",
                                    "height_cm", "active")} == {
        "sku": "HOODIE-BLK-L", "ean": "4006381333931", "vat_rate": "19.00", "price": "129.90",
        "weight_kg": "0.650", "length_cm": "30.0", "width_cm": "25.5", "height_cm": "4.0", "active": True}
    assert r.headers["location"] == f"{URL}/{created['id']}"
    assert (await client.get(f"{URL}/{created['id']}", headers=auth(world, "warehouse"))).json() == created
    r = await client.post(URL, json={"sku": "BOLT-M4", "name": "Bolt", "vat_rate": "21", "price": "0.0125"},
                          headers=auth(world, "sales_manager"))
    assert r.status_code == 201, r.text
    assert r.json()["price"] == "0.0125" and r.json()["ean"] is None and r.json()["weight_kg"] is None


async def test_the_new_sku_can_be_ordered(client: httpx.AsyncClient, world: World) -> None:
    await client.post(URL, json=hoodie(), headers=auth(world))
    body = {"channel_id": world.channels["api"], "payment_method": "cod", "external_ref": "P-1",
            "customer": {"email": "ana@example.ro", "name": "Ana Pop"},
            "shipping_address": {"name": "Ana", "street": "S 1", "city": "Brasov"},
            "lines": [{"sku": "HOODIE-BLK-L", "quantity": "1", "unit_price": "119.00"}]}
    r = await client.post("/api/omni_sales/orders", json=body, headers=auth(world))
    assert r.status_code == 201, r.text
    assert r.json()["lines"][0]["vat_rate"] == "19.00" and r.json()["totals"]["vat"] == "19.00"


async def test_sku_is_unique(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=hoodie(sku="MUG-1"), headers=auth(world))
    assert r.status_code == 409, r.text
    assert r.json()["existing_id"] == world.products["MUG-1"]
    r = await client.patch(f"{URL}/{world.products['TSHIRT-RED-M']}", json={"sku": "MUG-1"}, headers=auth(world))
    assert r.status_code == 409 and r.json()["existing_id"] == world.products["MUG-1"]


async def test_invalid_products_name_each_field(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=hoodie(ean="4006381333932", vat_rate="100", weight_kg="0", length_cm=-1,
                                           price="-1", name=""), headers=auth(world))
    assert fields(r) == {"ean", "vat_rate", "weight_kg", "length_cm", "price", "name"}
    assert fields(await client.post(URL, json=hoodie(vat_rate="19.555"), headers=auth(world))) == {"vat_rate"}
    assert fields(await client.post(URL, json=hoodie(sku="A\tB"), headers=auth(world))) == {"sku"}
    assert fields(await client.post(URL, json={"sku": "X"}, headers=auth(world))) == {"name", "vat_rate"}


async def test_patch_and_filter_products(client: httpx.AsyncClient, world: World) -> None:
    created = (await client.post(URL, json=hoodie(), headers=auth(world))).json()
    url = f"{URL}/{created['id']}"
    r = await client.patch(url, json={"active": False, "price": "99.50", "ean": None}, headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["price"] == "99.50" and r.json()["ean"] is None
    assert r.json()["name"] == "Hoodie black L" and r.json()["vat_rate"] == "19.00"
    assert fields(await client.patch(url, json={"vat_rate": None}, headers=auth(world))) == {"vat_rate"}
    assert (await client.patch(f"{URL}/99999", json={"active": True}, headers=auth(world))).status_code == 404

    async def skus(**params: Any) -> list[str]:
        r = await client.get(URL, params=params, headers=auth(world, "finance"))
        assert r.status_code == 200, r.text
        return [p.sku for p in ProductPage.model_validate(r.json()).items]

    assert await skus() == ["TSHIRT-RED-M", "MUG-1", "HOODIE-BLK-L"]
    assert await skus(active="true") == ["TSHIRT-RED-M", "MUG-1"]
    assert await skus(active="false") == ["HOODIE-BLK-L"]
    assert await skus(q="tshirt") == ["TSHIRT-RED-M"]
    assert await skus(q="black") == ["HOODIE-BLK-L"]
    assert await skus(q="%") == []
    first = (await client.get(URL, params={"limit": 2}, headers=auth(world))).json()
    assert [p["sku"] for p in first["items"]] == ["TSHIRT-RED-M", "MUG-1"]
    r = await client.get(URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=auth(world))
    assert [p["sku"] for p in r.json()["items"]] == ["HOODIE-BLK-L"] and r.json()["next_cursor"] is None


async def test_who_may_write_products(client: httpx.AsyncClient, world: World) -> None:
    for role in ("warehouse", "finance"):
        assert (await client.post(URL, json=hoodie(), headers=auth(world, role))).status_code == 403
    pid = world.products["MUG-1"]
    assert (await client.patch(f"{URL}/{pid}", json={"active": False}, headers=auth(world, "finance"))).status_code \
        == 403
    assert (await client.post(URL, json=hoodie())).status_code == 401
    assert (await client.get(f"{URL}/{pid}")).status_code == 401
    assert (await world.sql("SELECT active FROM product WHERE id = :i", i=pid))[0].active is True
