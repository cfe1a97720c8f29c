"""Courier accounts: one per courier, credentials write-only (only their keys come back), pickup address checked."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.schemas.couriers import CourierAccountOut, CourierAccountPage
from tests.factories import World

URL = "/api/couriers"
API_KEY = "inno-live-key-0123456789"
PASSWORD = "cargus-pa55word!"
SENDER = {"name": "Depozit Brasov", "phone": "0722123456", "street": "Str. Zizinului 110", "city": "Brasov",
          "county": "BV", "postcode": "500407", "email": "depozit@example.ro", "company": "Magazin SRL"}


def auth(w: World, role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def account(courier: str = "innoship", **extra: Any) -> dict[str, Any]:
    return {"courier": courier, "name": f"{courier} main", "credentials": {"api_key": API_KEY},
            "default_service": "Standard", "label_format": "thermal", "concurrency": 16, "sender": SENDER,
            "settings": {"api_version": "1.0", "timeout_s": 7.5}, **extra}


def fields(r: httpx.Response) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return {e["field"] for e in r.json()["errors"]}


@pytest.fixture(autouse=True)
async def no_accounts(world: World) -> None:
    # tests.factories.truncate_all does not know the fulfilment tables (yet): start from no account.
    await world.sql("DELETE FROM courier_account")


async def test_admin_creates_an_account_and_its_credentials_never_come_back(client: httpx.AsyncClient,
                                                                            world: World) -> None:
    r = await client.post(URL, json=account(), headers=auth(world))
    assert r.status_code == 201, r.text
    created = CourierAccountOut.model_validate(r.json())
    assert r.headers["location"] == f"{URL}/{created.id}"
    assert created.credentials_set == ["api_key"]
    assert created.base_url == "https://api.innoship.com"  # the published address when none is given
    assert (created.label_format, created.concurrency, created.default_service) == ("thermal", 16, "Standard")
    assert created.sender.street == "Str. Zizinului 110" and created.sender.country == "RO"
    assert created.settings == {"api_version": "1.0", "timeout_s": 7.5}

    detail = await client.get(f"{URL}/{created.id}", headers=auth(world, "warehouse"))
    listing = await client.get(URL, headers=auth(world, "operator"))
    for response in (r, detail, listing):
        assert response.status_code in (200, 201), response.text
        assert API_KEY not in response.text and '"credentials"' not in response.text
    assert detail.json() == r.json()
    assert CourierAccountPage.model_validate(listing.json()).items[0].id == created.id

    stored = await world.sql("SELECT credentials, sender FROM courier_account WHERE id = :i", i=created.id)
    assert stored[0].credentials == {"api_key": API_KEY}  # kept for the gateway (adapters/couriers/directory.py)
    assert "country" not in stored[0].sender  # not given: the gateways read RO


async def test_list_filters_and_pages(client: httpx.AsyncClient, world: World) -> None:
    for courier in ("innoship", "cargus", "fancourier"):
        r = await client.post(URL, json=account(courier), headers=auth(world))
        assert r.status_code == 201, r.text
    r = await client.post(URL, json={"courier": "palex", "name": "Palex", "base_url": "https://portal.example.ro",
                                     "active": False}, headers=auth(world))
    assert r.status_code == 201, r.text

    first = (await client.get(URL, params={"limit": 3}, headers=auth(world, "finance"))).json()
    assert [a["courier"] for a in first["items"]] == ["innoship", "cargus", "fancourier"]
    rest = (await client.get(URL, params={"limit": 3, "cursor": first["next_cursor"]}, headers=auth(world))).json()
    assert [a["courier"] for a in rest["items"]] == ["palex"] and rest["next_cursor"] is None
    only = (await client.get(URL, params={"courier": "cargus"}, headers=auth(world))).json()
    assert [a["courier"] for a in only["items"]] == ["cargus"]
    inactive = (await client.get(URL, params={"active": "false"}, headers=auth(world))).json()
    assert [a["courier"] for a in inactive["items"]] == ["palex"]
    assert fields(await client.get(URL, params={"courier": "dhl"}, headers=auth(world))) == {"courier"}


async def test_patch_merges_credentials_key_by_key(client: httpx.AsyncClient, world: World) -> None:
    body = account("cargus", credentials={"subscription_key": "sub-1", "username": "magazin", "password": PASSWORD})
    created = (await client.post(URL, json=body, headers=auth(world))).json()
    assert created["credentials_set"] == ["password", "subscription_key", "username"]
    url = f"{URL}/{created['id']}"

    r = await client.patch(url, json={"credentials": {"password": "new-pa55", "subscription_key": ""},
                                      "sender": {"phone": "0744000111", "company": None},
                                      "settings": {"api_version": None, "payer": 2}, "concurrency": 4},
                           headers=auth(world))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["credentials_set"] == ["password", "username"]
    assert PASSWORD not in r.text and "new-pa55" not in r.text
    assert out["sender"]["phone"] == "0744000111" and out["sender"]["company"] is None
    assert out["sender"]["street"] == SENDER["street"]  # sender fields left out stay
    assert out["settings"] == {"timeout_s": 7.5, "payer": 2}
    assert out["concurrency"] == 4 and out["name"] == "cargus main" and out["label_format"] == "thermal"
    assert out["updated_at"] > created["updated_at"]  # the gateway directory rebuilds on this
    stored = await world.sql("SELECT credentials FROM courier_account WHERE id = :i", i=created["id"])
    assert stored[0].credentials == {"username": "magazin", "password": "new-pa55"}

    r = await client.patch(url, json={"default_service": None, "base_url": "http://127.0.0.1:8089/api"},
                           headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["default_service"] is None and r.json()["base_url"] == "http://127.0.0.1:8089/api"
    assert r.json()["credentials_set"] == ["password", "username"]  # credentials left out stay

    assert fields(await client.patch(url, json={"courier": "palex"}, headers=auth(world))) == {"courier"}
    assert fields(await client.patch(url, json={"credentials": None, "active": None}, headers=auth(world))) == {
        "credentials", "active"}
    assert (await client.patch(f"{URL}/424242", json={"active": True}, headers=auth(world))).status_code == 404


async def test_a_second_account_for_the_same_courier_is_a_conflict(client: httpx.AsyncClient,
                                                                   world: World) -> None:
    first = (await client.post(URL, json=account(), headers=auth(world))).json()
    r = await client.post(URL, json=account(name="another"), headers=auth(world))
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["existing_id"] == first["id"]
    assert (await world.sql("SELECT count(*) AS n FROM courier_account"))[0].n == 1


async def test_invalid_input_names_each_field(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=account(sender={"name": "Depozit", "city": " "}), headers=auth(world))
    assert fields(r) == {"sender.phone", "sender.street", "sender.city", "sender.county", "sender.postcode"}
    r = await client.post(URL, json=account(label_format="a6", concurrency=65, base_url="ftp://files.example.ro",
                                            courier="dhl"), headers=auth(world))
    assert fields(r) == {"label_format", "concurrency", "base_url", "courier"}
    r = await client.post(URL, json=account(concurrency=0, base_url="innoship.com", surprise=1), headers=auth(world))
    assert fields(r) == {"concurrency", "base_url", "surprise"}
    r = await client.post(URL, json={"courier": "palex", "name": "Palex"}, headers=auth(world))
    assert fields(r) == {"base_url"}  # no published API address to default to
    assert (await world.sql("SELECT count(*) AS n FROM courier_account"))[0].n == 0

    # An inactive account may wait for its address; switching it on then needs the address.
    r = await client.post(URL, json=account(sender={}, active=False), headers=auth(world))
    assert r.status_code == 201, r.text
    url = f"{URL}/{r.json()['id']}"
    assert fields(await client.patch(url, json={"active": True}, headers=auth(world))) == {
        f"sender.{f}" for f in ("name", "phone", "street", "city", "county", "postcode")}
    r = await client.patch(url, json={"active": True, "sender": SENDER}, headers=auth(world))
    assert r.status_code == 200 and r.json()["active"] is True
    # Blanking a required field of an active account is refused too.
    assert fields(await client.patch(url, json={"sender": {"postcode": None}}, headers=auth(world))) == {
        "sender.postcode"}
    # Palex (manual AWBs) needs no pickup address.
    r = await client.post(URL, json={"courier": "palex", "name": "Palex", "base_url": "https://portal.example.ro"},
                          headers=auth(world))
    assert r.status_code == 201 and r.json()["credentials_set"] == []


async def test_reads_need_staff_and_writes_need_an_admin(client: httpx.AsyncClient, world: World) -> None:
    created = (await client.post(URL, json=account(), headers=auth(world))).json()
    url = f"{URL}/{created['id']}"
    for method, target, body in (("GET", URL, None), ("GET", url, None), ("POST", URL, account("cargus")),
                                 ("PATCH", url, {"active": False})):
        r = await client.request(method, target, json=body)
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json", (method, target)
    for role in ("operator", "warehouse", "sales_manager", "finance"):
        assert (await client.get(url, headers=auth(world, role))).status_code == 200
        r = await client.post(URL, json=account("cargus"), headers=auth(world, role))
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
        assert (await client.patch(url, json={"active": False}, headers=auth(world, role))).status_code == 403
    key = await world.api_key(world.channels["api"])  # an integration's key reads no courier secrets either
    assert (await client.get(URL, headers={"X-API-Key": key})).status_code == 403
    assert (await world.sql("SELECT active FROM courier_account"))[0].active is True
