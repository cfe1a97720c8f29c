"""/api/omni_sales/sync_log: the guide's diary_sync. Every failed import is one entry per cause; the operator
fixes the cause (creates the product, maps the payment method) and retries from the stored payload."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from adapters.db.sync_log import SyncLogFilter, get_entry, list_entries, open_entry_ids, set_status
from adapters.shops.intake import Retried
from adapters.shops.sync_retry import retry_sync_entry
from api.deps import ContainerDep, StaffOnly, require
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

router = APIRouter(prefix="/api/omni_sales/sync_log", tags=["sync log"])

SyncDesk = Annotated[Actor, Depends(require("operator", "admin"))]
BULK_LIMIT = 100  # a bulk retry runs in the request; more open entries are left for the next call
ACTION = problems(401, 403, 404, 409, 422)


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("payload", "channel_type")}


def _retried(r: Retried) -> dict[str, Any]:
    o = r.outcome
    return {"result": o.result, "order_id": o.order_id, "error_type": o.error_type, "detail": o.detail,
            "sync_entry_id": o.sync_entry_id if not o.ok else r.entry_id, "entry": _entry(r.entry)}


@router.get("", response_model=SyncPage, responses=READ, summary="Sync log entries")
async def list_sync_log(actor: StaffOnly, container: ContainerDep, channel_id: Annotated[DbId | None, Query()] = None,
                        status: SyncStatus | None = None, error_type: ErrorType | None = None,
                        direction: Direction | None = None, cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Newest first, keyset-paginated (pass next_cursor back as cursor)."""
    items, next_cursor = await list_entries(container.pool, SyncLogFilter(channel_id, status, error_type, direction),
                                            cursor, limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.post("/retry", response_model=BulkRetryOut, responses=problems(400, 401, 403, 413, 422),
             summary="Retry every open entry of one error type")
async def bulk_retry(body: BulkRetryIn, actor: SyncDesk, container: ContainerDep) -> Response:
    """Up to 100 open entries of this error type (optionally one channel), oldest first, each run now;
    the answer lists what became of each."""
    results = []
    for entry_id in await open_entry_ids(container.pool, body.error_type, body.channel_id, BULK_LIMIT):
        results.append(_retried(await retry_sync_entry(container.pool, entry_id, by=actor.label,
                                                       clock=container.clock)))
    ok = sum(1 for r in results if r["result"] in ("created", "updated", "unchanged"))
    return JSONResponse({"items": results, "retried": len(results), "succeeded": ok})


@router.get("/{entry_id}", response_model=SyncEntryDetail, responses=problems(401, 403, 404, 422),
            summary="One sync log entry with its payload")
async def get_sync_entry(entry_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    row = await get_entry(container.pool, entry_id)
    return JSONResponse({**_entry(row), "payload": row["payload"]})


@router.post("/{entry_id}/retry", response_model=RetryOut, responses=ACTION, summary="Retry the import")
async def retry(entry_id: PathId, actor: SyncDesk, container: ContainerDep) -> Response:
    """Runs the import again from the stored payload, now. Success resolves the entry (the order exists); the
    same failure counts another attempt with the new message; a different failure resolves this entry and
    opens (or counts) the entry of the new cause, named in sync_entry_id. An export entry sends its status
    push to the shop again; a channel's failed scheduled pull (external_ref "(scheduled pull)") pulls again."""
    return JSONResponse(_retried(await retry_sync_entry(container.pool, entry_id, by=actor.label,
                                                        clock=container.clock)))


@router.post("/{entry_id}/resolve", response_model=SyncEntryOut, responses=ACTION, summary="Mark resolved")
async def resolve(entry_id: PathId, actor: SyncDesk, container: ContainerDep) -> Response:
    """Fixed outside the OMS; the same failure seen again opens the entry again."""
    return JSONResponse(_entry(await set_status(container.pool, entry_id, "resolved", actor.label)))


@router.post("/{entry_id}/ignore", response_model=SyncEntryOut, responses=ACTION, summary="Ignore the entry")
async def ignore(entry_id: PathId, actor: SyncDesk, container: ContainerDep) -> Response:
    """Not worth fixing; a repeated failure still counts attempts but keeps it ignored."""
    return JSONResponse(_entry(await set_status(container.pool, entry_id, "ignored", actor.label)))
