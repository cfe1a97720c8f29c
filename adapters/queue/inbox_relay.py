"""The inbox relay: stored webhooks become normalisation jobs, one arq job id per inbox row.

The webhook endpoint only writes the inbox row, so Redis being down never loses a webhook: rows wait here
until a relay run can enqueue them. Claim (short transaction) -> enqueue outside any transaction -> mark
enqueued; rows not enqueued are released with the error for the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from adapters.db.inbox import SqlInbox
from adapters.queue.jobs import ArqJobQueue, QueueUnavailableError

log = logging.getLogger("oms.inbox_relay")

IMPORT_JOB = "import_inbox_event"
BATCH_SIZE = 100
CLAIM_TIMEOUT = timedelta(seconds=30)


def inbox_job_key(event_id: int) -> str:
    return f"inbox:{event_id}"


@dataclass(frozen=True)
class InboxRelayReport:
    claimed: int = 0
    enqueued: int = 0
    duplicates: int = 0
    released: int = 0
    error: str | None = None


async def relay_inbox_batch(inbox: SqlInbox, queue: ArqJobQueue, *, batch_size: int = BATCH_SIZE,
                            claim_timeout: timedelta = CLAIM_TIMEOUT) -> InboxRelayReport:
    batch = await inbox.claim(batch_size, claim_timeout)
    if not batch.ids:
        return InboxRelayReport()
    done: list[int] = []
    enqueued = duplicates = 0
    error: str | None = None
    try:
        for event_id in batch.ids:
            if await queue.enqueue(IMPORT_JOB, key=inbox_job_key(event_id), kwargs={"inbox_event_id": event_id}):
                enqueued += 1
            else:
                duplicates += 1
            done.append(event_id)
    except QueueUnavailableError as exc:
        error = str(exc)
        log.warning("inbox relay: queue unavailable, %d of %d rows left for the next run: %s",
                    len(batch.ids) - len(done), len(batch.ids), error)
    finally:
        await inbox.mark_enqueued(done)
        handed_over = set(done)
        rest = [i for i in batch.ids if i not in handed_over]
        released = await inbox.release(rest, batch.claimed_at, error or "relay interrupted") if rest else 0
    return InboxRelayReport(len(batch.ids), enqueued, duplicates, released, error)


async def relay_inbox(inbox: SqlInbox, queue: ArqJobQueue, *, batch_size: int = BATCH_SIZE,
                      max_batches: int = 10) -> InboxRelayReport:
    total = InboxRelayReport()
    for _ in range(max_batches):
        r = await relay_inbox_batch(inbox, queue, batch_size=batch_size)
        total = InboxRelayReport(total.claimed + r.claimed, total.enqueued + r.enqueued,
                                 total.duplicates + r.duplicates, total.released + r.released, r.error or total.error)
        if r.error or r.claimed < batch_size:
            break
    return total
