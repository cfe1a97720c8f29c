"""The sync log's retry for every kind of entry: an import from its stored payload (adapters/shops/intake.py),
a channel's failed scheduled pull (pull again now), an export (send the status push again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import asyncpg

from adapters.db.channel_sync import PULL_REF
from adapters.db.sync_log import get_entry
from adapters.shops.intake import Retried, retry_entry
from adapters.shops.pull import pull_channel
from adapters.shops.push import retry_export
from domain.intake.model import ImportOutcome


async def retry_sync_entry(pool: asyncpg.Pool, entry_id: int, *, by: str,
                           clock: Callable[[], datetime]) -> Retried:
    entry = await get_entry(pool, entry_id)
    if entry["direction"] == "export":
        outcome, now = await retry_export(pool, entry_id, by=by)
        return Retried(entry_id, outcome, now)
    if entry["external_ref"] == PULL_REF and entry["error_type"] == "remote_error":
        report = await pull_channel(pool, entry["channel_id"], clock=clock)
        if report.result == "failed":
            outcome = ImportOutcome("failed", detail=report.detail, error_type="remote_error", sync_entry_id=entry_id)
        else:
            await pool.execute("UPDATE sync_log SET status = 'resolved', resolved_at = now(), resolved_by = $2 "
                               "WHERE id = $1 AND status <> 'resolved'", entry_id, by[:200])
            outcome = ImportOutcome("updated" if report.result == "pulled" else "ignored",
                                    detail=f"{report.stored} new of {report.fetched} orders read; "
                                           "they are imported by the worker" if report.result == "pulled"
                                    else report.detail)
        return Retried(entry_id, outcome, await get_entry(pool, entry_id))
    return await retry_entry(pool, entry_id, by=by, clock=clock)
