"""The outbox relay: committed events become arq jobs, at least once, without a transaction open over Redis.

Claim a batch (short transaction) -> enqueue each routed job outside any transaction -> mark the enqueued
rows published (short transaction). Rows not enqueued are released with the error for the next run. If the
process dies in between, the claim times out and another run enqueues the rows again under the same job
ids: arq drops a duplicate while the first job is queued or its result is kept, and consumers are
idempotent for the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from adapters.db.outbox import OutboxMessage, SqlOutbox
from adapters.queue.jobs import ArqJobQueue, QueueUnavailableError

log = logging.getLogger("oms.relay")

BATCH_SIZE = 100
CLAIM_TIMEOUT = timedelta(seconds=30)  # far above the few milliseconds a batch takes to enqueue

# event type (or "event type@order source") -> consumer job names; unrouted events are only published
Routes = Mapping[str, Sequence[str]]


def routed_jobs(routes: Routes, message: OutboxMessage) -> tuple[str, ...]:
    """Jobs routed by event type, plus those routed by "event type@order source" (e.g. the status push,
    which only orders imported from a shop need)."""
    source = message.payload.get("source") if isinstance(message.payload, dict) else None
    by_source = routes.get(f"{message.event_type}@{source}", ()) if source else ()
    return (*routes.get(message.event_type, ()), *by_source)


def outbox_job_key(message: OutboxMessage, job: str) -> str:
    """One key per (event, consumer): the same event enqueued twice for one consumer collapses into one job."""
    return f"outbox:{message.id}:{job}"


@dataclass(frozen=True)
class RelayReport:
    claimed: int = 0
    enqueued: int = 0
    duplicates: int = 0
    published: int = 0
    released: int = 0
    error: str | None = None

    def __add__(self, other: RelayReport) -> RelayReport:
        return RelayReport(self.claimed + other.claimed, self.enqueued + other.enqueued,
                           self.duplicates + other.duplicates, self.published + other.published,
                           self.released + other.released, other.error or self.error)


async def relay_batch(outbox: SqlOutbox, queue: ArqJobQueue, routes: Routes, *, batch_size: int = BATCH_SIZE,
                      claim_timeout: timedelta = CLAIM_TIMEOUT) -> RelayReport:
    batch = await outbox.claim(batch_size, claim_timeout)
    if not batch.messages:
        return RelayReport()
    done: list[int] = []
    enqueued = duplicates = 0
    error: str | None = None
    try:
        for message in batch.messages:
            for job in routed_jobs(routes, message):
                if await queue.enqueue(job, key=outbox_job_key(message, job), kwargs=message.job_kwargs()):
                    enqueued += 1
                else:
                    duplicates += 1
            done.append(message.id)
    except QueueUnavailableError as exc:
        # Stop at the first failure: the rest would fail the same way, and stopping keeps id order.
        error = str(exc)
        log.warning("outbox relay: queue unavailable, %d of %d rows left for the next run: %s",
                    len(batch.messages) - len(done), len(batch.messages), error)
    finally:
        published = await outbox.mark_published(done)
        handed_over = set(done)
        rest = [i for i in batch.ids if i not in handed_over]
        released = await outbox.release(rest, batch.claimed_at, error or "relay interrupted") if rest else 0
    return RelayReport(len(batch.messages), enqueued, duplicates, published, released, error)


async def relay_pending(outbox: SqlOutbox, queue: ArqJobQueue, routes: Routes, *, batch_size: int = BATCH_SIZE,
                        max_batches: int = 10, claim_timeout: timedelta = CLAIM_TIMEOUT) -> RelayReport:
    """Drain up to `max_batches` full batches, so a backlog clears faster than one batch per tick."""
    total = RelayReport()
    for _ in range(max_batches):
        report = await relay_batch(outbox, queue, routes, batch_size=batch_size, claim_timeout=claim_timeout)
        total += report
        if report.error or report.claimed < batch_size:
            break
    return total
