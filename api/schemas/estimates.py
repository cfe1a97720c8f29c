"""Estimate request and response schemas (Sales -> Estimates)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from api.schemas.common import StrictModel
from api.schemas.orders import AddressIn, AddressOut, CustomerIn, LineIn


class EstimateIn(StrictModel):
    channel_id: int | None = Field(default=None, ge=1, le=2_147_483_647,
                                   description="a channel of type sales; default the first active one")
    customer: CustomerIn
    shipping_address: AddressIn
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    valid_until: date
    currency: str = Field(default="RON", pattern="^[A-Z]{3}$")
    payment_method: str = Field(default="op", min_length=1, max_length=64)
    notes: str | None = Field(default=None, max_length=4000)


class EstimateLineOut(StrictModel):
    sku: str
    name: str | None
    quantity: str
    unit_price: str


class EstimateCustomerOut(StrictModel):
    id: int | None = None
    email: str | None = None
    name: str | None = None


class EstimateOut(StrictModel):
    id: int
    number: str
    status: str = Field(json_schema_extra={"enum": ["open", "converted", "expired"]})
    channel_id: int
    customer: EstimateCustomerOut
    shipping_address: AddressOut
    lines: list[EstimateLineOut]
    total: str
    currency: str
    payment_method: str
    valid_until: date
    notes: str | None
    order_id: int | None
    created_by: str
    created_at: datetime


class EstimatePage(StrictModel):
    items: list[EstimateOut]
    next_cursor: str | None
