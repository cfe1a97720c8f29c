"""/api/omni_sales/sync_log: the guide's diary_sync. Every failed import is one entry per cause; the operator
fixes the cause (creates the product, maps the payment method) and retries from the stored payload.

An import retry is database work and runs in the request. The retry of an export entry (status push) or of a
channel's failed scheduled pull calls the shop, so it is queued for the worker and answered with 202
(adapters/queue/sync_retry.py); every entry says `retry_queued_at` while such a retry waits or runs."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.exceptions import HTTPException
from starlette.responses import Response

from adapters.db.sync_log import SyncLogFilter, get_entry, list_entries, open_entry_ids, set_status
from adapters.queue.jobs import QueueUnavailableError
from adapters.queue.sync_retry import SyncRetryQueue
from adapters.shops.intake import Retried, retry_entry
from adapters.shops.sync_retry import check_remote_retry, runs_in_worker
from api.deps import Container, ContainerDep, StaffOnly, require
from api.responses import JSONResponse
from api.schemas.masterdata import READ, Cursor, DbId, Limit, PathId, problems
from api.schemas.sync_log import (
    BulkRetryIn,
    BulkRetryOut,
    Direction,
    ErrorType,
    RetryOut,
    SyncEntryDetail,
    SyncEntryOut,
    SyncPage,
    SyncStatus,
)
from domain.actors import Actor
from domain.errors import ConflictError

log = logging.getLogger("oms.sync_log")
router = APIRouter(prefix="/api/omni_sales/sync_log", tags=["sync log"])

SyncDesk = Annotated[Actor, Depends(require("operator", "admin"))]
BULK_LIMIT = 100  # imports run in the request, shop calls are queued; more open entries wait for the next call
ACTION = problems(401, 403, 404, 409, 422)
QUEUED: dict[int | str, dict[str, Any]] = {202: {
    "model": RetryOut,
    "description": "an export or scheduled-pull entry: its retry is queued for the worker (result `queued`, "
                   "`entry.retry_queued_at` set)"}}
RETRY_AFTER_S = "5"


def _entry(row: dict[str, Any], queued_at: datetime | None) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("payload", "channel_type")}
    out["retry_queued_at"] = queued_at
    return out


def _retry_queue(container: Container) -> SyncRetryQueue | None:
    return None if container.redis is None else SyncRetryQueue(container.redis, container.settings.queue_name)


async def _queued_at(container: Container, rows: list[dict[str, Any]]) -> dict[int, datetime]:
    """Which of these entries have a retry waiting or running in the worker. Reading the log must not fail
    because Redis does: then no entry shows as queued (and the warning says why)."""
    remote = [r["id"] for r in rows if runs_in_worker(r)]
    queue = _retry_queue(container)
    if not remote or queue is None:
        return {}
    try:
        return await queue.queued_at(remote)
    except QueueUnavailableError as exc:
        log.warning("sync log: cannot tell which retries are queued: %s", exc)
        return {}


async def _entries(container: Container, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    queued = await _queued_at(container, rows)
    return [_entry(r, queued.get(r["id"])) for r in rows]


def _retried(r: Retried) -> dict[str, Any]:
    o = r.outcome
    return {"result": o.result, "order_id": o.order_id, "error_type": o.error_type, "detail": o.detail,
            "sync_entry_id": o.sync_entry_id if not o.ok else r.entry_id, "entry": _entry(r.entry, None)}


async def _queue_retry(container: Container, entry: dict[str, Any], by: str) -> dict[str, Any]:
    """Queue the retry of an entry that calls a shop. ConflictError: nothing to retry; QueueUnavailableError:
    Redis is not there, nothing was queued."""
    check_remote_retry(entry)
    queue = _retry_queue(container)
    if queue is None:
        raise QueueUnavailableError("no Redis is configured (OMS_REDIS_URL)")
    queued = await queue.enqueue(entry["id"], by=by)
    what = "sends the status push again" if entry["direction"] == "export" else "pulls the channel again"
    detail = (f"a retry queued at {queued.queued_at.isoformat()} is still waiting or running; the worker {what}"
              if queued.already else f"queued: the worker {what}")
    return {"result": "queued", "order_id": entry["order_id"], "error_type": None, "detail": detail,
            "sync_entry_id": entry["id"], "entry": _entry(entry, queued.queued_at)}


@router.get("", response_model=SyncPage, responses=READ, summary="Sync log entries")
async def list_sync_log(actor: StaffOnly, container: ContainerDep, channel_id: Annotated[DbId | None, Query()] = None,
                        status: SyncStatus | None = None, error_type: ErrorType | None = None,
                        direction: Direction | None = None, cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Newest first, keyset-paginated (pass next_cursor back as cursor)."""
    items, next_cursor = await list_entries(container.pool, SyncLogFilter(channel_id, status, error_type, direction),
                                            cursor, limit)
    return JSONResponse({"items": await _entries(container, items), "next_cursor": next_cursor})


@router.post("/retry", response_model=BulkRetryOut, responses=problems(400, 401, 403, 409, 413, 422),
             summary="Retry every open entry of one error type")
async def bulk_retry(body: BulkRetryIn, actor: SyncDesk, container: ContainerDep) -> Response:
    """Up to 100 open entries of this error type (optionally one channel), oldest first. Import entries run now;
    export and scheduled-pull entries are queued for the worker (result `queued`; one whose retry cannot be
    queued is `failed` with the reason). The answer lists what became of each."""
    results = []
    for entry_id in await open_entry_ids(container.pool, body.error_type, body.channel_id, BULK_LIMIT):
        entry = await get_entry(container.pool, entry_id)
        if not runs_in_worker(entry):
            results.append(_retried(await retry_entry(container.pool, entry_id, by=actor.label,
                                                      clock=container.clock)))
            continue
        try:
            results.append(await _queue_retry(container, entry, actor.label))
        except (ConflictError, QueueUnavailableError) as exc:
            detail = exc.detail if isinstance(exc, ConflictError) else f"not queued: the job queue is down ({exc})"
            results.append({"result": "failed", "order_id": entry["order_id"], "error_type": None, "detail": detail,
                            "sync_entry_id": entry_id, "entry": _entry(entry, None)})
    ok = sum(1 for r in results if r["result"] in ("created", "updated", "unchanged"))
    queued = sum(1 for r in results if r["result"] == "queued")
    return JSONResponse({"items": results, "retried": len(results), "succeeded": ok, "queued": queued})


@router.get("/{entry_id}", response_model=SyncEntryDetail, responses=problems(401, 403, 404, 422),
            summary="One sync log entry with its payload")
async def get_sync_entry(entry_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    row = await get_entry(container.pool, entry_id)
    [entry] = await _entries(container, [row])
    return JSONResponse({**entry, "payload": row["payload"]})


@router.post("/{entry_id}/retry", response_model=RetryOut, responses={**ACTION, **QUEUED, **problems(503)},
             summary="Retry the entry")
async def retry(entry_id: PathId, actor: SyncDesk, container: ContainerDep) -> Response:
    """An import entry runs the import again from the stored payload, now (200). Success resolves the entry (the
    order exists); the same failure counts another attempt with the new message; a different failure resolves
    this entry and opens (or counts) the entry of the new cause, named in sync_entry_id.

    An export entry (its status push is sent again) and a channel's failed scheduled pull (external_ref
    "(scheduled pull)", the channel is pulled again) call the shop, so they are queued for the worker: 202 with
    result `queued` and the entry still open with `retry_queued_at` set. The worker's outcome lands on the entry:
    resolved, or one more attempt with the new message. Retrying again while that job waits or runs queues
    nothing new (202, same `retry_queued_at`). 503 when the job queue (Redis) cannot be reached."""
    entry = await get_entry(container.pool, entry_id)
    if not runs_in_worker(entry):
        return JSONResponse(_retried(await retry_entry(container.pool, entry_id, by=actor.label,
                                                       clock=container.clock)))
    try:
        return JSONResponse(await _queue_retry(container, entry, actor.label), status_code=202)
    except QueueUnavailableError as exc:
        raise HTTPException(503, f"the job queue is unavailable, nothing was queued; try again ({exc})",
                            headers={"Retry-After": RETRY_AFTER_S}) from exc


@router.post("/{entry_id}/resolve", response_model=SyncEntryOut, responses=ACTION, summary="Mark resolved")
async def resolve(entry_id: PathId, actor: SyncDesk, container: ContainerDep) -> Response:
    """Fixed outside the OMS; the same failure seen again opens the entry again."""
    [entry] = await _entries(container, [await set_status(container.pool, entry_id, "resolved", actor.label)])
    return JSONResponse(entry)


@router.post("/{entry_id}/ignore", response_model=SyncEntryOut, responses=ACTION, summary="Ignore the entry")
async def ignore(entry_id: PathId, actor: SyncDesk, container: ContainerDep) -> Response:
    """Not worth fixing; a repeated failure still counts attempts but keeps it ignored."""
    [entry] = await _entries(container, [await set_status(container.pool, entry_id, "ignored", actor.label)])
    return JSONResponse(entry)
