"""Create + confirm: a 3-line order created with an API key, then confirmed by an operator, vs raw asyncpg.

This is the figure peers are compared on: one order = a completed pair of requests. The baseline runs,
on as many asyncpg connections, the create transaction exactly as intake.RawIntake does, then the
confirm transaction as run_action/_confirm executes it through adapters/db (same SQL constants, same
order): lock the order, read it, lock the stock levels, save them, update the order, replace its
reservations, add the history row, write the outbox, commit.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
import orjson

from adapters.db import orders as orders_sql
from adapters.db import repositories as repos
from adapters.db import uow as uow_sql
from adapters.db.engine import make_engine
from domain.orders.status import OrderStatus
from tests.factories import World
from tests.perf import intake
from tests.perf.common import (
    JWT_SECRET,
    ApiServer,
    Connection,
    CpuMeter,
    Figure,
    LoadResult,
    closed_loop,
    connect,
    fresh_database,
)

CREATE_PATH = intake.PATH
CONFIRM_PATH = "/api/omni_sales/orders/{}/confirm"
OPERATOR = "operator@bench.example.ro"
CONFIRMED = int(OrderStatus.CONFIRMED)
DRAFT = int(OrderStatus.DRAFT)

# Published figures, quoted in the project brief; not measured here (other software, other runs).
# orders/s through each product's own API: a 3-line order created and confirmed, 8 clients at a time.
PEERS: tuple[tuple[str, float], ...] = (("Saleor", 1.7), ("Medusa", 4.3))

# The statements of one confirm, in the order run_action/_confirm issues them (keep in step with adapters/db).
LOCK_ORDER = orders_sql.LOCK_ORDER
GET_ORDER = orders_sql.GET_ORDER
LOCK_LEVELS = repos._LOCK_LEVELS
SAVE_LEVELS = repos._SAVE_LEVELS
UPDATE_ORDER = orders_sql.UPDATE_ORDER
DELETE_RESERVATIONS = orders_sql.DELETE_RESERVATIONS
REPLACE_RESERVATIONS = orders_sql.REPLACE_RESERVATIONS
INSERT_HISTORY = orders_sql.INSERT_HISTORY
INSERT_OUTBOX = uow_sql._OUTBOX


@dataclass(frozen=True)
class ConfirmConfig:
    orders: int = 2_000
    warmup: int = 200
    concurrency: int = 8
    client: str = "raw"
    rounds: int = 3  # raw and API alternate this many times over the measured orders


def lines_of(i: int) -> list[tuple[str, str, str]]:
    """3 distinct SKUs per order; consecutive orders (those in flight together) mostly share none."""
    n = len(intake.SKUS)
    return [(intake.SKUS[(i * 3 + k) % n], str(k + 1), intake.LINE_PRICES[k]) for k in range(3)]


@dataclass
class Check:
    """What the database holds after the run: every order of both sides should be confirmed and reserved."""

    orders: int = 0
    confirmed: int = 0
    reservations: int = 0
    confirm_events: int = 0
    reserved: Decimal = Decimal(0)
    expected_reserved: Decimal = Decimal(0)


@dataclass
class ConfirmOutcome:
    config: ConfirmConfig
    api: LoadResult
    raw: LoadResult
    api_cpu: CpuMeter
    raw_cpu: CpuMeter
    check: Check

    @property
    def ratio(self) -> float:
        return self.api.throughput / self.raw.throughput if self.raw.throughput else 0.0

    def figures(self) -> list[Figure]:
        api, raw = self.api, self.raw
        figs = [
            Figure("create+confirm throughput (orders/s)", api.throughput, "orders/s", "aim >= 0.5 x raw",
                   self.ratio >= 0.5, raw.throughput, "orders/s", self.ratio),
        ]
        for p in (50, 95, 99):
            a, b = api.pct_ms(p), raw.pct_ms(p)
            figs.append(Figure(f"create+confirm latency p{p}", a, "ms", "-", None, b, "ms", a / b if b else None))
        errors = api.errors + raw.errors
        figs.append(Figure("create+confirm errors", errors, "", "0", errors == 0))
        figs.append(Figure("create+confirm server CPU per order", 1000 * self.api_cpu.server_s / max(api.count, 1),
                           "ms", "-"))
        for name, published in PEERS:
            figs.append(Figure(f"create+confirm vs {name} (published figure, not measured here)", api.throughput,
                               "orders/s", "-", None, published, "orders/s", api.throughput / published))
        return figs


@dataclass(frozen=True)
class ConfirmPlan:
    """What the confirm of one order reserves, in product id order as reserve_lines walks it."""

    product_ids: list[int]
    quantities: list[Decimal]


class RawCreateConfirm:
    """The durable work of a create and then a confirm, with the values the service would compute prepared."""

    def __init__(self, seeded: intake.Seeded, planned: list[intake.Planned], actor: str) -> None:
        self.create = intake.RawIntake(seeded, planned, lines_of)
        self.warehouse_id = seeded.warehouse_id
        self.actor = actor
        self._plans: dict[tuple[str, ...], ConfirmPlan] = {}
        for i in range(len(intake.SKUS)):
            lines = lines_of(i)
            needed: dict[int, Decimal] = {}
            for sku, qty, _ in lines:
                pid = seeded.products[sku][0]
                needed[pid] = needed.get(pid, Decimal(0)) + Decimal(qty)
            ids = sorted(needed)
            self._plans[tuple(s for s, _, _ in lines)] = ConfirmPlan(ids, [needed[p] for p in ids])

    async def order(self, conn: asyncpg.Connection, i: int) -> None:
        order_id, number = await self.create.create(conn, i)
        await self.confirm(conn, order_id, number, self._plans[self.create.planned[i].skus])

    async def confirm(self, conn: asyncpg.Connection, order_id: int, number: str, plan: ConfirmPlan) -> None:
        async with conn.transaction():
            await conn.execute(LOCK_ORDER, order_id)
            order = await conn.fetchrow(GET_ORDER, order_id)
            levels = await conn.fetch(LOCK_LEVELS, self.warehouse_id, plan.product_ids)
            wanted = dict(zip(plan.product_ids, plan.quantities, strict=True))
            reserved = []
            for lv in levels:
                if lv["on_hand"] - lv["reserved"] - lv["quarantine"] < wanted[lv["product_id"]]:
                    raise RuntimeError(f"stock short for product {lv['product_id']}: seed more")
                reserved.append(lv["reserved"] + wanted[lv["product_id"]])
            await conn.execute(SAVE_LEVELS, [lv["product_id"] for lv in levels], [lv["warehouse_id"] for lv in levels],
                               [lv["on_hand"] for lv in levels], reserved, [lv["quarantine"] for lv in levels])
            now = datetime.now(UTC)
            status = await conn.execute(
                UPDATE_ORDER, order_id, order["version"], CONFIRMED, order["approve_status"], order["approval_rule"],
                order["approval_role"], None, order["total_net"], order["total_vat"], order["total_gross"], now,
                order["preorder_flagged_at"],
            )
            if status != "UPDATE 1":
                raise RuntimeError(f"order {order_id} changed under the confirm: {status}")
            await conn.execute(DELETE_RESERVATIONS, order_id)
            await conn.execute(REPLACE_RESERVATIONS, order_id, plan.product_ids,
                               [self.warehouse_id] * len(plan.product_ids), plan.quantities)
            await conn.execute(INSERT_HISTORY, order_id, ["confirm"], [DRAFT], [CONFIRMED], [self.actor], [None],
                               [now])
            payload = orjson.dumps({"order_id": order_id, "number": number, "from": DRAFT, "to": CONFIRMED,
                                    "reason": None}).decode()
            await conn.execute(INSERT_OUTBOX, ["order.confirm"], [order_id], [payload], [now])


def _api_pair(seeded: intake.Seeded, planned: list[intake.Planned],
              token: str) -> Callable[[Connection, int], Awaitable[None]]:
    common = f"Content-Type: application/json\r\nX-API-Key: {seeded.api_key}\r\n"
    create_headers = [f"{common}Idempotency-Key: {p.key}\r\n".encode() for p in planned]
    confirm_headers = f"Authorization: Bearer {token}\r\n".encode()

    async def pair(conn: Connection, i: int) -> None:
        status, payload = await conn.request("POST", CREATE_PATH, create_headers[i], planned[i].request)
        if status != 201:
            raise RuntimeError(f"create: HTTP {status}: {payload[:300]!r}")
        order_id = orjson.loads(payload)["id"]
        status, payload = await conn.request("POST", CONFIRM_PATH.format(order_id), confirm_headers)
        if status != 200:
            raise RuntimeError(f"confirm: HTTP {status}: {payload[:300]!r}")
        if orjson.loads(payload)["status"] != CONFIRMED:
            raise RuntimeError(f"confirm left order {order_id} {orjson.loads(payload)['status_label']}")

    return pair


async def _operator_token(url: str) -> str:
    """A staff operator and an access token for it, as tests.factories.World issues them."""
    engine = make_engine(url, pool_size=1)
    try:
        return await World(engine=engine, secret=JWT_SECRET).user(OPERATOR, ["operator"], "Bench Operator")
    finally:
        await engine.dispose()


async def _check(url: str, plans: list[intake.Planned]) -> Check:
    expected = Decimal(0)
    for p in plans:
        expected += sum((Decimal(q) for _, q, _ in lines_of(int(p.ref.rsplit("-", 1)[1]))), Decimal(0))
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM sales_order) AS orders, "
            "(SELECT count(*) FROM sales_order WHERE status = $1) AS confirmed, "
            "(SELECT count(*) FROM stock_reservation) AS reservations, "
            "(SELECT count(*) FROM outbox WHERE event_type = 'order.confirm') AS events, "
            "(SELECT sum(reserved) FROM stock_level) AS reserved", CONFIRMED)
    finally:
        await conn.close()
    return Check(row["orders"], row["confirmed"], row["reservations"], row["events"], row["reserved"], expected)


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if k < total % parts else 0) for k in range(parts)]


async def run(cfg: ConfirmConfig | None = None) -> ConfirmOutcome:
    """Raw and API load alternate in rounds, so that both meet the same machine (others share these cores)."""
    cfg = cfg or ConfirmConfig()
    total = cfg.warmup + cfg.orders
    async with fresh_database("oms_bench_confirm") as url:
        seeded = await intake.seed(url)  # 1,000,000 on hand per product: every confirm reserves
        token = await _operator_token(url)
        raw_plans = intake.plan(seeded.channel_id, total, "raw", lines_of)
        api_plans = intake.plan(seeded.channel_id, total, "api", lines_of)
        raw = RawCreateConfirm(seeded, raw_plans, f"user:{OPERATOR}")
        pair = _api_pair(seeded, api_plans, token)
        gc.collect()
        gc.freeze()
        async with ApiServer(url) as server:
            db = [await asyncpg.connect(url) for _ in range(cfg.concurrency)]
            http = [connect(cfg.client, server.host, server.port) for _ in range(cfg.concurrency)]
            raw_cpu, api_cpu = CpuMeter(server.pid), CpuMeter(server.pid)
            raw_parts: list[LoadResult] = []
            api_parts: list[LoadResult] = []
            try:
                await closed_loop(db, cfg.warmup, raw.order)
                await closed_loop(http, cfg.warmup, pair)
                offset = cfg.warmup
                for n in _split(cfg.orders, cfg.rounds):
                    with raw_cpu:
                        raw_parts.append(await closed_loop(db, n, raw.order, offset=offset))
                    with api_cpu:
                        api_parts.append(await closed_loop(http, n, pair, offset=offset))
                    offset += n
            finally:
                await asyncio.gather(*(c.close() for c in db), *(c.close() for c in http))
        check = await _check(url, raw_plans + api_plans)
    return ConfirmOutcome(cfg, LoadResult.merge(api_parts), LoadResult.merge(raw_parts), api_cpu, raw_cpu, check)


def details(o: ConfirmOutcome) -> list[str]:
    """Lines for the report: everything needed to judge the figures."""
    out = []
    for label, r, cpu in (("API", o.api, o.api_cpu), ("raw asyncpg", o.raw, o.raw_cpu)):
        out.append(
            f"{label}: {r.count} orders (create + confirm) in {r.elapsed_s:.2f} s = {r.throughput:.0f} orders/s; "
            f"p50 {r.pct_ms(50):.1f} ms, p95 {r.pct_ms(95):.1f} ms, p99 {r.pct_ms(99):.1f} ms; errors {r.errors}"
            + (f" (first: {r.first_error})" if r.errors else "")
            + f"; CPU: server {cpu.server_user_s:.2f} s user + {cpu.server_sys_s:.2f} s system, "
              f"load generator {cpu.client_s:.2f} s, machine busy {cpu.machine_busy_pct:.0f}%"
        )
    c = o.check
    ok = c.confirmed == c.orders == c.confirm_events and c.reservations == 3 * c.orders \
        and c.reserved == c.expected_reserved
    out.append(
        f"database after the run (warm-up included, both sides): {c.orders:,} orders, {c.confirmed:,} confirmed, "
        f"{c.reservations:,} reservation rows, {c.confirm_events:,} order.confirm outbox events, stock reserved "
        f"{c.reserved:,} of {c.expected_reserved:,} ordered" + ("" if ok else " - MISMATCH")
    )
    out.append(
        "peers (published figures quoted in the project brief, NOT measured in this run; their APIs, "
        "3-line order, create + confirm, 8 at a time): "
        + "; ".join(f"{name} about {value} orders/s, this run's API {o.api.throughput / value:,.0f} x"
                    for name, value in PEERS)
    )
    return out
