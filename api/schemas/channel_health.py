"""The channel health strip: last contact with each shop and its open sync log entries."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class OpenErrorCounts(BaseModel):
    missing_sku: int
    customer_not_created: int
    payment_not_recognised: int
    stock_insufficient: int
    remote_error: int
    other: int


class ChannelHealthOut(BaseModel):
    id: int
    name: str
    type: str
    active: bool
    last_webhook_at: datetime | None = Field(description="newest event a shop webhook delivered")
    last_event_at: datetime | None = Field(description="newest inbox event of any kind, pulled ones included")
    last_pull_at: datetime | None = Field(description="when the scheduled pull last ran")
    last_pull_error: str | None = Field(description="why the last pull failed, when it did")
    open_errors: int = Field(description="open sync log entries")
    open_errors_by_type: OpenErrorCounts


class ChannelHealthPage(BaseModel):
    items: list[ChannelHealthOut]
    next_cursor: str | None = Field(description="always null: every channel is on the one page")
