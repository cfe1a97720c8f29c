"""Order request and response schemas (DESIGN.md §3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import EmailStr, Field

from api.schemas.common import DecimalStr, LooseModel, StrictModel

Text200 = str


class AddressIn(LooseModel):
    name: str = Field(min_length=1, max_length=200)
    street: str = Field(min_length=1, max_length=300)
    city: str = Field(min_length=1, max_length=100)
    county: str = Field(default="", max_length=100)
    postcode: str = Field(default="", max_length=20)
    country: str = Field(default="RO", min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")
    phone: str | None = Field(default=None, max_length=40)
    company: str | None = Field(default=None, max_length=300)


class CustomerIn(LooseModel):
    id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    email: EmailStr | None = None
    name: str | None = Field(default=None, min_length=1, max_length=300)
    phone: str | None = Field(default=None, max_length=40)
    type: Literal["b2c", "b2b"] = "b2c"
    vat_code: str | None = Field(default=None, max_length=32)


class LineIn(LooseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: DecimalStr = Field(gt=0, le=1_000_000, decimal_places=3)  # stored as numeric(14, 3)
    unit_price: DecimalStr = Field(ge=0, le=100_000_000)
    name: str | None = Field(default=None, max_length=300)


class OrderIn(LooseModel):
    channel_id: int = Field(ge=1, le=2_147_483_647)
    external_ref: str | None = Field(default=None, min_length=1, max_length=100)
    currency: str = Field(default="RON", pattern="^[A-Z]{3}$")
    payment_method: str = Field(min_length=1, max_length=64)
    customer: CustomerIn
    shipping_address: AddressIn
    billing_address: AddressIn | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    promised_date: date | None = None
    notes: str | None = Field(default=None, max_length=4000)


class LinesIn(StrictModel):
    lines: list[LineIn] = Field(min_length=1, max_length=500)


class ReasonIn(StrictModel):
    reason: str | None = Field(default=None, max_length=1000)


class AddressOut(LooseModel):
    name: str
    street: str
    city: str
    county: str
    postcode: str
    country: str
    phone: str | None = None
    company: str | None = None


class LineOut(LooseModel):
    line_no: int
    product_id: int
    sku: str
    name: str
    quantity: str
    unit_price: str
    vat_rate: str
    net: str
    vat: str
    gross: str
    list_price: str | None = Field(default=None, description="B2B portal: the customer's price-list price")
    price_mismatch: bool = Field(default=False, description="B2B portal: the line differs from the price list "
                                                            "(or its product is not on it)")


class CashReceiptOut(LooseModel):
    """The receipt of a POS sale, issued when the order was paid at the counter."""

    id: int
    number: str
    amount: str
    currency: str
    method: str
    created_at: datetime


class VatBreakdown(LooseModel):
    rate: str
    vat: str


class TotalsOut(LooseModel):
    net: str
    vat: str
    gross: str
    currency: str
    vat_breakdown: list[VatBreakdown]


class HistoryOut(LooseModel):
    action: str
    from_status: int | None
    from_status_label: str | None
    to_status: int
    to_status_label: str
    actor: str
    reason: str | None
    at: datetime


class CustomerOut(LooseModel):
    id: int
    name: str
    email: str | None
    type: str


class ApprovalOut(LooseModel):
    rule: str | None
    required_role: str | None


class OrderOut(LooseModel):
    id: int
    number: str
    status: int
    status_label: str
    approve_status: int | None
    approve_status_label: str
    approval: ApprovalOut
    held_from: int | None
    held_from_label: str | None
    channel_id: int
    source: str
    external_ref: str | None
    currency: str
    payment_method: str
    customer: CustomerOut
    shipping_address: AddressOut
    billing_address: AddressOut | None
    warehouse_id: int
    promised_date: date | None
    notes: str | None
    lines: list[LineOut]
    totals: TotalsOut
    reserved: bool
    price_mismatch: bool = Field(default=False, description="some line differs from the customer's price list")
    cash_receipt: CashReceiptOut | None = None
    preorder_flagged_at: datetime | None = Field(
        default=None, description="pre-order: when the daily run last found its stock short")
    version: int
    created_at: datetime
    updated_at: datetime
    history: list[HistoryOut]
    allowed_actions: list[str]


class OrderSummary(LooseModel):
    id: int
    number: str
    status: int
    status_label: str
    approve_status: int | None
    approve_status_label: str
    held_from: int | None
    channel_id: int
    source: str
    external_ref: str | None
    customer_id: int
    customer_name: str
    customer_email: str | None
    currency: str
    total_gross: str
    promised_date: date | None
    created_at: datetime
    updated_at: datetime


class StatusCount(LooseModel):
    status: int
    status_label: str
    count: int


class OrderPage(LooseModel):
    items: list[OrderSummary]
    next_cursor: str | None
    counts: list[StatusCount] | None = None


class CountsOut(LooseModel):
    counts: list[StatusCount]
    total: int
