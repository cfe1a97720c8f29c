"""Queue: GET /api/omni_sales/orders by status at 1,000,000 orders, first and deep page, vs the same SQL raw.

The raw side runs the very statement adapters/db/queries.list_sql builds for the request (PostgreSQL
writes the page's JSON in it), so the ratio is what the service adds around the query (HTTP, routing,
auth, the pool, the response).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from adapters.db.engine import make_engine
from adapters.db.queries import QueueFilter, decode_cursor, list_sql
from domain.orders.status import OrderStatus
from tests.factories import World
from tests.perf import profile
from tests.perf.common import JWT_SECRET, ApiServer, Figure, HttpConnection, fresh_database, percentile

S = OrderStatus
# A shop a couple of years in: most orders delivered, a working set in flight, a few stuck or cancelled.
STATUS_MIX: dict[OrderStatus, int] = {
    S.DELIVERED: 62, S.SHIPPING: 9, S.CONFIRMED: 10, S.CANCELLED: 6, S.DRAFT: 3, S.PROCESSING: 3,
    S.ON_HOLD: 2, S.STOCK_UNAVAILABLE: 1, S.PENDING_PAYMENT: 1, S.PAID: 1, S.READY: 1, S.RETURN: 1,
}
CHANNEL_MIX = {"woocommerce": 35, "shopify": 25, "b2b_portal": 8, "sales": 5, "edi": 10, "api": 10, "pos": 7}
CUSTOMERS = 50_000
SPAN = timedelta(days=730)
ORDER_COLUMNS = (
    "id", "number", "channel_id", "source", "external_ref", "status", "approve_status", "held_from", "customer_id",
    "customer_name", "customer_email", "customer_type", "currency", "payment_method", "shipping_address",
    "warehouse_id", "total_net", "total_vat", "total_gross", "version", "created_at", "updated_at",
)
PATH = "/api/omni_sales/orders"


@dataclass(frozen=True)
class QueueConfig:
    orders: int = 1_000_000
    statuses: tuple[int, ...] = (int(S.CONFIRMED), int(S.DRAFT))
    samples: int = 500
    warmup: int = 50
    deep_pages: int = 200
    limit: int = 50
    profile: Path | None = None  # py-spy's collapsed stacks of the server during the timed requests


@dataclass
class Timings:
    first_api: list[float] = field(default_factory=list)
    first_raw: list[float] = field(default_factory=list)
    deep_api: list[float] = field(default_factory=list)
    deep_raw: list[float] = field(default_factory=list)
    deep_after_id: int = 0
    rows_before_deep: int = 0
    deep_page: int = 0  # 1-based number of the deep page


@dataclass
class QueueOutcome:
    config: QueueConfig
    seed_s: float
    vacuum_s: float
    counts: dict[int, int]
    timings: dict[int, Timings]
    profile: list[str] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        figs = []
        for status, t in self.timings.items():
            label = OrderStatus(status).label
            fa, fr = 1000 * percentile(t.first_api, 95), 1000 * percentile(t.first_raw, 95)
            da, dr = 1000 * percentile(t.deep_api, 95), 1000 * percentile(t.deep_raw, 95)
            figs += [
                Figure(f"queue {label} first page p95", fa, "ms", "<= 2 x raw", fa / fr <= 2, fr, "ms", fa / fr),
                Figure(f"queue {label} deep page p95 (page {t.deep_page})", da, "ms", "<= 2 x raw",
                       da / dr <= 2, dr, "ms", da / dr),
                Figure(f"queue {label} deep / first page p95", da / fa, "x", "<= 1.5", da / fa <= 1.5,
                       dr / fr, "x (raw)"),
            ]
        return figs


def _weighted(mix: dict[Any, int], n: int, rng: random.Random) -> list[Any]:
    return rng.choices(list(mix), weights=list(mix.values()), k=n)


def _order_rows(n: int, channels: dict[str, int], warehouse_id: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """1..n in created_at order; every value is drawn from small precomputed pools to keep this cheap."""
    statuses = _weighted(STATUS_MIX, n, rng)
    sources = _weighted(CHANNEL_MIX, n, rng)
    customer_ids = [rng.randrange(1, CUSTOMERS + 1) for _ in range(n)]
    money = []
    for _ in range(997):
        gross = Decimal(rng.randrange(1_000, 250_000)) / 100
        vat = (gross * 19 / 119).quantize(Decimal("0.01"))
        money.append((gross - vat, vat, gross))
    address = orjson.dumps({"name": "Client", "street": "Str. Lunga 5", "city": "Brasov", "county": "BV",
                            "postcode": "500035", "country": "RO"}).decode()
    payments = ("card", "cod", "bank_transfer")
    start = datetime.now(UTC) - SPAN
    step = SPAN / n
    settle = {s: timedelta(days=3) if s in (S.DELIVERED, S.CANCELLED, S.RETURN) else timedelta(hours=2)
              for s in OrderStatus}
    for i in range(1, n + 1):
        status = statuses[i - 1]
        source = sources[i - 1]
        cid = customer_ids[i - 1]
        net, vat, gross = money[i % 997]
        created = start + step * i
        yield (
            i, f"SO-{i:07d}", channels[source], source, f"{source[:3].upper()}-{i}", int(status),
            0 if status == S.DRAFT and i % 7 == 0 else None, int(S.CONFIRMED) if status == S.ON_HOLD else None,
            cid, f"Customer {cid}", f"customer{cid}@example.ro", "b2b" if source == "b2b_portal" else "b2c", "RON",
            payments[i % 3], address, warehouse_id, net, vat, gross, 1, created, created + settle[status],
        )


async def seed(url: str, cfg: QueueConfig) -> tuple[str, float, float]:
    """Master data through the factories, then customers and orders by COPY; returns (token, seed s, vacuum s)."""
    engine = make_engine(url, pool_size=2)
    try:
        w = World(engine=engine, secret=JWT_SECRET)
        warehouse_id = await w.warehouse()
        for type_ in CHANNEL_MIX:
            await w.channel(f"bench-{type_}", type_)
        token = await w.user("operator@bench.local", ["operator"])
        channels = {type_: w.channels[f"bench-{type_}"] for type_ in CHANNEL_MIX}
    finally:
        await engine.dispose()
    rng = random.Random(20261126)
    started = time.perf_counter()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET synchronous_commit = off")
        async with conn.transaction():
            await conn.copy_records_to_table(
                "customer", columns=("id", "type", "email", "name"),
                records=((i, "b2c", f"customer{i}@example.ro", f"Customer {i}") for i in range(1, CUSTOMERS + 1)),
            )
            await conn.copy_records_to_table(
                "sales_order", columns=ORDER_COLUMNS, records=_order_rows(cfg.orders, channels, warehouse_id, rng),
            )
            await conn.execute("SELECT setval('customer_id_seq', $1)", CUSTOMERS)
            await conn.execute("SELECT setval('sales_order_id_seq', $1)", cfg.orders)
        seeded = time.perf_counter()
        # What autovacuum would have done long before anyone looks at a two-year-old table.
        await conn.execute("VACUUM (ANALYZE) sales_order")
        await conn.execute("VACUUM (ANALYZE) customer")
        vacuumed = time.perf_counter()
    finally:
        await conn.close()
    return token, seeded - started, vacuumed - seeded


async def _api_page(http: HttpConnection, headers: bytes, status: int, limit: int, cursor: str | None
                    ) -> dict[str, Any]:
    path = f"{PATH}?status={status}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
    code, body = await http.request("GET", path, headers)
    if code != 200:
        raise RuntimeError(f"GET {path}: HTTP {code}: {body[:300]!r}")
    page: dict[str, Any] = orjson.loads(body)
    return page


async def _measure(http: HttpConnection, conn: asyncpg.Connection, headers: bytes, status: int, count: int,
                   cfg: QueueConfig) -> Timings:
    # A small --orders run may not have deep_pages full pages of a rare status: go as deep as there is.
    pages = min(cfg.deep_pages, (count - 1) // cfg.limit)
    if pages < 1:
        raise RuntimeError(f"status {status} has only {count} orders: not enough for a second page")
    t = Timings(deep_page=pages + 1)
    cursor: str | None = None
    for _ in range(pages):
        page = await _api_page(http, headers, status, cfg.limit, cursor)
        cursor = page["next_cursor"]
        assert cursor is not None
        t.rows_before_deep += len(page["items"])
    assert cursor is not None
    after_id = decode_cursor(cursor)
    assert after_id is not None
    t.deep_after_id = after_id
    qf = QueueFilter(statuses=(status,))
    first_sql, first_args = list_sql(qf, None, cfg.limit)
    deep_sql, deep_args = list_sql(qf, after_id, cfg.limit)

    # The API must answer what the raw statement answers, or the comparison means nothing.
    for sql, args, page_cursor in ((first_sql, first_args, None), (deep_sql, deep_args, cursor)):
        ids = [item["id"] for item in orjson.loads((await conn.fetchrow(sql, *args))["items"])]
        api_ids = [item["id"] for item in (await _api_page(http, headers, status, cfg.limit, page_cursor))["items"]]
        if ids != api_ids:
            raise RuntimeError(f"the API and the raw SQL disagree for status {status}: {api_ids[:3]} vs {ids[:3]}")

    clock = time.perf_counter
    first_path = f"{PATH}?status={status}&limit={cfg.limit}"
    deep_path = f"{first_path}&cursor={cursor}"
    # Interleaved, so that both sides see the same machine (others share these two cores).
    for n in range(cfg.warmup + cfg.samples):
        t0 = clock()
        await conn.fetch(first_sql, *first_args)
        t1 = clock()
        code_first, _ = await http.request("GET", first_path, headers)
        t2 = clock()
        await conn.fetch(deep_sql, *deep_args)
        t3 = clock()
        code_deep, _ = await http.request("GET", deep_path, headers)
        t4 = clock()
        if code_first != 200 or code_deep != 200:
            raise RuntimeError(f"queue request failed: HTTP {code_first}/{code_deep}")
        if n >= cfg.warmup:
            t.first_raw.append(t1 - t0)
            t.first_api.append(t2 - t1)
            t.deep_raw.append(t3 - t2)
            t.deep_api.append(t4 - t3)
    return t


async def run(cfg: QueueConfig | None = None) -> QueueOutcome:
    cfg = cfg or QueueConfig()
    async with fresh_database("oms_bench_queue") as url:
        token, seed_s, vacuum_s = await seed(url, cfg)
        conn = await asyncpg.connect(url)
        try:
            counts = {r["status"]: r["n"] for r in
                      await conn.fetch("SELECT status, count(*) AS n FROM sales_order GROUP BY status")}
            async with ApiServer(url) as server:
                http = await HttpConnection(server.host, server.port).open()
                headers = f"Authorization: Bearer {token}\r\n".encode()
                recorder = profile.Recorder(server.pid, cfg.profile) if cfg.profile else None
                try:
                    if recorder:
                        await recorder.start()
                    timings = {s: await _measure(http, conn, headers, s, counts.get(s, 0), cfg)
                               for s in cfg.statuses}
                finally:
                    if recorder:
                        await recorder.stop()
                    await http.close()
        finally:
            await conn.close()
    hot = profile.summarize(cfg.profile).lines() if cfg.profile else []
    return QueueOutcome(cfg, seed_s, vacuum_s, counts, timings, hot)


def details(o: QueueOutcome) -> list[str]:
    total = sum(o.counts.values())
    mix = ", ".join(f"{OrderStatus(s).label} {100 * n / total:.1f}%" for s, n in
                    sorted(o.counts.items(), key=lambda kv: -kv[1]))
    out = [f"{total:,} orders seeded by COPY in {o.seed_s:.1f} s (+ VACUUM ANALYZE {o.vacuum_s:.1f} s); mix: {mix}"]
    for status, t in o.timings.items():
        ms = {k: 1000 * percentile(v, 50) for k, v in
              (("fa", t.first_api), ("fr", t.first_raw), ("da", t.deep_api), ("dr", t.deep_raw))}
        out.append(
            f"status {OrderStatus(status).label} ({o.counts.get(status, 0):,} orders): p50 first page API "
            f"{ms['fa']:.2f} ms / raw {ms['fr']:.2f} ms; deep page (after {t.rows_before_deep:,} rows, id < "
            f"{t.deep_after_id:,}) API {ms['da']:.2f} ms / raw {ms['dr']:.2f} ms; {o.config.samples} samples each"
        )
    return out
