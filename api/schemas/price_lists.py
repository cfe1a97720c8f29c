"""Price lists: per-customer prices by SKU."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from api.schemas.common import StrictModel
from api.schemas.masterdata import DbId, Line, reject_null
from api.schemas.products import Price, Sku


class PriceItemIn(StrictModel):
    sku: Sku
    price: Price


class PriceListIn(StrictModel):
    name: Line = Field(min_length=1, max_length=200)
    currency: str = Field(default="RON", pattern="^[A-Z]{3}$")
    prices_include_vat: bool = True
    items: list[PriceItemIn] = Field(default_factory=list, max_length=5000)


class PriceListPatch(StrictModel):
    name: Line | None = Field(default=None, min_length=1, max_length=200)
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    prices_include_vat: bool | None = None

    _not_null = field_validator("name", "currency", "prices_include_vat")(reject_null)


class PriceItemsIn(StrictModel):
    items: list[PriceItemIn] = Field(max_length=5000, description="the complete list; SKUs not named lose their price")


class CustomerIdsIn(StrictModel):
    customer_ids: list[DbId] = Field(min_length=1, max_length=1000)


class PriceListOut(BaseModel):
    id: int
    name: str
    currency: str
    prices_include_vat: bool
    item_count: int
    customer_count: int
    created_at: datetime


class PriceItemOut(BaseModel):
    product_id: int
    sku: str
    name: str
    price: str


class PriceListDetail(PriceListOut):
    items: list[PriceItemOut]


class PriceListPage(BaseModel):
    items: list[PriceListOut]
    next_cursor: str | None


class AssignmentOut(BaseModel):
    price_list_id: int
    customer_ids: list[int]
