"""Batch AWB: 500 packing lists against a courier simulator answering every call after 50 ms.

The baseline is what a serial client would take: 500 x 50 ms = 25 s. The batch is the worker's run_awb_batch job
as the console starts it (a batch row, then domain.fulfilment.awb.generate_awbs: claim, call the courier, record;
progress written for the console), with the courier account's concurrency limit; the figure is wall time /
baseline (target <= 0.1). The simulator (Cargus) runs in its own process, as a courier would; a counting proxy
around the gateway records the most calls in flight at once, to show the limit was respected.
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

import httpx
import orjson

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.awb_batches import create_batch
from adapters.db.engine import make_engine
from adapters.db.fulfilment_read import batch_one
from adapters.db.pg import create_pool
from adapters.db.uow import SqlUnitOfWork
from adapters.sandbox.couriers import DEMO_CREDENTIALS
from domain.actors import Actor
from domain.fulfilment.awb import GenerateAwb, generate_awbs
from domain.fulfilment.couriers import (
    CourierGateway,
    CreatedAwb,
    LabelFormat,
    Offer,
    ShipmentRequest,
    TrackingResult,
)
from domain.fulfilment.model import Package
from domain.fulfilment.notes import CreateDeliveryNote, UpdatePackages, create_delivery_note, update_packages
from domain.fulfilment.ports import CourierSetup
from domain.orders.actions import run_action
from domain.orders.commands import CreateOrder, CustomerInput, LineInput, OrderAction
from domain.orders.create import create_order
from domain.orders.model import Address
from tests.factories import World
from tests.perf.common import JWT_SECRET, Figure, free_port, fresh_database, proc_cpu_s
from workers.fulfilment import run_awb_batch

T = TypeVar("T")
ACTOR = Actor(kind="user", id=None, name="bench", roles=frozenset({"operator", "warehouse"}))
SENDER = {"name": "Bench SRL", "phone": "0268000000", "street": "Str. Lunga 1", "city": "Brasov", "county": "BV",
          "postcode": "500035", "country": "RO"}


@dataclass(frozen=True)
class AwbBatchConfig:
    lists: int = 500
    latency_ms: float = 50.0
    concurrency: int = 32  # the courier account's limit


@dataclass
class AwbBatchOutcome:
    cfg: AwbBatchConfig
    wall_s: float
    ok: int
    max_in_flight: int
    prepare_s: float
    awbs_at_courier: int
    serial_sample_s: float = 0.0
    serial_sample_n: int = 0
    errors: list[str] = field(default_factory=list)
    sim_cpu_s: float = 0.0
    own_cpu_s: float = 0.0

    @property
    def baseline_s(self) -> float:
        return self.cfg.lists * self.cfg.latency_ms / 1000

    def figures(self) -> list[Figure]:
        ratio = self.wall_s / self.baseline_s
        return [Figure(f"batch AWB, {self.cfg.lists} packing lists, {self.cfg.latency_ms:.0f} ms courier latency "
                       f"(limit {self.cfg.concurrency})", self.wall_s, "s wall", "<= 0.1 x serial",
                       ok=ratio <= 0.1 and self.ok == self.cfg.lists and self.max_in_flight <= self.cfg.concurrency,
                       baseline=self.baseline_s, baseline_unit="s serial (500 x latency)", ratio=ratio)]


class CountingGateway:
    """Forwards to the real gateway and counts create/find calls in flight."""

    def __init__(self, inner: CourierGateway) -> None:
        self.inner = inner
        self.courier = inner.courier
        self.in_flight = 0
        self.max_in_flight = 0

    async def _count(self, call: Awaitable[T]) -> T:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await call
        finally:
            self.in_flight -= 1

    async def create(self, request: ShipmentRequest) -> CreatedAwb:
        return await self._count(self.inner.create(request))

    async def find(self, request: ShipmentRequest) -> CreatedAwb | None:
        return await self._count(self.inner.find(request))

    async def offers(self, request: ShipmentRequest) -> list[Offer]:
        return await self.inner.offers(request)

    async def label(self, awb_number: str, fmt: LabelFormat) -> bytes:
        return await self.inner.label(awb_number, fmt)

    async def track(self, awb_numbers: Sequence[str]) -> list[TrackingResult]:
        return await self.inner.track(awb_numbers)

    async def cancel(self, awb_number: str) -> None:
        await self.inner.cancel(awb_number)


class CountingDirectory:
    def __init__(self, inner: SqlCourierDirectory) -> None:
        self.inner = inner
        self.gateway: CountingGateway | None = None

    async def get(self, courier: str) -> CourierSetup | None:
        setup = await self.inner.get(courier)
        if setup is None:
            return None
        if self.gateway is None:
            self.gateway = CountingGateway(setup.gateway)
        return replace(setup, gateway=self.gateway)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


async def _packing_lists(url: str, n: int) -> list[int]:
    engine = make_engine(url, pool_size=2)
    world = World(engine=engine, secret=JWT_SECRET)
    await world.warehouse()
    channel_id = await world.channel("api")
    await world.product("BENCH-1", on_hand=str(n * 2))
    await engine.dispose()
    pool = await create_pool(url, size=8)
    address = Address(name="Ana Pop", street="Str. Lunga 5", city="Brasov", county="BV", postcode="500035",
                      country="RO", phone="0722000000")
    dims = [Package(Decimal(30), Decimal(20), Decimal(10), Decimal("1.5"))]
    ids: list[int] = []

    def clock() -> datetime:
        return datetime.now(UTC)

    async def one(i: int) -> None:
        cmd = CreateOrder(channel_id=channel_id, currency="RON", payment_method="cod",
                          customer=CustomerInput(email=f"c{i % 50}@example.ro", name="Ana Pop", phone="0722000000"),
                          shipping_address=address, lines=[LineInput("BENCH-1", Decimal(1), Decimal("49.90"))],
                          external_ref=f"AWB-BENCH-{i}")
        order = (await create_order(cmd, actor=ACTOR, uow=SqlUnitOfWork(pool), clock=clock)).order
        assert order.id is not None
        await run_action(OrderAction(order.id, "confirm"), actor=ACTOR, uow=SqlUnitOfWork(pool), clock=clock)
        outcome = await create_delivery_note(CreateDeliveryNote(order.id), actor=ACTOR, uow=SqlUnitOfWork(pool),
                                             clock=clock)
        assert outcome.packing_list is not None and outcome.packing_list.id is not None
        await update_packages(UpdatePackages(outcome.packing_list.id, dims), actor=ACTOR, uow=SqlUnitOfWork(pool),
                              clock=clock)
        ids.append(outcome.packing_list.id)

    try:
        for start in range(0, n, 16):
            await asyncio.gather(*(one(i) for i in range(start, min(n, start + 16))))
    finally:
        await pool.close()
    return sorted(ids)


def _start_simulator(port: int) -> subprocess.Popen[bytes]:
    """The Cargus simulator in a process of its own, as a courier is."""
    return subprocess.Popen([sys.executable, "-m", "adapters.sandbox.couriers", "cargus", "--port", str(port),
                             "--step-s", "600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run(cfg: AwbBatchConfig | None = None) -> AwbBatchOutcome:
    cfg = cfg or AwbBatchConfig()
    port = free_port()
    sim = _start_simulator(port)
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as control:
            for _ in range(100):
                try:
                    await control.get("/_sim/shipments")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            async with fresh_database("awbbench") as url:
                t0 = time.perf_counter()
                ids = await _packing_lists(url, cfg.lists + 20)
                prepare_s = time.perf_counter() - t0
                pool = await create_pool(url, size=max(10, cfg.concurrency + 4))
                try:
                    await pool.execute(
                        "INSERT INTO courier_account (courier, name, base_url, credentials, sender, concurrency, "
                        "default_service) VALUES ('cargus', 'bench', $1, $2::jsonb, $3::jsonb, $4, 'Standard')",
                        f"{base}/api", DEMO_CREDENTIALS["cargus"], SENDER, cfg.concurrency)
                    await control.post("/_sim/faults", json={"latency_ms": cfg.latency_ms})
                    couriers = CountingDirectory(SqlCourierDirectory(pool))

                    def uow() -> SqlUnitOfWork:
                        return SqlUnitOfWork(pool)

                    # Serial sample (20 lists, one at a time): what a client without a batch pays per AWB here.
                    t0 = time.perf_counter()
                    for pid in ids[:20]:
                        await generate_awbs(GenerateAwb([pid], "cargus"), actor=ACTOR, uow_factory=uow,
                                            couriers=couriers, clock=lambda: datetime.now(UTC))
                    serial_s = time.perf_counter() - t0
                    batch = ids[20:20 + cfg.lists]
                    gc.collect()
                    gc.freeze()  # as the worker does once started (workers/settings.py)
                    batch_id = await create_batch(pool, courier="cargus", service=None, packing_list_ids=batch,
                                                  created_by="bench", now=datetime.now(UTC))
                    sim_cpu0, own_cpu0 = sum(proc_cpu_s(sim.pid)), _own_cpu()
                    t0 = time.perf_counter()
                    # What the worker runs for the console's batch: the job, its progress writes included.
                    await run_awb_batch({"pool": pool, "couriers": couriers}, outbox_id=0,
                                        event_type="awb_batch.requested", aggregate_type="awb_batch",
                                        aggregate_id=batch_id, payload={})
                    wall = time.perf_counter() - t0
                    done = await batch_one(pool, batch_id)
                    assert done is not None
                    results = list(done["results"])
                    sim_cpu, own_cpu = sum(proc_cpu_s(sim.pid)) - sim_cpu0, _own_cpu() - own_cpu0
                    at_courier = len(orjson.loads((await control.get("/_sim/shipments")).content))
                    assert couriers.gateway is not None
                    await couriers.inner.aclose()
                finally:
                    await pool.close()
        return AwbBatchOutcome(cfg, wall, sum(1 for r in results if r["ok"]), couriers.gateway.max_in_flight,
                               prepare_s, at_courier - 20, serial_s, 20,
                               [r["error"] or "" for r in results if not r["ok"]][:5], sim_cpu, own_cpu)
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def details(o: AwbBatchOutcome) -> list[str]:
    lines = [f"{o.ok}/{o.cfg.lists} AWBs in {o.wall_s:.2f} s ({o.cfg.lists / o.wall_s:.0f} AWB/s); serial baseline "
             f"{o.baseline_s:.1f} s; ratio {o.wall_s / o.baseline_s:.3f}",
             f"most courier calls in flight {o.max_in_flight} (account limit {o.cfg.concurrency}); AWBs held by the "
             f"simulator for the batch: {o.awbs_at_courier}",
             f"serial sample: {o.serial_sample_n} AWBs one at a time in {o.serial_sample_s:.2f} s "
             f"({o.serial_sample_s / max(o.serial_sample_n, 1) * 1000:.0f} ms each: latency + our two transactions)",
             f"CPU during the batch: OMS side {o.own_cpu_s:.1f} s, courier simulator {o.sim_cpu_s:.1f} s "
             f"({o.own_cpu_s / o.cfg.lists * 1000:.1f} and {o.sim_cpu_s / o.cfg.lists * 1000:.1f} ms per AWB)",
             f"setup (orders, notes, packing lists) {o.prepare_s:.1f} s, not timed"]
    if o.errors:
        lines.append("errors: " + "; ".join(o.errors))
    return lines


if __name__ == "__main__":
    from tests.perf.common import configure_servers

    configure_servers()
    import uvloop

    out = uvloop.run(run(AwbBatchConfig()))
    print("\n".join(details(out)))
