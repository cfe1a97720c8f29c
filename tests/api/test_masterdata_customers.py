"""Customers: B2C/B2B, VAT codes checked with python-stdnum, unique emails, price lists, loyalty points."""

from __future__ import annotations

from typing import Any

import httpx

from api.schemas.customers import CustomerOut, CustomerPage
from tests.factories import World

URL = "/api/customers"


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def company(**extra: Any) -> dict[str, Any]:
    return {
        "type": "b2b", "name": "Acme Distribution SRL", "email": "Orders@Acme.ro", "phone": "0212000000",
        "company": "Acme Distribution SRL", "vat_code": "ro 185 472 90", "edi_id": "5940000000001",
        "addresses": [{"name": "Acme", "street": "Bd. Unirii 1", "city": "Bucuresti", "county": "B",
                       "postcode": "030167", "country": "ro"}],
        "loyalty_points": 10, **extra,
    }


def fields(r: httpx.Response) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return {e["field"] for e in r.json()["errors"]}


async def test_create_get_and_search_customers(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=company(), headers=auth(world))
    assert r.status_code == 201, r.text
    created = r.json()
    acme = CustomerOut.model_validate(created)
    assert acme.vat_code == "RO18547290"  # stored normalised
    assert acme.addresses[0].country == "RO" and acme.loyalty_points == 10
    assert r.headers["location"] == f"{URL}/{acme.id}"
    r = await client.post(URL, json={"name": "Ana Pop", "email": "ana@example.ro"}, headers=auth(world, "admin"))
    assert r.status_code == 201, r.text
    assert r.json()["type"] == "b2c" and r.json()["vat_code"] is None and r.json()["addresses"] == []

    assert (await client.get(f"{URL}/{acme.id}", headers=auth(world, "finance"))).json() == created
    acme_only = ["Acme Distribution SRL"]
    for q, expected in (("acme", acme_only), ("ana@", ["Ana Pop"]), ("18547290", acme_only),
                        ("5940000000001", acme_only), ("nobody", [])):
        r = await client.get(URL, params={"q": q}, headers=auth(world, "warehouse"))
        assert r.status_code == 200, r.text
        assert [c.name for c in CustomerPage.model_validate(r.json()).items] == expected, q
    r = await client.get(URL, params={"type": "b2b"}, headers=auth(world))
    assert [c["name"] for c in r.json()["items"]] == ["Acme Distribution SRL"]


async def test_customer_pages_follow_the_cursor(client: httpx.AsyncClient, world: World) -> None:
    for i in range(5):
        assert (await client.post(URL, json={"name": f"C{i}"}, headers=auth(world))).status_code == 201
    names, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(URL, params=params, headers=auth(world))).json()
        names += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert names == ["C0", "C1", "C2", "C3", "C4"]


async def test_vat_codes_are_checked_and_required_for_b2b(client: httpx.AsyncClient, world: World) -> None:
    assert fields(await client.post(URL, json=company(vat_code="RO18547291"), headers=auth(world))) == {"vat_code"}
    assert fields(await client.post(URL, json=company(vat_code="XX123"), headers=auth(world))) == {"vat_code"}
    assert fields(await client.post(URL, json=company(vat_code=None), headers=auth(world))) == {"vat_code"}
    r = await client.post(URL, json=company(vat_code="DE 136 695 976", email=None, edi_id=None), headers=auth(world))
    assert r.status_code == 201, r.text
    assert r.json()["vat_code"] == "DE136695976"
    r = await client.post(URL, json=company(vat_code="18547290", email="x@acme.ro", edi_id=None), headers=auth(world))
    assert r.status_code == 201, r.text
    assert r.json()["vat_code"] == "18547290"  # not VAT-registered: no RO prefix


async def test_other_invalid_input_names_each_field(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json={"name": "", "type": "b2x", "email": "not-an-email", "loyalty_points": -1,
                                     "price_list_id": 0, "addresses": [{"name": "A", "city": "B"}]},
                          headers=auth(world))
    assert fields(r) == {"name", "type", "email", "loyalty_points", "price_list_id", "addresses[0].street"}
    r = await client.post(URL, json={"name": "A", "price_list_id": 777}, headers=auth(world))
    assert fields(r) == {"price_list_id"}
    r = await client.post(URL, json={"name": "A\u0000B"}, headers=auth(world))
    assert fields(r) == {"name"}


async def test_email_is_unique_case_insensitively(client: httpx.AsyncClient, world: World) -> None:
    first = (await client.post(URL, json=company(), headers=auth(world))).json()
    r = await client.post(URL, json={"name": "Someone", "email": "orders@ACME.ro"}, headers=auth(world))
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["existing_id"] == first["id"] and str(first["id"]) in r.json()["detail"]
    other = (await client.post(URL, json={"name": "Other", "email": "other@example.ro"}, headers=auth(world))).json()
    r = await client.patch(f"{URL}/{other['id']}", json={"email": "ORDERS@acme.ro"}, headers=auth(world))
    assert r.status_code == 409 and r.json()["existing_id"] == first["id"]
    r = await client.patch(f"{URL}/{first['id']}", json={"email": "orders@acme.ro"}, headers=auth(world))
    assert r.status_code == 200, r.text  # the customer's own address, re-cased


async def test_patch_changes_only_what_is_given(client: httpx.AsyncClient, world: World) -> None:
    acme = (await client.post(URL, json=company(), headers=auth(world))).json()
    url = f"{URL}/{acme['id']}"
    r = await client.patch(url, json={"phone": "0722111222", "loyalty_points": 25, "edi_id": None},
                           headers=auth(world, "sales_manager"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["phone"] == "0722111222" and body["loyalty_points"] == 25 and body["edi_id"] is None
    assert body["vat_code"] == "RO18547290" and body["addresses"] == acme["addresses"]
    assert fields(await client.patch(url, json={"vat_code": None}, headers=auth(world))) == {"vat_code"}
    assert fields(await client.patch(url, json={"name": None, "loyalty_points": -5}, headers=auth(world))) == {
        "name", "loyalty_points"}
    assert fields(await client.patch(url, json={"price_list_id": 4242}, headers=auth(world))) == {"price_list_id"}
    r = await client.patch(url, json={"type": "b2c", "vat_code": None}, headers=auth(world))
    assert r.status_code == 200 and r.json()["vat_code"] is None
    assert (await client.patch(f"{URL}/99999", json={"phone": "1"}, headers=auth(world))).status_code == 404


async def test_who_may_write_customers(client: httpx.AsyncClient, world: World) -> None:
    for role in ("warehouse", "finance"):
        r = await client.post(URL, json={"name": "Nope"}, headers=auth(world, role))
        assert r.status_code == 403, role
        assert r.headers["content-type"] == "application/problem+json"
    assert (await client.post(URL, json={"name": "Nope"})).status_code == 401
    assert (await client.get(URL)).status_code == 401
    assert (await client.get(URL, headers=auth(world, "finance"))).status_code == 200
    assert (await world.sql("SELECT count(*) AS n FROM customer"))[0].n == 0
