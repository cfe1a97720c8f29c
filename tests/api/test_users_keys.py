"""Users and API keys as an admin manages them, and what a partner can do with the key it is given."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import World, order_body


def auth(w: World, role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def new_user(**extra: Any) -> dict[str, Any]:
    return {"email": f"dana.{uuid.uuid4().hex[:8]}@test.local", "name": "Dana Ilie", "roles": ["operator"],
            "password": "s3cret-pass", **extra}


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password})


async def test_admin_creates_a_user_who_can_then_log_in(client: httpx.AsyncClient, world: World) -> None:
    body = new_user(roles=["operator", "finance"])
    r = await client.post("/api/users", json=body, headers=auth(world))
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["email"] == body["email"] and user["roles"] == ["finance", "operator"] and user["active"] is True
    assert r.headers["location"] == f"/api/users/{user['id']}"
    assert "password" not in r.text and "argon2" not in r.text

    r = await login(client, body["email"], body["password"])
    assert r.status_code == 200, r.text
    assert r.json()["user"]["roles"] == ["finance", "operator"]
    assert (await login(client, body["email"], "not-the-password")).status_code == 401

    listed = (await client.get("/api/users", headers=auth(world))).json()
    assert body["email"] in [u["email"] for u in listed["items"]]
    assert "argon2" not in str(listed)


async def test_a_new_password_needs_eight_characters(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post("/api/users", json=new_user(password="short"), headers=auth(world))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == ["password"]


async def test_an_email_is_used_once_whatever_its_case(client: httpx.AsyncClient, world: World) -> None:
    body = new_user()
    assert (await client.post("/api/users", json=body, headers=auth(world))).status_code == 201
    again = {**body, "email": body["email"].upper()}
    r = await client.post("/api/users", json=again, headers=auth(world))
    assert r.status_code == 409
    assert r.json()["existing_id"] is not None


async def test_unknown_roles_are_refused(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post("/api/users", json=new_user(roles=["superuser"]), headers=auth(world))
    assert r.status_code == 422


async def test_admin_changes_roles_password_and_deactivates(client: httpx.AsyncClient, world: World) -> None:
    body = new_user()
    user_id = (await client.post("/api/users", json=body, headers=auth(world))).json()["id"]

    r = await client.patch(f"/api/users/{user_id}", json={"roles": ["sales_manager"], "password": "another-one",
                                                          "locale": "ro"}, headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["roles"] == ["sales_manager"] and r.json()["locale"] == "ro"
    assert (await login(client, body["email"], body["password"])).status_code == 401
    assert (await login(client, body["email"], "another-one")).json()["user"]["roles"] == ["sales_manager"]

    r = await client.patch(f"/api/users/{user_id}", json={"active": False}, headers=auth(world))
    assert r.json()["active"] is False
    assert (await login(client, body["email"], "another-one")).status_code == 401

    assert (await client.patch("/api/users/999999", json={"name": "x"}, headers=auth(world))).status_code == 404


async def test_null_in_a_change_is_refused_rather_than_guessed(client: httpx.AsyncClient, world: World) -> None:
    user_id = (await client.post("/api/users", json=new_user(), headers=auth(world))).json()["id"]
    r = await client.patch(f"/api/users/{user_id}", json={"name": None}, headers=auth(world))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["name"]


async def test_users_are_listed_page_by_page(client: httpx.AsyncClient, world: World) -> None:
    for _ in range(3):
        assert (await client.post("/api/users", json=new_user(), headers=auth(world))).status_code == 201
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/users", params=params, headers=auth(world))).json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 8 and seen == sorted(set(seen))  # five staff from the world, three new
    assert (await client.get("/api/users", params={"cursor": "nonsense!"}, headers=auth(world))).status_code == 422


async def test_an_admin_cannot_lock_themselves_out(client: httpx.AsyncClient, world: World) -> None:
    me = (await client.get("/api/auth/me", headers=auth(world))).json()
    r = await client.patch(f"/api/users/{me['id']}", json={"active": False}, headers=auth(world))
    assert r.status_code == 409
    r = await client.patch(f"/api/users/{me['id']}", json={"roles": ["operator"]}, headers=auth(world))
    assert r.status_code == 409


@pytest.mark.parametrize("role", ["operator", "sales_manager", "warehouse", "finance"])
async def test_only_admins_manage_users_and_keys(client: httpx.AsyncClient, world: World, role: str) -> None:
    h = auth(world, role)
    assert (await client.get("/api/users", headers=h)).status_code == 403
    assert (await client.post("/api/users", json=new_user(), headers=h)).status_code == 403
    assert (await client.get("/api/api_keys", headers=h)).status_code == 403
    key_body = {"name": "x", "channel_id": world.channels["api"], "scopes": ["orders:read"]}
    assert (await client.post("/api/api_keys", json=key_body, headers=h)).status_code == 403


async def test_without_credentials_it_is_a_401(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/api/users")).status_code == 401
    assert (await client.get("/api/api_keys")).status_code == 401


async def test_an_api_key_cannot_manage_keys(client: httpx.AsyncClient, world: World) -> None:
    key = await world.api_key(world.channels["api"])
    r = await client.get("/api/api_keys", headers={"X-API-Key": key})
    assert r.status_code == 403


async def test_a_key_is_shown_once_and_works_only_for_its_channel(client: httpx.AsyncClient, world: World) -> None:
    own, other = world.channels["api"], await world.channel("shop", "woocommerce")
    r = await client.post("/api/api_keys", json={"name": "ERP Ana", "channel_id": own,
                                                  "scopes": ["orders:write", "orders:read"]}, headers=auth(world))
    assert r.status_code == 201, r.text
    created = r.json()
    key = created["key"]
    assert key.startswith("oms_") and created["prefix"] in key and created["channel_id"] == own

    listed = (await client.get("/api/api_keys", headers=auth(world))).json()["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0] and key not in str(listed) and "key_hash" not in listed[0]

    partner = {"X-API-Key": key}
    r = await client.post("/api/omni_sales/orders", json=order_body(own, ref="K-1"), headers=partner)
    assert r.status_code == 201, r.text
    mine = r.json()["id"]
    assert (await client.get(f"/api/omni_sales/orders/{mine}", headers=partner)).status_code == 200

    r = await client.post("/api/omni_sales/orders", json=order_body(other, ref="K-2"), headers=partner)
    assert r.status_code == 403
    theirs = (await client.post("/api/omni_sales/orders", json=order_body(other, ref="K-3"),
                                headers=auth(world, "operator"))).json()["id"]
    assert (await client.get(f"/api/omni_sales/orders/{theirs}", headers=partner)).status_code == 404
    queue = (await client.get("/api/omni_sales/orders", headers=partner)).json()
    assert [o["id"] for o in queue["items"]] == [mine]


async def test_a_revoked_key_stops_working_at_once(client: httpx.AsyncClient, world: World) -> None:
    channel_id = world.channels["api"]
    created = (await client.post("/api/api_keys", json={"name": "shop", "channel_id": channel_id,
                                                        "scopes": ["orders:read"]}, headers=auth(world))).json()
    partner = {"X-API-Key": created["key"]}
    assert (await client.get("/api/omni_sales/orders", headers=partner)).status_code == 200  # now cached

    r = await client.delete(f"/api/api_keys/{created['id']}", headers=auth(world))
    assert r.status_code == 204
    assert (await client.get("/api/omni_sales/orders", headers=partner)).status_code == 401
    listed = (await client.get("/api/api_keys", headers=auth(world))).json()["items"]
    assert [k["active"] for k in listed] == [False]
    assert (await client.delete(f"/api/api_keys/{created['id']}", headers=auth(world))).status_code == 204
    assert (await client.delete("/api/api_keys/999999", headers=auth(world))).status_code == 404


async def test_a_read_only_key_cannot_create_orders(client: httpx.AsyncClient, world: World) -> None:
    channel_id = world.channels["api"]
    key = (await client.post("/api/api_keys", json={"name": "reader", "channel_id": channel_id,
                                                    "scopes": ["orders:read"]}, headers=auth(world))).json()["key"]
    r = await client.post("/api/omni_sales/orders", json=order_body(channel_id), headers={"X-API-Key": key})
    assert r.status_code == 403


async def test_key_requests_are_validated(client: httpx.AsyncClient, world: World) -> None:
    cases = [
        {"name": "x", "channel_id": 999999, "scopes": ["orders:read"]},
        {"name": "x", "channel_id": world.channels["api"], "scopes": ["admin"]},
        {"name": "x", "channel_id": world.channels["api"], "scopes": []},
        {"name": "", "channel_id": world.channels["api"], "scopes": ["orders:read"]},
    ]
    for body in cases:
        r = await client.post("/api/api_keys", json=body, headers=auth(world))
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"]


@pytest.fixture
async def office(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client from its own address, so the per-address throttle counts only this test's failures."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_repeated_failed_logins_are_throttled(client: httpx.AsyncClient, office: httpx.AsyncClient,
                                                    world: World) -> None:
    body = new_user()
    assert (await client.post("/api/users", json=body, headers=auth(world))).status_code == 201
    for _ in range(5):
        assert (await login(office, body["email"], "wrong-password")).status_code == 401
    r = await login(office, body["email"], body["password"])
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert r.headers["content-type"] == "application/problem+json"


async def test_deactivated_user_token_stops_working_and_role_changes_apply(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = {"Authorization": f"Bearer {world.tokens['admin@test.local']}"}
    operator = {"Authorization": f"Bearer {world.tokens['operator@test.local']}"}
    assert (await client.get("/api/omni_sales/orders", headers=operator)).status_code == 200
    users = (await client.get("/api/users", headers=admin)).json()["items"]
    op_id = next(u["id"] for u in users if u["email"] == "operator@test.local")

    r = await client.patch(f"/api/users/{op_id}", json={"roles": ["finance"]}, headers=admin)
    assert r.status_code == 200
    me = (await client.get("/api/auth/me", headers=operator)).json()
    assert me["roles"] == ["finance"]  # the old token carries the new roles

    r = await client.patch(f"/api/users/{op_id}", json={"active": False}, headers=admin)
    assert r.status_code == 200
    r = await client.get("/api/omni_sales/orders", headers=operator)
    assert r.status_code == 401
    assert "deactivated" in r.json()["detail"]
