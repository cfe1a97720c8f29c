"""Intake: POST /api/omni_sales/orders through the real server vs the same SQL through raw asyncpg.

The baseline replays, statement for statement, what one create does in adapters/db (orders.py,
repositories.py, uow.py) inside one transaction, at the same concurrency, so the ratio is the
price of everything the service adds: HTTP, validation, auth, the domain, SQLAlchemy, rendering.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
import orjson

from adapters.db import orders as orders_sql
from adapters.db import repositories as repos
from adapters.db import uow as uow_sql
from adapters.db.engine import make_engine
from domain.orders.model import OrderLine
from tests.factories import World, order_body
from tests.perf import profile
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
    proc_rss_kb,
)

PATH = "/api/omni_sales/orders"
SKUS = tuple(f"BENCH-{i:03d}" for i in range(50))
CUSTOMERS = 2_000
LINE_PRICES = ("49.90", "19.99", "120.00", "7.50", "310.25")


@dataclass(frozen=True)
class IntakeConfig:
    requests: int = 3_000
    warmup: int = 300
    concurrency: int = 32
    client: str = "raw"  # "raw" (asyncio streams) or "httpx"
    rounds: int = 3  # raw and API alternate this many times over the measured requests
    profile: Path | None = None  # py-spy's collapsed stacks of the server during the measured API phase


@dataclass
class IntakeOutcome:
    config: IntakeConfig
    api: LoadResult
    raw: LoadResult
    api_cpu: CpuMeter
    raw_cpu: CpuMeter
    rss_idle_kb: int
    rss_after_kb: int
    profile: list[str] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        api, raw = self.api, self.raw
        ratio = api.throughput / raw.throughput if raw.throughput else 0.0
        figs = [
            Figure("intake throughput (orders/s)", api.throughput, "orders/s", ">= 0.5 x raw", ratio >= 0.5,
                   raw.throughput, "orders/s", ratio),
        ]
        for p in (50, 95, 99):
            a, b = api.pct_ms(p), raw.pct_ms(p)
            figs.append(Figure(f"intake latency p{p}", a, "ms", "-", None, b, "ms", a / b if b else None))
        figs.append(Figure("intake errors", api.errors + raw.errors, "", "0", api.errors + raw.errors == 0))
        figs.append(Figure("intake server CPU per order", 1000 * self.api_cpu.server_s / max(api.count, 1),
                           "ms", "-"))
        return figs


@dataclass(frozen=True)
class Planned:
    """One order of the run, prepared before the clock starts so the load generator stays cheap."""

    ref: str
    key: str
    email: str
    skus: tuple[str, ...]
    request: bytes  # the JSON body the API receives
    request_hash: str


def lines_of(i: int) -> list[tuple[str, str, str]]:
    return [(SKUS[(i * 5 + k) % len(SKUS)], str(k % 3 + 1), LINE_PRICES[k]) for k in range(5)]


Lines = Callable[[int], list[tuple[str, str, str]]]  # order number -> (sku, quantity, unit price) per line


def plan(channel_id: int, n: int, kind: str, lines_for: Lines = lines_of) -> list[Planned]:
    out = []
    for i in range(n):
        email = f"buyer{i % CUSTOMERS + 1}@example.ro"
        lines = lines_for(i)
        ref = f"BENCH-{kind}-{i}"
        body = orjson.dumps(order_body(channel_id, ref=ref, lines=lines, email=email))
        out.append(Planned(ref, f"{kind}-{i}-{os.urandom(6).hex()}", email, tuple(s for s, _, _ in lines), body,
                           hashlib.sha256(body).hexdigest()))
    return out


@dataclass
class Seeded:
    channel_id: int
    warehouse_id: int
    api_key: str
    key_name: str
    products: dict[str, tuple[int, str, Decimal]]  # sku -> (id, name, vat_rate)


async def seed(url: str) -> Seeded:
    engine = make_engine(url, pool_size=2)
    try:
        w = World(engine=engine, secret=JWT_SECRET)
        warehouse_id = await w.warehouse()
        channel_id = await w.channel("bench-api", "api")
        for sku in SKUS:
            await w.product(sku, on_hand="1000000")
        await w.sql("INSERT INTO customer (email, name) "
                    "SELECT 'buyer' || g || '@example.ro', 'Buyer ' || g FROM generate_series(1, :n) g", n=CUSTOMERS)
        key = await w.api_key(channel_id, ("orders:write", "orders:read"))
        rows = await w.sql("SELECT id, sku, name, vat_rate FROM product")
        names = await w.sql("SELECT name FROM api_key")
        await w.sql("ANALYZE")
    finally:
        await engine.dispose()
    return Seeded(channel_id, warehouse_id, key, names[0].name, {r.sku: (r.id, r.name, r.vat_rate) for r in rows})


# What one create executes (traced with sqlalchemy.engine logging), in order. Keep in step with adapters/db.
IDEM_GET = "SELECT request_hash, order_id FROM idempotency_key WHERE scope = $1 AND key = $2"
PRODUCTS = repos._PRODUCTS
CUSTOMER = "SELECT id, name, email, type FROM customer WHERE lower(email) = $1"
INSERT_ORDER = orders_sql.INSERT_ORDER
# $1..$n of INSERT_ORDER, in the order SqlOrderRepository.add passes them.
INSERT_ORDER_PARAMS = [
    "prefix", "channel_id", "source", "external_ref", "status", "approve_status", "approval_rule", "approval_role",
    "customer_id", "customer_name", "customer_email", "customer_type", "currency", "payment_method",
    "shipping_address", "billing_address", "warehouse_id", "promised_date", "notes", "total_net", "total_vat",
    "total_gross", "created_at", "updated_at", "l_product", "l_sku", "l_name", "l_qty", "l_price", "l_rate",
    "l_incl", "l_net", "l_vat", "l_gross", "l_list", "l_mismatch",
    "h_action", "h_from", "h_to", "h_actor", "h_reason", "h_at",
]
# Fail at import, not with thousands of errors mid-run, when the repository's statement changes shape.
assert len(INSERT_ORDER_PARAMS) == max(int(n) for n in re.findall(r"\$(\d+)", INSERT_ORDER)), \
    "INSERT_ORDER changed: update INSERT_ORDER_PARAMS to match SqlOrderRepository.add"
INSERT_IDEM = "INSERT INTO idempotency_key (scope, key, request_hash, order_id) VALUES ($1, $2, $3, $4)"
INSERT_OUTBOX = uow_sql._OUTBOX
ADDRESS_JSON = orjson.dumps({"name": "Ana Pop", "street": "Str. Lunga 5", "city": "Brasov", "county": "BV",
                             "postcode": "500035", "country": "RO"}).decode()


class RawIntake:
    """The durable work of one create, with the values the service would compute prepared in advance."""

    def __init__(self, seeded: Seeded, planned: list[Planned], lines_for: Lines = lines_of) -> None:
        self.s = seeded
        self.planned = planned
        self.scope = f"api_key:{seeded.key_name}"
        # Money per line pattern, computed by the domain's own rules (prices include VAT on this channel).
        # lines_for repeats with a period dividing len(SKUS), so these are all the patterns.
        self._money: dict[tuple[str, ...], list[tuple[Decimal, Decimal, Decimal, Decimal, Decimal]]] = {}
        for i in range(len(SKUS)):
            lines = lines_for(i)
            key = tuple(s for s, _, _ in lines)
            self._money[key] = [
                (q, p, (ol := OrderLine(0, s, "", q, p, seeded.products[s][2], True)).net, ol.vat, ol.gross)
                for s, q, p in ((s, Decimal(q), Decimal(p)) for s, q, p in lines)
            ]

    async def order(self, conn: asyncpg.Connection, i: int) -> None:
        await self.create(conn, i)

    async def create(self, conn: asyncpg.Connection, i: int) -> tuple[int, str]:
        """One create's transaction; returns the new order's (id, number)."""
        o = self.planned[i]
        money = self._money[o.skus]
        net = sum((m[2] for m in money), Decimal(0))
        vat = sum((m[3] for m in money), Decimal(0))
        async with conn.transaction():
            await conn.fetchrow(IDEM_GET, self.scope, o.key)
            # no channel read: the service keeps channel settings in a 5 s cache
            products = {r["sku"]: r for r in await conn.fetch(PRODUCTS, list(set(o.skus)))}
            customer = await conn.fetchrow(CUSTOMER, o.email)
            now = datetime.now(UTC)
            values: dict[str, object] = {
                "prefix": "SO-", "channel_id": self.s.channel_id, "source": "api", "external_ref": o.ref,
                "status": 0, "approve_status": None, "approval_rule": None, "approval_role": None,
                "customer_id": customer["id"], "customer_name": customer["name"], "customer_email": customer["email"],
                "customer_type": customer["type"], "currency": "RON", "payment_method": "cod",
                "shipping_address": ADDRESS_JSON, "billing_address": None, "warehouse_id": self.s.warehouse_id,
                "promised_date": None, "notes": None, "total_net": net, "total_vat": vat, "total_gross": net + vat,
                "created_at": now, "updated_at": now,
                "l_product": [products[sku]["id"] for sku in o.skus], "l_sku": list(o.skus),
                "l_name": [products[sku]["name"] for sku in o.skus], "l_qty": [m[0] for m in money],
                "l_price": [m[1] for m in money], "l_rate": [products[sku]["vat_rate"] for sku in o.skus],
                "l_incl": [True] * len(money), "l_net": [m[2] for m in money], "l_vat": [m[3] for m in money],
                "l_gross": [m[4] for m in money], "l_list": [None] * len(money), "l_mismatch": [False] * len(money),
                "h_action": ["create"], "h_from": [None], "h_to": [0], "h_actor": [self.scope], "h_reason": [None],
                "h_at": [now],
            }
            row = await conn.fetchrow(INSERT_ORDER, *(values[k] for k in INSERT_ORDER_PARAMS))
            order_id = row["id"]
            await conn.execute(INSERT_IDEM, self.scope, o.key, o.request_hash, order_id)
            payload = orjson.dumps({"order_id": order_id, "number": row["number"], "channel_id": self.s.channel_id,
                                    "external_ref": o.ref, "status": 0}).decode()
            await conn.execute(INSERT_OUTBOX, ["order.created"], [order_id], [payload], [now])
        return int(order_id), str(row["number"])


def _api_create(seeded: Seeded, planned: list[Planned]) -> Callable[[Connection, int], Awaitable[None]]:
    common = f"Content-Type: application/json\r\nX-API-Key: {seeded.api_key}\r\n"
    headers = [f"{common}Idempotency-Key: {p.key}\r\n".encode() for p in planned]

    async def create(conn: Connection, i: int) -> None:
        status, payload = await conn.request("POST", PATH, headers[i], planned[i].request)
        if status != 201:
            raise RuntimeError(f"HTTP {status}: {payload[:300]!r}")

    return create


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if k < total % parts else 0) for k in range(parts)]


async def run(cfg: IntakeConfig | None = None) -> IntakeOutcome:
    """Raw and API load alternate in rounds, so that both meet the same machine (others share these cores)."""
    cfg = cfg or IntakeConfig()
    total = cfg.warmup + cfg.requests
    async with fresh_database("oms_bench_intake") as url:
        seeded = await seed(url)
        raw = RawIntake(seeded, plan(seeded.channel_id, total, "raw"))
        create = _api_create(seeded, plan(seeded.channel_id, total, "api"))
        # Thousands of long-lived plan objects: keep the collector off them, the load generator stays cheap.
        gc.collect()
        gc.freeze()
        async with ApiServer(url) as server:
            await asyncio.sleep(1.0)
            rss_idle = proc_rss_kb(server.pid)
            db = [await asyncpg.connect(url) for _ in range(cfg.concurrency)]
            http = [connect(cfg.client, server.host, server.port) for _ in range(cfg.concurrency)]
            recorder = profile.Recorder(server.pid, cfg.profile) if cfg.profile else None
            raw_cpu, api_cpu = CpuMeter(server.pid), CpuMeter(server.pid)
            raw_parts: list[LoadResult] = []
            api_parts: list[LoadResult] = []
            try:
                await closed_loop(db, cfg.warmup, raw.order)
                await closed_loop(http, cfg.warmup, create)
                if recorder:
                    await recorder.start()
                offset = cfg.warmup
                for n in _split(cfg.requests, cfg.rounds):
                    with raw_cpu:
                        raw_parts.append(await closed_loop(db, n, raw.order, offset=offset))
                    with api_cpu:
                        api_parts.append(await closed_loop(http, n, create, offset=offset))
                    offset += n
            finally:
                if recorder:
                    await recorder.stop()
                await asyncio.gather(*(c.close() for c in db), *(c.close() for c in http))
            rss_after = proc_rss_kb(server.pid)
    hot = profile.summarize(cfg.profile).lines() if cfg.profile else []
    return IntakeOutcome(cfg, LoadResult.merge(api_parts), LoadResult.merge(raw_parts), api_cpu, raw_cpu,
                         rss_idle, rss_after, hot)


def details(o: IntakeOutcome) -> list[str]:
    """Lines for the report: everything needed to judge the figures."""
    out = []
    for label, r, cpu in (("API", o.api, o.api_cpu), ("raw asyncpg", o.raw, o.raw_cpu)):
        out.append(
            f"{label}: {r.count} orders in {r.elapsed_s:.2f} s = {r.throughput:.0f} orders/s; "
            f"p50 {r.pct_ms(50):.1f} ms, p95 {r.pct_ms(95):.1f} ms, p99 {r.pct_ms(99):.1f} ms; errors {r.errors}"
            + (f" (first: {r.first_error})" if r.errors else "")
            + f"; CPU: server {cpu.server_user_s:.2f} s user + {cpu.server_sys_s:.2f} s system, "
              f"load generator {cpu.client_s:.2f} s, machine busy {cpu.machine_busy_pct:.0f}%"
        )
    return out


