"""Normalisation: stored WooCommerce webhooks -> orders, by the arq worker, with PostgreSQL and Redis in the loop.

The inbox is filled through the real webhook endpoint (so the rows have exactly the shape it writes), the API
is stopped, then:
- direct: process_inbox_event (what the job calls) on the worker's asyncpg pool size, as many at a time as the
  worker runs jobs (arq's max_jobs), no Redis: the baseline;
- worker: the inbox relay (relay_inbox, what the relay cron tick runs) enqueues the other half, then an arq
  burst worker built by workers.settings.build_worker (production settings: max_jobs, pool size, poll delay)
  runs the import_inbox_event jobs until the queue is empty. Throughput is counted from the first job's start
  to the last job's finish, as arq records them; the relay's time is reported beside it.
Every event must become one order (checked afterwards), so each one runs the whole create path.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from adapters.db.engine import make_engine
from adapters.db.inbox import SqlInbox
from adapters.db.pg import create_pool
from adapters.queue.connection import connect as redis_connect
from adapters.queue.inbox_relay import BATCH_SIZE, relay_inbox_batch
from adapters.queue.jobs import ArqJobQueue
from adapters.settings import Settings
from adapters.shops.intake import process_inbox_event
from tests.db import redis_url
from tests.factories import World
from tests.perf import webhook
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
    percentile,
)
from tests.shop_payloads import wc_headers
from workers import settings as worker_settings

CUSTOMERS = 2_000
NEW_CUSTOMER_EVERY = 4  # every 4th order is a guest checkout with an unknown email: the customer is created


@dataclass(frozen=True)
class NormaliseConfig:
    orders: int = 2_000  # per side (direct, worker, tuned worker)
    tuned_poll_delay: float | None = None  # a second worker run with this poll delay (None: skip it)


@dataclass
class WorkerRun:
    jobs: int
    window_s: float  # first job start -> last job finish, from arq's results
    run_s: float  # worker.async_run() from call to return (startup and the final poll included)
    relay_s: float
    failed: int
    job_ms: list[float]  # each job's own duration

    @property
    def throughput(self) -> float:
        return self.jobs / self.window_s if self.window_s else 0.0


@dataclass
class Check:
    events: int = 0
    processed: int = 0
    orders: int = 0
    sync_entries: int = 0
    new_customers: int = 0


@dataclass
class NormaliseOutcome:
    config: NormaliseConfig
    max_jobs: int
    pool_size: int
    poll_delay: float
    direct: LoadResult
    worker: WorkerRun
    tuned: WorkerRun | None
    direct_cpu: CpuMeter
    worker_cpu: CpuMeter
    check: Check

    @property
    def ok(self) -> bool:
        c = self.check
        sides = 3 if self.tuned else 2
        return c.events == c.processed == c.orders == sides * self.config.orders and c.sync_entries == 0

    def figures(self) -> list[Figure]:
        w, d = self.worker, self.direct
        ratio = w.throughput / d.throughput if d.throughput else None
        bad = w.failed + d.errors + (self.tuned.failed if self.tuned else 0) + (0 if self.ok else 1)
        figs = [
            Figure("normalisation throughput, arq worker (orders/s)", w.throughput, "orders/s", "-", None,
                   d.throughput, "orders/s", ratio),
        ]
        if self.tuned:
            t = self.tuned
            name = f"normalisation throughput, arq worker with poll_delay {self.config.tuned_poll_delay:g} s"
            figs.append(Figure(name, t.throughput, "orders/s", "-", None, d.throughput, "orders/s",
                               t.throughput / d.throughput if d.throughput else None))
        return [*figs,
            Figure("normalisation job p99 (worker)", percentile(w.job_ms, 99), "ms", "-", None,
                   d.pct_ms(99), "ms"),
            Figure("normalisation errors (failed jobs, or not one order per event)", bad, "", "0", bad == 0),
            Figure("normalisation CPU per order in the worker process",
                   1000 * self.worker_cpu.server_s / max(w.jobs, 1), "ms", "-", None,
                   1000 * self.direct_cpu.server_s / max(d.count, 1), "ms"),
                ]


def payload(i: int) -> dict[str, Any]:
    """The webhook benchmark's order (3 lines, ~2.5 KB), with a mix of known and new customers."""
    order = webhook.payload(i)
    email = (f"guest{i}-{uuid.uuid4().hex[:6]}@example.ro" if i % NEW_CUSTOMER_EVERY == 0
             else f"buyer{i % CUSTOMERS + 1}@example.ro")
    order["billing"] = {**order["billing"], "email": email}
    return order


async def seed(url: str) -> int:
    engine = make_engine(url, pool_size=1)
    try:
        w = World(engine=engine, secret=JWT_SECRET)
        await w.warehouse()
        channel_id = await w.channel("bench-woocommerce", "woocommerce",
                                     settings={"payment_methods": {"cod": "cod", "stripe": "card"}})
        await w.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=webhook.SECRET, i=channel_id)
        for sku in webhook.SKUS:
            await w.product(sku, on_hand="1000000")
        await w.sql("INSERT INTO customer (email, name) "
                    "SELECT 'buyer' || g || '@example.ro', 'Buyer ' || g FROM generate_series(1, :n) g", n=CUSTOMERS)
    finally:
        await engine.dispose()
    return channel_id


async def fill_inbox(url: str, channel_id: int, n: int) -> None:
    """n signed order.created webhooks through the real endpoint, 8 at a time."""
    bodies = [orjson.dumps(payload(i)) for i in range(n)]
    heads = ["".join(f"{k}: {v}\r\n" for k, v in wc_headers(webhook.SECRET, raw).items()).encode() for raw in bodies]
    path = webhook.PATH.format(channel_id)

    async def post(conn: Connection, i: int) -> None:
        status, answer = await conn.request("POST", path, heads[i], bodies[i])
        if status != 200 or b'"stored"' not in answer:
            raise RuntimeError(f"HTTP {status}: {answer[:300]!r}")

    async with ApiServer(url) as server:
        http = [connect("raw", server.host, server.port) for _ in range(8)]
        try:
            r = await closed_loop(http, n, post)
        finally:
            await asyncio.gather(*(c.close() for c in http))
    if r.errors:
        raise RuntimeError(f"filling the inbox: {r.errors} errors, first: {r.first_error}")
    engine = make_engine(url, pool_size=1)
    try:
        await World(engine=engine, secret=JWT_SECRET).sql("ANALYZE")
    finally:
        await engine.dispose()


def _clock() -> datetime:
    return datetime.now(UTC)


async def run_direct(url: str, ids: list[int], concurrency: int, pool_size: int) -> LoadResult:
    pool = await create_pool(url, size=pool_size)

    async def one(p: asyncpg.Pool, i: int) -> None:
        outcome = await process_inbox_event(p, ids[i], clock=_clock)
        if outcome != "created":
            raise RuntimeError(f"inbox event {ids[i]}: {outcome}")

    try:
        return await closed_loop([pool] * concurrency, len(ids), one)
    finally:
        await pool.close()


async def _relay(inbox: SqlInbox, queue: ArqJobQueue, n: int) -> None:
    """Enqueue the n oldest pending rows, as the relay tick does (it takes up to 100 per batch)."""
    done = 0
    while done < n:
        r = await relay_inbox_batch(inbox, queue, batch_size=min(BATCH_SIZE, n - done))
        if not r.claimed:
            return
        done += r.claimed


async def run_worker(url: str, n: int, poll_delay: float | None) -> WorkerRun:
    queue_name = f"oms:bench:{uuid.uuid4().hex[:12]}"
    redis = await redis_connect(redis_url(), queue_name)
    settings = Settings(database_url=url, redis_url=redis_url(), jwt_secret=JWT_SECRET, queue_name=queue_name)
    try:
        pool = await create_pool(url, size=2)
        try:
            t0 = time.perf_counter()
            inbox, queue = SqlInbox(pool), ArqJobQueue(redis, queue_name)
            await _relay(inbox, queue, n)
            relay_s = time.perf_counter() - t0
        finally:
            await pool.close()
        overrides: dict[str, Any] = {"poll_delay": poll_delay} if poll_delay is not None else {}
        worker = worker_settings.build_worker(settings, queue_name=queue_name, relay=False, burst=True,
                                              handle_signals=False, **overrides)
        try:
            t0 = time.perf_counter()
            await worker.async_run()
            run_s = time.perf_counter() - t0
            failed = worker.jobs_failed
        finally:
            await worker.close()
        # Job ids start with the queue name (adapters/queue/jobs.py), so these are this run's results only.
        results = [r for r in await redis.all_job_results() if (r.job_id or "").startswith(f"{queue_name}:")]
    finally:
        keys = [k async for k in redis.scan_iter(match=f"*{queue_name}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
    start = min(r.start_time for r in results)
    finish = max(r.finish_time for r in results)
    return WorkerRun(len(results), (finish - start).total_seconds(), run_s, relay_s,
                     failed + sum(1 for r in results if not r.success or r.result != "created"),
                     [(r.finish_time - r.start_time).total_seconds() * 1000 for r in results])


async def _check(url: str) -> Check:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM inbox_event) AS events, "
            "(SELECT count(*) FROM inbox_event WHERE status = 'processed') AS processed, "
            "(SELECT count(*) FROM sales_order) AS orders, (SELECT count(*) FROM sync_log) AS sync_entries, "
            "(SELECT count(*) FROM customer WHERE email LIKE 'guest%') AS new_customers")
    finally:
        await conn.close()
    return Check(**dict(row))


async def run(cfg: NormaliseConfig | None = None) -> NormaliseOutcome:
    cfg = cfg or NormaliseConfig()
    defaults = worker_settings.build_worker(Settings(redis_url=redis_url()), relay=False, handle_signals=False)
    max_jobs = defaults.max_jobs
    pool_size = worker_settings.DB_POOL_SIZE
    async with fresh_database("oms_bench_normalise") as url:
        channel_id = await seed(url)
        sides = 3 if cfg.tuned_poll_delay is not None else 2
        await fill_inbox(url, channel_id, sides * cfg.orders)
        conn = await asyncpg.connect(url)
        try:
            ids = [r["id"] for r in await conn.fetch("SELECT id FROM inbox_event ORDER BY id")]
        finally:
            await conn.close()
        gc.collect()
        # The oldest rows are processed directly; the relay hands the next ones to the worker, then the rest.
        direct_ids = ids[:cfg.orders]
        # "server" = this process (the worker or the direct loop); the rest of the machine is PostgreSQL and Redis.
        direct_cpu, worker_cpu = CpuMeter(os.getpid()), CpuMeter(os.getpid())
        with direct_cpu:
            direct = await run_direct(url, direct_ids, max_jobs, pool_size)
        with worker_cpu:
            worker = await run_worker(url, cfg.orders, None)
        tuned = None if cfg.tuned_poll_delay is None else await run_worker(url, cfg.orders, cfg.tuned_poll_delay)
        check = await _check(url)
    return NormaliseOutcome(cfg, max_jobs, pool_size, defaults.poll_delay_s, direct, worker, tuned, direct_cpu,
                            worker_cpu, check)


def details(o: NormaliseOutcome) -> list[str]:
    d, w, c = o.direct, o.worker, o.check
    return [
        f"arq worker (max_jobs {o.max_jobs}, asyncpg pool {o.pool_size}, poll delay {o.poll_delay:g} s): "
        f"{w.jobs} orders in {w.window_s:.2f} s (first job start to last job finish) = {w.throughput:.0f} orders/s; "
        f"async_run {w.run_s:.2f} s with startup; job duration p50 {percentile(w.job_ms, 50):.1f} ms, "
        f"p99 {percentile(w.job_ms, 99):.1f} ms; failed {w.failed}; the relay enqueued them in {w.relay_s:.2f} s; "
        f"CPU: this process {o.worker_cpu.server_s:.2f} s, machine busy {o.worker_cpu.machine_busy_pct:.0f}%",
        *([] if o.tuned is None else [
            f"the same worker with poll_delay {o.config.tuned_poll_delay:g} s: {o.tuned.jobs} orders in "
            f"{o.tuned.window_s:.2f} s = {o.tuned.throughput:.0f} orders/s; job duration p50 "
            f"{percentile(o.tuned.job_ms, 50):.1f} ms, p99 {percentile(o.tuned.job_ms, 99):.1f} ms; "
            f"failed {o.tuned.failed}"]),
        f"direct process_inbox_event, {o.max_jobs} at a time on a pool of {o.pool_size}, no Redis: {d.count} orders "
        f"in {d.elapsed_s:.2f} s = {d.throughput:.0f} orders/s; p50 {d.pct_ms(50):.1f} ms, p99 {d.pct_ms(99):.1f} ms; "
        f"errors {d.errors}" + (f" (first: {d.first_error})" if d.errors else "")
        + f"; CPU: this process {o.direct_cpu.server_s:.2f} s, machine busy {o.direct_cpu.machine_busy_pct:.0f}%",
        f"database after the run: {c.events:,} inbox events, {c.processed:,} processed, {c.orders:,} orders, "
        f"{c.sync_entries} sync log entries, {c.new_customers} customers created by the import"
        + ("" if o.ok else " - MISMATCH"),
    ]
