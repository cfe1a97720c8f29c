"""Webhook acknowledgement: signed WooCommerce order webhooks at a fixed rate (open loop) vs /healthz.

The issue's target: p99 of POST /api/webhooks/woocommerce/{channel_id} at 200 requests/s, open loop, at most
3 x the p99 of a no-op endpoint on the same server in the same run, and at most 50 ms. The no-op is /healthz
(no dependency, no database, a constant JSON answer): what the server, the event loop and the load generator
cost at that rate on this machine, so the ratio is what acknowledging a webhook adds. Both run at the same
rate, alternating in rounds so both meet the same machine.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from adapters.db.engine import make_engine
from tests.factories import World
from tests.perf.common import (
    JWT_SECRET,
    ApiServer,
    Connection,
    ConnectionPool,
    CpuMeter,
    Figure,
    LoadResult,
    fresh_database,
    open_loop,
    percentile,
)
from tests.shop_payloads import wc_headers, wc_order

PATH = "/api/webhooks/woocommerce/{}"
NOOP_PATH = "/healthz"
SECRET = "bench-webhook-secret-0123456789"
SKUS = tuple(f"BENCH-{i:03d}" for i in range(50))
RATIO_TARGET = 3.0
ABSOLUTE_TARGET_MS = 50.0


@dataclass(frozen=True)
class WebhookConfig:
    rate: float = 200.0  # requests per second, for both endpoints
    requests: int = 6_000  # measured, per endpoint (30 s at 200/s)
    warmup: int = 400  # per endpoint
    rounds: int = 3  # /healthz and webhook phases alternate this many times
    connections: int = 16  # opened in advance; the loop opens more when that many are busy


@dataclass
class Stored:
    """The inbox after the run: every acknowledged webhook should be one pending row."""

    rows: int = 0
    pending: int = 0
    sent: int = 0


@dataclass
class WebhookOutcome:
    config: WebhookConfig
    webhook: LoadResult
    noop: LoadResult
    webhook_cpu: CpuMeter
    noop_cpu: CpuMeter
    connections: int
    stored: Stored = field(default_factory=Stored)

    @property
    def ratio(self) -> float:
        b = self.noop.pct_ms(99)
        return self.webhook.pct_ms(99) / b if b else float("inf")

    def figures(self) -> list[Figure]:
        w, n = self.webhook, self.noop
        rate = f"{self.config.rate:.0f} req/s open loop"
        p99 = w.pct_ms(99)
        figs = [
            Figure(f"webhook ack p99 ({rate}) vs /healthz p99", p99, "ms", f"<= {RATIO_TARGET:.0f} x /healthz",
                   self.ratio <= RATIO_TARGET, n.pct_ms(99), "ms", self.ratio),
            Figure(f"webhook ack p99 ({rate}), absolute", p99, "ms", f"<= {ABSOLUTE_TARGET_MS:.0f} ms",
                   p99 <= ABSOLUTE_TARGET_MS),
        ]
        for p in (50, 95):
            a, b = w.pct_ms(p), n.pct_ms(p)
            figs.append(Figure(f"webhook ack p{p}", a, "ms", "-", None, b, "ms", a / b if b else None))
        errors = w.errors + n.errors
        ok = self.stored.rows == self.stored.pending == self.stored.sent
        figs.append(Figure("webhook errors (HTTP, or not one pending inbox row each)",
                           errors + abs(self.stored.sent - self.stored.pending), "", "0", errors == 0 and ok))
        figs.append(Figure("webhook server CPU per request", 1000 * self.webhook_cpu.server_s / max(w.count, 1),
                           "ms", "-", None, 1000 * self.noop_cpu.server_s / max(n.count, 1), "ms"))
        return figs


def payload(i: int) -> dict[str, Any]:
    """A realistic WooCommerce order.created body (about 2.5 KB): 3 lines, Romanian address, its own order id."""
    order = wc_order(order_id=700_000 + i, sku=SKUS[i % len(SKUS)], email=f"buyer{i % 2000 + 1}@example.ro",
                     gateway="cod" if i % 3 else "stripe", paid=i % 3 == 0)
    line = order["line_items"][0]
    order["line_items"] = [{**line, "id": 311 + k, "sku": SKUS[(i * 3 + k) % len(SKUS)], "quantity": k + 1}
                           for k in range(3)]
    return order


@dataclass(frozen=True)
class Planned:
    body: bytes
    headers: bytes


def plan(n: int) -> list[Planned]:
    """Signed bodies and their WooCommerce headers, made before the clock starts (unique delivery ids)."""
    out = []
    for i in range(n):
        raw = orjson.dumps(payload(i))
        headers = wc_headers(SECRET, raw, delivery_id=uuid.uuid4().hex[:12])
        out.append(Planned(raw, "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()))
    return out


async def seed(url: str) -> int:
    """A WooCommerce channel with a webhook secret; the endpoint reads nothing else."""
    engine = make_engine(url, pool_size=1)
    try:
        w = World(engine=engine, secret=JWT_SECRET)
        await w.warehouse()
        channel_id = await w.channel("bench-woocommerce", "woocommerce", settings={"payment_methods": {"cod": "cod"}})
        await w.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)
        await w.sql("ANALYZE")
    finally:
        await engine.dispose()
    return channel_id


def _webhook(channel_id: int, planned: list[Planned]) -> Callable[[Connection, int], Awaitable[None]]:
    path = PATH.format(channel_id)

    async def post(conn: Connection, i: int) -> None:
        status, answer = await conn.request("POST", path, planned[i].headers, planned[i].body)
        if status != 200 or b'"stored"' not in answer:
            raise RuntimeError(f"HTTP {status}: {answer[:300]!r}")

    return post


async def _noop(conn: Connection, i: int) -> None:
    status, answer = await conn.request("GET", NOOP_PATH)
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {answer[:300]!r}")


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if k < total % parts else 0) for k in range(parts)]


async def run(cfg: WebhookConfig | None = None) -> WebhookOutcome:
    cfg = cfg or WebhookConfig()
    async with fresh_database("oms_bench_webhook") as url:
        channel_id = await seed(url)
        planned = plan(cfg.warmup + cfg.requests)
        post = _webhook(channel_id, planned)
        gc.collect()
        gc.freeze()
        async with ApiServer(url) as server:
            pool = ConnectionPool("raw", server.host, server.port)
            await pool.fill(cfg.connections)
            webhook_cpu, noop_cpu = CpuMeter(server.pid), CpuMeter(server.pid)
            webhook_parts: list[LoadResult] = []
            noop_parts: list[LoadResult] = []
            try:
                await open_loop(pool, cfg.rate, cfg.warmup, _noop)
                await open_loop(pool, cfg.rate, cfg.warmup, post)
                offset = cfg.warmup
                for n in _split(cfg.requests, cfg.rounds):
                    with noop_cpu:
                        noop_parts.append(await open_loop(pool, cfg.rate, n, _noop))
                    with webhook_cpu:
                        webhook_parts.append(await open_loop(pool, cfg.rate, n, post, offset=offset))
                    offset += n
            finally:
                await pool.close()
            created = pool.created
        conn = await asyncpg.connect(url)
        try:
            row = await conn.fetchrow("SELECT count(*) AS rows, count(*) FILTER (WHERE status = 'pending') AS pending "
                                      "FROM inbox_event")
        finally:
            await conn.close()
        gc.unfreeze()
    return WebhookOutcome(cfg, LoadResult.merge(webhook_parts), LoadResult.merge(noop_parts), webhook_cpu, noop_cpu,
                          created, Stored(row["rows"], row["pending"], cfg.warmup + cfg.requests))


def details(o: WebhookOutcome) -> list[str]:
    out = []
    for label, r, cpu in ((f"webhook POST {PATH.format('{channel_id}')}", o.webhook, o.webhook_cpu),
                          (f"no-op GET {NOOP_PATH}", o.noop, o.noop_cpu)):
        lag99 = 1000 * percentile(r.lags_s, 99)
        out.append(
            f"{label}: {r.count} requests at {o.config.rate:.0f}/s scheduled, {r.throughput:.0f}/s achieved; "
            f"from the scheduled send time p50 {r.pct_ms(50):.2f} ms, p95 {r.pct_ms(95):.2f} ms, "
            f"p99 {r.pct_ms(99):.2f} ms, max {r.pct_ms(100):.2f} ms; load generator late by p99 {lag99:.2f} ms; "
            f"errors {r.errors}" + (f" (first: {r.first_error})" if r.errors else "")
            + f"; CPU: server {cpu.server_user_s:.2f} s user + {cpu.server_sys_s:.2f} s system, "
              f"load generator {cpu.client_s:.2f} s, machine busy {cpu.machine_busy_pct:.0f}%"
        )
    s = o.stored
    out.append(f"inbox after the run (warm-up included): {s.rows:,} rows, {s.pending:,} pending, {s.sent:,} webhooks "
               f"sent" + ("" if s.rows == s.pending == s.sent else " - MISMATCH"))
    out.append(f"connections: {o.connections} opened in all ({o.config.connections} in advance)")
    return out
