"""The sync log (diary_sync) and the webhook acknowledgement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import StrictModel
from api.schemas.masterdata import DbId

ErrorType = Literal["missing_sku", "customer_not_created", "payment_not_recognised", "stock_insufficient",
                    "remote_error", "other"]
SyncStatus = Literal["open", "resolved", "ignored"]
Direction = Literal["import", "export"]


class WebhookAck(BaseModel):
    status: Literal["stored", "duplicate", "ignored", "pong"] = Field(
        description="stored: queued for import; duplicate: this delivery was stored before; ignored: a topic "
                    "we do not import (kept in the inbox); pong: WooCommerce's ping")
    inbox_event_id: int | None = None


class SyncEntryOut(BaseModel):
    id: int
    channel_id: int
    channel_name: str
    direction: Direction
    external_ref: str
    error_type: ErrorType
    message: str
    status: SyncStatus
    attempts: int
    first_seen_at: datetime
    last_seen_at: datetime
    inbox_event_id: int | None
    order_id: int | None = Field(description="the order, once the import succeeded")
    resolved_at: datetime | None
    resolved_by: str | None
    retry_queued_at: datetime | None = Field(
        description="set while a retry of this export or scheduled-pull entry waits for or runs in the worker "
                    "(when it was queued); null otherwise. The entry stays open until the worker's outcome "
                    "resolves it or counts another attempt")


class SyncEntryDetail(SyncEntryOut):
    payload: Any = Field(description="the shop's order JSON as it was received")


class SyncPage(BaseModel):
    items: list[SyncEntryOut]
    next_cursor: str | None


class RetryOut(BaseModel):
    result: Literal["created", "updated", "unchanged", "stale", "ignored", "failed", "queued"] = Field(
        description="created/updated/unchanged: the order is in; failed: see error_type and detail; queued: an "
                    "export or scheduled-pull entry whose retry the worker runs (see entry.retry_queued_at)")
    order_id: int | None
    error_type: ErrorType | None
    detail: str | None
    sync_entry_id: int | None = Field(description="the entry that now holds the failure, when it failed")
    entry: SyncEntryOut


class BulkRetryIn(StrictModel):
    error_type: ErrorType
    channel_id: DbId | None = None


class BulkRetryOut(BaseModel):
    items: list[RetryOut]
    retried: int
    succeeded: int = Field(description="imports that put their order in the queue")
    queued: int = Field(description="export and scheduled-pull retries queued for the worker")
