"""Fault test: the arq worker, a separate OS process, is killed with SIGKILL while import jobs are in flight,
three times, at random moments; a fresh worker re-runs what was interrupted once arq's in-progress lock expires
(the longest job timeout + 10 s, shortened here with OMS_JOB_TIMEOUT_CAP_S). Every shop order must become exactly
one order, no inbox event may be lost or failed, and the sync log must stay empty."""

from __future__ import annotations

import asyncio
import functools
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, retry_key_prefix
from arq.jobs import Job
from fastapi import FastAPI

from adapters.db.inbox import SqlInbox
from adapters.queue.connection import connect
from adapters.queue.inbox_relay import inbox_job_key, relay_inbox
from adapters.queue.jobs import ArqJobQueue
from tests.db import ROOT, redis_url
from tests.factories import World
from tests.shop_payloads import body, wc_headers, wc_order

SECRET = "shop-secret-0123456789"
SKU = "FAULT-MUG"
N_ORDERS = 200
KILLS = 3
MAX_ATTEMPTS = 6
CAP_S = 3  # job timeouts capped to 3 s: a killed worker's jobs are locked for 13 s instead of 310 s
FIRST_ORDER = 90_000




class WorkerProcess:
    """`python -m arq workers.settings.WorkerSettings` with the test's database, Redis and queue."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "arq", "workers.settings.WorkerSettings"], cwd=ROOT,
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()  # the child holds its own descriptor

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""


async def handled(app: FastAPI, channel_id: int) -> int:
    pool = app.state.container.pool
    return int(await pool.fetchval("SELECT count(*) FROM inbox_event WHERE channel_id = $1 AND status <> 'pending'",
                                   channel_id))


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, worker: WorkerProcess,
                     within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; worker log:\n{worker.tail()}")
        if worker.proc is not None and worker.proc.poll() is not None:
            raise AssertionError(f"the worker exited with {worker.proc.returncode}:\n{worker.tail()}")
        await asyncio.sleep(0.005)


async def stranded_jobs(redis: ArqRedis, queue_name: str) -> tuple[set[str], set[str]]:
    """(running, locked) import jobs of a dead worker: its in-progress locks outlive it; a running job also has
    its try counted (arq's retry key)."""
    prefix = f"{in_progress_key_prefix}{queue_name}:inbox:"
    locked = {k.decode()[len(in_progress_key_prefix):] async for k in redis.scan_iter(match=f"{prefix}*")}
    running = {j for j in locked if await redis.exists(retry_key_prefix + j)}
    return running, locked


async def queued_imports(redis: ArqRedis, queue_name: str) -> int:
    return sum(1 for j in await redis.zrange(queue_name, 0, -1) if b":inbox:" in j)


async def test_killing_the_worker_in_the_middle_of_import_jobs_duplicates_nothing_and_loses_nothing(
        client: httpx.AsyncClient, world: World, app: FastAPI, database_url: str, queue_name: str,
        tmp_path: Path) -> None:
    await world.product(SKU, on_hand="100000", price="20.00")
    channel_id = await world.channel("woo-faults", "woocommerce", settings={"payment_methods": {"cod": "cod"}})
    await world.sql("UPDATE channel SET webhook_secret = :s WHERE id = :i", s=SECRET, i=channel_id)

    refs = [str(FIRST_ORDER + i) for i in range(N_ORDERS)]
    for ref in refs:
        raw = body(wc_order(int(ref), sku=SKU, email=f"client{ref}@example.ro"))
        r = await client.post(f"/api/webhooks/woocommerce/{channel_id}", content=raw,
                              headers=wc_headers(SECRET, raw))
        assert r.status_code == 200 and r.json()["status"] == "stored", r.text

    pool = app.state.container.pool
    redis = await connect(redis_url(), queue_name)
    worker = WorkerProcess({**os.environ, "OMS_DATABASE_URL": database_url, "OMS_REDIS_URL": redis_url(),
                            "OMS_QUEUE_NAME": queue_name, "OMS_JOB_TIMEOUT_CAP_S": str(CAP_S),
                            "OMS_LOG_LEVEL": "warning"}, tmp_path / "worker.log")
    rng = random.Random()
    interrupted: set[str] = set()  # killed while running: arq had counted the try
    claimed: set[str] = set()  # killed after arq locked them, before they began
    try:
        # Every event is a queued job before the first worker starts, so the kills land amid imports.
        report = await relay_inbox(SqlInbox(pool), ArqJobQueue(redis, queue_name))
        assert (report.claimed, report.enqueued, report.error) == (N_ORDERS, N_ORDERS, None)
        event_ids = [r["id"] for r in await pool.fetch("SELECT id FROM inbox_event WHERE channel_id = $1",
                                                       channel_id)]

        # Kill at random moments; a kill that finds the worker between two polls (nothing running) does not
        # count, so three kills really interrupt running import jobs.
        kills = 0
        for _ in range(MAX_ATTEMPTS):
            target = await handled(app, channel_id) + rng.randint(5, 25)
            worker.start()
            await wait_until(functools.partial(_at_least, app, channel_id, target), f"{target} events handled",
                             worker, 60)
            worker.kill()
            running, waiting = await stranded_jobs(redis, queue_name)
            kills += bool(running - interrupted)
            interrupted |= running
            claimed |= waiting - running
            if kills == KILLS:
                break
        assert kills == KILLS, f"only {kills} of {MAX_ATTEMPTS} kills interrupted a running import job"
        assert await handled(app, channel_id) < N_ORDERS, "the kills came too late to interrupt anything"

        worker.start()

        async def all_done() -> bool:
            return await handled(app, channel_id) == N_ORDERS and await queued_imports(redis, queue_name) == 0

        await wait_until(all_done, "every event handled and every import job finished", worker, 60)
        worker.stop()

        # arq ran every interrupted job again (its second try or later), and each one ended well.
        for job_id in interrupted | claimed:
            info = await Job(job_id, redis, _queue_name=queue_name).result_info()
            assert info is not None and info.success, (job_id, info, worker.tail())
            assert job_id not in interrupted or info.job_try >= 2, (job_id, info)
        for event_id in event_ids:
            job_id = f"{queue_name}:{inbox_job_key(event_id)}"
            info = await Job(job_id, redis, _queue_name=queue_name).result_info()
            assert info is not None and info.success, (job_id, info)
            assert info.result in ("created", "unchanged", "already processed"), (job_id, info.result)
    finally:
        worker.stop()
        await redis.aclose()

    # Every shop order is exactly one order, with its one line and one customer.
    rows = await world.sql("SELECT external_ref, count(*) AS n FROM sales_order WHERE channel_id = :c "
                           "GROUP BY external_ref", c=channel_id)
    assert sorted(r.external_ref for r in rows) == refs
    assert all(r.n == 1 for r in rows), [r for r in rows if r.n != 1]
    [lines] = await world.sql("SELECT count(*) AS n FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id "
                              "WHERE o.channel_id = :c", c=channel_id)
    assert lines.n == N_ORDERS
    [customers] = await world.sql("SELECT count(*) AS n, count(DISTINCT email) AS emails FROM customer "
                                  "WHERE email LIKE 'client%@example.ro'")
    assert (customers.n, customers.emails) == (N_ORDERS, N_ORDERS)
    # No event lost or failed: each was processed, once, without an error.
    events = await world.sql("SELECT status, attempts, last_error FROM inbox_event WHERE channel_id = :c",
                             c=channel_id)
    assert len(events) == N_ORDERS
    assert {(e.status, e.attempts, e.last_error) for e in events} == {("processed", 1, None)}
    assert await world.sql("SELECT id, error_type, message FROM sync_log") == []


async def _at_least(app: FastAPI, channel_id: int, count: int) -> bool:
    return await handled(app, channel_id) >= count
