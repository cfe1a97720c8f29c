"""Composition root of the worker process: OMS_* settings -> Redis settings, engine, outbox, queue -> jobs.

Run it with `arq workers.settings.WorkerSettings` (reads OMS_* when imported; `oms run` starts it so) or build
one in-process with `build_worker(settings)`, as the tests do.

The relay is an arq cron job that fires every second, not one long-running job: each tick is a short job
under a short timeout that arq schedules again even after a crash or a restart, the cron job id makes one
tick run once across all workers sharing the queue, and no worker slot is pinned forever. One second is
arq's finest cron granularity; a tick drains up to 1,000 rows, so a backlog does not wait a second per 100.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
from typing import Any, TypeVar

from arq import cron
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.worker import Function, Worker, create_worker, func

from adapters.db.engine import make_engine
from adapters.db.outbox import SqlOutbox
from adapters.db.pg import create_pool
from adapters.queue.connection import redis_settings
from adapters.queue.jobs import ArqJobQueue
from adapters.settings import Settings, get_settings
from workers.fulfilment import fetch_labels, run_awb_batch, track_shipments
from workers.jobs import (
    import_inbox_event,
    notify_customer,
    notify_operator,
    pull_shop_orders,
    push_shop_status,
    relay_inbox_tick,
    relay_outbox,
    retry_sync_remote,
    schedule_pulls,
)
from workers.preorders import RUN_AT_HOUR_UTC, reserve_preorders
from workers.preorders import TIMEOUT_S as PREORDER_TIMEOUT_S

QUIET_TICKS = ("relay_outbox", "relay_inbox", "schedule_pulls", "track_shipments")


class QuietRelayTicks(logging.Filter):
    """The relay ticks every second; arq would log two lines per tick. Keep its failures, drop the routine."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return record.levelno > logging.INFO or not any(tick in message for tick in QUIET_TICKS)


logging.getLogger("arq.worker").addFilter(QuietRelayTicks())

JOB_TIMEOUT_S = 30  # default for any job; consumers are single short writes or calls
NOTIFY_TIMEOUT_S = 10
RELAY_TIMEOUT_S = 20  # well under the relay's 30 s claim timeout, so a stuck tick is cancelled before takeover
MAX_TRIES = 5  # a consumer gets 5 tries, backing off 2, 4, 8, 16 s between them (workers/jobs.py)
# Results are kept for an hour because arq also deduplicates on them: an event re-enqueued within the hour
# (relay crash, claim takeover) is dropped by Redis instead of reaching the idempotent consumer again.
KEEP_RESULT_S = 3600
DB_POOL_SIZE = 10
# arq starts at most max_jobs jobs per poll and then sleeps poll_delay, so a backlog of short jobs drains at no
# more than max_jobs / poll_delay per second: 10 / 0.5 s capped imports at 20 orders/s (docs/benchmarks.md).
# An idle poll is one cheap Redis call, so polling often costs little.
MAX_JOBS = 20
POLL_DELAY_S = 0.05

IMPORT_TIMEOUT_S = 30
# A pull reads pages and may wait for a shop's rate limit; it is not retried (the next interval pulls again).
PULL_TIMEOUT_S = 300
PUSH_TIMEOUT_S = 120  # a few shop calls, each with its own short timeout and bounded retries
PULL_TICK_SECONDS = set(range(0, 60, 5))
# A batch of hundreds of AWBs runs as one job (its progress is in awb_batch); a second delivery resumes it.
AWB_BATCH_TIMEOUT_S = 1800
LABEL_TIMEOUT_S = 120
TRACK_TIMEOUT_S = 120
TRACK_TICK_SECONDS = set(range(0, 60, 5))  # each AWB's next_track_at decides whether a tick asks about it
FUNCTIONS: list[Function] = [func(notify_customer, timeout=NOTIFY_TIMEOUT_S, max_tries=MAX_TRIES),
                             func(import_inbox_event, timeout=IMPORT_TIMEOUT_S, max_tries=MAX_TRIES),
                             func(pull_shop_orders, timeout=PULL_TIMEOUT_S, max_tries=1),
                             func(push_shop_status, timeout=PUSH_TIMEOUT_S, max_tries=MAX_TRIES),
                             func(notify_operator, timeout=NOTIFY_TIMEOUT_S, max_tries=MAX_TRIES),
                             func(run_awb_batch, timeout=AWB_BATCH_TIMEOUT_S, max_tries=3),
                             func(fetch_labels, timeout=LABEL_TIMEOUT_S, max_tries=MAX_TRIES),
                             # An operator's retry (a push, or a whole pull): no result kept, so the entry's next
                             # retry can be queued as soon as this one ends (adapters/queue/sync_retry.py).
                             func(retry_sync_remote, timeout=PULL_TIMEOUT_S, max_tries=MAX_TRIES, keep_result=0)]


def relay_schedule(queue_name: str) -> list[CronJob]:
    # Cron job ids are global in a Redis database; naming the tick after the queue keeps two deployments (or
    # test runs) on one Redis from swallowing each other's ticks.
    return [cron(relay_outbox, name=f"{queue_name}:relay_outbox", second=set(range(60)), run_at_startup=True,
                 unique=True, timeout=RELAY_TIMEOUT_S, max_tries=1),
            cron(relay_inbox_tick, name=f"{queue_name}:relay_inbox", second=set(range(60)), run_at_startup=True,
                 unique=True, timeout=RELAY_TIMEOUT_S, max_tries=1),
            cron(schedule_pulls, name=f"{queue_name}:schedule_pulls", second=PULL_TICK_SECONDS,
                 run_at_startup=True, unique=True, timeout=RELAY_TIMEOUT_S, max_tries=1),
            cron(track_shipments, name=f"{queue_name}:track_shipments", second=TRACK_TICK_SECONDS,
                 run_at_startup=True, unique=True, timeout=TRACK_TIMEOUT_S, max_tries=1),
            cron(reserve_preorders, name=f"{queue_name}:reserve_preorders", hour={RUN_AT_HOUR_UTC}, minute={0},
                 second={0}, unique=True, timeout=PREORDER_TIMEOUT_S, max_tries=1)]


_Job = TypeVar("_Job", Function, CronJob)


def capped(jobs: list[_Job], cap_s: int | None) -> list[_Job]:
    """The jobs with their timeouts cut to `cap_s` (Settings.job_timeout_cap_s); unchanged when it is unset."""
    if not cap_s:
        return jobs
    return [dataclasses.replace(j, timeout_s=min(j.timeout_s or cap_s, cap_s)) for j in jobs]


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    if not settings.database_url:
        raise RuntimeError("OMS_DATABASE_URL is not set (make run sets it for you)")
    engine = make_engine(settings.database_url, pool_size=DB_POOL_SIZE)
    ctx["engine"] = engine
    ctx["pool"] = await create_pool(settings.database_url, size=DB_POOL_SIZE)  # intake runs on the order core
    ctx["outbox"] = SqlOutbox(engine)
    ctx["queue"] = ArqJobQueue(ctx["redis"], ctx["queue_name"])
    # What is alive now (modules, pools, settings) lives as long as the process: keep it out of the cyclic
    # collector's full passes, which cost a batch of AWBs about a tenth of its CPU (as in api/app.py).
    gc.collect()
    gc.freeze()


async def shutdown(ctx: dict[str, Any]) -> None:
    couriers = ctx.pop("couriers", None)
    if couriers is not None:
        await couriers.aclose()
    pool = ctx.pop("pool", None)
    if pool is not None:
        await pool.close()
    engine = ctx.pop("engine", None)
    if engine is not None:
        await engine.dispose()


def worker_settings(settings: Settings | None = None, *, queue_name: str | None = None,
                    relay: bool = True) -> dict[str, Any]:
    """Keyword arguments for arq's Worker. `relay=False` leaves the cron tick out (a burst run never ends
    while a cron job keeps scheduling itself)."""
    settings = settings or get_settings()
    queue = queue_name or settings.queue_name
    return {
        "functions": capped(FUNCTIONS, settings.job_timeout_cap_s),
        "cron_jobs": capped(relay_schedule(queue), settings.job_timeout_cap_s) if relay else [],
        "queue_name": queue,
        "redis_settings": redis_settings(settings.redis_url) if settings.redis_url else RedisSettings(),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "ctx": {"settings": settings, "queue_name": queue},
        "job_timeout": min(JOB_TIMEOUT_S, settings.job_timeout_cap_s or JOB_TIMEOUT_S),
        "max_tries": MAX_TRIES,
        "keep_result": KEEP_RESULT_S,
        "health_check_interval": 30,
        "max_jobs": MAX_JOBS,
        "poll_delay": POLL_DELAY_S,
    }


def build_worker(settings: Settings | None = None, **overrides: Any) -> Worker:
    """E.g. build_worker(settings, handle_signals=False) to run beside uvicorn in one event loop."""
    queue_name = overrides.pop("queue_name", None)
    relay = overrides.pop("relay", True)
    return create_worker(worker_settings(settings, queue_name=queue_name, relay=relay), **overrides)


_defaults = worker_settings()


class WorkerSettings:
    """For the arq CLI, which reads these class attributes; OMS_REDIS_URL unset means localhost:6379."""

    functions = _defaults["functions"]
    cron_jobs = _defaults["cron_jobs"]
    queue_name = _defaults["queue_name"]
    redis_settings = _defaults["redis_settings"]
    on_startup = startup
    on_shutdown = shutdown
    ctx = _defaults["ctx"]
    job_timeout = _defaults["job_timeout"]
    max_tries = MAX_TRIES
    keep_result = KEEP_RESULT_S
    health_check_interval = _defaults["health_check_interval"]
    max_jobs = MAX_JOBS
    poll_delay = POLL_DELAY_S
