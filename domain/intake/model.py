"""What intake works with: a shop order already translated into our terms, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.orders.commands import CreateOrder

ERROR_TYPES = ("missing_sku", "customer_not_created", "payment_not_recognised", "stock_insufficient",
               "remote_error", "other")
DIRECTIONS = ("import", "export")
SYNC_STATUSES = ("open", "resolved", "ignored")


@dataclass(frozen=True)
class ShopCharge:
    """Shipping or a fee as the shop charged it; the amount is gross when the channel's prices include VAT."""

    title: str
    amount: Decimal


@dataclass(frozen=True)
class IncomingOrder:
    """A shop order translated by its shop adapter. `order.payment_method` is still the shop's gateway code and
    `order.lines` hold the product lines only: the channel's settings decide the rest (import_order)."""

    channel_id: int
    external_ref: str
    order: CreateOrder
    modified_at: datetime | None = None
    paid: bool = False
    cancelled: bool = False
    payment_title: str | None = None
    shipping: list[ShopCharge] = field(default_factory=list)
    fees: list[ShopCharge] = field(default_factory=list)
    lines_without_sku: list[str] = field(default_factory=list)  # titles of shop lines that carry no SKU


@dataclass(frozen=True)
class IntakeChannel:
    id: int
    type: str
    active: bool
    payment_methods: dict[str, str] = field(default_factory=dict)
    shipping_sku: str | None = None  # a product that stands for shipping; unset keeps shipping in the notes


@dataclass(frozen=True)
class ExistingOrder:
    id: int
    status: int
    held_from: int | None = None


@dataclass(frozen=True)
class SyncProblem:
    channel_id: int
    external_ref: str
    error_type: str
    message: str
    direction: str = "import"


@dataclass(frozen=True)
class ImportOutcome:
    """created/updated/unchanged: the order is in (order_id); stale/ignored: nothing to do; failed: see the entry."""

    result: str
    order_id: int | None = None
    detail: str | None = None
    error_type: str | None = None
    sync_entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.result in ("created", "updated", "unchanged")
