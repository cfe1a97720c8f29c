"""Price lists: prices by SKU and the customers that buy at them."""

from __future__ import annotations

from typing import Any

import httpx

from api.schemas.price_lists import PriceListDetail, PriceListPage
from tests.factories import World

URL = "/api/sales/price_lists"


def auth(w: World, role: str = "sales_manager") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def fields(r: httpx.Response) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return {e["field"] for e in r.json()["errors"]}


def b2b_list(**extra: Any) -> dict[str, Any]:
    return {"name": "B2B 2027", "currency": "RON", "prices_include_vat": False,
            "items": [{"sku": "TSHIRT-RED-M", "price": "35.5"}, {"sku": "MUG-1", "price": 12}], **extra}


async def customer(client: httpx.AsyncClient, w: World, name: str) -> int:
    r = await client.post("/api/customers", json={"name": name}, headers=auth(w, "operator"))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_create_read_and_replace_prices(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=b2b_list(), headers=auth(world))
    assert r.status_code == 201, r.text
    created = PriceListDetail.model_validate(r.json())
    assert r.headers["location"] == f"{URL}/{created.id}"
    assert (created.name, created.prices_include_vat, created.item_count) == ("B2B 2027", False, 2)
    assert [(i.sku, i.price) for i in created.items] == [("MUG-1", "12.00"), ("TSHIRT-RED-M", "35.50")]
    assert (await client.get(f"{URL}/{created.id}", headers=auth(world, "warehouse"))).json() == r.json()

    r = await client.put(f"{URL}/{created.id}/items", json={"items": [{"sku": "MUG-1", "price": "11.9999"}]},
                         headers=auth(world))
    assert r.status_code == 200, r.text
    assert [(i["sku"], i["price"]) for i in r.json()["items"]] == [("MUG-1", "11.9999")]
    r = await client.patch(f"{URL}/{created.id}", json={"name": "B2B 2027 v2", "currency": "EUR"},
                           headers=auth(world))
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["currency"], r.json()["item_count"]) == ("B2B 2027 v2", "EUR", 1)
    r = await client.get(URL, headers=auth(world, "finance"))
    assert [p.name for p in PriceListPage.model_validate(r.json()).items] == ["B2B 2027 v2"]


async def test_invalid_prices_refuse_the_whole_list(client: httpx.AsyncClient, world: World) -> None:
    pl = (await client.post(URL, json=b2b_list(), headers=auth(world))).json()
    items = [{"sku": "MUG-1", "price": "1"}, {"sku": "NOPE", "price": "1"}, {"sku": "MUG-1", "price": "2"},
             {"sku": "TSHIRT-RED-M", "price": "-1"}]
    r = await client.put(f"{URL}/{pl['id']}/items", json={"items": items[:3]}, headers=auth(world))
    assert fields(r) == {"items[1].sku", "items[2].sku"}
    assert fields(await client.put(f"{URL}/{pl['id']}/items", json={"items": items}, headers=auth(world))) == {
        "items[3].price"}
    assert (await client.get(f"{URL}/{pl['id']}", headers=auth(world))).json()["item_count"] == 2
    assert fields(await client.post(URL, json=b2b_list(name="Other", items=items[:2]), headers=auth(world))) == {
        "items[1].sku"}
    assert fields(await client.post(URL, json={"name": "", "currency": "ron"}, headers=auth(world))) == {
        "name", "currency"}
    assert (await client.put(f"{URL}/4242/items", json={"items": []}, headers=auth(world))).status_code == 404


async def test_names_are_unique(client: httpx.AsyncClient, world: World) -> None:
    first = (await client.post(URL, json=b2b_list(), headers=auth(world))).json()
    r = await client.post(URL, json=b2b_list(), headers=auth(world))
    assert r.status_code == 409 and r.json()["existing_id"] == first["id"]
    second = (await client.post(URL, json=b2b_list(name="Retail"), headers=auth(world))).json()
    r = await client.patch(f"{URL}/{second['id']}", json={"name": "B2B 2027"}, headers=auth(world))
    assert r.status_code == 409 and r.json()["existing_id"] == first["id"]


async def test_customers_are_assigned_to_a_price_list(client: httpx.AsyncClient, world: World) -> None:
    pl = (await client.post(URL, json=b2b_list(), headers=auth(world))).json()
    acme, beta, gamma = [await customer(client, world, n) for n in ("Acme", "Beta", "Gamma")]
    r = await client.post(f"{URL}/{pl['id']}/customers", json={"customer_ids": [acme, beta, acme]},
                          headers=auth(world, "admin"))
    assert r.status_code == 200, r.text
    assert r.json() == {"price_list_id": pl["id"], "customer_ids": [acme, beta]}
    r = await client.get(f"/api/customers/{acme}", headers=auth(world, "operator"))
    assert r.json()["price_list_id"] == pl["id"]
    r = await client.get("/api/customers", params={"price_list_id": pl["id"]}, headers=auth(world))
    assert [c["name"] for c in r.json()["items"]] == ["Acme", "Beta"]
    assert (await client.get(f"{URL}/{pl['id']}", headers=auth(world))).json()["customer_count"] == 2

    r = await client.post(f"{URL}/{pl['id']}/customers", json={"customer_ids": [gamma, 99999]}, headers=auth(world))
    assert fields(r) == {"customer_ids[1]"}
    r = await client.get(f"/api/customers/{gamma}", headers=auth(world))
    assert r.json()["price_list_id"] is None  # all or nothing
    r = await client.post(f"{URL}/4242/customers", json={"customer_ids": [gamma]}, headers=auth(world))
    assert r.status_code == 404


async def test_who_may_write_price_lists(client: httpx.AsyncClient, world: World) -> None:
    pl = (await client.post(URL, json=b2b_list(), headers=auth(world))).json()
    acme = await customer(client, world, "Acme")
    for role in ("operator", "warehouse", "finance"):
        assert (await client.post(URL, json=b2b_list(name=role), headers=auth(world, role))).status_code == 403
        r = await client.put(f"{URL}/{pl['id']}/items", json={"items": []}, headers=auth(world, role))
        assert r.status_code == 403
        r = await client.post(f"{URL}/{pl['id']}/customers", json={"customer_ids": [acme]}, headers=auth(world, role))
        assert r.status_code == 403
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(f"{URL}/{pl['id']}", headers=auth(world, "operator"))).json()["item_count"] == 2
