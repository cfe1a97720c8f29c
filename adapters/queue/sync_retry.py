"""Queued sync log retries: the API puts the retry of an export entry (status push) or of a channel's failed
scheduled pull on the arq queue instead of calling the shop inside the request (adapters/shops/sync_retry.py).

One job per entry at a time, id `<queue>:sync_retry:<entry id>`: a second click while the first retry waits or
runs queues nothing new. Whether an entry is queued is read from arq's own job key (`arq:job:<job id>`), which
lives from the enqueue until the job finishes however it finishes, so there is no second flag to keep in step and
nothing to clean up after a crash. The job keeps no result (keep_result=0 in workers/settings.py) so the next
retry can be queued as soon as one ends; a result arq keeps anyway (a job that ran out of tries) is dropped
before queueing, so it cannot block the operator's next retry for the hour arq would keep it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from arq.connections import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import DeserializationError, deserialize_job
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.queue.jobs import QueueUnavailableError

RETRY_JOB = "retry_sync_remote"  # workers/jobs.py
_ENQUEUE_ATTEMPTS = 3  # a job that finishes between "already queued" and the look-up is queued again


@dataclass(frozen=True)
class QueuedRetry:
    job_id: str
    queued_at: datetime
    already: bool  # a retry of this entry was already waiting or running; nothing new was queued


class SyncRetryQueue:
    """Built per request on the API's Redis connection pool (no connection of its own)."""

    def __init__(self, redis: Redis, queue_name: str, *, timeout_s: float = 2.0) -> None:
        self._redis = ArqRedis(redis.connection_pool, default_queue_name=queue_name)
        self.queue_name = queue_name
        self._timeout_s = timeout_s

    def job_id(self, entry_id: int) -> str:
        return f"{self.queue_name}:sync_retry:{entry_id}"

    async def enqueue(self, entry_id: int, *, by: str) -> QueuedRetry:
        job_id = self.job_id(entry_id)
        try:
            async with asyncio.timeout(self._timeout_s):
                await self._redis.delete(result_key_prefix + job_id)
                for _ in range(_ENQUEUE_ATTEMPTS):
                    job = await self._redis.enqueue_job(RETRY_JOB, _job_id=job_id, _queue_name=self.queue_name,
                                                        entry_id=entry_id, by=by)
                    waiting = (await self._enqueued_at([job_id])).get(job_id)
                    if job is not None:
                        # A fast worker may have finished it already; then "now" is as good a time as any.
                        return QueuedRetry(job_id, waiting or datetime.now(UTC), already=False)
                    if waiting is not None:
                        return QueuedRetry(job_id, waiting, already=True)
        except (RedisError, OSError, TimeoutError) as exc:
            raise QueueUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        raise QueueUnavailableError(f"the retry of sync log entry {entry_id} could not be queued")

    async def queued_at(self, entry_ids: Iterable[int]) -> dict[int, datetime]:
        """When the retry of each of these entries was queued, for those whose job still waits or runs."""
        ids = list(dict.fromkeys(entry_ids))
        if not ids:
            return {}
        try:
            async with asyncio.timeout(self._timeout_s):
                found = await self._enqueued_at([self.job_id(i) for i in ids])
        except (RedisError, OSError, TimeoutError) as exc:
            raise QueueUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        return {i: found[self.job_id(i)] for i in ids if self.job_id(i) in found}

    async def _enqueued_at(self, job_ids: list[str]) -> dict[str, datetime]:
        raw = await self._redis.mget([job_key_prefix + j for j in job_ids])
        out: dict[str, datetime] = {}
        for job_id, data in zip(job_ids, raw, strict=True):
            if data is None:
                continue
            try:
                out[job_id] = deserialize_job(data).enqueue_time.astimezone(UTC)
            except DeserializationError:
                continue  # not a job this code wrote; it is not ours to report
        return out
