"""Intake CPU by layer: where the server's CPU per order goes, each layer measured on its own.

    python -m tests.perf.breakdown [--orders 1000]

A  raw asyncpg running the statements of one create (tests/perf/intake.RawIntake)
B  the create_order use case through SqlUnitOfWork: domain, repositories, SQLAlchemy, asyncpg
C  the ASGI app called in-process: + FastAPI routing and dependencies, pydantic, auth, middleware, rendering
D  the real server over HTTP: + uvicorn, httptools and the event loop (CPU of the server process)

One order at a time, CPU time rather than wall time, so that the machine's other load matters less.
A to C are this process's CPU; D is the server's, read from /proc.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import asyncpg
import uvloop
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from adapters.db.engine import make_engine
from adapters.db.uow import SqlUnitOfWork
from adapters.settings import Settings
from api.app import create_app
from api.deps import utcnow
from domain.actors import Actor
from domain.orders.commands import CreateOrder, CustomerInput, LineInput
from domain.orders.create import create_order
from domain.orders.model import Address
from tests.db import redis_url
from tests.perf import intake
from tests.perf.common import JWT_SECRET, ApiServer, CpuMeter, HttpConnection, configure_servers, fresh_database

ADDRESS = Address(name="Ana Pop", street="Str. Lunga 5", city="Brasov", county="BV", postcode="500035", country="RO")


async def cpu_per_order(n: int, warmup: int, one: Callable[[int], Awaitable[None]], *, offset: int = 0) -> float:
    """Milliseconds of this process's CPU per call of one(i), after a warm-up."""
    for i in range(offset, offset + warmup):
        await one(i)
    started = time.process_time()
    for i in range(offset + warmup, offset + warmup + n):
        await one(i)
    return 1000 * (time.process_time() - started) / n


def command(p: intake.Planned, i: int, channel_id: int) -> CreateOrder:
    lines = [LineInput(sku, Decimal(q), Decimal(price)) for sku, q, price in intake.lines_of(i)]
    return CreateOrder(
        channel_id=channel_id, currency="RON", payment_method="cod",
        customer=CustomerInput(email=p.email, name="Ana Pop", phone="0722000000"), shipping_address=ADDRESS,
        lines=lines, external_ref=p.ref, idempotency_key=p.key, request_hash=p.request_hash,
    )


async def asgi_post(app: FastAPI, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """One POST straight into the ASGI app, without a network or an HTTP client in between."""
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": intake.PATH, "raw_path": intake.PATH.encode(), "query_string": b"", "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "state": {},
    }
    delivered = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)  # type: ignore[arg-type]
    return status


LAYERS = (
    "A raw asyncpg statements",
    "B + use case, domain, SQLAlchemy",
    "C + ASGI app (FastAPI, pydantic, auth, rendering)",
    "D + HTTP server (uvicorn, httptools, event loop)",
)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.breakdown", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000, help="orders per layer and repeat (default 1000)")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="the layers are measured in turn this many times; "
                                                              "the lowest figure counts (default 3)")
    args = parser.parse_args(argv)
    n, warm, repeat = args.orders, args.warmup, args.repeat
    per_layer = (n + warm) * repeat
    configure_servers()
    best = dict.fromkeys(LAYERS, float("inf"))
    sys_ms = float("inf")
    async with fresh_database("oms_bench_breakdown") as url:
        seeded = await intake.seed(url)
        conn = await asyncpg.connect(url)
        key_id = await conn.fetchval("SELECT id FROM api_key")
        actor = Actor(kind="api_key", id=key_id, name=seeded.key_name, channel_id=seeded.channel_id,
                      scopes=frozenset({"orders:write", "orders:read"}))
        raw = intake.RawIntake(seeded, intake.plan(seeded.channel_id, per_layer, "a"))
        commands = [command(p, i, seeded.channel_id)
                    for i, p in enumerate(intake.plan(seeded.channel_id, per_layer, "b"))]
        in_app = intake.plan(seeded.channel_id, per_layer, "c")
        over_net = intake.plan(seeded.channel_id, per_layer, "d")
        base = [(b"content-type", b"application/json"), (b"x-api-key", seeded.api_key.encode())]
        common = f"Content-Type: application/json\r\nX-API-Key: {seeded.api_key}\r\n"
        # The plans are many long-lived objects the server does not have; keep the collector off them.
        gc.collect()
        gc.freeze()
        engine = make_engine(url)
        app = create_app(Settings(database_url=url, redis_url=redis_url(), jwt_secret=JWT_SECRET, access_log=False))
        try:
            async with LifespanManager(app), ApiServer(url) as server:
                http = await HttpConnection(server.host, server.port).open()

                async def a(i: int) -> None:
                    await raw.order(conn, i)

                async def b(i: int) -> None:
                    uow = SqlUnitOfWork(app.state.container.pool)
                    await create_order(commands[i], actor=actor, uow=uow, clock=utcnow)

                async def c(i: int) -> None:
                    p = in_app[i]
                    headers = [*base, (b"idempotency-key", p.key.encode()),
                               (b"content-length", str(len(p.request)).encode())]
                    status = await asgi_post(app, headers, p.request)
                    if status != 201:
                        raise RuntimeError(f"in-process POST answered {status}")

                async def d(i: int) -> None:
                    p = over_net[i]
                    status, body = await http.request("POST", intake.PATH,
                                                      f"{common}Idempotency-Key: {p.key}\r\n".encode(), p.request)
                    if status != 201:
                        raise RuntimeError(f"HTTP {status}: {body[:200]!r}")

                try:
                    for r in range(repeat):
                        offset = r * (n + warm)
                        for name, one in zip(LAYERS[:3], (a, b, c), strict=True):
                            best[name] = min(best[name], await cpu_per_order(n, warm, one, offset=offset))
                        for i in range(offset, offset + warm):
                            await d(i)
                        with CpuMeter(server.pid) as meter:
                            for i in range(offset + warm, offset + warm + n):
                                await d(i)
                        if 1000 * meter.server_s / n < best[LAYERS[3]]:
                            best[LAYERS[3]], sys_ms = 1000 * meter.server_s / n, 1000 * meter.server_sys_s / n
                finally:
                    await http.close()
        finally:
            await engine.dispose()
            await conn.close()

    print(f"\nCPU per order, one order at a time, lowest of {repeat} x {n} orders (after {warm} warm-up each):\n")
    previous = 0.0
    total = best[LAYERS[3]]
    for name in LAYERS:
        ms = best[name]
        print(f"  {name:<52} {ms:6.2f} ms   (+{ms - previous:5.2f} ms, {100 * (ms - previous) / total:4.1f}% of D)")
        previous = ms
    print(f"  (D includes {sys_ms:.2f} ms of system time)")
    return 0


if __name__ == "__main__":
    sys.exit(uvloop.run(main(sys.argv[1:])))
