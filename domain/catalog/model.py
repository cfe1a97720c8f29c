"""Read views of master data the order core needs: channels, products, customers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.orders.approval import ApprovalRule

CHANNEL_TYPES = ("woocommerce", "shopify", "b2b_portal", "sales", "edi", "api", "manual", "pos", "preorder")
INVOICE_MODES = ("on_confirm", "on_dispatch", "manual")


@dataclass(frozen=True)
class ChannelInfo:
    id: int
    name: str
    type: str
    active: bool
    default_warehouse_id: int | None
    approval_rules: tuple[ApprovalRule, ...] = ()
    prices_include_vat: bool = True
    payment_methods: dict[str, str] = field(default_factory=dict)
    auto_delivery_note: bool = False  # confirming makes the delivery note and packing list at once


@dataclass(frozen=True)
class ProductInfo:
    id: int
    sku: str
    name: str
    vat_rate: Decimal
    active: bool


@dataclass(frozen=True)
class NewCustomer:
    email: str | None
    name: str
    phone: str | None
    type: str = "b2c"
    vat_code: str | None = None


@dataclass(frozen=True)
class CustomerPrices:
    """A customer's price list, restricted to the products asked about."""

    price_list_id: int
    currency: str
    prices_include_vat: bool
    prices: dict[int, Decimal]  # product id -> list price
