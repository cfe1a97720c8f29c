"""The sync log's retry, split by where it runs.

- An import entry re-runs the import from its stored payload (adapters/shops/intake.py). That is database work
  only, so the API runs it in the request and answers with the outcome.
- An export entry (a status push that failed for good) and a channel's failed scheduled pull call the shop, which
  may take long (timeouts, 429 Retry-After waits of up to 30 s, several pages). The API only queues those
  (adapters/queue/sync_retry.py) and the worker runs `retry_remote_entry`; its outcome lands on the entry itself
  (resolved, or one more attempt with the new message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import asyncpg

from adapters.db.channel_sync import PULL_REF
from adapters.db.sync_log import get_entry
from adapters.shops.http import DEFAULT_POLICY, RetryPolicy
from adapters.shops.intake import Retried
from adapters.shops.pull import pull_channel
from adapters.shops.push import retry_export
from domain.errors import ConflictError
from domain.intake.model import ImportOutcome


def is_pull_entry(entry: Mapping[str, Any]) -> bool:
    return entry["external_ref"] == PULL_REF and entry["error_type"] == "remote_error"


def runs_in_worker(entry: Mapping[str, Any]) -> bool:
    """True for the entries whose retry talks to a shop: an export's status push, a channel's failed pull."""
    return entry["direction"] == "export" or is_pull_entry(entry)


def check_remote_retry(entry: Mapping[str, Any]) -> None:
    """Refuse at once (before anything is queued) what the worker could not retry either."""
    if entry["direction"] != "export":
        return
    stored = entry.get("payload")
    if not isinstance(stored, dict) or not isinstance(stored.get("order_id"), int):
        raise ConflictError("this export entry has no stored status push to send again")


async def retry_remote_entry(pool: asyncpg.Pool, entry_id: int, *, by: str, clock: Callable[[], datetime],
                             policy: RetryPolicy = DEFAULT_POLICY) -> Retried:
    """Send the export's status push again, or pull the channel again; the worker's side of a queued retry."""
    entry = await get_entry(pool, entry_id)
    if entry["direction"] == "export":
        outcome, now = await retry_export(pool, entry_id, by=by, policy=policy)
        return Retried(entry_id, outcome, now)
    if not is_pull_entry(entry):
        raise ConflictError("only export and scheduled-pull entries are retried by the worker")
    report = await pull_channel(pool, entry["channel_id"], clock=clock, policy=policy)
    if report.result == "failed":
        # pull_channel has already counted the failure on this entry (one remote_error entry per channel).
        outcome = ImportOutcome("failed", detail=report.detail, error_type="remote_error", sync_entry_id=entry_id)
    else:
        await pool.execute("UPDATE sync_log SET status = 'resolved', resolved_at = now(), resolved_by = $2 "
                           "WHERE id = $1 AND status <> 'resolved'", entry_id, by[:200])
        outcome = ImportOutcome("updated" if report.result == "pulled" else "ignored",
                                detail=f"{report.stored} new of {report.fetched} orders read; "
                                       "they are imported by the worker" if report.result == "pulled"
                                else report.detail)
    return Retried(entry_id, outcome, await get_entry(pool, entry_id))
