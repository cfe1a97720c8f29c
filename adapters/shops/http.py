"""HTTP to the shops' APIs: short timeouts, 429 waited out per Retry-After, 5xx and network errors retried with
backoff a bounded number of times. What is still failing after that is a RemoteError the caller decides on
(the push job retries later through arq; the pull records it in the sync log)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from adapters.retry_after import retry_after_seconds

log = logging.getLogger("oms.shops")


class RemoteError(Exception):
    """The shop did not do what was asked. `transient`: worth trying again later (5xx, 429, network)."""

    def __init__(self, message: str, *, transient: bool, http_status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.http_status = http_status


@dataclass(frozen=True)
class RetryPolicy:
    """attempts: tries per request on 5xx / network errors, backing off backoff_s, 2x, 4x...; 429s are waited out
    (Retry-After, capped at max_wait_s) up to max_throttle_waits times per request."""

    attempts: int = 3
    backoff_s: float = 0.5
    max_wait_s: float = 30.0
    max_throttle_waits: int = 5
    timeout_s: float = 10.0
    connect_timeout_s: float = 5.0

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s)


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class PulledOrder:
    """One order a pull read from a shop, in the shape its webhooks carry (what the translator reads)."""

    external_ref: str
    modified_at: datetime
    payload: dict[str, Any]


def retry_after_s(value: str | None, default: float) -> float:
    """Retry-After in seconds, or `default` when the shop sent none."""
    seconds = retry_after_seconds(value)
    return default if seconds is None else seconds


def _brief(resp: httpx.Response) -> str:
    text = resp.text.strip().replace("\n", " ")
    return text[:300]


async def send(client: httpx.AsyncClient, method: str, url: str, *, policy: RetryPolicy = DEFAULT_POLICY,
               **kwargs: Any) -> httpx.Response:
    """One API call with the policy's retries; a 2xx/3xx response or a RemoteError."""
    failures = throttled = 0
    while True:
        try:
            resp = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            failures += 1
            if failures >= policy.attempts:
                raise RemoteError(f"{method} {url}: {type(exc).__name__}: {exc}", transient=True) from exc
            await asyncio.sleep(policy.backoff_s * 2 ** (failures - 1))
            continue
        if resp.status_code == 429:
            throttled += 1
            wait = retry_after_s(resp.headers.get("retry-after"), policy.backoff_s * 2 ** (throttled - 1))
            if throttled > policy.max_throttle_waits or wait > policy.max_wait_s:
                raise RemoteError(f"{method} {url}: 429 Too Many Requests (Retry-After {wait:.0f} s)",
                                  transient=True, http_status=429)
            log.info("shop API throttled (429), waiting %.1f s as Retry-After asks", wait)
            await asyncio.sleep(wait)
            continue
        if resp.status_code >= 500:
            failures += 1
            if failures >= policy.attempts:
                raise RemoteError(f"{method} {url}: HTTP {resp.status_code} after {failures} tries: {_brief(resp)}",
                                  transient=True, http_status=resp.status_code)
            await asyncio.sleep(policy.backoff_s * 2 ** (failures - 1))
            continue
        if resp.status_code >= 400:
            raise RemoteError(f"{method} {url}: HTTP {resp.status_code}: {_brief(resp)}", transient=False,
                              http_status=resp.status_code)
        return resp
