"""Warehouses, stock levels and receipt notes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator, model_validator

from api.schemas.common import DecimalStr, StrictModel
from api.schemas.masterdata import DbId, Line


class WarehouseIn(StrictModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", examples=["MAIN"],
                      description="unique; stored in capitals")
    name: Line = Field(min_length=1, max_length=200)
    is_default: bool = Field(default=False, description="orders of channels without a warehouse go here")

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class WarehouseOut(BaseModel):
    id: int
    code: str
    name: str
    is_default: bool
    created_at: datetime


class WarehousePage(BaseModel):
    items: list[WarehouseOut]
    next_cursor: str | None


class StockOut(BaseModel):
    product_id: int
    sku: str
    product_name: str
    warehouse_id: int
    warehouse_code: str
    on_hand: str
    reserved: str
    quarantine: str
    available: str = Field(description="on_hand - reserved - quarantine")
    updated_at: datetime


class StockPage(BaseModel):
    items: list[StockOut]
    next_cursor: str | None


class ReceiptLineIn(StrictModel):
    """Name the product by `sku` or by `product_id`."""

    sku: Line | None = Field(default=None, min_length=1, max_length=64)
    product_id: DbId | None = None
    quantity: DecimalStr = Field(gt=0, le=1_000_000, decimal_places=3, examples=["12"])
    quarantine: bool = Field(default=False, description="received but not sellable (damaged, to inspect)")

    @model_validator(mode="after")
    def _one_product(self) -> ReceiptLineIn:
        if (self.sku is None) == (self.product_id is None):
            raise ValueError("give either sku or product_id")
        return self


class ReceiptIn(StrictModel):
    warehouse_id: DbId
    reference: Line | None = Field(default=None, max_length=100, description="supplier document, e.g. NIR-0042")
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=500)


class ReceiptLineOut(BaseModel):
    product_id: int
    sku: str
    name: str
    quantity: str
    quarantine: bool


class ReceiptSummary(BaseModel):
    id: int
    warehouse_id: int
    warehouse_code: str
    reference: str | None
    created_by: str
    created_at: datetime
    line_count: int
    total_quantity: str


class ReceiptOut(ReceiptSummary):
    lines: list[ReceiptLineOut]


class ReceiptPage(BaseModel):
    items: list[ReceiptSummary]
    next_cursor: str | None
