"""Test helpers for fulfilment: a courier simulator running on a real socket, its account in the database,
orders taken to a packing list through the API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette

from adapters.sandbox.common import serve_in_process
from tests.factories import World, order_body

ORDERS = "/api/omni_sales/orders"
PACKING = "/api/warehouse/packing_lists"
SENDER = {"name": "Depozit Demo SRL", "phone": "0268123456", "street": "Str. Lungă 10", "city": "Brașov",
          "county": "BV", "postcode": "500035", "country": "RO", "email": "depozit@example.ro"}
CARGUS_CREDENTIALS = {"subscription_key": "sub-key-123", "username": "magazin.api", "password": "parola"}


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


@dataclass
class Sim:
    base_url: str
    control: httpx.AsyncClient

    async def arm(self, **faults: Any) -> None:
        (await self.control.post("/_sim/faults", json=faults)).raise_for_status()

    async def outcome(self, outcome: str, external_id: str = "*") -> None:
        (await self.control.post("/_sim/outcome", json={"external_id": external_id, "outcome": outcome})
         ).raise_for_status()

    async def shipments(self) -> list[dict[str, Any]]:
        return list((await self.control.get("/_sim/shipments")).json())


@contextlib.asynccontextmanager
async def simulator(app: Starlette) -> AsyncIterator[Sim]:
    async with serve_in_process(app) as server, httpx.AsyncClient(base_url=server.base_url) as control:
        yield Sim(server.base_url, control)


async def courier_account(w: World, courier: str, base_url: str, credentials: dict[str, str], *,
                          concurrency: int = 8, settings: dict[str, Any] | None = None,
                          label_format: str = "a4") -> None:
    await w.sql("INSERT INTO courier_account (courier, name, base_url, credentials, sender, settings, concurrency, "
                "label_format) VALUES (:c, :c, :u, CAST(:cr AS jsonb), CAST(:s AS jsonb), CAST(:st AS jsonb), :n, :f)",
                c=courier, u=base_url, cr=orjson.dumps(credentials).decode(), s=orjson.dumps(SENDER).decode(),
                st=orjson.dumps(settings or {"timeout_s": 2}).decode(), n=concurrency, f=label_format)


async def confirmed_order(client: httpx.AsyncClient, w: World, ref: str, **body: Any) -> dict[str, Any]:
    r = await client.post(ORDERS, json=order_body(w.channels["api"], ref=ref, **body), headers=auth(w))
    assert r.status_code == 201, r.text
    order = r.json()
    r = await client.post(f"{ORDERS}/{order['id']}/confirm", headers=auth(w))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def packed_list(client: httpx.AsyncClient, w: World, ref: str, packages: int = 1) -> dict[str, Any]:
    """A confirmed order with its delivery note and a packing list whose packages are measured and weighed."""
    order = await confirmed_order(client, w, ref)
    r = await client.post(f"{ORDERS}/{order['id']}/delivery-note", headers=auth(w, "warehouse"))
    assert r.status_code == 201, r.text
    packing_list = r.json()["packing_list"]
    dims = {"length_cm": "30", "width_cm": "20", "height_cm": "10", "weight_kg": "1.5"}
    r = await client.patch(f"{PACKING}/{packing_list['id']}", json={"packages": [dims] * packages},
                           headers=auth(w, "warehouse"))
    assert r.status_code == 200, r.text
    return dict(r.json())
