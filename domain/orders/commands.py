"""Commands: what a caller asks the order use cases to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.orders.model import Address


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal
    name: str | None = None


@dataclass(frozen=True)
class CustomerInput:
    id: int | None = None
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    type: str = "b2c"
    vat_code: str | None = None


@dataclass(frozen=True)
class CreateOrder:
    channel_id: int
    currency: str
    payment_method: str
    customer: CustomerInput
    shipping_address: Address
    lines: list[LineInput]
    external_ref: str | None = None
    billing_address: Address | None = None
    promised_date: date | None = None
    notes: str | None = None
    idempotency_key: str | None = None
    request_hash: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    # Set when the money was already taken elsewhere (a shop's card checkout): the order starts paid.
    paid_reference: str | None = None


@dataclass(frozen=True)
class OrderAction:
    """A status action on one order; expected_version comes from If-Match."""

    order_id: int
    action: str
    expected_version: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ReplaceLines:
    order_id: int
    lines: list[LineInput]
    expected_version: int | None = None
