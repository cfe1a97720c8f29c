"""Enqueueing arq jobs, with Redis failures turned into one error the relay can act on."""

from __future__ import annotations

import asyncio
from typing import Any

from arq.connections import ArqRedis
from redis.exceptions import RedisError


class QueueUnavailableError(Exception):
    """Redis could not be reached or did not answer in time; nothing is known to be enqueued."""


class ArqJobQueue:
    """arq keeps job and result keys outside the queue's own key, so job ids are prefixed with the queue name:
    two deployments (or test runs) sharing one Redis database then never deduplicate each other's jobs."""

    def __init__(self, redis: ArqRedis, queue_name: str, *, timeout_s: float = 5.0) -> None:
        self._redis = redis
        self.queue_name = queue_name
        self._timeout_s = timeout_s

    def job_id(self, key: str) -> str:
        return f"{self.queue_name}:{key}"

    async def enqueue(self, job: str, *, key: str, kwargs: dict[str, Any]) -> bool:
        """False when a job with this key is still queued or its result is still kept (arq deduplicates)."""
        try:
            async with asyncio.timeout(self._timeout_s):
                queued = await self._redis.enqueue_job(job, _job_id=self.job_id(key), _queue_name=self.queue_name,
                                                       **kwargs)
        except (RedisError, OSError, TimeoutError) as exc:
            raise QueueUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        return queued is not None
