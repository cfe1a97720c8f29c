"""The faults of the fulfilment issue, each ending with exactly one AWB per packing list: a courier failing 30% of
calls (5xx and 429), calls that time out, a courier that creates the AWB and answers too late, and the process
dying between the courier's answer and our save. Real app, PostgreSQL and the Innoship simulator."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.uow import SqlUnitOfWork
from adapters.sandbox.innoship import build_app as innoship_app
from domain.actors import Actor
from domain.fulfilment.awb import GenerateAwb, RetryPolicy, generate_awbs
from tests.factories import World
from tests.fulfilment_helpers import PACKING, Sim, auth, courier_account, packed_list, simulator

KEY = "innoship-test-key"
WAREHOUSE = Actor(kind="user", id=None, name="warehouse test", roles=frozenset({"warehouse"}))
FAST = RetryPolicy(attempts=4, first_delay_s=0.01, max_delay_s=0.05)


@pytest.fixture
async def innoship(world: World) -> AsyncIterator[Sim]:
    async with simulator(innoship_app(credentials={"api_key": KEY}, step_s=60)) as sim:
        await courier_account(world, "innoship", sim.base_url, {"api_key": KEY}, concurrency=8,
                              settings={"timeout_s": 0.5})
        yield sim


async def awbs_per_external_id(sim: Sim) -> Counter[str]:
    return Counter(s["external_id"] for s in await sim.shipments() if not s.get("cancelled"))


async def live_awbs(world: World) -> dict[int, list[str]]:
    rows = await world.sql("SELECT packing_list_id, awb_number FROM shipment WHERE status = 'created'")
    out: dict[int, list[str]] = {}
    for row in rows:
        out.setdefault(row.packing_list_id, []).append(row.awb_number)
    return out


async def run(app: FastAPI, ids: list[int], *, clock: datetime | None = None) -> list[bool]:
    container = app.state.container
    results = await generate_awbs(GenerateAwb(ids, "innoship"), actor=WAREHOUSE,
                                  uow_factory=lambda: SqlUnitOfWork(container.pool),
                                  couriers=SqlCourierDirectory(container.pool),
                                  clock=(lambda: clock) if clock else (lambda: datetime.now(UTC)), policy=FAST)
    return [r.ok for r in results]


@pytest.mark.parametrize("status", [503, 429])
async def test_thirty_percent_errors_end_with_one_awb_per_packing_list(
        client: httpx.AsyncClient, world: World, innoship: Sim, app: FastAPI, status: int) -> None:
    ids = [(await packed_list(client, world, f"F30-{status}-{i}"))["id"] for i in range(12)]
    await innoship.arm(error_rate=0.3, status=status, retry_after=0, seed=3)
    pending = ids
    for _ in range(6):  # the operator (or a batch) tries again what failed; each run retries with backoff too
        oks = await run(app, pending)
        pending = [pid for pid, ok in zip(pending, oks, strict=True) if not ok]
        if not pending:
            break
    assert pending == []
    served = (await innoship.control.post("/_sim/faults", json={})).json()["served"]
    assert served >= 3  # the courier really failed calls (about 30% of them)
    assert {pid: len(awbs) for pid, awbs in (await live_awbs(world)).items()} == dict.fromkeys(ids, 1)
    assert set((await awbs_per_external_id(innoship)).values()) == {1}
    assert len(await awbs_per_external_id(innoship)) == 12


async def test_rate_limits_are_waited_out(client: httpx.AsyncClient, world: World, innoship: Sim,
                                          app: FastAPI) -> None:
    ids = [(await packed_list(client, world, f"F429-{i}"))["id"] for i in range(4)]
    await innoship.arm(count=3, status=429, retry_after=0)
    assert await run(app, ids) == [True] * 4
    assert len(await awbs_per_external_id(innoship)) == 4


async def test_a_timeout_is_retried_without_a_second_awb(
        client: httpx.AsyncClient, world: World, innoship: Sim, app: FastAPI) -> None:
    packing_list = await packed_list(client, world, "FTO-1")
    await innoship.arm(timeout_count=1, hang_s=2)
    assert await run(app, [packing_list["id"]]) == [True]
    assert list((await awbs_per_external_id(innoship)).values()) == [1]


async def test_an_awb_created_but_answered_too_late_is_found_not_made_again(
        client: httpx.AsyncClient, world: World, innoship: Sim, app: FastAPI) -> None:
    packing_list = await packed_list(client, world, "FLATE-1")
    await innoship.arm(late_count=1, hang_s=2)
    assert await run(app, [packing_list["id"]]) == [True]
    assert list((await awbs_per_external_id(innoship)).values()) == [1]
    [awb] = (await live_awbs(world))[packing_list["id"]]
    assert awb == (await innoship.shipments())[0]["awb"]


async def test_death_after_the_courier_answered_is_reconciled_by_the_next_attempt(
        client: httpx.AsyncClient, world: World, innoship: Sim, app: FastAPI) -> None:
    packing_list = await packed_list(client, world, "FKILL-1")
    await innoship.arm(late_count=1, hang_s=30)
    attempt = asyncio.create_task(run(app, [packing_list["id"]]))
    for _ in range(200):  # wait until the courier holds the AWB, then kill the attempt mid-call
        if await innoship.shipments():
            break
        await asyncio.sleep(0.02)
    attempt.cancel()
    with pytest.raises(asyncio.CancelledError):
        await attempt
    [row] = await world.sql("SELECT status, attempts FROM shipment")
    assert (row.status, row.attempts) == ("pending", 1)  # nothing saved: the answer never arrived

    # A click while the dead attempt still holds its claim is refused, not doubled.
    r = await client.post(f"{PACKING}/{packing_list['id']}/awb", json={"courier": "innoship"},
                          headers=auth(world, "warehouse"))
    assert r.status_code == 409 and "being generated" in r.json()["detail"]
    # Once the claim has expired, the next attempt looks first and finds the AWB the courier made.
    await innoship.arm(count=0)
    assert await run(app, [packing_list["id"]], clock=datetime.now(UTC) + timedelta(minutes=2)) == [True]
    assert list((await awbs_per_external_id(innoship)).values()) == [1]
    [awb] = (await live_awbs(world))[packing_list["id"]]
    assert awb == (await innoship.shipments())[0]["awb"]
    order = (await client.get(f"/api/omni_sales/orders/{packing_list['order_id']}", headers=auth(world))).json()
    assert order["status_label"] == "shipping"


async def test_innoship_tracking_push_moves_the_order_and_needs_the_token(
        client: httpx.AsyncClient, world: World, app: FastAPI) -> None:
    async with simulator(innoship_app(credentials={"api_key": KEY}, step_s=0.02)) as innoship:
        await courier_account(world, "innoship", innoship.base_url, {"api_key": KEY},
                              settings={"timeout_s": 2, "webhook_token": "t0ken"})
        await pushed_to_delivered(client, world, app, innoship)


async def pushed_to_delivered(client: httpx.AsyncClient, world: World, app: FastAPI, innoship: Sim) -> None:
    packing_list = await packed_list(client, world, "FPUSH-1")
    assert await run(app, [packing_list["id"]]) == [True]
    [sent] = await innoship.shipments()
    await asyncio.sleep(0.3)  # the parcel's journey is over in the simulator
    # The push has the shape of the Track answer (adapters/couriers/innoship.py), so ask the simulator for it.
    track = await innoship.control.post(
        "/api/Track/by-awb/with-return", params={"api-version": "1.0"}, headers={"X-Api-Key": KEY},
        json={"courier": sent["courier_id"], "awbList": [sent["awb"]]})
    assert track.status_code == 200, track.text
    url = "/api/webhooks/innoship"
    assert (await client.post(url, params={"token": "wrong"}, content=track.content)).status_code == 401
    assert (await client.post(url, params={"token": "t0ken"}, content=b"{not json")).status_code == 400
    r = await client.post(url, params={"token": "t0ken"}, content=track.content)
    assert r.status_code == 200 and r.json()["delivered"] == 1
    again = await client.post(url, params={"token": "t0ken"}, content=track.content)  # a repeated push
    assert again.json()["changed"] == 0
    order = (await client.get(f"/api/omni_sales/orders/{packing_list['order_id']}", headers=auth(world))).json()
    assert order["status_label"] == "delivered"
    assert [h["to_status"] for h in order["history"]].count(5) == 1
